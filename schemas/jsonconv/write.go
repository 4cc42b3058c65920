package jsonconv

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/gonnect/gonnect/schemas"
)

// fieldError carries the dotted path of the value that failed; the path grows as
// the error unwinds so the hot path never builds strings.
type fieldError struct {
	path string
	msg  string
}

func (e *fieldError) Error() string {
	if e.path == "" {
		return e.msg
	}
	return fmt.Sprintf("field %q: %s", e.path, e.msg)
}

func inField(err error, name string) error {
	if fe, ok := err.(*fieldError); ok {
		if fe.path == "" {
			fe.path = name
		} else {
			fe.path = name + "." + fe.path
		}
		return fe
	}
	return err
}

func errAt(format string, a ...any) error { return &fieldError{msg: fmt.Sprintf(format, a...)} }

// appendSchema writes s as JsonConverter's schema object: type-specific keys, then
// optional, name, version, doc, parameters, default. A nil schema is JSON null.
func (c *Converter) appendSchema(b []byte, s *schemas.Schema, fieldName string) ([]byte, error) {
	if s == nil {
		return append(b, "null"...), nil
	}
	b = append(b, `{"type":`...)
	b = appendString(b, s.Type.String())
	var err error
	switch s.Type {
	case schemas.Array:
		b = append(b, `,"items":`...)
		if b, err = c.appendSchema(b, s.Value, ""); err != nil {
			return nil, err
		}
	case schemas.Map:
		b = append(b, `,"keys":`...)
		if b, err = c.appendSchema(b, s.Key, ""); err != nil {
			return nil, err
		}
		b = append(b, `,"values":`...)
		if b, err = c.appendSchema(b, s.Value, ""); err != nil {
			return nil, err
		}
	case schemas.StructType:
		b = append(b, `,"fields":[`...)
		for i, f := range s.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = c.appendSchema(b, f.Schema, f.Name); err != nil {
				return nil, inField(err, f.Name)
			}
		}
		b = append(b, ']')
	}
	b = append(b, `,"optional":`...)
	b = strconv.AppendBool(b, s.Optional)
	if s.Name != "" {
		b = append(b, `,"name":`...)
		b = appendString(b, s.Name)
	}
	if s.Version != 0 {
		b = append(b, `,"version":`...)
		b = strconv.AppendInt(b, int64(s.Version), 10)
	}
	if s.Doc != "" {
		b = append(b, `,"doc":`...)
		b = appendString(b, s.Doc)
	}
	if s.Params != nil {
		b = append(b, `,"parameters":{`...)
		for i, p := range s.Params {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, p.Key)
			b = append(b, ':')
			b = appendString(b, p.Value)
		}
		b = append(b, '}')
	}
	if s.Default != nil {
		b = append(b, `,"default":`...)
		if b, err = c.appendValue(b, s, s.Default); err != nil {
			return nil, fmt.Errorf("default value: %w", err)
		}
	}
	if fieldName != "" {
		b = append(b, `,"field":`...)
		b = appendString(b, fieldName)
	}
	return append(b, '}'), nil
}

// appendValue writes v under schema s (nil for schemaless), as JsonConverter's
// convertToJson.
func (c *Converter) appendValue(b []byte, s *schemas.Schema, v any) ([]byte, error) {
	if v == nil {
		switch {
		case s == nil:
			return append(b, "null"...), nil
		case s.Default != nil && c.cfg.ReplaceNullWithDefault:
			return c.appendValue(b, s, s.Default)
		case s.Optional:
			return append(b, "null"...), nil
		}
		return nil, errAt("null value for a required %s field with no default value", s.Type.JavaName())
	}
	if s == nil {
		return c.appendSchemaless(b, v)
	}
	if s.Name != "" {
		switch schemas.LogicalName(s) {
		case schemas.DecimalName:
			return c.appendDecimal(b, s, v)
		case schemas.DateName:
			t, ok := v.(time.Time)
			if !ok {
				return nil, typeErr(s, v)
			}
			d, err := schemas.DateToDays(t)
			if err != nil {
				return nil, errAt("%v", err)
			}
			return strconv.AppendInt(b, int64(d), 10), nil
		case schemas.TimeName:
			t, ok := v.(time.Time)
			if !ok {
				return nil, typeErr(s, v)
			}
			ms, err := schemas.TimeToMillis(t)
			if err != nil {
				return nil, errAt("%v", err)
			}
			return strconv.AppendInt(b, int64(ms), 10), nil
		case schemas.TimestampName:
			t, ok := v.(time.Time)
			if !ok {
				return nil, typeErr(s, v)
			}
			return strconv.AppendInt(b, t.UnixMilli(), 10), nil
		}
	}
	switch s.Type {
	case schemas.Int8:
		if x, ok := v.(int8); ok {
			return strconv.AppendInt(b, int64(x), 10), nil
		}
	case schemas.Int16:
		if x, ok := v.(int16); ok {
			return strconv.AppendInt(b, int64(x), 10), nil
		}
	case schemas.Int32:
		if x, ok := v.(int32); ok {
			return strconv.AppendInt(b, int64(x), 10), nil
		}
	case schemas.Int64:
		if x, ok := v.(int64); ok {
			return strconv.AppendInt(b, x, 10), nil
		}
	case schemas.Float32:
		if x, ok := v.(float32); ok {
			return appendFloat(b, float64(x), 32), nil
		}
	case schemas.Float64:
		if x, ok := v.(float64); ok {
			return appendFloat(b, x, 64), nil
		}
	case schemas.Boolean:
		if x, ok := v.(bool); ok {
			return strconv.AppendBool(b, x), nil
		}
	case schemas.String:
		if x, ok := v.(string); ok {
			return appendString(b, x), nil
		}
	case schemas.Bytes:
		if x, ok := v.([]byte); ok {
			return appendBase64(b, x), nil
		}
	case schemas.Array:
		arr, ok := v.([]any)
		if !ok {
			break
		}
		b = append(b, '[')
		for i, e := range arr {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = c.appendValue(b, s.Value, e); err != nil {
				return nil, inField(err, strconv.Itoa(i))
			}
		}
		return append(b, ']'), nil
	case schemas.Map:
		return c.appendMap(b, s, v)
	case schemas.StructType:
		st, ok := v.(*schemas.Struct)
		if !ok {
			break
		}
		if st.Schema() != s && !schemas.Equal(st.Schema(), s) {
			return nil, errAt("struct schema %s does not match the field schema %s", st.Schema(), s)
		}
		b = append(b, '{')
		for i, f := range s.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, f.Name)
			b = append(b, ':')
			var err error
			if b, err = c.appendValue(b, f.Schema, st.Raw(i)); err != nil {
				return nil, inField(err, f.Name)
			}
		}
		return append(b, '}'), nil
	}
	return nil, typeErr(s, v)
}

func typeErr(s *schemas.Schema, v any) error {
	return errAt("expected %s for schema %s, got %T", s.Type.JavaName(), s, v)
}

func (c *Converter) appendDecimal(b []byte, s *schemas.Schema, v any) ([]byte, error) {
	d, ok := v.(schemas.Decimal)
	if !ok || d.Unscaled == nil {
		return nil, errAt("expected a Decimal for schema %s, got %T", s, v)
	}
	scale, err := schemas.DecimalScale(s)
	if err != nil {
		return nil, errAt("%v", err)
	}
	if d.Scale == scale && c.cfg.DecimalFormat != DecimalNumeric && d.Unscaled.IsInt64() {
		var buf [8]byte
		return appendBase64(b, int64Bytes(&buf, d.Unscaled.Int64())), nil
	}
	if d, err = d.Rescale(scale); err != nil {
		return nil, errAt("%v", err)
	}
	if c.cfg.DecimalFormat == DecimalNumeric {
		return append(b, d.JavaString()...), nil
	}
	return appendBase64(b, schemas.DecimalBytes(d.Unscaled)), nil
}

func (c *Converter) appendMap(b []byte, s *schemas.Schema, v any) ([]byte, error) {
	var err error
	if s.Key != nil && s.Key.Type == schemas.String {
		if m, ok := v.(map[string]any); ok {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			slices.Sort(keys) // Go maps are unordered; sorted keys keep output deterministic
			b = append(b, '{')
			for i, k := range keys {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendString(b, k)
				b = append(b, ':')
				if b, err = c.appendValue(b, s.Value, m[k]); err != nil {
					return nil, inField(err, k)
				}
			}
			return append(b, '}'), nil
		}
	}
	entries, ok := v.([]schemas.MapEntry)
	if !ok {
		if _, isMap := v.(map[string]any); !isMap {
			return nil, typeErr(s, v)
		}
		entries, _ = schemas.MapEntries(v)
	}
	if s.Key != nil && s.Key.Type == schemas.String {
		b = append(b, '{')
		for i, e := range entries {
			k, isStr := e.Key.(string)
			if !isStr {
				return nil, errAt("map key: expected STRING, got %T", e.Key)
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			if b, err = c.appendValue(b, s.Value, e.Value); err != nil {
				return nil, inField(err, k)
			}
		}
		return append(b, '}'), nil
	}
	b = append(b, '[')
	for i, e := range entries {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		if b, err = c.appendValue(b, s.Key, e.Key); err != nil {
			return nil, inField(err, "key")
		}
		b = append(b, ',')
		if b, err = c.appendValue(b, s.Value, e.Value); err != nil {
			return nil, inField(err, fmt.Sprint(e.Key))
		}
		b = append(b, ']')
	}
	return append(b, ']'), nil
}

// appendSchemaless writes a value without a schema, inferring the type from the Go
// value as Java's ConnectSchema.schemaType does.
func (c *Converter) appendSchemaless(b []byte, v any) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case int8:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case float32:
		return appendFloat(b, float64(x), 32), nil
	case float64:
		return appendFloat(b, x, 64), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case string:
		return appendString(b, x), nil
	case []byte:
		return appendBase64(b, x), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = c.appendValue(b, nil, e); err != nil {
				return nil, inField(err, strconv.Itoa(i))
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			if b, err = c.appendValue(b, nil, x[k]); err != nil {
				return nil, inField(err, k)
			}
		}
		return append(b, '}'), nil
	case []schemas.MapEntry:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			if b, err = c.appendValue(b, nil, e.Key); err != nil {
				return nil, inField(err, "key")
			}
			b = append(b, ',')
			if b, err = c.appendValue(b, nil, e.Value); err != nil {
				return nil, inField(err, fmt.Sprint(e.Key))
			}
			b = append(b, ']')
		}
		return append(b, ']'), nil
	case *schemas.Struct:
		return c.appendValue(b, x.Schema(), x)
	}
	return nil, errAt("Go type %T has no corresponding Connect schema type", v)
}

// appendFloat writes a float as Jackson does: Java's toString digits, and the
// non-finite values as quoted strings (QUOTE_NON_NUMERIC_NUMBERS).
func appendFloat(b []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		b = append(b, '"')
		b = schemas.AppendJavaFloat(b, f, bits)
		return append(b, '"')
	}
	return schemas.AppendJavaFloat(b, f, bits)
}

// int64Bytes writes x into buf as the minimal big-endian two's complement bytes
// (what schemas.DecimalBytes and Java's BigInteger.toByteArray give) and returns
// them, without allocating.
func int64Bytes(buf *[8]byte, x int64) []byte {
	binary.BigEndian.PutUint64(buf[:], uint64(x))
	i := 0
	for i < 7 && ((buf[i] == 0 && buf[i+1]&0x80 == 0) || (buf[i] == 0xff && buf[i+1]&0x80 != 0)) {
		i++
	}
	return buf[i:]
}

func appendBase64(b []byte, x []byte) []byte {
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, x)
	return append(b, '"')
}

func appendString(b []byte, s string) []byte { return schemas.AppendJSONString(b, s) }
