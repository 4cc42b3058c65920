// Package transformstest holds the Debezium-shaped workload shared by the transforms
// benchmarks (BenchmarkChainUnwrapReplaceRegex, BenchmarkNoTransforms) and
// bench/transforms, so both measure the same records and the same chain.
package transformstest

import (
	"context"
	"fmt"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/schemas"
)

// ChainConfig is the three-transform chain of the benchmark: Debezium's unwrap,
// ReplaceField (drop one column, rename one) and RegexRouter.
func ChainConfig() connectors.Config {
	return connectors.Config{
		"transforms":                   "unwrap,fields,route",
		"transforms.unwrap.type":       "io.debezium.transforms.ExtractNewRecordState",
		"transforms.fields.type":       "org.apache.kafka.connect.transforms.ReplaceField$Value",
		"transforms.fields.exclude":    "note",
		"transforms.fields.renames":    "name:full_name",
		"transforms.route.type":        "org.apache.kafka.connect.transforms.RegexRouter",
		"transforms.route.regex":       `dbserver1\.inventory\.(.*)`,
		"transforms.route.replacement": "cdc.$1",
	}
}

// MySQLSourceSchema is io.debezium.connector.mysql.Source (debezium.md §2.5).
var MySQLSourceSchema = cdc.SourceSchemaBuilder("io.debezium.connector.mysql.Source").
	Field("table", schemas.OptionalStringSchema).
	Field("server_id", schemas.Int64Schema).
	Field("gtid", schemas.OptionalStringSchema).
	Field("file", schemas.StringSchema).
	Field("pos", schemas.Int64Schema).
	Field("row", schemas.Int32Schema).
	Field("thread", schemas.OptionalInt64Schema).
	Field("query", schemas.OptionalStringSchema).
	Schema()

// Workload builds Debezium MySQL change events for a 10-column table (the shape of
// benchmarks.md W1): BIGINT id, INT, BIGINT, two VARCHARs, DECIMAL(10,2), DOUBLE,
// DATETIME(6), TIMESTAMP, TINYINT(1). Not safe for concurrent use.
type Workload struct {
	topic  string
	key    *schemas.Schema
	env    *schemas.Schema
	row    *schemas.Schema
	source *schemas.Schema
	now    time.Time
}

// NewWorkload returns a workload for dbserver1.inventory.customers.
func NewWorkload() *Workload {
	w := &Workload{topic: "dbserver1.inventory.customers", now: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
	w.source = MySQLSourceSchema
	w.key = schemas.StructBuilder().Name(w.topic+".Key").Field("id", schemas.Int64Schema).Schema()
	value := schemas.StructBuilder().Name(w.topic+".Value").
		Field("id", schemas.Int64Schema).
		Field("qty", schemas.OptionalInt32Schema).
		Field("counter", schemas.OptionalInt64Schema).
		Field("name", schemas.StringSchema).
		Field("note", schemas.OptionalStringSchema).
		Field("price", schemas.DecimalSchema(2).Optional().Param("connect.decimal.precision", "10").Schema()).
		Field("ratio", schemas.OptionalFloat64Schema).
		Field("updated", schemas.NewBuilder(schemas.Int64).Name("io.debezium.time.MicroTimestamp").Version(1).Optional().Schema()).
		Field("created", schemas.NewBuilder(schemas.String).Name("io.debezium.time.ZonedTimestamp").Version(1).Optional().Schema()).
		Field("active", schemas.OptionalInt16Schema).
		Schema()
	env, err := cdc.EnvelopeSchema(w.topic, value, w.source)
	if err != nil {
		panic(err)
	}
	w.env, w.row = env, env.Fields[0].Schema
	return w
}

func (w *Workload) rowStruct(i int64, name string) *schemas.Struct {
	st := schemas.NewStruct(w.row)
	st.SetIndex(0, i)
	st.SetIndex(1, int32(i%1000))
	st.SetIndex(2, i*7)
	st.SetIndex(3, name)
	st.SetIndex(4, "internal note that the sink must not see")
	st.SetIndex(5, schemas.NewDecimal(i%100000, 2))
	st.SetIndex(6, float64(i)/3)
	st.SetIndex(7, w.now.UnixMicro()+i)
	st.SetIndex(8, "2024-01-02T03:04:05.123456Z")
	st.SetIndex(9, int16(i%2))
	return st
}

// Records returns the records a connector emits for the i-th change: creates,
// updates (before and after images) and, every 20th change, a delete followed by its
// tombstone. It builds fresh structs each call, as a connector does.
func (w *Workload) Records(i int64) []*connectors.Record {
	var op cdc.Op
	var before, after *schemas.Struct
	name := fmt.Sprintf("customer-%d", i)
	switch {
	case i%20 == 19:
		op, before = cdc.OpDelete, w.rowStruct(i, name)
	case i%4 == 1:
		op, before, after = cdc.OpUpdate, w.rowStruct(i, name), w.rowStruct(i, name+"-x")
	default:
		op, after = cdc.OpCreate, w.rowStruct(i, name)
	}
	src := cdc.NewSourceStruct(w.source, cdc.SourceCommon{Connector: "mysql", Name: "dbserver1", Ts: w.now, DB: "inventory"})
	src.SetIndex(cdc.SourceCommonFields, "customers")
	src.SetIndex(cdc.SourceCommonFields+1, int64(223344))
	src.SetIndex(cdc.SourceCommonFields+3, "mysql-bin.000003")
	src.SetIndex(cdc.SourceCommonFields+4, 4+i*100)
	src.SetIndex(cdc.SourceCommonFields+5, int32(0))
	key := schemas.NewStruct(w.key)
	key.SetIndex(0, i)
	env := cdc.NewEnvelope(w.env, op, before, after, src, nil, w.now)
	r := &connectors.Record{Topic: w.topic, KeySchema: w.key, Key: key, ValueSchema: w.env, Value: env, Timestamp: w.now}
	if op != cdc.OpDelete {
		return []*connectors.Record{r}
	}
	return []*connectors.Record{r, {Topic: w.topic, KeySchema: w.key, Key: key, Timestamp: w.now}}
}

// Applier is the method set of *transforms.Chain.
type Applier interface {
	Apply(r *connectors.Record) (*connectors.Record, error)
}

// Pipeline runs changes [from, from+n) through what a source task does per record:
// build the events, apply chain (nil: no transforms), serialize key and value with
// the converters. It returns the bytes produced so the work cannot be optimized away.
func (w *Workload) Pipeline(from, n int64, chain Applier, key, value schemas.Converter) (int, error) {
	ctx := context.Background()
	total := 0
	for i := from; i < from+n; i++ {
		for _, r := range w.Records(i) {
			if chain != nil {
				out, err := chain.Apply(r)
				if err != nil {
					return total, err
				}
				if out == nil {
					continue
				}
				r = out
			}
			kb, err := key.FromConnect(ctx, r.Topic, r.KeySchema, r.Key)
			if err != nil {
				return total, err
			}
			vb, err := value.FromConnect(ctx, r.Topic, r.ValueSchema, r.Value)
			if err != nil {
				return total, err
			}
			total += len(kb) + len(vb)
		}
	}
	return total, nil
}
