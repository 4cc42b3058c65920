package schemas

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestNumberConverters(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		t     Type
		v     any
		bytes []byte
	}{
		{name: "short", t: Int16, v: int16(-2), bytes: []byte{0xff, 0xfe}},
		{name: "integer", t: Int32, v: int32(258), bytes: []byte{0, 0, 1, 2}},
		{name: "long", t: Int64, v: int64(-1), bytes: bytes.Repeat([]byte{0xff}, 8)},
		{name: "float", t: Float32, v: float32(1.5), bytes: []byte{0x3f, 0xc0, 0, 0}},
		{name: "double", t: Float64, v: 2.0, bytes: []byte{0x40, 0, 0, 0, 0, 0, 0, 0}},
		{name: "boolean", t: Boolean, v: true, bytes: []byte{1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewNumberConverter(tc.t)
			if err != nil {
				t.Fatal(err)
			}
			b, err := c.FromConnect(ctx, "t", PrimitiveSchema(tc.t, false), tc.v)
			if err != nil || !bytes.Equal(b, tc.bytes) {
				t.Fatalf("FromConnect = %x, %v; want %x", b, err, tc.bytes)
			}
			s, v, err := c.ToConnect(ctx, "t", b)
			if err != nil || v != tc.v || s.Type != tc.t || !s.Optional {
				t.Fatalf("ToConnect = %v %v %v", s, v, err)
			}
			if _, _, err := c.ToConnect(ctx, "t", append(b, 0)); err == nil || !strings.Contains(err.Error(), "Size of data received") {
				t.Fatalf("wrong length accepted: %v", err)
			}
			if _, err := c.FromConnect(ctx, "t", nil, "x"); err == nil || !strings.Contains(err.Error(), "Failed to serialize to "+tc.t.JavaName()) {
				t.Fatalf("wrong type accepted: %v", err)
			}
			if b, err := c.FromConnect(ctx, "t", nil, nil); b != nil || err != nil {
				t.Fatalf("nil = %v %v", b, err)
			}
		})
	}
}

func TestStringAndByteArrayConverters(t *testing.T) {
	ctx := context.Background()
	sc, err := NewStringConverter("UTF8")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewStringConverter("UTF-16"); err == nil || !strings.Contains(err.Error(), "converter.encoding") {
		t.Fatalf("UTF-16 accepted: %v", err)
	}
	tests := []struct {
		name string
		s    *Schema
		v    any
		want string
	}{
		{name: "string", s: StringSchema, v: "héllo", want: "héllo"},
		{name: "int", s: Int32Schema, v: int32(5), want: "5"},
		{name: "double", s: Float64Schema, v: 1e7, want: "1.0E7"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := sc.FromConnect(ctx, "t", tc.s, tc.v)
			if err != nil || string(b) != tc.want {
				t.Fatalf("got %q %v", b, err)
			}
			s, v, err := sc.ToConnect(ctx, "t", b)
			if err != nil || v != tc.want || s != OptionalStringSchema {
				t.Fatalf("ToConnect = %v %v %v", s, v, err)
			}
		})
	}
	bc := &ByteArrayConverter{}
	if _, err := bc.FromConnect(ctx, "t", StringSchema, "x"); err == nil || !strings.Contains(err.Error(), "Invalid schema type for ByteArrayConverter: STRING") {
		t.Fatalf("got %v", err)
	}
	if b, err := bc.FromConnect(ctx, "t", BytesSchema, []byte{1}); err != nil || !bytes.Equal(b, []byte{1}) {
		t.Fatalf("got %v %v", b, err)
	}
}
