package jsonconv

import (
	"context"
	"testing"
	"time"

	"github.com/gonnect/gonnect/schemas"
)

// envelopeRecord is a Debezium-shaped change event of the benchmark table
// (id INT, a VARCHAR, b BIGINT, c DECIMAL(10,2), d DATETIME(6)): an update with before
// and after images, a MySQL source block and the ts_ms/ts_us/ts_ns fields.
func envelopeRecord() (*schemas.Schema, *schemas.Struct) {
	row := schemas.StructBuilder().Name("bench.bench.t.Value").Optional().
		Field("id", schemas.Int32Schema).
		Field("a", schemas.OptionalStringSchema).
		Field("b", schemas.OptionalInt64Schema).
		Field("c", schemas.DecimalSchema(2).Param("connect.decimal.precision", "10").Optional().Schema()).
		Field("d", schemas.NewBuilder(schemas.Int64).Name("io.debezium.time.MicroTimestamp").Version(1).Optional().Schema()).
		Schema()
	source := schemas.StructBuilder().Name("io.debezium.connector.mysql.Source").Version(1).
		Field("version", schemas.StringSchema).
		Field("connector", schemas.StringSchema).
		Field("name", schemas.StringSchema).
		Field("ts_ms", schemas.Int64Schema).
		Field("snapshot", schemas.NewBuilder(schemas.String).Name("io.debezium.data.Enum").Version(1).
			Param("allowed", "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental").
			Default("false").Optional().Schema()).
		Field("db", schemas.StringSchema).
		Field("ts_us", schemas.OptionalInt64Schema).
		Field("table", schemas.OptionalStringSchema).
		Field("server_id", schemas.Int64Schema).
		Field("gtid", schemas.OptionalStringSchema).
		Field("file", schemas.StringSchema).
		Field("pos", schemas.Int64Schema).
		Field("row", schemas.Int32Schema).
		Schema()
	env := schemas.StructBuilder().Name("bench.bench.t.Envelope").Version(2).
		Field("before", row).
		Field("after", row).
		Field("source", source).
		Field("op", schemas.StringSchema).
		Field("ts_ms", schemas.OptionalInt64Schema).
		Field("ts_us", schemas.OptionalInt64Schema).
		Field("ts_ns", schemas.OptionalInt64Schema).
		Schema()
	image := func(b int64) *schemas.Struct {
		return schemas.NewStruct(row).Set("id", int32(4711)).Set("a", "name-4711").Set("b", b).
			Set("c", schemas.NewDecimal(471111, 2)).Set("d", int64(1704164645004711))
	}
	ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	src := schemas.NewStruct(source).Set("version", "3.1.2.Final").Set("connector", "mariadb").Set("name", "bench").
		Set("ts_ms", ts.UnixMilli()).Set("db", "bench").Set("ts_us", ts.UnixMicro()).Set("table", "t").
		Set("server_id", int64(1)).Set("gtid", "0-1-4711").Set("file", "binlog.000001").Set("pos", int64(123456)).Set("row", int32(0))
	v := schemas.NewStruct(env).Set("before", image(1)).Set("after", image(2)).Set("source", src).Set("op", "u").
		Set("ts_ms", ts.UnixMilli()).Set("ts_us", ts.UnixMicro()).Set("ts_ns", ts.UnixNano())
	return env, v
}

// BenchmarkFromConnectEnvelope is the value side of a source task's convert step for
// one change event, with and without the schema envelope.
func BenchmarkFromConnectEnvelope(b *testing.B) {
	s, v := envelopeRecord()
	for _, bc := range []struct {
		name    string
		schemas bool
	}{{name: "schemas", schemas: true}, {name: "schemaless", schemas: false}} {
		b.Run(bc.name, func(b *testing.B) {
			cfg := DefaultConfig()
			cfg.SchemasEnable = bc.schemas
			c := New(cfg)
			ctx := context.Background()
			b.ReportAllocs()
			var n int
			for b.Loop() {
				out, err := c.FromConnect(ctx, "bench.bench.t", s, v)
				if err != nil {
					b.Fatal(err)
				}
				n = len(out)
			}
			b.SetBytes(int64(n))
		})
	}
}

// BenchmarkToConnect is a sink task's convert step: the Debezium envelope record with
// its schema (the schema is parsed once and then found in the cache by its text), a
// small schemas-on record, and a 200-byte string without schemas (the worker's
// BenchmarkSinkDeliver json value).
func BenchmarkToConnect(b *testing.B) {
	ctx := context.Background()
	s, v := envelopeRecord()
	envelope, err := New(DefaultConfig()).FromConnect(ctx, "t", s, v)
	if err != nil {
		b.Fatal(err)
	}
	str := make([]byte, 200)
	str[0], str[len(str)-1] = '"', '"'
	for i := 1; i < len(str)-1; i++ {
		str[i] = 'a' + byte(i%26)
	}
	plain := DefaultConfig()
	plain.SchemasEnable = false
	for _, bc := range []struct {
		name string
		cfg  Config
		in   []byte
	}{
		{name: "envelope", cfg: DefaultConfig(), in: envelope},
		{name: "small", cfg: DefaultConfig(), in: []byte(`{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"}],"optional":false,"name":"t.Value"},"payload":{"id":42,"name":"alice"}}`)},
		{name: "schemaless string", cfg: plain, in: str},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := New(bc.cfg)
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.in)))
			for b.Loop() {
				if _, _, err := c.ToConnect(ctx, "t", bc.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
