package avro

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"

	"github.com/gonnect/gonnect/schemas"
)

// AnythingName is the record AvroData uses for schemaless Connect data.
const AnythingName = Namespace + ".Anything"

// anythingJSON is AvroData's ANYTHING_SCHEMA as Avro renders it: one optional field
// per primitive, "array" of Anything and "map" as an array of MapEntry records.
const anythingJSON = `{"type":"record","name":"Anything","namespace":"io.confluent.connect.avro","fields":[` +
	`{"name":"boolean","type":["null","boolean"],"default":null},` +
	`{"name":"bytes","type":["null","bytes"],"default":null},` +
	`{"name":"double","type":["null","double"],"default":null},` +
	`{"name":"float","type":["null","float"],"default":null},` +
	`{"name":"int","type":["null","int"],"default":null},` +
	`{"name":"long","type":["null","long"],"default":null},` +
	`{"name":"string","type":["null","string"],"default":null},` +
	`{"name":"array","type":["null",{"type":"array","items":"Anything"}],"default":null},` +
	`{"name":"map","type":["null",{"type":"array","items":{"type":"record","name":"MapEntry","fields":[{"name":"key","type":"Anything"},{"name":"value","type":"Anything"}]}}],"default":null}]}`

// Anything field positions.
const (
	anyBoolean = iota
	anyBytes
	anyDouble
	anyFloat
	anyInt
	anyLong
	anyString
	anyArray
	anyMap
	anyFields
)

// encodeAnything writes a schemaless value as an Anything record: every field null
// except the one for the value's type. As in AvroData, schemaless data may be
// integers, floats, booleans, strings, arrays and maps (maps always as key/value
// entries); nil inside a container is a record with every field null.
func encodeAnything(b []byte, v any) ([]byte, error) {
	field := -1
	switch v.(type) {
	case nil:
	case bool:
		field = anyBoolean
	case float64:
		field = anyDouble
	case float32:
		field = anyFloat
	case int8, int16, int32:
		field = anyInt
	case int64:
		field = anyLong
	case string:
		field = anyString
	case []any:
		field = anyArray
	case map[string]any, []schemas.MapEntry:
		field = anyMap
	default:
		return nil, &valueError{msg: fmt.Sprintf("Unknown Go type for schemaless data: %T", v)}
	}
	for i := 0; i < anyFields; i++ {
		if i != field {
			b = append(b, 0)
			continue
		}
		b = append(b, 2) // union branch 1
		var err error
		switch x := v.(type) {
		case bool:
			if x {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		case float64:
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		case float32:
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
		case int8:
			b = appendLong(b, int64(x))
		case int16:
			b = appendLong(b, int64(x))
		case int32:
			b = appendLong(b, int64(x))
		case int64:
			b = appendLong(b, x)
		case string:
			b = appendLong(b, int64(len(x)))
			b = append(b, x...)
		case []any:
			if len(x) > 0 {
				b = appendLong(b, int64(len(x)))
				for j, e := range x {
					if b, err = encodeAnything(b, e); err != nil {
						return nil, inPath(err, strconv.Itoa(j))
					}
				}
			}
			b = append(b, 0)
		default:
			entries, _ := schemas.MapEntries(x)
			sortEntries(entries)
			if len(entries) > 0 {
				b = appendLong(b, int64(len(entries)))
				for _, e := range entries {
					if b, err = encodeAnything(b, e.Key); err != nil {
						return nil, inPath(err, "key")
					}
					if b, err = encodeAnything(b, e.Value); err != nil {
						return nil, inPath(err, fmt.Sprint(e.Key))
					}
				}
			}
			b = append(b, 0)
		}
	}
	return b, nil
}

// decodeAnything reads an Anything record back to a schemaless Connect value; the
// first non-null field, in field order, is the value. Maps whose keys are all
// strings become map[string]any, others []schemas.MapEntry.
func decodeAnything(r *reader, depth int) (any, error) {
	if depth > 100 {
		return nil, fmt.Errorf("schemaless value nested deeper than 100")
	}
	var out any
	found := false
	for i := 0; i < anyFields; i++ {
		idx, err := r.long()
		if err != nil {
			return nil, err
		}
		if idx == 0 {
			continue
		}
		if idx != 1 {
			return nil, fmt.Errorf("union index %d out of range", idx)
		}
		v, err := decodeAnythingField(r, i, depth)
		if err != nil {
			return nil, err
		}
		if !found {
			out, found = v, true
		}
	}
	return out, nil
}

func decodeAnythingField(r *reader, field, depth int) (any, error) {
	switch field {
	case anyBoolean:
		x, err := r.fixed(1)
		if err != nil {
			return nil, err
		}
		return x[0] != 0, nil
	case anyBytes:
		x, err := r.bytes()
		return append([]byte(nil), x...), err
	case anyDouble:
		x, err := r.fixed(8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(x)), nil
	case anyFloat:
		x, err := r.fixed(4)
		if err != nil {
			return nil, err
		}
		return math.Float32frombits(binary.LittleEndian.Uint32(x)), nil
	case anyInt:
		n, err := r.long()
		if err != nil {
			return nil, err
		}
		if n != int64(int32(n)) {
			return nil, fmt.Errorf("int %d out of range", n)
		}
		return int32(n), nil
	case anyLong:
		return r.long()
	case anyString:
		x, err := r.bytes()
		return string(x), err
	case anyArray:
		out := []any{}
		for {
			n, err := r.blockCount()
			if err != nil {
				return nil, err
			}
			if n == 0 {
				return out, nil
			}
			for range n {
				v, err := decodeAnything(r, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			}
		}
	}
	var entries []schemas.MapEntry
	allStrings := true
	for {
		n, err := r.blockCount()
		if err != nil {
			return nil, err
		}
		if n == 0 {
			break
		}
		for range n {
			k, err := decodeAnything(r, depth+1)
			if err != nil {
				return nil, err
			}
			v, err := decodeAnything(r, depth+1)
			if err != nil {
				return nil, err
			}
			if _, ok := k.(string); !ok {
				allStrings = false
			}
			entries = append(entries, schemas.MapEntry{Key: k, Value: v})
		}
	}
	if !allStrings {
		return entries, nil
	}
	m := make(map[string]any, len(entries))
	for _, e := range entries {
		m[e.Key.(string)] = e.Value
	}
	return m, nil
}
