package jsonconv

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/internal/golden"
	"github.com/gonnect/gonnect/schemas"
)

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), got)
}

// orderSchema is the §5.3 example of spec/connect.md.
func orderSchema() *schemas.Schema {
	return schemas.StructBuilder().Name("shop.Order").
		Field("id", schemas.Int32Schema).
		Field("price", schemas.DecimalSchema(2).Schema()).
		Field("day", schemas.DateSchema().Optional().Schema()).
		Field("ts", schemas.TimestampSchema().Optional().Schema()).
		Field("tags", schemas.ArrayBuilder(schemas.StringSchema).Optional().Schema()).
		Schema()
}

func orderValue(s *schemas.Schema) *schemas.Struct {
	return schemas.NewStruct(s).
		Set("id", int32(7)).
		Set("price", schemas.NewDecimal(158, 2)).
		Set("day", time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)).
		Set("ts", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)).
		Set("tags", []any{"a", "b"})
}

func TestGoldenOrder(t *testing.T) {
	ctx := context.Background()
	numeric := DefaultConfig()
	numeric.DecimalFormat = DecimalNumeric
	schemaless := DefaultConfig()
	schemaless.SchemasEnable = false
	tests := []struct {
		name   string
		cfg    Config
		golden string
	}{
		{name: "base64 decimals", cfg: DefaultConfig(), golden: "order.json"},
		{name: "numeric decimals", cfg: numeric, golden: "order_numeric.json"},
		{name: "schemas disabled", cfg: schemaless, golden: "order_schemaless.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New(tc.cfg)
			s := orderSchema()
			b, err := c.FromConnect(ctx, "orders", s, orderValue(s))
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.golden, b)
			if !tc.cfg.SchemasEnable {
				return
			}
			gs, gv, err := c.ToConnect(ctx, "orders", b)
			if err != nil {
				t.Fatal(err)
			}
			if !schemas.Equal(gs, s) {
				t.Fatalf("schema round trip: got %+v", gs)
			}
			if !schemas.ValuesEqual(gv, orderValue(s)) {
				t.Fatalf("value round trip: got %v", gv)
			}
		})
	}
}

// allTypesSchema has every Connect type, optional and required, with defaults,
// logical types, nested structs and both map shapes.
func allTypesSchema() *schemas.Schema {
	inner := schemas.StructBuilder().Name("inner.Rec").Field("a", schemas.StringSchema).Field("b", schemas.OptionalInt64Schema).Schema()
	return schemas.StructBuilder().Name("all.Types").Version(3).Doc("every type").
		Field("i8", schemas.Int8Schema).
		Field("i16", schemas.Int16Schema).
		Field("i32", schemas.Int32Schema).
		Field("i64", schemas.Int64Schema).
		Field("f32", schemas.Float32Schema).
		Field("f64", schemas.Float64Schema).
		Field("bool", schemas.BooleanSchema).
		Field("str", schemas.StringSchema).
		Field("bytes", schemas.BytesSchema).
		Field("opt_str", schemas.OptionalStringSchema).
		Field("def_i32", schemas.NewBuilder(schemas.Int32).Optional().Default(int32(42)).Schema()).
		Field("enum", schemas.NewBuilder(schemas.String).Name("io.debezium.data.Enum").Version(1).Param("allowed", "a,b").Schema()).
		Field("dec", schemas.DecimalSchema(3).Param(schemas.DecimalPrecisionParam, "10").Schema()).
		Field("neg_dec", schemas.DecimalSchema(0).Schema()).
		Field("date", schemas.DateSchema().Schema()).
		Field("time", schemas.TimeSchema().Schema()).
		Field("ts", schemas.TimestampSchema().Schema()).
		Field("arr", schemas.ArrayBuilder(schemas.OptionalInt32Schema).Schema()).
		Field("smap", schemas.MapBuilder(schemas.StringSchema, schemas.Float64Schema).Schema()).
		Field("imap", schemas.MapBuilder(schemas.Int32Schema, schemas.StringSchema).Schema()).
		Field("inner", inner).
		Field("opt_inner", inner.WithOptional(true)).
		Schema()
}

func allTypesValue(s *schemas.Schema) *schemas.Struct {
	inner, _ := s.Field("inner")
	in := schemas.NewStruct(inner.Schema).Set("a", "x\"y\\z\n\u0001é/").Set("b", int64(-5))
	return schemas.NewStruct(s).
		Set("i8", int8(-128)).Set("i16", int16(32767)).Set("i32", int32(-2147483648)).Set("i64", int64(math.MaxInt64)).
		Set("f32", float32(3.25)).Set("f64", 1e-7).Set("bool", true).Set("str", "héllo").Set("bytes", []byte{0, 1, 0xff}).
		Set("def_i32", int32(7)).Set("enum", "b").
		Set("dec", schemas.NewDecimal(-123456, 3)).Set("neg_dec", schemas.NewDecimal(-1, 0)).
		Set("date", time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)).
		Set("time", time.UnixMilli(86399999).UTC()).
		Set("ts", time.UnixMilli(-1).UTC()).
		Set("arr", []any{int32(1), nil, int32(3)}).
		Set("smap", map[string]any{"k": 1.5, "j": -2.0}).
		Set("imap", []schemas.MapEntry{{Key: int32(1), Value: "one"}, {Key: int32(-2), Value: "minus two"}}).
		Set("inner", in)
}

func TestRoundTripEveryType(t *testing.T) {
	ctx := context.Background()
	numeric := DefaultConfig()
	numeric.DecimalFormat = DecimalNumeric
	tests := []struct {
		name string
		cfg  Config
	}{
		{name: "base64", cfg: DefaultConfig()},
		{name: "numeric", cfg: numeric},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New(tc.cfg)
			s := allTypesSchema()
			v := allTypesValue(s)
			b, err := c.FromConnect(ctx, "t", s, v)
			if err != nil {
				t.Fatal(err)
			}
			gs, gv, err := c.ToConnect(ctx, "t", b)
			if err != nil {
				t.Fatalf("%v\n%s", err, b)
			}
			if !schemas.Equal(gs, s) {
				t.Fatalf("schema mismatch\n%s", b)
			}
			if !schemas.ValuesEqual(gv, v) {
				t.Fatalf("value mismatch:\n got %v\nwant %v\n%s", gv, v, b)
			}
			// a second conversion hits both caches and must give identical bytes
			b2, err := c.FromConnect(ctx, "t", s, v)
			if err != nil || !bytes.Equal(b, b2) {
				t.Fatalf("cached conversion differs: %v", err)
			}
		})
	}
}

func TestFromConnectValues(t *testing.T) {
	ctx := context.Background()
	withDefault := schemas.NewBuilder(schemas.Int32).Default(int32(5)).Schema()
	noReplace := DefaultConfig()
	noReplace.ReplaceNullWithDefault = false
	noReplace.SchemasEnable = false
	plain := DefaultConfig()
	plain.SchemasEnable = false
	tests := []struct {
		name string
		cfg  Config
		s    *schemas.Schema
		v    any
		want string
	}{
		{name: "tombstone", cfg: DefaultConfig(), s: nil, v: nil, want: ""},
		{name: "float32 java form", cfg: plain, s: schemas.Float32Schema, v: float32(1), want: "1.0"},
		{name: "double large", cfg: plain, s: schemas.Float64Schema, v: 1e7, want: "1.0E7"},
		{name: "double small", cfg: plain, s: schemas.Float64Schema, v: 0.0001, want: "1.0E-4"},
		{name: "double NaN quoted", cfg: plain, s: schemas.Float64Schema, v: math.NaN(), want: `"NaN"`},
		{name: "null replaced by default", cfg: plain, s: withDefault, v: nil, want: "5"},
		{name: "null kept without replace", cfg: noReplace, s: withDefault.WithOptional(true), v: nil, want: "null"},
		{name: "schemaless map sorted", cfg: plain, s: nil, v: map[string]any{"b": int64(1), "a": []any{true, "x"}}, want: `{"a":[true,"x"],"b":1}`},
		{name: "schemaless non-string keys", cfg: plain, s: nil, v: []schemas.MapEntry{{Key: int32(1), Value: "a"}}, want: `[[1,"a"]]`},
		{name: "null schema envelope", cfg: DefaultConfig(), s: nil, v: "x", want: `{"schema":null,"payload":"x"}`},
		{name: "optional schema null payload", cfg: DefaultConfig(), s: schemas.OptionalStringSchema, v: nil, want: `{"schema":{"type":"string","optional":true},"payload":null}`},
		{name: "numeric scientific", cfg: Config{SchemasEnable: false, DecimalFormat: DecimalNumeric}, s: schemas.DecimalSchema(10).Schema(), v: schemas.NewDecimal(1, 10), want: "1E-10"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := New(tc.cfg).FromConnect(ctx, "t", tc.s, tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Fatalf("got %s, want %s", b, tc.want)
			}
		})
	}
}

func TestErrorsNameTheField(t *testing.T) {
	ctx := context.Background()
	s := allTypesSchema()
	c := New(DefaultConfig())
	tests := []struct {
		name    string
		build   func() any
		wantErr string
	}{
		{name: "wrong go type", build: func() any { v := allTypesValue(s); v.Set("i32", "nope"); return v }, wantErr: `field "i32": expected INT32`},
		{name: "nested wrong type", build: func() any {
			v := allTypesValue(s)
			v.Get("inner").(*schemas.Struct).Set("a", 5)
			return v
		}, wantErr: `field "inner.a": expected STRING`},
		{name: "required null", build: func() any { v := allTypesValue(s); v.Set("str", nil); return v }, wantErr: `field "str": null value for a required STRING`},
		{name: "array element", build: func() any { v := allTypesValue(s); v.Set("arr", []any{"x"}); return v }, wantErr: `field "arr.0": expected INT32`},
		{name: "decimal scale", build: func() any { v := allTypesValue(s); v.Set("dec", schemas.NewDecimal(1, 5)); return v }, wantErr: `field "dec": decimal 0.00001 does not fit scale 3`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.FromConnect(ctx, "t", s, tc.build())
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestToConnect(t *testing.T) {
	ctx := context.Background()
	plain := DefaultConfig()
	plain.SchemasEnable = false
	tests := []struct {
		name    string
		cfg     Config
		in      string
		want    any
		wantErr string
	}{
		{name: "schemaless inference", cfg: plain, in: `{"i":1,"f":1.5,"big":12345678901234567890,"s":"x","a":[null,true]}`,
			want: map[string]any{"i": int64(1), "f": 1.5, "big": 12345678901234567890.0, "s": "x", "a": []any{nil, true}}},
		{name: "envelope without schema", cfg: DefaultConfig(), in: `{"schema":null,"payload":{"a":2}}`, want: map[string]any{"a": int64(2)}},
		{name: "missing envelope", cfg: DefaultConfig(), in: `{"a":1}`, wantErr: `requires "schema" and "payload"`},
		{name: "extra envelope field", cfg: DefaultConfig(), in: `{"schema":null,"payload":1,"x":2}`, wantErr: `requires "schema" and "payload"`},
		{name: "type mismatch names field", cfg: DefaultConfig(),
			in:      `{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false},"payload":{"id":"x"}}`,
			wantErr: `field "id": expected INT32`},
		{name: "int8 overflow", cfg: DefaultConfig(), in: `{"schema":{"type":"int8","optional":false},"payload":300}`, wantErr: "out of range for INT8"},
		{name: "required missing", cfg: DefaultConfig(),
			in:      `{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"s"}],"optional":false},"payload":{}}`,
			wantErr: `field "s": Invalid null value for required STRING field`},
		{name: "unknown type", cfg: DefaultConfig(), in: `{"schema":{"type":"uuid"},"payload":1}`, wantErr: "Unknown schema type: uuid"},
		{name: "bad json", cfg: DefaultConfig(), in: `{"schema":`, wantErr: "invalid JSON at offset 10"},
		{name: "surrogate pair", cfg: plain, in: `"\ud83d\ude00\u00e9"`, want: "😀é"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, v, err := New(tc.cfg).ToConnect(ctx, "t", []byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !schemas.ValuesEqual(v, tc.want) {
				t.Fatalf("got %#v, want %#v", v, tc.want)
			}
		})
	}
}

func FuzzJSONToConnect(f *testing.F) {
	for _, name := range []string{"order.json", "order_numeric.json", "order_schemaless.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"string"}},"payload":[[1,"a"]]}`))
	f.Add([]byte(`{"schema":{"type":"int32","default":5,"optional":true},"payload":null}`))
	f.Add([]byte(`[1e400, -0.0, "\u0000"]`))
	ctx := context.Background()
	withSchemas := New(DefaultConfig())
	plainCfg := DefaultConfig()
	plainCfg.SchemasEnable = false
	plain := New(plainCfg)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, v, err := withSchemas.ToConnect(ctx, "t", b)
		if err == nil {
			// whatever was accepted must convert back
			if _, err := withSchemas.FromConnect(ctx, "t", s, v); err != nil && s != nil {
				if verr := schemas.Validate(s, v); verr == nil {
					t.Fatalf("accepted value does not serialize: %v", err)
				}
			}
		}
		_, _, _ = plain.ToConnect(ctx, "t", b)
	})
}
