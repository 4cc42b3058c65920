package avro

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/gonnect/gonnect/schemas"
)

// Defaults cross between Connect and Avro in both directions: field defaults and
// connect.default properties when writing schemas, and back when reading them.

// defaultJSON renders a Connect default as AvroData's defaultValueFromConnect:
// numbers, booleans, strings; bytes (and decimals) as ISO-8859-1 text; logical
// dates and times as their integer form.
func defaultJSON(b []byte, s *schemas.Schema, v any) ([]byte, error) {
	if v == nil {
		return append(b, "null"...), nil
	}
	switch schemas.LogicalName(s) {
	case schemas.DecimalName:
		d, ok := v.(schemas.Decimal)
		if !ok {
			return nil, fmt.Errorf("expected a Decimal, got %T", v)
		}
		return appendLatin1(b, schemas.DecimalBytes(d.Unscaled)), nil
	case schemas.DateName:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("expected a time.Time, got %T", v)
		}
		days, err := schemas.DateToDays(t)
		return strconv.AppendInt(b, int64(days), 10), err
	case schemas.TimeName:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("expected a time.Time, got %T", v)
		}
		ms, err := schemas.TimeToMillis(t)
		return strconv.AppendInt(b, int64(ms), 10), err
	case schemas.TimestampName:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("expected a time.Time, got %T", v)
		}
		return strconv.AppendInt(b, t.UnixMilli(), 10), nil
	}
	switch x := v.(type) {
	case int8:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return appendJSONString(b, schemas.FormatFloat32(x)), nil
		}
		return append(b, schemas.FormatFloat32(x)...), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return appendJSONString(b, schemas.FormatFloat64(x)), nil
		}
		return append(b, schemas.FormatFloat64(x)...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case string:
		return appendJSONString(b, x), nil
	case []byte:
		return appendLatin1(b, x), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = defaultJSON(b, s.Value, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any, []schemas.MapEntry:
		entries, _ := schemas.MapEntries(x)
		sortEntries(entries)
		if s.Key != nil && s.Key.Type == schemas.String && !s.Key.Optional {
			b = append(b, '{')
			for i, e := range entries {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, fmt.Sprint(e.Key))
				b = append(b, ':')
				var err error
				if b, err = defaultJSON(b, s.Value, e.Value); err != nil {
					return nil, err
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
			var err error
			if b, err = defaultJSON(b, s.Key, e.Key); err != nil {
				return nil, err
			}
			b = append(b, ',')
			if b, err = defaultJSON(b, s.Value, e.Value); err != nil {
				return nil, err
			}
			b = append(b, ']')
		}
		return append(b, ']'), nil
	case *schemas.Struct:
		b = append(b, '{')
		for i, f := range x.Schema().Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, f.Name)
			b = append(b, ':')
			var err error
			if b, err = defaultJSON(b, f.Schema, x.GetIndex(i)); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	return nil, fmt.Errorf("invalid type used for default value of %s: %T", s.Type.JavaName(), v)
}

func sortEntries(es []schemas.MapEntry) {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && fmt.Sprint(es[j].Key) < fmt.Sprint(es[j-1].Key); j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

// appendLatin1 writes bytes as a JSON string of ISO-8859-1 characters (Avro's JSON
// encoding of bytes defaults).
func appendLatin1(b []byte, raw []byte) []byte {
	r := make([]rune, len(raw))
	for i, c := range raw {
		r[i] = rune(c)
	}
	return appendJSONString(b, string(r))
}

// defaultFromAvro converts a default as decoded from JSON (by hamba or from
// connect.default) to the Connect value of s.
func defaultFromAvro(s *schemas.Schema, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch schemas.LogicalName(s) {
	case schemas.DecimalName:
		raw, err := latin1Bytes(v)
		if err != nil {
			return nil, err
		}
		sc, _ := schemas.DecimalScale(s)
		return schemas.Decimal{Unscaled: schemas.DecimalFromBytes(raw), Scale: sc}, nil
	case schemas.DateName:
		n, err := toInt(v, 32)
		return schemas.DaysToDate(int32(n)), err
	case schemas.TimeName:
		n, err := toInt(v, 32)
		return schemas.MillisToTime(int32(n)), err
	case schemas.TimestampName:
		n, err := toInt(v, 64)
		return unixMilli(n), err
	}
	switch s.Type {
	case schemas.Int8:
		n, err := toInt(v, 8)
		return int8(n), err
	case schemas.Int16:
		n, err := toInt(v, 16)
		return int16(n), err
	case schemas.Int32:
		n, err := toInt(v, 32)
		return int32(n), err
	case schemas.Int64:
		return toInt(v, 64)
	case schemas.Float32:
		f, err := toFloat(v)
		return float32(f), err
	case schemas.Float64:
		return toFloat(v)
	case schemas.Boolean:
		if x, ok := v.(bool); ok {
			return x, nil
		}
	case schemas.String:
		if x, ok := v.(string); ok {
			return x, nil
		}
	case schemas.Bytes:
		return latin1Bytes(v)
	case schemas.Array:
		arr, ok := v.([]any)
		if !ok {
			break
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			x, err := defaultFromAvro(s.Value, e)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case schemas.Map:
		if m, ok := v.(map[string]any); ok && s.Key.Type == schemas.String {
			out := make(map[string]any, len(m))
			for k, e := range m {
				x, err := defaultFromAvro(s.Value, e)
				if err != nil {
					return nil, err
				}
				out[k] = x
			}
			return out, nil
		}
		if arr, ok := v.([]any); ok {
			out := make([]schemas.MapEntry, 0, len(arr))
			for _, e := range arr {
				pair, ok := e.([]any)
				if !ok || len(pair) != 2 {
					return nil, fmt.Errorf("invalid map default entry %v", e)
				}
				k, err := defaultFromAvro(s.Key, pair[0])
				if err != nil {
					return nil, err
				}
				x, err := defaultFromAvro(s.Value, pair[1])
				if err != nil {
					return nil, err
				}
				out = append(out, schemas.MapEntry{Key: k, Value: x})
			}
			return out, nil
		}
	case schemas.StructType:
		m, ok := v.(map[string]any)
		if !ok {
			break
		}
		st := schemas.NewStruct(s)
		for i, f := range s.Fields {
			x, err := defaultFromAvro(f.Schema, m[f.Name])
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
			st.SetIndex(i, x)
		}
		return st, nil
	}
	return nil, fmt.Errorf("default %v (%T) does not match %s", v, v, s.Type.JavaName())
}

func latin1Bytes(v any) ([]byte, error) {
	switch x := v.(type) {
	case []byte:
		return x, nil
	case string:
		out := make([]byte, 0, len(x))
		for _, r := range x {
			if r > 0xff {
				return nil, fmt.Errorf("bytes default has a character outside ISO-8859-1")
			}
			out = append(out, byte(r))
		}
		return out, nil
	}
	return nil, fmt.Errorf("expected a bytes default, got %T", v)
}

func toInt(v any, bits int) (int64, error) {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	case float64:
		if x != math.Trunc(x) {
			return 0, fmt.Errorf("default %v is not an integer", x)
		}
		n = int64(x)
	case *big.Int:
		n = x.Int64()
	default:
		return 0, fmt.Errorf("expected an integer default, got %T", v)
	}
	if bits < 64 && (n < -(1<<(bits-1)) || n >= 1<<(bits-1)) {
		return 0, fmt.Errorf("default %d out of range", n)
	}
	return n, nil
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	}
	return 0, fmt.Errorf("expected a number default, got %T", v)
}
