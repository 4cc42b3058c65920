package schemas

import (
	"context"
	"testing"
	"time"
)

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
