package mysql

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/schemas"
	"github.com/shopspring/decimal"
)

// typeModes are the value handling modes of §3.1.
type typeModes struct {
	decimal        string // precise | double | string
	timePrecision  string // adaptive_time_microseconds | connect
	bigintUnsigned string // long | precise
	binary         string // bytes | base64 | base64-url-safe | hex
}

// mapper implements cdc.ColumnMapper for MySQL and MariaDB.
type mapper struct{ m typeModes }

func baseType(c *cdc.Column) (name string, unsigned bool) {
	n := strings.ToUpper(c.TypeName)
	unsigned = strings.Contains(n, " UNSIGNED")
	if i := strings.IndexByte(n, ' '); i > 0 {
		n = n[:i]
	}
	return n, unsigned
}

func length(c *cdc.Column, def int32) int32 {
	if c.Length != nil {
		return *c.Length
	}
	return def
}

// MapColumn implements cdc.ColumnMapper.
func (mp mapper) MapColumn(_ *cdc.Table, c *cdc.Column) (*schemas.Schema, cdc.ValueConverter, error) {
	b, conv, err := mp.mapType(c)
	if err != nil {
		return nil, nil, err
	}
	if c.Optional {
		b.Optional()
	}
	conv = zeroDates(conv, c.Optional)
	s, err := b.Build()
	if err != nil {
		return nil, nil, err
	}
	if c.HasDefault && c.DefaultExpr != nil {
		if dv, ok := mp.defaultValue(c, conv); ok {
			if s2, err := rebuildWithDefault(b, dv); err == nil {
				s = s2
			}
		}
	}
	return s, conv, nil
}

// zeroDates turns a zero-date marker into null (nullable columns) or the epoch.
func zeroDates(conv cdc.ValueConverter, optional bool) cdc.ValueConverter {
	return func(v any) (any, error) {
		out, err := conv(v)
		if z, ok := out.(zeroDate); ok {
			if optional {
				return nil, nil
			}
			return z.epoch, nil
		}
		return out, err
	}
}

func rebuildWithDefault(b *schemas.Builder, v any) (*schemas.Schema, error) {
	return b.Default(v).Build()
}

func (mp mapper) defaultValue(c *cdc.Column, conv cdc.ValueConverter) (any, bool) {
	expr := *c.DefaultExpr
	name, _ := baseType(c)
	if strings.EqualFold(expr, "CURRENT_TIMESTAMP") || strings.HasPrefix(strings.ToUpper(expr), "CURRENT_TIMESTAMP") {
		if name == "TIMESTAMP" {
			if c.Optional {
				return nil, false
			}
			expr = "1970-01-01 00:00:00"
		} else {
			return nil, false
		}
	}
	if strings.EqualFold(expr, "NULL") {
		return nil, false
	}
	v, err := conv(expr)
	if err != nil || v == nil {
		return nil, false
	}
	return v, true
}

func (mp mapper) mapType(c *cdc.Column) (*schemas.Builder, cdc.ValueConverter, error) {
	name, unsigned := baseType(c)
	switch name {
	case "BOOLEAN", "BOOL":
		return schemas.NewBuilder(schemas.Boolean), toBool, nil
	case "BIT":
		n := length(c, 1)
		if n <= 1 {
			return schemas.NewBuilder(schemas.Boolean), toBool, nil
		}
		return cdc.BitsSchema(int(n)), toBits(int(n)), nil
	case "TINYINT":
		if unsigned {
			return schemas.NewBuilder(schemas.Int16), toInt(16), nil
		}
		return schemas.NewBuilder(schemas.Int8), toInt(8), nil
	case "SMALLINT":
		if unsigned {
			return schemas.NewBuilder(schemas.Int32), toInt(32), nil
		}
		return schemas.NewBuilder(schemas.Int16), toInt(16), nil
	case "MEDIUMINT":
		return schemas.NewBuilder(schemas.Int32), toInt(32), nil
	case "INT", "INTEGER":
		if unsigned {
			return schemas.NewBuilder(schemas.Int64), toInt(64), nil
		}
		return schemas.NewBuilder(schemas.Int32), toInt(32), nil
	case "BIGINT", "SERIAL":
		if unsigned && mp.m.bigintUnsigned == "precise" {
			return cdc.DecimalSchema(20, 0), toDecimal(0), nil
		}
		return schemas.NewBuilder(schemas.Int64), toInt(64), nil
	case "REAL":
		return schemas.NewBuilder(schemas.Float32), toFloat(32), nil
	case "FLOAT":
		if c.Scale != nil || length(c, 0) > 24 {
			return schemas.NewBuilder(schemas.Float64), toFloat(64), nil
		}
		return schemas.NewBuilder(schemas.Float32), toFloat(32), nil
	case "DOUBLE":
		return schemas.NewBuilder(schemas.Float64), toFloat(64), nil
	case "DECIMAL", "NUMERIC", "DEC", "FIXED":
		scale := int32(0)
		if c.Scale != nil {
			scale = *c.Scale
		}
		switch mp.m.decimal {
		case "double":
			return schemas.NewBuilder(schemas.Float64), toFloat(64), nil
		case "string":
			return schemas.NewBuilder(schemas.String), decimalString, nil
		}
		return cdc.DecimalSchema(int(length(c, 10)), int(scale)), toDecimal(scale), nil
	case "CHAR", "VARCHAR", "TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT", "NCHAR", "NVARCHAR":
		return schemas.NewBuilder(schemas.String), toString, nil
	case "ENUM":
		return cdc.EnumSchema(strings.Join(c.EnumValues, ","), false), toEnum(c.EnumValues), nil
	case "SET":
		return cdc.EnumSchema(strings.Join(c.EnumValues, ","), true), toSet(c.EnumValues), nil
	case "JSON":
		return cdc.Semantic(schemas.String, cdc.JSONName), toJSONText, nil
	case "BINARY", "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB":
		return mp.binarySchema(), mp.toBinary(), nil
	case "YEAR":
		return cdc.Semantic(schemas.Int32, cdc.YearName), toYear, nil
	case "DATE":
		if mp.m.timePrecision == "connect" {
			return schemas.DateSchema(), toConnectDate, nil
		}
		return cdc.Semantic(schemas.Int32, cdc.DateName), toDays, nil
	case "TIME":
		if mp.m.timePrecision == "connect" {
			return schemas.TimeSchema(), toConnectTime, nil
		}
		return cdc.Semantic(schemas.Int64, cdc.MicroTimeName), toMicroTime, nil
	case "DATETIME":
		p := length(c, 0)
		switch {
		case mp.m.timePrecision == "connect":
			return schemas.TimestampSchema(), toConnectTimestamp, nil
		case p <= 3:
			return cdc.Semantic(schemas.Int64, cdc.TimestampName), toEpoch(time.Millisecond), nil
		}
		return cdc.Semantic(schemas.Int64, cdc.MicroTimestampName), toEpoch(time.Microsecond), nil
	case "TIMESTAMP":
		return cdc.Semantic(schemas.String, cdc.ZonedTimestampName), toZoned(int(length(c, 0))), nil
	case "GEOMETRY", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION", "GEOMCOLLECTION":
		return cdc.GeometrySchema(), toGeometry, nil
	case "POINT":
		return cdc.PointSchema(), toPoint, nil
	}
	return nil, nil, fmt.Errorf("unsupported column type %s", c.TypeName)
}

func (mp mapper) binarySchema() *schemas.Builder {
	if mp.m.binary == "" || mp.m.binary == "bytes" {
		return schemas.NewBuilder(schemas.Bytes)
	}
	return schemas.NewBuilder(schemas.String)
}

func (mp mapper) toBinary() cdc.ValueConverter {
	return func(v any) (any, error) {
		b, err := asBytes(v)
		if err != nil {
			return nil, err
		}
		switch mp.m.binary {
		case "base64":
			return base64.StdEncoding.EncodeToString(b), nil
		case "base64-url-safe":
			return base64.URLEncoding.EncodeToString(b), nil
		case "hex":
			return hex.EncodeToString(b), nil
		}
		return b, nil
	}
}

func asBytes(v any) ([]byte, error) {
	switch x := v.(type) {
	case []byte:
		return append([]byte(nil), x...), nil
	case string:
		return []byte(x), nil
	}
	return nil, fmt.Errorf("unexpected %T for a binary column", v)
}

func asString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case []byte:
		return string(x), true
	}
	return "", false
}

func toString(v any) (any, error) {
	if _, ok := v.(string); ok {
		return v, nil // already boxed: no new allocation
	}
	if s, ok := asString(v); ok {
		return s, nil
	}
	return fmt.Sprint(v), nil
}

func asInt64(v any) (int64, error) {
	switch x := v.(type) {
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint64:
		return int64(x), nil // BIGINT UNSIGNED long mode wraps, as Debezium
	case uint:
		return int64(x), nil
	case float64:
		return int64(x), nil
	}
	if s, ok := asString(v); ok {
		s = strings.TrimSpace(s)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, nil
		}
		if u, err := strconv.ParseUint(s, 10, 64); err == nil {
			return int64(u), nil
		}
		return 0, fmt.Errorf("%q is not an integer", s)
	}
	return 0, fmt.Errorf("unexpected %T for an integer column", v)
}

func toInt(bits int) cdc.ValueConverter {
	return func(v any) (any, error) {
		switch v.(type) { // the binlog's type already is the Connect type: keep its box
		case int8:
			if bits == 8 {
				return v, nil
			}
		case int16:
			if bits == 16 {
				return v, nil
			}
		case int32:
			if bits == 32 {
				return v, nil
			}
		case int64:
			if bits == 64 {
				return v, nil
			}
		}
		n, err := asInt64(v)
		if err != nil {
			return nil, err
		}
		switch bits {
		case 8:
			return int8(n), nil
		case 16:
			return int16(n), nil
		case 32:
			return int32(n), nil
		}
		return n, nil
	}
}

func toBool(v any) (any, error) {
	if s, ok := asString(v); ok && len(s) == 1 && (s[0] == 0 || s[0] == 1) {
		return s[0] == 1, nil // BIT(1) in the text protocol is one raw byte
	}
	n, err := asInt64(v)
	if err != nil {
		return nil, err
	}
	return n != 0, nil
}

// toBits renders BIT(n) as Debezium does: little-endian bytes, (n+7)/8 of them.
func toBits(n int) cdc.ValueConverter {
	size := (n + 7) / 8
	return func(v any) (any, error) {
		var u uint64
		switch x := v.(type) {
		case []byte: // text protocol: big-endian raw bytes
			for _, c := range x {
				u = u<<8 | uint64(c)
			}
		default:
			i, err := asInt64(v)
			if err != nil {
				return nil, err
			}
			u = uint64(i)
		}
		out := make([]byte, 8)
		binary.LittleEndian.PutUint64(out, u)
		return out[:size], nil
	}
}

func toFloat(bits int) cdc.ValueConverter {
	return func(v any) (any, error) {
		var f float64
		switch x := v.(type) {
		case float32:
			f = float64(x)
			if bits == 32 {
				return v, nil
			}
		case float64:
			f = x
			if bits == 64 {
				return v, nil
			}
		case decimal.Decimal:
			f, _ = x.Float64()
		default:
			if s, ok := asString(v); ok {
				var err error
				if f, err = strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
					return nil, fmt.Errorf("%q is not a number", s)
				}
			} else if n, err := asInt64(v); err == nil {
				f = float64(n)
			} else {
				return nil, fmt.Errorf("unexpected %T for a floating-point column", v)
			}
		}
		if bits == 32 {
			return float32(f), nil
		}
		return f, nil
	}
}

func decimalText(v any) (string, error) {
	switch x := v.(type) {
	case decimal.Decimal:
		return x.String(), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	}
	if s, ok := asString(v); ok {
		return strings.TrimSpace(s), nil
	}
	if n, err := asInt64(v); err == nil {
		return strconv.FormatInt(n, 10), nil
	}
	return "", fmt.Errorf("unexpected %T for a decimal column", v)
}

func toDecimal(scale int32) cdc.ValueConverter { return unboxed(decimalBoxing(scale)) }

// decimalBoxing is toDecimal boxing its decimals with b.
func decimalBoxing(scale int32) cdc.BoxingConverter {
	return func(v any, b *cdc.Boxes) (any, error) {
		d, err := decimalOf(v, b)
		if err == nil {
			d, err = d.Rescale(scale)
		}
		if err != nil {
			return nil, err
		}
		return b.Decimal(d), nil
	}
}

// decimalOf is a DECIMAL value as go-mysql hands it (binlog or snapshot text); the
// unscaled value of snapshot text is cut from b's slab (nil b: allocated).
func decimalOf(v any, b *cdc.Boxes) (schemas.Decimal, error) {
	if d, ok := v.(decimal.Decimal); ok { // binlog: no text round trip
		return binlogDecimal(d), nil
	}
	switch x := v.(type) { // snapshot text: most values fit an int64
	case string:
		if d, ok := smallDecimalIn(x, b); ok {
			return d, nil
		}
	case []byte:
		if d, ok := smallDecimalIn(x, b); ok {
			return d, nil
		}
	}
	s, err := decimalText(v)
	if err != nil {
		return schemas.Decimal{}, err
	}
	return schemas.ParseDecimal(s)
}

// smallDecimal parses plain decimal text ([-]digits[.digits], at most 18 digits, as
// MySQL's text protocol writes DECIMAL) without big.Int's string scanner; anything
// else reports false and goes the general way.
func smallDecimal[T string | []byte](b T) (schemas.Decimal, bool) { return smallDecimalIn(b, nil) }

// smallDecimalIn is smallDecimal with the unscaled value cut from boxes' slab.
func smallDecimalIn[T string | []byte](b T, boxes *cdc.Boxes) (schemas.Decimal, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	var u int64
	digits, scale, dot := 0, int32(0), false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			u = u*10 + int64(c-'0')
			digits++
			if dot {
				scale++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return schemas.Decimal{}, false
		}
	}
	if digits == 0 || digits > 18 {
		return schemas.Decimal{}, false
	}
	if neg {
		u = -u
	}
	return schemas.Decimal{Unscaled: boxes.BigInt(u), Scale: scale}, true
}

func decimalString(v any) (any, error) {
	s, err := decimalText(v)
	if err != nil {
		return nil, err
	}
	d, err := schemas.ParseDecimal(s)
	if err != nil {
		return nil, err
	}
	return d.String(), nil
}

func toEnum(values []string) cdc.ValueConverter {
	return func(v any) (any, error) {
		if s, ok := asString(v); ok {
			return s, nil
		}
		i, err := asInt64(v)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			return "", nil
		}
		if i < 0 || int(i) > len(values) {
			return nil, fmt.Errorf("enum index %d outside 1..%d", i, len(values))
		}
		return values[i-1], nil
	}
}

func toSet(values []string) cdc.ValueConverter {
	return func(v any) (any, error) {
		if s, ok := asString(v); ok {
			return s, nil
		}
		m, err := asInt64(v)
		if err != nil {
			return nil, err
		}
		var out []string
		for i, val := range values {
			if m&(1<<uint(i)) != 0 {
				out = append(out, val)
			}
		}
		return strings.Join(out, ","), nil
	}
}

func toYear(v any) (any, error) {
	if t, ok := v.(time.Time); ok {
		return int32(t.Year()), nil
	}
	n, err := asInt64(v)
	if err != nil {
		return nil, err
	}
	return int32(n), nil
}

// geometry values are MySQL's internal form: 4-byte little-endian SRID, then WKB.
func splitGeometry(v any) (srid int32, wkb []byte, err error) {
	b, err := asBytes(v)
	if err != nil {
		return 0, nil, err
	}
	if len(b) < 4 {
		return 0, nil, fmt.Errorf("geometry value of %d bytes is too short", len(b))
	}
	return int32(binary.LittleEndian.Uint32(b)), b[4:], nil
}

var (
	geometrySchema = cdc.GeometrySchema().Schema()
	pointSchema    = cdc.PointSchema().Schema()
)

func toGeometry(v any) (any, error) {
	srid, wkb, err := splitGeometry(v)
	if err != nil {
		return nil, err
	}
	st := schemas.NewStruct(geometrySchema).Set("wkb", wkb)
	if srid != 0 {
		st.Set("srid", srid)
	}
	return st, nil
}

func toPoint(v any) (any, error) {
	srid, wkb, err := splitGeometry(v)
	if err != nil {
		return nil, err
	}
	if len(wkb) < 21 {
		return nil, fmt.Errorf("point WKB of %d bytes is too short", len(wkb))
	}
	var order binary.ByteOrder = binary.LittleEndian
	if wkb[0] == 0 {
		order = binary.BigEndian
	}
	x := math.Float64frombits(order.Uint64(wkb[5:13]))
	y := math.Float64frombits(order.Uint64(wkb[13:21]))
	st := schemas.NewStruct(pointSchema).Set("x", x).Set("y", y).Set("wkb", wkb)
	if srid != 0 {
		st.Set("srid", srid)
	}
	return st, nil
}
