// Package jsonwire writes and reads the JSON values of Kafka Connect's internal topics
// (config and status) byte for byte as the Java worker does: its JsonConverter with
// schemas.enable=false, backed by Jackson.
//
// Writing: compact output, struct fields in the order the caller adds them (the Java
// schema order), no HTML escaping, non-ASCII left as UTF-8, control characters escaped
// with Jackson's short forms (\b \t \n \f \r) or \u00XX with upper-case hex. Go's
// encoding/json differs on the last point (lower-case hex) and escapes U+2028/U+2029,
// which Jackson does not, so it cannot be used for these bytes.
//
// Reading: like JsonConverter without schemas, integral numbers are 64-bit integers and
// other numbers are floats; Decode keeps numbers as json.Number so callers can tell them
// apart with Int.
//
// Both halves are stateless and safe for concurrent use.
package jsonwire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/gonnect/gonnect/schemas"
)

// AppendString appends s as a JSON string literal with Jackson's escaping. Invalid
// UTF-8 bytes are written as U+FFFD, which is what a Java String would hold after
// decoding them.
func AppendString(b []byte, s string) []byte { return schemas.AppendJSONString(b, s) }

// Object builds one compact JSON object field by field. The zero value is an empty
// object ready for use. Fields appear in the order they are added.
type Object struct {
	b []byte
}

func (o *Object) key(k string) {
	if len(o.b) == 0 {
		o.b = append(o.b, '{')
	} else {
		o.b = append(o.b, ',')
	}
	o.b = AppendString(o.b, k)
	o.b = append(o.b, ':')
}

// String adds a string field.
func (o *Object) String(k, v string) {
	o.key(k)
	o.b = AppendString(o.b, v)
}

// OptionalString adds a string field, written as an explicit null when v is nil (an
// unset optional struct field in Java).
func (o *Object) OptionalString(k string, v *string) {
	o.key(k)
	if v == nil {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = AppendString(o.b, *v)
}

// Int adds an integer field.
func (o *Object) Int(k string, v int64) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, v, 10)
}

// Bool adds a boolean field.
func (o *Object) Bool(k string, v bool) {
	o.key(k)
	o.b = strconv.AppendBool(o.b, v)
}

// StringMap adds a map of strings as a nested object. Go maps carry no order, so the
// keys are written sorted; Java writes whatever order its map iterates, and readers on
// both sides treat the object as unordered.
func (o *Object) StringMap(k string, m map[string]string) {
	o.key(k)
	keys := make([]string, 0, len(m))
	for mk := range m {
		keys = append(keys, mk)
	}
	slices.Sort(keys)
	o.b = append(o.b, '{')
	for i, mk := range keys {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = AppendString(o.b, mk)
		o.b = append(o.b, ':')
		o.b = AppendString(o.b, m[mk])
	}
	o.b = append(o.b, '}')
}

// Raw adds a field whose value is already-encoded JSON (for example another Object's
// Bytes).
func (o *Object) Raw(k string, v []byte) {
	o.key(k)
	o.b = append(o.b, v...)
}

// Bytes returns the finished object. It is a fresh slice; o may keep being used.
func (o *Object) Bytes() []byte {
	if len(o.b) == 0 {
		return []byte("{}")
	}
	out := make([]byte, len(o.b)+1)
	copy(out, o.b)
	out[len(o.b)] = '}'
	return out
}

// ErrEmpty is returned by Decode for a present but empty value, which is neither JSON
// nor a tombstone.
var ErrEmpty = errors.New("empty value")

// Decode parses the first JSON value in b the way Jackson's readTree does: content
// after the first value is ignored. Objects become map[string]any, arrays []any,
// numbers json.Number. A nil b (a tombstone) and the literal null both give (nil, nil).
func Decode(b []byte) (any, error) {
	if b == nil {
		return nil, nil
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, ErrEmpty
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	return v, nil
}

// Int returns v as an integer when it is an integral JSON number that fits in 64 bits,
// which is what Java's converter reads as a Long.
func Int(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	return i, err == nil
}

// TypeName names the JSON type of a decoded value for error messages.
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	default:
		return fmt.Sprintf("%T", v)
	}
}
