package offsets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// EncodeKey returns the offsets-topic key for a connector's source partition:
// ["<connector>",{partition}] in the exact bytes Kafka Connect's Java worker writes
// (see jackson.go). A nil partition encodes as null, as Java would.
func EncodeKey(connector string, p Partition) ([]byte, error) {
	b := make([]byte, 0, 64)
	b = append(b, '[')
	b = appendString(b, connector)
	b = append(b, ',')
	var err error
	if p == nil {
		b = append(b, "null"...)
	} else if b, err = appendJSON(b, p, "partition"); err != nil {
		return nil, fmt.Errorf("encoding offset key for connector %q: %w", connector, err)
	}
	return append(b, ']'), nil
}

// DecodeKey parses an offsets-topic key. Anything other than a two-element JSON array
// of a string and an object is an error (Java skips such records with a warning);
// the error says what was found. Integral numbers decode as int64, others as float64.
func DecodeKey(b []byte) (connector string, p Partition, err error) {
	v, err := decodeJSON(b)
	if err != nil {
		return "", nil, fmt.Errorf("offset key is not valid JSON: %w", err)
	}
	arr, ok := v.([]any)
	if !ok {
		return "", nil, fmt.Errorf("offset key is %s, want a JSON array [connector, partition]", kindOf(v))
	}
	if len(arr) != 2 {
		return "", nil, fmt.Errorf("offset key array has %d elements, want 2 [connector, partition]", len(arr))
	}
	connector, ok = arr[0].(string)
	if !ok {
		return "", nil, fmt.Errorf("offset key element 0 is %s, want the connector name as a string", kindOf(arr[0]))
	}
	p, ok = arr[1].(map[string]any)
	if !ok {
		return "", nil, fmt.Errorf("offset key element 1 is %s, want the source partition as an object", kindOf(arr[1]))
	}
	return connector, p, nil
}

// EncodeValue returns the offsets-topic value for an offset: its JSON object in
// Java's bytes, or nil (a tombstone) for a nil offset.
func EncodeValue(o Offset) ([]byte, error) {
	if o == nil {
		return nil, nil
	}
	b, err := appendJSON(make([]byte, 0, 64), o, "offset")
	if err != nil {
		return nil, fmt.Errorf("encoding offset value: %w", err)
	}
	return b, nil
}

// DecodeValue parses an offsets-topic value. nil (a tombstone) and the JSON literal
// null decode to a nil Offset; anything else must be a JSON object.
func DecodeValue(b []byte) (Offset, error) {
	if b == nil {
		return nil, nil
	}
	v, err := decodeJSON(b)
	if err != nil {
		return nil, fmt.Errorf("offset value is not valid JSON: %w", err)
	}
	switch x := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return x, nil
	}
	return nil, fmt.Errorf("offset value is %s, want a JSON object", kindOf(v))
}

// decodeJSON parses one JSON value, mapping numbers as Java's JsonConverter does:
// integral literals to int64 (float64 when out of range), others to float64.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON value")
	}
	return convertNumbers(v), nil
}

func convertNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		s := string(x)
		if !strings.ContainsAny(s, ".eE") {
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				return i
			}
		}
		f, _ := strconv.ParseFloat(s, 64)
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = convertNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = convertNumbers(e)
		}
	}
	return v
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int64, float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// partitionID is a canonical identity for a connector's partition, equal for
// partitions that encode to the same Java key whatever their Go integer types.
func partitionID(connector string, p Partition) (string, error) {
	b, err := EncodeKey(connector, p)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
