package avro

import (
	"context"
	"encoding/binary"
	"math"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	havro "github.com/hamba/avro/v2"

	"github.com/gonnect/gonnect/internal/golden"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/registry"
	"github.com/gonnect/gonnect/schemas/srtest"
)

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), got)
}

// newConverter returns a value (or key) converter on a fresh srfake registry.

func newConverter(t *testing.T, isKey bool, cfg map[string]string) (*Converter, *registry.Client, string) {
	t.Helper()
	url, _ := srtest.New(t)
	return converterFor(t, url, isKey, cfg)
}

func converterFor(t *testing.T, url string, isKey bool, extra map[string]string) (*Converter, *registry.Client, string) {
	t.Helper()
	m := map[string]string{registry.URLConfig: url}
	for k, v := range extra {
		m[k] = v
	}
	cfg, err := ParseConfig(m)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := registry.New(cfg.Registry)
	if err != nil {
		t.Fatal(err)
	}
	return New(cfg, isKey, reg), reg, url
}

func TestGoldenDebeziumSchemas(t *testing.T) {
	d := buildDebezium()
	c, _, _ := newConverter(t, false, nil)
	tests := []struct {
		name   string
		schema *schemas.Schema
		golden string
	}{
		{name: "envelope", schema: d.envelope, golden: "mysql_alltypes_envelope.avsc.json"},
		{name: "key", schema: d.key, golden: "mysql_alltypes_key.avsc.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			js, err := c.AvroSchema(tc.schema)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.golden, []byte(js))
			if _, err := havro.ParseWithCache(js, "", &havro.SchemaCache{}); err != nil {
				t.Fatalf("generated schema is not valid Avro: %v", err)
			}
		})
	}
}

// TestAvroDataFragments pins pieces of the generated schema to the exact text
// AvroData produces (as seen in registries fed by Kafka Connect + Debezium).

func TestAvroDataFragments(t *testing.T) {
	d := buildDebezium()
	c, _, _ := newConverter(t, false, nil)
	js, err := c.AvroSchema(d.envelope)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		fragment string
	}{
		{name: "envelope record head", fragment: `{"type":"record","name":"Envelope","namespace":"dbserver1.inventory.alltypes","fields":[{"name":"before","type":["null",{"type":"record","name":"Value","fields":[{"name":"id","type":"int"}`},
		{name: "after references Value", fragment: `{"name":"after","type":["null","Value"],"default":null}`},
		{name: "envelope props", fragment: `"connect.version":2,"connect.name":"dbserver1.inventory.alltypes.Envelope"}`},
		{name: "decimal", fragment: `{"name":"c_decimal","type":["null",{"type":"bytes","scale":2,"precision":10,"connect.version":1,"connect.parameters":{"scale":"2","connect.decimal.precision":"10"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}],"default":null}`},
		{name: "int8 annotation", fragment: `{"name":"c_tinyint","type":["null",{"type":"int","connect.type":"int8"}],"default":null}`},
		{name: "int16 annotation", fragment: `{"name":"c_tinyint_u","type":["null",{"type":"int","connect.type":"int16"}],"default":null}`},
		{name: "optional with default puts null second", fragment: `{"name":"c_int","type":[{"type":"int","connect.default":42},"null"],"default":42}`},
		{name: "required with default", fragment: `{"name":"c_timestamp","type":{"type":"string","connect.version":1,"connect.default":"1970-01-01T00:00:00Z","connect.name":"io.debezium.time.ZonedTimestamp"},"default":"1970-01-01T00:00:00Z"}`},
		{name: "source namespace", fragment: `{"name":"source","type":{"type":"record","name":"Source","namespace":"io.debezium.connector.mysql","fields":[{"name":"version","type":"string"},{"name":"connector","type":"string"},{"name":"name","type":"string"},{"name":"ts_ms","type":"long"},{"name":"snapshot","type":[{"type":"string","connect.version":1,"connect.parameters":{"allowed":"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},"connect.default":"false","connect.name":"io.debezium.data.Enum"},"null"],"default":"false"}`},
		{name: "transaction block", fragment: `{"name":"transaction","type":["null",{"type":"record","name":"block","namespace":"event","fields":[{"name":"id","type":"string"},{"name":"total_order","type":"long"},{"name":"data_collection_order","type":"long"}],"connect.version":1,"connect.name":"event.block"}],"default":null}`},
		{name: "geometry record with doc", fragment: `{"name":"c_geometry","type":["null",{"type":"record","name":"Geometry","namespace":"io.debezium.data.geometry","fields":[{"name":"wkb","type":"bytes"},{"name":"srid","type":["null","int"],"default":null}],"connect.doc":"Geometry","connect.version":1,"connect.name":"io.debezium.data.geometry.Geometry"}],"default":null}`},
		{name: "vector", fragment: `{"name":"c_vector","type":["null",{"type":"array","items":"float","connect.version":1,"connect.name":"io.debezium.data.FloatVector"}],"default":null}`},
		{name: "op and ts", fragment: `{"name":"op","type":"string"},{"name":"ts_ms","type":["null","long"],"default":null}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(js, tc.fragment) {
				t.Fatalf("schema lacks\n%s\nin\n%s", tc.fragment, js)
			}
		})
	}
}

func TestMappingRules(t *testing.T) {
	unnamed := schemas.StructBuilder().Field("a", schemas.Int32Schema).Schema()
	unnamed2 := schemas.StructBuilder().Field("b", schemas.StringSchema).Schema()
	tests := []struct {
		name   string
		cfg    map[string]string
		schema *schemas.Schema
		want   string
	}{
		{name: "primitive", schema: schemas.Int64Schema, want: `"long"`},
		{name: "optional primitive", schema: schemas.OptionalStringSchema, want: `["null","string"]`},
		{name: "unnamed structs get ConnectDefault names", schema: schemas.StructBuilder().Field("x", unnamed).Field("y", unnamed2).Schema(),
			want: `{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"x","type":{"type":"record","name":"ConnectDefault2","fields":[{"name":"a","type":"int"}]}},{"name":"y","type":{"type":"record","name":"ConnectDefault3","fields":[{"name":"b","type":"string"}]}}]}`},
		{name: "name without namespace", schema: schemas.StructBuilder().Name("Order").Field("a", schemas.BooleanSchema).Schema(),
			want: `{"type":"record","name":"Order","fields":[{"name":"a","type":"boolean"}],"connect.name":"Order"}`},
		{name: "logical types", schema: schemas.StructBuilder().Name("x.L").
			Field("d", schemas.DateSchema().Schema()).Field("t", schemas.TimeSchema().Schema()).Field("ts", schemas.TimestampSchema().Schema()).Field("dec", schemas.DecimalSchema(3).Schema()).Schema(),
			want: `{"type":"record","name":"L","namespace":"x","fields":[{"name":"d","type":{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}},{"name":"t","type":{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Time","logicalType":"time-millis"}},{"name":"ts","type":{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}},{"name":"dec","type":{"type":"bytes","scale":3,"precision":64,"connect.version":1,"connect.parameters":{"scale":"3"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}}],"connect.name":"x.L"}`},
		{name: "string map", schema: schemas.MapBuilder(schemas.StringSchema, schemas.Int32Schema).Schema(), want: `{"type":"map","values":"int"}`},
		{name: "non-string map", schema: schemas.MapBuilder(schemas.Int32Schema, schemas.OptionalStringSchema).Schema(),
			want: `{"type":"array","items":{"type":"record","name":"MapEntry","namespace":"io.confluent.connect.avro","fields":[{"name":"key","type":"int"},{"name":"value","type":["null","string"],"default":null}]}}`},
		{name: "doc and defaults", schema: schemas.StructBuilder().Name("a.B").Doc("the doc").
			Field("f", schemas.NewBuilder(schemas.Float64).Default(1.5).Schema()).
			Field("by", schemas.NewBuilder(schemas.Bytes).Default([]byte{0, 0xe9}).Schema()).Schema(),
			want: `{"type":"record","name":"B","namespace":"a","fields":[{"name":"f","type":{"type":"double","connect.default":1.5},"default":1.5},{"name":"by","type":{"type":"bytes","connect.default":"\u0000é"},"default":"\u0000é"}],"connect.doc":"the doc","connect.name":"a.B"}`},
		{name: "no connect metadata", cfg: map[string]string{ConnectMetaDataConfig: "false"}, schema: schemas.StructBuilder().Name("a.B").Version(3).
			Field("t", schemas.OptionalInt16Schema).Field("dec", schemas.DecimalSchema(1).Schema()).Schema(),
			want: `{"type":"record","name":"B","namespace":"a","fields":[{"name":"t","type":["null","int"],"default":null},{"name":"dec","type":{"type":"bytes","scale":1,"precision":64,"logicalType":"decimal"}}]}`},
		{name: "enhanced enum", cfg: map[string]string{EnhancedAvroSupportConfig: "true"},
			schema: schemas.NewBuilder(schemas.String).Name("a.Color").Param(enumParam, "a.Color").Param(enumParam+".RED", "RED").Param(enumParam+".BLUE", "BLUE").Schema(),
			want:   `{"type":"enum","name":"Color","namespace":"a","symbols":["RED","BLUE"],"connect.parameters":{"io.confluent.connect.avro.Enum":"a.Color","io.confluent.connect.avro.Enum.RED":"RED","io.confluent.connect.avro.Enum.BLUE":"BLUE"},"connect.name":"a.Color"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _, _ := newConverter(t, false, tc.cfg)
			js, err := c.AvroSchema(tc.schema)
			if err != nil {
				t.Fatal(err)
			}
			if js != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", js, tc.want)
			}
			if _, err := havro.ParseWithCache(js, "", &havro.SchemaCache{}); err != nil {
				t.Fatalf("not valid Avro: %v", err)
			}
		})
	}
}

func TestRoundTripDebeziumEnvelope(t *testing.T) {
	ctx := context.Background()
	d := buildDebezium()
	c, reg, url := newConverter(t, false, nil)
	env := dbzEnvelope(d)
	b, err := c.FromConnect(ctx, dbzTopic, d.envelope, env)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != 0 {
		t.Fatalf("magic byte %d", b[0])
	}
	id := int(binary.BigEndian.Uint32(b[1:5]))
	// a converter with an empty cache (a sink worker) reads it back
	reader, _, _ := converterFor(t, url, false, nil)
	gs, gv, err := reader.ToConnect(ctx, dbzTopic, b)
	if err != nil {
		t.Fatal(err)
	}
	if !schemas.Equal(gs, d.envelope) {
		t.Fatalf("schema round trip differs:\n got %s", mustJSON(t, reader, gs))
	}
	// the default of source.snapshot is written for the unset field
	want := dbzEnvelope(d)
	want.Get("source").(*schemas.Struct).Set("snapshot", "false")
	if !schemas.ValuesEqual(gv, want) {
		t.Fatalf("value round trip differs:\n got %v\nwant %v", gv, want)
	}

	// An independent decoder (hamba/avro) with the schema fetched from the registry.
	rs, err := reg.SchemaByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	hs, err := havro.ParseWithCache(rs.Schema, "", &havro.SchemaCache{})
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := havro.Unmarshal(hs, b[5:], &generic); err != nil {
		t.Fatal(err)
	}
	after := unwrapUnion(generic["after"]).(map[string]any)
	checks := []struct {
		name string
		got  any
		want any
	}{
		{name: "id", got: after["id"], want: 1001},
		{name: "tinyint", got: unwrapUnion(after["c_tinyint"]), want: -8},
		{name: "bigint", got: unwrapUnion(after["c_bigint"]), want: int64(math.MinInt64)},
		{name: "double", got: unwrapUnion(after["c_double"]), want: 1e300},
		{name: "varchar", got: unwrapUnion(after["c_varchar"]), want: "héllo"},
		{name: "decimal", got: unwrapUnion(after["c_decimal"]).(*big.Rat).FloatString(2), want: "-12345.67"},
		{name: "zoned timestamp", got: after["c_timestamp"], want: "2024-01-02T03:04:05.123456Z"},
		{name: "snapshot default", got: unwrapUnion(generic["source"].(map[string]any)["snapshot"]), want: "false"},
		{name: "op", got: generic["op"], want: "c"},
		{name: "point x", got: unwrapUnion(after["c_point"]).(map[string]any)["x"], want: 1.5},
	}
	for _, ck := range checks {
		t.Run("hamba "+ck.name, func(t *testing.T) {
			if !schemas.ValuesEqual(ck.got, ck.want) {
				t.Fatalf("got %#v, want %#v", ck.got, ck.want)
			}
		})
	}
}

// unwrapUnion returns the branch value of a hamba-decoded union ({"type": value}).

func unwrapUnion(v any) any {
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		for k, x := range m {
			if !strings.Contains(k, "_") && (strings.Contains(k, ".") || isAvroPrimitive(k)) {
				return x
			}
		}
	}
	return v
}

func isAvroPrimitive(k string) bool {
	switch k {
	case "int", "long", "float", "double", "string", "bytes", "boolean", "array", "map", "int.date", "long.timestamp-millis", "bytes.decimal":
		return true
	}
	return false
}

func mustJSON(t *testing.T, c *Converter, s *schemas.Schema) string {
	t.Helper()
	js, err := c.AvroSchema(s)
	if err != nil {
		return err.Error()
	}
	return js
}

// everyType covers every Connect type and both map shapes, as key and value.

func everyType() (*schemas.Schema, *schemas.Struct) {
	inner := schemas.StructBuilder().Name("x.Inner").Field("a", schemas.StringSchema).Schema()
	s := schemas.StructBuilder().Name("x.Every").
		Field("i8", schemas.Int8Schema).Field("i16", schemas.Int16Schema).Field("i32", schemas.Int32Schema).Field("i64", schemas.Int64Schema).
		Field("f32", schemas.Float32Schema).Field("f64", schemas.Float64Schema).Field("b", schemas.BooleanSchema).
		Field("s", schemas.StringSchema).Field("by", schemas.BytesSchema).
		Field("dec", schemas.DecimalSchema(4).Schema()).Field("bigdec", schemas.DecimalSchema(0).Param(schemas.DecimalPrecisionParam, "40").Schema()).
		Field("date", schemas.DateSchema().Schema()).Field("time", schemas.TimeSchema().Schema()).Field("ts", schemas.TimestampSchema().Schema()).
		Field("arr", schemas.ArrayBuilder(schemas.OptionalStringSchema).Schema()).
		Field("smap", schemas.MapBuilder(schemas.StringSchema, schemas.Int64Schema).Schema()).
		Field("imap", schemas.MapBuilder(schemas.Int16Schema, inner).Schema()).
		Field("inner", inner.WithOptional(true)).
		Field("empty_arr", schemas.ArrayBuilder(schemas.Int32Schema).Schema()).
		Schema()
	huge, _ := new(big.Int).SetString("-123456789012345678901234567890", 10)
	in, _ := s.Field("inner")
	v := schemas.NewStruct(s).
		Set("i8", int8(math.MaxInt8)).Set("i16", int16(math.MinInt16)).Set("i32", int32(math.MaxInt32)).Set("i64", int64(math.MinInt64)).
		Set("f32", float32(math.Inf(-1))).Set("f64", math.SmallestNonzeroFloat64).Set("b", true).
		Set("s", "ünïcode ✓").Set("by", []byte{0, 0xff}).
		Set("dec", schemas.NewDecimal(-1, 4)).Set("bigdec", schemas.Decimal{Unscaled: huge, Scale: 0}).
		Set("date", schemas.DaysToDate(-1)).Set("time", schemas.MillisToTime(86399999)).Set("ts", time.UnixMilli(-62135596800000).UTC()).
		Set("arr", []any{"a", nil, ""}).
		Set("smap", map[string]any{"k": int64(1), "z": int64(-1)}).
		Set("imap", []schemas.MapEntry{{Key: int16(3), Value: schemas.NewStruct(in.Schema.WithOptional(false)).Set("a", "x")}}).
		Set("empty_arr", []any{})
	return s, v
}

func TestRoundTripEveryType(t *testing.T) {
	ctx := context.Background()
	for _, isKey := range []bool{false, true} {
		t.Run(map[bool]string{false: "value", true: "key"}[isKey], func(t *testing.T) {
			c, _, url := newConverter(t, isKey, nil)
			s, v := everyType()
			b, err := c.FromConnect(ctx, "every", s, v)
			if err != nil {
				t.Fatal(err)
			}
			r, _, _ := converterFor(t, url, isKey, nil)
			gs, gv, err := r.ToConnect(ctx, "every", b)
			if err != nil {
				t.Fatal(err)
			}
			// as Confluent's converter, a schema without connect.version takes its
			// version under the subject from the registry
			if gs.Version != 1 {
				t.Fatalf("version %d, want the registry version 1", gs.Version)
			}
			if !schemas.Equal(withVersion(gs, 0), s) {
				t.Fatalf("schema differs: %s", mustJSON(t, r, gs))
			}
			want := schemas.NewStruct(gs)
			for i := range s.Fields {
				want.SetIndex(i, v.Raw(i))
			}
			if !schemas.ValuesEqual(gv, want) {
				t.Fatalf("value differs:\n got %v\nwant %v", gv, v)
			}
		})
	}
}

func TestBadValuesNameTheField(t *testing.T) {
	ctx := context.Background()
	d := buildDebezium()
	c, _, _ := newConverter(t, false, nil)
	tests := []struct {
		name    string
		mutate  func(env *schemas.Struct)
		wantErr string
	}{
		{name: "wrong type", mutate: func(e *schemas.Struct) { e.Get("after").(*schemas.Struct).Set("c_int", "x") }, wantErr: `field "after.c_int": expected INT32`},
		{name: "required null", mutate: func(e *schemas.Struct) { e.Set("op", nil) }, wantErr: `field "op": null value for a required STRING`},
		{name: "nested struct field", mutate: func(e *schemas.Struct) { e.Get("source").(*schemas.Struct).Set("pos", int32(1)) }, wantErr: `field "source.pos": expected INT64`},
		{name: "decimal scale", mutate: func(e *schemas.Struct) {
			e.Get("after").(*schemas.Struct).Set("c_decimal", schemas.NewDecimal(1, 3))
		}, wantErr: `field "after.c_decimal": decimal 0.001 does not fit scale 2`},
		{name: "vector element", mutate: func(e *schemas.Struct) { e.Get("after").(*schemas.Struct).Set("c_vector", []any{1.0}) }, wantErr: `field "after.c_vector.0": expected FLOAT32`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := dbzEnvelope(d)
			tc.mutate(env)
			_, err := c.FromConnect(ctx, dbzTopic, d.envelope, env)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	d := buildDebezium()
	c, _, _ := newConverter(t, false, nil)
	s, v := everyType()
	errs := make(chan error, 16)
	for g := range 8 {
		go func() {
			for i := range 40 {
				var b []byte
				var err error
				if (g+i)%2 == 0 {
					b, err = c.FromConnect(ctx, dbzTopic, d.envelope, dbzEnvelope(d))
				} else {
					b, err = c.FromConnect(ctx, "every", s, v)
				}
				if err == nil {
					topic := map[bool]string{true: dbzTopic, false: "every"}[(g+i)%2 == 0]
					_, _, err = c.ToConnect(ctx, topic, b)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

func TestEqualUnnamedStructsShareAName(t *testing.T) {
	c, _, _ := newConverter(t, false, nil)
	a := schemas.StructBuilder().Field("a", schemas.Int32Schema).Schema()
	b := schemas.StructBuilder().Field("a", schemas.Int32Schema).Schema() // equal, different pointer
	s := schemas.StructBuilder().Name("x.Y").Field("p", a).Field("q", b).Field("r", b.WithOptional(true)).Schema()
	js, err := c.AvroSchema(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"record","name":"Y","namespace":"x","fields":[{"name":"p","type":{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"a","type":"int"}]}},{"name":"q","type":"io.confluent.connect.avro.ConnectDefault"},{"name":"r","type":["null","io.confluent.connect.avro.ConnectDefault"],"default":null}],"connect.name":"x.Y"}`
	if js != want {
		t.Fatalf("got\n%s\nwant\n%s", js, want)
	}
	if _, err := havro.ParseWithCache(js, "", &havro.SchemaCache{}); err != nil {
		t.Fatal(err)
	}
}

// TestToConnectForeignSchema reads data written by another producer with a schema
// AvroData did not generate: enums, a general union, an Avro map, field defaults
// without connect.default, and plain records.

func withVersion(s *schemas.Schema, v int) *schemas.Schema {
	c := *s
	c.Version = v
	return &c
}
