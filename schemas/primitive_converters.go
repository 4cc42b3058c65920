package schemas

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// StringConverter is Java's org.apache.kafka.connect.storage.StringConverter: any
// value is written as its string rendering in UTF-8; reading gives an optional
// STRING. It is also a HeaderConverter. Safe for concurrent use.
type StringConverter struct{}

// NewStringConverter returns a StringConverter. encoding is converter.encoding
// (Java's default UTF8); only UTF-8 is supported, and the error names the key.
func NewStringConverter(encoding string) (*StringConverter, error) {
	switch strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(encoding), "-", "")) {
	case "", "UTF8":
		return &StringConverter{}, nil
	}
	return nil, fmt.Errorf("Invalid value %s for configuration converter.encoding: only UTF-8 is supported", encoding)
}

// FromConnect writes v's string rendering (a string as is, other values as
// Connect's Values.convertToString); nil stays nil. A string is returned without a
// copy: its bytes are the result (read-only, as the Converter contract says).
func (*StringConverter) FromConnect(_ context.Context, _ string, s *Schema, v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	if str, ok := v.(string); ok {
		if str == "" {
			return []byte{}, nil
		}
		return unsafe.Slice(unsafe.StringData(str), len(str)), nil
	}
	str, err := ValueString(s, v)
	if err != nil {
		return nil, err
	}
	return []byte(str), nil
}

// ToConnect returns an optional STRING schema and the UTF-8 text (nil for nil).
func (*StringConverter) ToConnect(_ context.Context, _ string, b []byte) (*Schema, any, error) {
	if b == nil {
		return OptionalStringSchema, nil, nil
	}
	if !utf8.Valid(b) {
		return OptionalStringSchema, string([]rune(string(b))), nil
	}
	return OptionalStringSchema, string(b), nil
}

// FromConnectHeader is FromConnect.
func (c *StringConverter) FromConnectHeader(ctx context.Context, topic, _ string, s *Schema, v any) ([]byte, error) {
	return c.FromConnect(ctx, topic, s, v)
}

// ToConnectHeader is ToConnect.
func (c *StringConverter) ToConnectHeader(ctx context.Context, topic, _ string, b []byte) (*Schema, any, error) {
	return c.ToConnect(ctx, topic, b)
}

// ByteArrayConverter is Java's org.apache.kafka.connect.converters.ByteArrayConverter:
// bytes pass through unchanged. Also a HeaderConverter. Safe for concurrent use.
type ByteArrayConverter struct{}

// FromConnect passes []byte through; any schema other than BYTES is an error.
func (*ByteArrayConverter) FromConnect(_ context.Context, _ string, s *Schema, v any) ([]byte, error) {
	if s != nil && s.Type != Bytes {
		return nil, fmt.Errorf("Invalid schema type for ByteArrayConverter: %s", s.Type.JavaName())
	}
	if v == nil {
		return nil, nil
	}
	b, ok := v.([]byte)
	if !ok {
		return nil, fmt.Errorf("ByteArrayConverter is not compatible with objects of type %T", v)
	}
	return b, nil
}

// ToConnect returns an optional BYTES schema and b.
func (*ByteArrayConverter) ToConnect(_ context.Context, _ string, b []byte) (*Schema, any, error) {
	if b == nil {
		return OptionalBytesSchema, nil, nil
	}
	return OptionalBytesSchema, b, nil
}

// FromConnectHeader is FromConnect.
func (c *ByteArrayConverter) FromConnectHeader(ctx context.Context, topic, _ string, s *Schema, v any) ([]byte, error) {
	return c.FromConnect(ctx, topic, s, v)
}

// ToConnectHeader is ToConnect.
func (c *ByteArrayConverter) ToConnectHeader(ctx context.Context, topic, _ string, b []byte) (*Schema, any, error) {
	return c.ToConnect(ctx, topic, b)
}

// NumberConverter is one of Java's Short/Integer/Long/Float/Double/BooleanConverter
// (org.apache.kafka.connect.converters.*): the value in Kafka's fixed-width
// big-endian serializer format. Also a HeaderConverter. Safe for concurrent use.
type NumberConverter struct {
	t    Type
	name string // Java serializer name used in error messages
	size int
}

// NewNumberConverter returns the converter for t, which must be INT16, INT32,
// INT64, FLOAT32, FLOAT64 or BOOLEAN.
func NewNumberConverter(t Type) (*NumberConverter, error) {
	switch t {
	case Int16:
		return &NumberConverter{t, "Short", 2}, nil
	case Int32:
		return &NumberConverter{t, "Integer", 4}, nil
	case Int64:
		return &NumberConverter{t, "Long", 8}, nil
	case Float32:
		return &NumberConverter{t, "Float", 4}, nil
	case Float64:
		return &NumberConverter{t, "Double", 8}, nil
	case Boolean:
		return &NumberConverter{t, "Boolean", 1}, nil
	}
	return nil, fmt.Errorf("no number converter for type %s", t.JavaName())
}

// FromConnect writes v, which must be the Go type of the converter's Connect type.
func (c *NumberConverter) FromConnect(_ context.Context, _ string, s *Schema, v any) ([]byte, error) {
	if c.t == Boolean && s != nil && s.Type != Boolean {
		return nil, fmt.Errorf("Invalid schema type for BooleanConverter: %s", s.Type.JavaName())
	}
	if v == nil {
		return nil, nil
	}
	b := make([]byte, c.size)
	ok := true
	switch c.t {
	case Int16:
		var x int16
		x, ok = v.(int16)
		binary.BigEndian.PutUint16(b, uint16(x))
	case Int32:
		var x int32
		x, ok = v.(int32)
		binary.BigEndian.PutUint32(b, uint32(x))
	case Int64:
		var x int64
		x, ok = v.(int64)
		binary.BigEndian.PutUint64(b, uint64(x))
	case Float32:
		var x float32
		x, ok = v.(float32)
		binary.BigEndian.PutUint32(b, math.Float32bits(x))
	case Float64:
		var x float64
		x, ok = v.(float64)
		binary.BigEndian.PutUint64(b, math.Float64bits(x))
	case Boolean:
		var x bool
		x, ok = v.(bool)
		if x {
			b[0] = 1
		}
	}
	if !ok {
		return nil, fmt.Errorf("Failed to serialize to %s (was %T)", c.t.JavaName(), v)
	}
	return b, nil
}

// ToConnect reads the fixed-width value; a wrong length is an error naming the size.
func (c *NumberConverter) ToConnect(_ context.Context, _ string, b []byte) (*Schema, any, error) {
	s := PrimitiveSchema(c.t, true)
	if b == nil {
		return s, nil, nil
	}
	if len(b) != c.size {
		return nil, nil, fmt.Errorf("Size of data received by %sDeserializer is not %d", c.name, c.size)
	}
	switch c.t {
	case Int16:
		return s, int16(binary.BigEndian.Uint16(b)), nil
	case Int32:
		return s, int32(binary.BigEndian.Uint32(b)), nil
	case Int64:
		return s, int64(binary.BigEndian.Uint64(b)), nil
	case Float32:
		return s, math.Float32frombits(binary.BigEndian.Uint32(b)), nil
	case Float64:
		return s, math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	}
	switch b[0] {
	case 0:
		return s, false, nil
	case 1:
		return s, true, nil
	}
	return nil, nil, fmt.Errorf("Unexpected byte received by BooleanDeserializer: %d", b[0])
}

// FromConnectHeader is FromConnect.
func (c *NumberConverter) FromConnectHeader(ctx context.Context, topic, _ string, s *Schema, v any) ([]byte, error) {
	return c.FromConnect(ctx, topic, s, v)
}

// ToConnectHeader is ToConnect.
func (c *NumberConverter) ToConnectHeader(ctx context.Context, topic, _ string, b []byte) (*Schema, any, error) {
	return c.ToConnect(ctx, topic, b)
}
