// Package avrobench holds the Avro encode benchmark shared by schemas/avro's
// BenchmarkEncodeEnvelope/BenchmarkHambaStructBaseline and the bench/avro program:
// a 10-column Debezium MySQL envelope encoded by Gonnect's AvroConverter (cache
// warm) versus hamba/avro encoding a Go struct of the same shape with the same
// (registered) schema.
package avrobench

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"testing"

	havro "github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/avro"
	"github.com/gonnect/gonnect/schemas/registry"
)

const topic = "dbserver1.shop.orders"

// Fixture is one envelope in both representations.
type Fixture struct {
	Schema    *schemas.Schema
	Value     *schemas.Struct
	Converter *avro.Converter
	Hamba     havro.Schema
	Native    *Envelope
	close     func()
}

// Close stops the in-process registry.
func (f *Fixture) Close() { f.close() }

// Row is the Go struct of the Value record (10 columns).
type Row struct {
	ID      int32    `avro:"id"`
	Name    string   `avro:"name"`
	Email   *string  `avro:"email"`
	Price   *big.Rat `avro:"price"`
	Qty     *int32   `avro:"qty"`
	Created int64    `avro:"created"`
	Active  *bool    `avro:"active"`
	Score   *float64 `avro:"score"`
	Note    *string  `avro:"note"`
	Updated string   `avro:"updated"`
}

// Source is io.debezium.connector.mysql.Source.
type Source struct {
	Version   string  `avro:"version"`
	Connector string  `avro:"connector"`
	Name      string  `avro:"name"`
	TsMs      int64   `avro:"ts_ms"`
	Snapshot  *string `avro:"snapshot"`
	DB        string  `avro:"db"`
	Sequence  *string `avro:"sequence"`
	TsUs      *int64  `avro:"ts_us"`
	TsNs      *int64  `avro:"ts_ns"`
	Table     *string `avro:"table"`
	ServerID  int64   `avro:"server_id"`
	GTID      *string `avro:"gtid"`
	File      string  `avro:"file"`
	Pos       int64   `avro:"pos"`
	Row       int32   `avro:"row"`
	Thread    *int64  `avro:"thread"`
	Query     *string `avro:"query"`
}

// Envelope is the Debezium envelope.
type Envelope struct {
	Before      *Row   `avro:"before"`
	After       *Row   `avro:"after"`
	Source      Source `avro:"source"`
	Transaction *Block `avro:"transaction"`
	Op          string `avro:"op"`
	TsMs        *int64 `avro:"ts_ms"`
	TsUs        *int64 `avro:"ts_us"`
	TsNs        *int64 `avro:"ts_ns"`
}

// Block is Debezium's transaction block.
type Block struct {
	ID                  string `avro:"id"`
	TotalOrder          int64  `avro:"total_order"`
	DataCollectionOrder int64  `avro:"data_collection_order"`
}

func ptr[T any](v T) *T { return &v }

// NewFixture builds the schemas and values and warms the converter's caches
// against an in-process registry.
func NewFixture() (*Fixture, error) {
	named := func(t schemas.Type, name string) *schemas.Builder { return schemas.NewBuilder(t).Name(name).Version(1) }
	value := schemas.StructBuilder().Name(topic+".Value").Optional().
		Field("id", schemas.Int32Schema).
		Field("name", schemas.StringSchema).
		Field("email", schemas.OptionalStringSchema).
		Field("price", schemas.DecimalSchema(2).Param(schemas.DecimalPrecisionParam, "10").Optional().Schema()).
		Field("qty", schemas.OptionalInt32Schema).
		Field("created", named(schemas.Int64, "io.debezium.time.MicroTimestamp").Schema()).
		Field("active", schemas.OptionalBooleanSchema).
		Field("score", schemas.OptionalFloat64Schema).
		Field("note", schemas.OptionalStringSchema).
		Field("updated", named(schemas.String, "io.debezium.time.ZonedTimestamp").Schema()).
		Schema()
	source := schemas.StructBuilder().Name("io.debezium.connector.mysql.Source").Version(1).
		Field("version", schemas.StringSchema).Field("connector", schemas.StringSchema).Field("name", schemas.StringSchema).
		Field("ts_ms", schemas.Int64Schema).
		Field("snapshot", named(schemas.String, "io.debezium.data.Enum").Param("allowed", "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental").Optional().Default("false").Schema()).
		Field("db", schemas.StringSchema).Field("sequence", schemas.OptionalStringSchema).
		Field("ts_us", schemas.OptionalInt64Schema).Field("ts_ns", schemas.OptionalInt64Schema).
		Field("table", schemas.OptionalStringSchema).Field("server_id", schemas.Int64Schema).
		Field("gtid", schemas.OptionalStringSchema).Field("file", schemas.StringSchema).
		Field("pos", schemas.Int64Schema).Field("row", schemas.Int32Schema).
		Field("thread", schemas.OptionalInt64Schema).Field("query", schemas.OptionalStringSchema).
		Schema()
	block := schemas.StructBuilder().Name("event.block").Version(1).Optional().
		Field("id", schemas.StringSchema).Field("total_order", schemas.Int64Schema).Field("data_collection_order", schemas.Int64Schema).Schema()
	env := schemas.StructBuilder().Name(topic+".Envelope").Version(2).
		Field("before", value).Field("after", value).Field("source", source).Field("transaction", block).
		Field("op", schemas.StringSchema).Field("ts_ms", schemas.OptionalInt64Schema).
		Field("ts_us", schemas.OptionalInt64Schema).Field("ts_ns", schemas.OptionalInt64Schema).
		Schema()

	row := schemas.NewStruct(value).
		Set("id", int32(1001)).Set("name", "Sally Thomas").Set("email", "sally.thomas@acme.com").
		Set("price", schemas.NewDecimal(1999, 2)).Set("qty", int32(3)).Set("created", int64(1704164645123456)).
		Set("active", true).Set("score", 4.5).Set("updated", "2024-01-02T03:04:05.123456Z")
	src := schemas.NewStruct(source).
		Set("version", "3.1.2.Final").Set("connector", "mysql").Set("name", "dbserver1").Set("ts_ms", int64(1704164645000)).
		Set("snapshot", "false").Set("db", "shop").Set("ts_us", int64(1704164645000000)).Set("ts_ns", int64(1704164645000000000)).
		Set("table", "orders").Set("server_id", int64(223344)).Set("gtid", "0-1-42").Set("file", "mysql-bin.000003").
		Set("pos", int64(4711)).Set("row", int32(0)).Set("thread", int64(7))
	val := schemas.NewStruct(env).Set("after", row).Set("source", src).Set("op", "c").
		Set("ts_ms", int64(1704164645999)).Set("ts_us", int64(1704164645999000)).Set("ts_ns", int64(1704164645999000000))

	native := &Envelope{
		After: &Row{ID: 1001, Name: "Sally Thomas", Email: ptr("sally.thomas@acme.com"), Price: big.NewRat(1999, 100), Qty: ptr(int32(3)),
			Created: 1704164645123456, Active: ptr(true), Score: ptr(4.5), Updated: "2024-01-02T03:04:05.123456Z"},
		Source: Source{Version: "3.1.2.Final", Connector: "mysql", Name: "dbserver1", TsMs: 1704164645000, Snapshot: ptr("false"),
			DB: "shop", TsUs: ptr(int64(1704164645000000)), TsNs: ptr(int64(1704164645000000000)), Table: ptr("orders"),
			ServerID: 223344, GTID: ptr("0-1-42"), File: "mysql-bin.000003", Pos: 4711, Thread: ptr(int64(7))},
		Op: "c", TsMs: ptr(int64(1704164645999)), TsUs: ptr(int64(1704164645999000)), TsNs: ptr(int64(1704164645999000000)),
	}

	fake := srfake.New()
	cfg, err := avro.ParseConfig(map[string]string{registry.URLConfig: fake.URL()})
	if err != nil {
		fake.Close()
		return nil, err
	}
	reg, err := registry.New(cfg.Registry)
	if err != nil {
		fake.Close()
		return nil, err
	}
	conv := avro.New(cfg, false, reg)
	f := &Fixture{Schema: env, Value: val, Converter: conv, Native: native, close: fake.Close}
	ours, err := conv.FromConnect(context.Background(), topic, env, val) // warms plan and id caches
	if err != nil {
		f.Close()
		return nil, err
	}
	js, err := conv.AvroSchema(env)
	if err != nil {
		f.Close()
		return nil, err
	}
	if f.Hamba, err = havro.ParseWithCache(js, "", &havro.SchemaCache{}); err != nil {
		f.Close()
		return nil, err
	}
	theirs, err := havro.Marshal(f.Hamba, native)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("hamba baseline: %w", err)
	}
	if !bytes.Equal(ours[5:], theirs) {
		f.Close()
		return nil, fmt.Errorf("Gonnect and hamba encodings differ:\n%x\n%x", ours[5:], theirs)
	}
	return f, nil
}

// EncodeEnvelope benchmarks AvroConverter.FromConnect with warm caches.
func EncodeEnvelope(b *testing.B) {
	f, err := NewFixture()
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := f.Converter.FromConnect(ctx, topic, f.Schema, f.Value); err != nil {
			b.Fatal(err)
		}
	}
}

// HambaStructBaseline benchmarks hamba/avro encoding the same envelope from a Go
// struct with a compiled schema.
func HambaStructBaseline(b *testing.B) {
	f, err := NewFixture()
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := havro.Marshal(f.Hamba, f.Native); err != nil {
			b.Fatal(err)
		}
	}
}
