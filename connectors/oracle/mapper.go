package oracle

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/oracle/sqlredo"
	"github.com/gonnect/gonnect/schemas"
)

// Modes are the value-handling keys that change Connect schemas (spec §1.3, §3.2).
type Modes struct {
	Decimal     string // decimal.handling.mode: precise (default), double, string
	Time        string // time.precision.mode: adaptive (default), adaptive_time_microseconds, connect, isostring, microseconds, nanoseconds
	Interval    string // interval.handling.mode: numeric (default), string
	Binary      string // binary.handling.mode: bytes (default), base64, base64-url-safe, hex
	LOBEnabled  bool   // lob.enabled
	Placeholder string // unavailable.value.placeholder
}

// DefaultModes returns Debezium's defaults.
func DefaultModes() Modes {
	return Modes{Decimal: "precise", Time: "adaptive", Interval: "numeric", Binary: "bytes", Placeholder: "__debezium_unavailable_value"}
}

// Validate checks every mode against its allowed values, naming the key.
func (m Modes) Validate() error {
	check := func(key, v string, allowed ...string) error {
		for _, a := range allowed {
			if strings.EqualFold(v, a) {
				return nil
			}
		}
		return fmt.Errorf("%s: %q is not one of %s", key, v, strings.Join(allowed, ", "))
	}
	if err := check("decimal.handling.mode", m.Decimal, "precise", "double", "string"); err != nil {
		return err
	}
	if err := check("time.precision.mode", m.Time, "adaptive", "adaptive_time_microseconds", "connect", "isostring", "microseconds", "nanoseconds"); err != nil {
		return err
	}
	if err := check("interval.handling.mode", m.Interval, "numeric", "string"); err != nil {
		return err
	}
	return check("binary.handling.mode", m.Binary, "bytes", "base64", "base64-url-safe", "hex")
}

// unavailable marks a LOB value LogMiner did not log; it converts to the placeholder.
type unavailable struct{}

// Unavailable is the row value of a LOB column whose value is unknown.
var Unavailable any = unavailable{}

// VariableScaleDecimalSchema builds Debezium's io.debezium.data.VariableScaleDecimal.
func VariableScaleDecimalSchema(optional bool) *schemas.Schema {
	b := schemas.StructBuilder().Name(cdc.VariableScaleDecimalName).Version(1).Doc("Variable scaled decimal").
		Field("scale", schemas.Int32Schema).Field("value", schemas.BytesSchema)
	if optional {
		b.Optional()
	}
	return b.Schema()
}

// Mapper is the Oracle cdc.ColumnMapper: Debezium's OracleValueConverters type table
// under the configured modes. It is immutable and safe for concurrent use.
type Mapper struct{ Modes Modes }

// MapColumn implements cdc.ColumnMapper.
func (m Mapper) MapColumn(_ *cdc.Table, c *cdc.Column) (*schemas.Schema, cdc.ValueConverter, error) {
	ct := columnType(c)
	opt := func(b *schemas.Builder) *schemas.Schema {
		if c.Optional {
			b.Optional()
		}
		return b.Schema()
	}
	prim := func(t schemas.Type) *schemas.Schema { return schemas.PrimitiveSchema(t, c.Optional) }
	switch ct.Name {
	case "CHAR", "NCHAR", "VARCHAR2", "VARCHAR", "NVARCHAR2", "ROWID", "LONG":
		return prim(schemas.String), m.stringConv(c, false), nil
	case "CLOB", "NCLOB":
		return prim(schemas.String), m.stringConv(c, true), nil
	case "XMLTYPE":
		return opt(cdc.Semantic(schemas.String, cdc.XMLName)), m.stringConv(c, true), nil
	case "RAW", "BLOB", "LONG RAW":
		return m.binarySchema(c.Optional), m.binaryConv(c, ct.Name == "BLOB"), nil
	case "NUMBER":
		return m.number(c, ct)
	case "FLOAT", "REAL", "DOUBLE PRECISION":
		return m.variableDecimal(c)
	case "BINARY_FLOAT":
		return prim(schemas.Float32), floatConv(c, 32), nil
	case "BINARY_DOUBLE":
		return prim(schemas.Float64), floatConv(c, 64), nil
	case "DATE":
		return m.timestamp(c, 0, true)
	case "TIMESTAMP":
		return m.timestamp(c, int(deref(ct.Precision, 6)), false)
	case "TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITH LOCAL TIME ZONE":
		local := ct.Name == "TIMESTAMP WITH LOCAL TIME ZONE"
		return opt(cdc.Semantic(schemas.String, cdc.ZonedTimestampName)), zonedConv(c, int(deref(ct.Precision, 6)), local), nil
	case "INTERVAL YEAR TO MONTH", "INTERVAL DAY TO SECOND":
		ym := ct.Name == "INTERVAL YEAR TO MONTH"
		if strings.EqualFold(m.Modes.Interval, "string") {
			return opt(cdc.Semantic(schemas.String, cdc.IntervalName)), intervalConv(c, ym, true), nil
		}
		return opt(cdc.Semantic(schemas.Int64, cdc.MicroDurationName)), intervalConv(c, ym, false), nil
	}
	// Types LogMiner cannot render (SDO_GEOMETRY, objects, ...) print as the bare
	// token Unsupported Type; the column stays in the schema with null values.
	return prim(schemas.String), m.stringConv(c, false), nil
}

func deref(p *int32, def int32) int32 {
	if p == nil {
		return def
	}
	return *p
}

func (m Mapper) binarySchema(optional bool) *schemas.Schema {
	if strings.EqualFold(m.Modes.Binary, "bytes") || m.Modes.Binary == "" {
		return schemas.PrimitiveSchema(schemas.Bytes, optional)
	}
	return schemas.PrimitiveSchema(schemas.String, optional)
}

// number maps NUMBER(p,s) per M-NUMBER: integers by width when s ≤ 0, Decimal
// otherwise, VariableScaleDecimal without a precision.
func (m Mapper) number(c *cdc.Column, ct ColumnType) (*schemas.Schema, cdc.ValueConverter, error) {
	if ct.Precision == nil || ct.Scale == nil {
		return m.variableDecimal(c) // Debezium decides on the presence of a scale
	}
	p, s := *ct.Precision, deref(ct.Scale, 0)
	if s <= 0 {
		var t schemas.Type
		switch w := p - s; {
		case w < 3:
			t = schemas.Int8
		case w < 5:
			t = schemas.Int16
		case w < 10:
			t = schemas.Int32
		case w < 19:
			t = schemas.Int64
		}
		if t != 0 {
			return schemas.PrimitiveSchema(t, c.Optional), intConv(c, t), nil
		}
	}
	switch strings.ToLower(m.Modes.Decimal) {
	case "double":
		return schemas.PrimitiveSchema(schemas.Float64, c.Optional), decimalAsDouble(c), nil
	case "string":
		return schemas.PrimitiveSchema(schemas.String, c.Optional), decimalAsString(c), nil
	}
	b := cdc.DecimalSchema(int(p), int(s))
	if c.Optional {
		b.Optional()
	}
	return b.Schema(), decimalConv(c, s), nil
}

func (m Mapper) variableDecimal(c *cdc.Column) (*schemas.Schema, cdc.ValueConverter, error) {
	switch strings.ToLower(m.Modes.Decimal) {
	case "double":
		return schemas.PrimitiveSchema(schemas.Float64, c.Optional), decimalAsDouble(c), nil
	case "string":
		return schemas.PrimitiveSchema(schemas.String, c.Optional), decimalAsString(c), nil
	}
	s := VariableScaleDecimalSchema(c.Optional)
	return s, variableDecimalConv(c, s), nil
}

// stringConv converts character values; CHAR padding is kept (F-CHARPAD). LOB
// columns carry no value unless lob.enabled (Debezium: "the columns contain no
// values"), and the placeholder when LogMiner did not log the value.
func (m Mapper) stringConv(c *cdc.Column, lob bool) cdc.ValueConverter {
	return func(v any) (any, error) {
		if lob && !m.Modes.LOBEnabled {
			if !c.Optional {
				return m.Modes.Placeholder, nil // a NOT NULL LOB cannot be null
			}
			return nil, nil
		}
		if _, ok := v.(unavailable); ok {
			return m.Modes.Placeholder, nil
		}
		rv, err := redoValue(v)
		if err != nil {
			return nil, err
		}
		switch rv.Kind {
		case sqlredo.String:
			return rv.Text, nil
		case sqlredo.Unsupported, sqlredo.Null:
			return nil, nil
		case sqlredo.EmptyCLOB:
			if c.Optional {
				return nil, nil // F-EMPTYLOB
			}
			return "", nil
		}
		return nil, fmt.Errorf("%s value for a %s column", rv.Kind, c.TypeName)
	}
}

func (m Mapper) binaryConv(c *cdc.Column, lob bool) cdc.ValueConverter {
	enc := func(b []byte) any {
		switch strings.ToLower(m.Modes.Binary) {
		case "base64":
			return base64.StdEncoding.EncodeToString(b)
		case "base64-url-safe":
			return base64.URLEncoding.EncodeToString(b)
		case "hex":
			return hex.EncodeToString(b)
		}
		return b
	}
	return func(v any) (any, error) {
		if lob && !m.Modes.LOBEnabled {
			if !c.Optional {
				return enc([]byte(m.Modes.Placeholder)), nil // a NOT NULL LOB cannot be null
			}
			return nil, nil
		}
		if _, ok := v.(unavailable); ok {
			return enc([]byte(m.Modes.Placeholder)), nil
		}
		rv, err := redoValue(v)
		if err != nil {
			return nil, err
		}
		switch rv.Kind {
		case sqlredo.Raw:
			b, err := hex.DecodeString(rv.Text)
			if err != nil {
				return nil, fmt.Errorf("HEXTORAW(%q): %v", rv.Text, err)
			}
			return enc(b), nil
		case sqlredo.Unsupported, sqlredo.Null:
			return nil, nil
		case sqlredo.EmptyBLOB:
			if c.Optional {
				return nil, nil
			}
			return enc([]byte{}), nil
		}
		return nil, fmt.Errorf("%s value for a %s column", rv.Kind, c.TypeName)
	}
}

func redoValue(v any) (sqlredo.Value, error) {
	rv, ok := v.(sqlredo.Value)
	if !ok {
		return sqlredo.Value{}, fmt.Errorf("unexpected value type %T", v)
	}
	return rv, nil
}
