package schemas

import (
	"context"
	"unicode/utf8"
)

// SimpleHeaderConverter is Java's org.apache.kafka.connect.storage.SimpleHeaderConverter,
// the worker's default header.converter: values are written as their string
// rendering (ValueString) and read back with type inference (ParseValueString).
// Safe for concurrent use.
type SimpleHeaderConverter struct{}

// FromConnectHeader renders v as UTF-8 text; nil stays nil.
func (SimpleHeaderConverter) FromConnectHeader(_ context.Context, _, _ string, s *Schema, v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	str, err := ValueString(s, v)
	if err != nil {
		return nil, err
	}
	return []byte(str), nil
}

// ToConnectHeader infers the schema and value from the text. The empty string is a
// STRING; bytes that are not UTF-8 come back as BYTES, as Java falls back to them.
func (SimpleHeaderConverter) ToConnectHeader(_ context.Context, _, _ string, b []byte) (*Schema, any, error) {
	if b == nil {
		return nil, nil, nil
	}
	if len(b) == 0 {
		return StringSchema, "", nil
	}
	if !utf8.Valid(b) {
		return BytesSchema, b, nil
	}
	s, v := ParseValueString(string(b))
	return s, v, nil
}

var _ HeaderConverter = SimpleHeaderConverter{}
