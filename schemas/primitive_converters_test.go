package schemas

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
	"time"
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

func TestSimpleHeaderConverter(t *testing.T) {
	ctx := context.Background()
	hc := SimpleHeaderConverter{}
	ts := time.Date(2024, 1, 2, 3, 4, 5, 6e6, time.UTC)
	tests := []struct {
		name     string
		s        *Schema
		v        any
		text     string
		wantType Type // 0: schemaless
		back     any
	}{
		{name: "int8", s: Int8Schema, v: int8(5), text: "5", wantType: Int8, back: int8(5)},
		{name: "widened int", s: Int64Schema, v: int64(40000), text: "40000", wantType: Int32, back: int32(40000)},
		{name: "long", s: Int64Schema, v: int64(1) << 40, text: "1099511627776", wantType: Int64, back: int64(1) << 40},
		{name: "float", s: Float32Schema, v: float32(1.5), text: "1.5", wantType: Float32, back: float32(1.5)},
		{name: "integral double becomes int", s: Float64Schema, v: 2.0, text: "2.0", wantType: Int8, back: int8(2)},
		{name: "boolean", s: BooleanSchema, v: true, text: "true", wantType: Boolean, back: true},
		{name: "string", s: StringSchema, v: "hello world", text: "hello world", wantType: String, back: "hello world"},
		{name: "timestamp", s: TimestampSchema().Schema(), v: ts, text: "2024-01-02T03:04:05.006Z", wantType: Int64, back: ts},
		{name: "date", s: DateSchema().Schema(), v: DaysToDate(19724), text: "2024-01-02", wantType: Int32, back: DaysToDate(19724)},
		{name: "array", s: ArrayBuilder(Int32Schema).Schema(), v: []any{int32(1), int32(2)}, text: "[1,2]", wantType: Array, back: []any{int8(1), int8(2)}},
		{name: "map", s: MapBuilder(StringSchema, Int32Schema).Schema(), v: map[string]any{"b": int32(2), "a": int32(1)}, text: `{"a":1,"b":2}`, wantType: Map, back: map[string]any{"a": int8(1), "b": int8(2)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := hc.FromConnectHeader(ctx, "t", "h", tc.s, tc.v)
			if err != nil || string(b) != tc.text {
				t.Fatalf("FromConnectHeader = %q %v, want %q", b, err, tc.text)
			}
			s, v, err := hc.ToConnectHeader(ctx, "t", "h", b)
			if err != nil {
				t.Fatal(err)
			}
			if s == nil || s.Type != tc.wantType || !ValuesEqual(v, tc.back) {
				t.Fatalf("ToConnectHeader = %v %#v, want %s %#v", s, v, tc.wantType, tc.back)
			}
		})
	}
}

func TestJavaFloatFormat(t *testing.T) {
	tests := []struct {
		name string
		f    float64
		want string
	}{
		{name: "one", f: 1, want: "1.0"},
		{name: "fraction", f: 0.5, want: "0.5"},
		{name: "small plain", f: 0.001, want: "0.001"},
		{name: "small sci", f: 0.0001234, want: "1.234E-4"},
		{name: "big plain", f: 1234567, want: "1234567.0"},
		{name: "big sci", f: 12345678, want: "1.2345678E7"},
		{name: "max", f: math.MaxFloat64, want: "1.7976931348623157E308"},
		{name: "neg zero", f: math.Copysign(0, -1), want: "-0.0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatFloat64(tc.f); got != tc.want {
				t.Fatalf("got %s want %s", got, tc.want)
			}
		})
	}
	if got := FormatFloat32(0.1); got != "0.1" {
		t.Fatalf("float32 0.1 = %s", got)
	}
}

func TestParseValueString(t *testing.T) {
	big, _ := ParseDecimal("12345678901234567890")
	tests := []struct {
		name     string
		in       string
		wantType Type // 0: nil schema
		want     any
	}{
		{name: "integral with fraction", in: "1.0", wantType: Int8, want: int8(1)},
		{name: "exponent float", in: "1e30", wantType: Float32, want: float32(1e30)},
		{name: "beyond long", in: "12345678901234567890", wantType: Bytes, want: big},
		{name: "widened array", in: "[1, 300, 70000]", wantType: Array, want: []any{int32(1), int32(300), int32(70000)}},
		{name: "float array", in: "[1,2.5]", wantType: Array, want: []any{float32(1), float32(2.5)}},
		{name: "unquoted map key is text", in: "{a:1}", wantType: String, want: "{a:1}"},
		{name: "quoted strings", in: `["a","b"]`, wantType: Array, want: []any{"a", "b"}},
		{name: "unterminated array is text", in: "[1,2", wantType: String, want: "[1,2"},
		{name: "null", in: "null", wantType: 0, want: nil},
		{name: "word", in: "hello", wantType: String, want: "hello"},
		{name: "dot number is text", in: ".5", wantType: String, want: ".5"},
		{name: "time", in: "03:04:05.006Z", wantType: Int32, want: MillisToTime(11045006)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, v := ParseValueString(tc.in)
			if tc.wantType == 0 {
				if s != nil || v != nil {
					t.Fatalf("got %v %v", s, v)
				}
				return
			}
			if s == nil || s.Type != tc.wantType || !ValuesEqual(v, tc.want) {
				t.Fatalf("got %v %#v, want %s %#v", s, v, tc.wantType, tc.want)
			}
		})
	}
}

func FuzzParseValueString(f *testing.F) {
	for _, s := range []string{"1", "[1,2]", `{"a":[1,{"b":null}]}`, "2024-01-02", `["x\"y"]`, "{1:2,3:4}", "-1e-9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, v := ParseValueString(in)
		if s != nil {
			if err := Validate(s, v); err != nil {
				t.Fatalf("%q parsed to a value that does not match its schema: %v", in, err)
			}
		}
	})
}

func TestParseValueStringContainers(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		elemType Type
		want     any
	}{
		{name: "nulls skipped when merging", in: "[null,1,2]", elemType: Int8, want: []any{nil, int8(1), int8(2)}},
		{name: "quoted date keeps its type", in: `["2024-01-02"]`, elemType: Int32, want: []any{DaysToDate(19724)}},
		{name: "map values widen", in: `{"a":1,"b":1.5}`, elemType: Float32, want: map[string]any{"a": float32(1), "b": float32(1.5)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, v := ParseValueString(tc.in)
			if s == nil || s.Value == nil || s.Value.Type != tc.elemType || !ValuesEqual(v, tc.want) {
				t.Fatalf("got %v %#v", s, v)
			}
		})
	}
}

func TestProject(t *testing.T) {
	from := StructBuilder().Name("r").Field("a", Int8Schema).Field("gone", StringSchema).Field("f", Float32Schema).Schema()
	to := StructBuilder().Name("r").Field("a", Int64Schema).Field("f", Float64Schema).
		Field("added", NewBuilder(String).Optional().Default("d").Schema()).Schema()
	v := NewStruct(from).Set("a", int8(-3)).Set("gone", "x").Set("f", float32(1.5))
	got, err := Project(from, to, v)
	if err != nil {
		t.Fatal(err)
	}
	st := got.(*Struct)
	if st.Get("a") != int64(-3) || st.Get("f") != 1.5 || st.Get("added") != "d" || st.Raw(2) != nil {
		t.Fatalf("got %v", st)
	}
	if err := st.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := StructBuilder().Field("a", StructBuilder().Field("x", Int32Schema).Schema()).Schema()
	if _, err := Project(from, bad, v); err == nil || !strings.Contains(err.Error(), `field "a": expected STRUCT`) {
		t.Fatalf("got %v", err)
	}
}
