package avro

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"time"

	"github.com/gonnect/gonnect/schemas"
)

// logical kinds handled by the encoder and decoder.
const (
	logNone uint8 = iota
	logDecimal
	logDate
	logTime
	logTimestamp
)

// union layouts of an optional schema.
const (
	unionNone       uint8 = iota
	unionNullFirst        // ["null", T]: null is 0, T is 1
	unionNullSecond       // [T, "null"]: T is 0, null is 1 (optional with a default)
)

// enc is one compiled step of the encoding plan for a Connect schema. The plan is
// built once per schema and shared by all goroutines (it is immutable).
type enc struct {
	t        schemas.Type
	logical  uint8
	scale    int32
	union    uint8
	optional bool
	def      any // Connect default, written in place of nil
	schema   *schemas.Schema

	fields []*enc   // STRUCT
	names  []string // STRUCT field names, for errors
	elem   *enc     // ARRAY element, MAP value
	key    *enc     // MAP key
	mapArr bool     // MAP encoded as array of key/value records
	enum   []string // enhanced enum symbols (STRING)
}

// compile builds the plan for s. It mirrors the union and map decisions of the
// schema writer so the bytes match the registered schema.
func compile(s *schemas.Schema, m mapping) (*enc, error) {
	e := &enc{t: s.Type, optional: s.Optional, def: s.Default, schema: s}
	if s.Optional {
		switch {
		case s.Type == schemas.StructType:
			e.union = unionNullFirst
		case s.Default != nil:
			e.union = unionNullSecond
		default:
			e.union = unionNullFirst
		}
	}
	switch schemas.LogicalName(s) {
	case schemas.DecimalName:
		sc, err := schemas.DecimalScale(s)
		if err != nil {
			return nil, err
		}
		e.logical, e.scale = logDecimal, sc
	case schemas.DateName:
		e.logical = logDate
	case schemas.TimeName:
		e.logical = logTime
	case schemas.TimestampName:
		e.logical = logTimestamp
	}
	var err error
	switch s.Type {
	case schemas.String:
		if _, ok := s.Param(enumParam); ok && m.enhanced {
			for _, kv := range s.Params {
				if len(kv.Key) > len(enumParam) && kv.Key[:len(enumParam)+1] == enumParam+"." {
					e.enum = append(e.enum, kv.Key[len(enumParam)+1:])
				}
			}
		}
	case schemas.Array:
		if e.elem, err = compile(s.Value, m); err != nil {
			return nil, err
		}
	case schemas.Map:
		if e.key, err = compile(s.Key, m); err != nil {
			return nil, err
		}
		if e.elem, err = compile(s.Value, m); err != nil {
			return nil, err
		}
		e.mapArr = !(s.Key.Type == schemas.String && !s.Key.Optional)
	case schemas.StructType:
		e.fields = make([]*enc, len(s.Fields))
		e.names = make([]string, len(s.Fields))
		for i, f := range s.Fields {
			if e.fields[i], err = compile(f.Schema, m); err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
			e.names[i] = f.Name
		}
	}
	return e, nil
}

// valueError names the path of the value that did not match its schema.
type valueError struct {
	path string
	msg  string
}

func (e *valueError) Error() string {
	if e.path == "" {
		return e.msg
	}
	return fmt.Sprintf("field %q: %s", e.path, e.msg)
}

func inPath(err error, name string) error {
	if ve, ok := err.(*valueError); ok {
		if ve.path == "" {
			ve.path = name
		} else {
			ve.path = name + "." + ve.path
		}
	}
	return err
}

func mismatch(e *enc, v any) error {
	return &valueError{msg: fmt.Sprintf("expected %s for schema %s, got %T", e.t.JavaName(), e.schema, v)}
}

// encode appends v in Avro binary under plan e.
func (e *enc) encode(b []byte, v any) ([]byte, error) {
	if v == nil {
		if e.def != nil {
			v = e.def
		} else if e.union != unionNone {
			if e.union == unionNullFirst {
				return append(b, 0), nil
			}
			return append(b, 2), nil // zigzag(1)
		} else {
			return nil, &valueError{msg: fmt.Sprintf("null value for a required %s field with no default value", e.t.JavaName())}
		}
	}
	switch e.union {
	case unionNullFirst:
		b = append(b, 2) // zigzag(1)
	case unionNullSecond:
		b = append(b, 0)
	}
	switch e.logical {
	case logDecimal:
		d, ok := v.(schemas.Decimal)
		if !ok || d.Unscaled == nil {
			return nil, &valueError{msg: fmt.Sprintf("expected a Decimal for schema %s, got %T", e.schema, v)}
		}
		if d.Scale != e.scale {
			var err error
			if d, err = d.Rescale(e.scale); err != nil {
				return nil, &valueError{msg: err.Error()}
			}
		}
		return appendDecimal(b, d.Unscaled), nil
	case logDate:
		t, ok := v.(time.Time)
		if !ok {
			return nil, mismatch(e, v)
		}
		days, err := schemas.DateToDays(t)
		if err != nil {
			return nil, &valueError{msg: err.Error()}
		}
		return appendLong(b, int64(days)), nil
	case logTime:
		t, ok := v.(time.Time)
		if !ok {
			return nil, mismatch(e, v)
		}
		ms, err := schemas.TimeToMillis(t)
		if err != nil {
			return nil, &valueError{msg: err.Error()}
		}
		return appendLong(b, int64(ms)), nil
	case logTimestamp:
		t, ok := v.(time.Time)
		if !ok {
			return nil, mismatch(e, v)
		}
		return appendLong(b, t.UnixMilli()), nil
	}
	switch e.t {
	case schemas.Int8:
		if x, ok := v.(int8); ok {
			return appendLong(b, int64(x)), nil
		}
	case schemas.Int16:
		if x, ok := v.(int16); ok {
			return appendLong(b, int64(x)), nil
		}
	case schemas.Int32:
		if x, ok := v.(int32); ok {
			return appendLong(b, int64(x)), nil
		}
	case schemas.Int64:
		if x, ok := v.(int64); ok {
			return appendLong(b, x), nil
		}
	case schemas.Float32:
		if x, ok := v.(float32); ok {
			return binary.LittleEndian.AppendUint32(b, math.Float32bits(x)), nil
		}
	case schemas.Float64:
		if x, ok := v.(float64); ok {
			return binary.LittleEndian.AppendUint64(b, math.Float64bits(x)), nil
		}
	case schemas.Boolean:
		if x, ok := v.(bool); ok {
			if x {
				return append(b, 1), nil
			}
			return append(b, 0), nil
		}
	case schemas.String:
		if x, ok := v.(string); ok {
			if e.enum != nil {
				for i, sym := range e.enum {
					if sym == x {
						return appendLong(b, int64(i)), nil
					}
				}
				return nil, &valueError{msg: fmt.Sprintf("%q is not a symbol of enum %s", x, e.schema)}
			}
			b = appendLong(b, int64(len(x)))
			return append(b, x...), nil
		}
	case schemas.Bytes:
		if x, ok := v.([]byte); ok {
			return appendBytes(b, x), nil
		}
	case schemas.Array:
		arr, ok := v.([]any)
		if !ok {
			break
		}
		if len(arr) > 0 {
			b = appendLong(b, int64(len(arr)))
			for i, x := range arr {
				var err error
				if b, err = e.elem.encode(b, x); err != nil {
					return nil, inPath(err, strconv.Itoa(i))
				}
			}
		}
		return append(b, 0), nil
	case schemas.Map:
		return e.encodeMap(b, v)
	case schemas.StructType:
		st, ok := v.(*schemas.Struct)
		if !ok {
			break
		}
		if st.Schema() != e.schema && !schemas.Equal(st.Schema(), e.schema) {
			return nil, &valueError{msg: fmt.Sprintf("struct schema %s does not match the field schema %s", st.Schema(), e.schema)}
		}
		for i, f := range e.fields {
			var err error
			if b, err = f.encode(b, st.Raw(i)); err != nil {
				return nil, inPath(err, e.names[i])
			}
		}
		return b, nil
	}
	return nil, mismatch(e, v)
}

func (e *enc) encodeMap(b []byte, v any) ([]byte, error) {
	var err error
	if m, ok := v.(map[string]any); ok && !e.mapArr {
		if len(m) > 0 {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys) // deterministic bytes for the same map
			b = appendLong(b, int64(len(m)))
			for _, k := range keys {
				b = appendLong(b, int64(len(k)))
				b = append(b, k...)
				if b, err = e.elem.encode(b, m[k]); err != nil {
					return nil, inPath(err, k)
				}
			}
		}
		return append(b, 0), nil
	}
	entries, ok := v.([]schemas.MapEntry)
	if !ok {
		if _, isMap := v.(map[string]any); !isMap {
			return nil, mismatch(e, v)
		}
		entries, _ = schemas.MapEntries(v)
	}
	if len(entries) > 0 {
		b = appendLong(b, int64(len(entries)))
		for _, en := range entries {
			if !e.mapArr {
				k, isStr := en.Key.(string)
				if !isStr {
					return nil, &valueError{msg: fmt.Sprintf("map key: expected STRING, got %T", en.Key)}
				}
				b = appendLong(b, int64(len(k)))
				b = append(b, k...)
			} else if b, err = e.key.encode(b, en.Key); err != nil {
				return nil, inPath(err, "key")
			}
			if b, err = e.elem.encode(b, en.Value); err != nil {
				return nil, inPath(err, fmt.Sprint(en.Key))
			}
		}
	}
	return append(b, 0), nil
}

// appendLong writes a zigzag varint (Avro int and long).
func appendLong(b []byte, n int64) []byte {
	u := uint64((n << 1) ^ (n >> 63))
	for u >= 0x80 {
		b = append(b, byte(u)|0x80)
		u >>= 7
	}
	return append(b, byte(u))
}

func appendBytes(b, x []byte) []byte {
	b = appendLong(b, int64(len(x)))
	return append(b, x...)
}

// appendDecimal writes the unscaled value as Avro bytes (big-endian two's
// complement, minimal length), without allocating when it fits in an int64.
func appendDecimal(b []byte, u *big.Int) []byte {
	if !u.IsInt64() {
		return appendBytes(b, schemas.DecimalBytes(u))
	}
	x := u.Int64()
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(x))
	i := 0
	// drop redundant sign bytes, keeping the minimal two's-complement form
	for i < 7 && ((buf[i] == 0 && buf[i+1]&0x80 == 0) || (buf[i] == 0xff && buf[i+1]&0x80 != 0)) {
		i++
	}
	return appendBytes(b, buf[i:])
}
