package transforms

import (
	"fmt"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/transforms/transformstest"
)

// Debezium-shaped MySQL events, built per debezium.md §2 with connectors/cdc's
// envelope and source builders.

var mysqlSourceSchema = transformstest.MySQLSourceSchema

var eventTime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// mysqlTable is one captured table: its topic and Key/Value/Envelope schemas.
type mysqlTable struct {
	db, table, topic string
	key, value, env  *schemas.Schema
}

func newMySQLTable(prefix, db, table string) *mysqlTable {
	topic := prefix + "." + db + "." + table
	t := &mysqlTable{db: db, table: table, topic: topic}
	t.key = schemas.StructBuilder().Name(topic+".Key").Field("id", schemas.Int32Schema).Schema()
	t.value = schemas.StructBuilder().Name(topic+".Value").
		Field("id", schemas.Int32Schema).
		Field("name", schemas.StringSchema).
		Field("email", schemas.OptionalStringSchema).
		Field("updated", schemas.NewBuilder(schemas.Int64).Name(dbzMicroTimestamp).Version(1).Optional().Schema()).
		Field("created", schemas.NewBuilder(schemas.String).Name(dbzZonedTimestamp).Version(1).Optional().Schema()).
		Schema()
	env, err := cdc.EnvelopeSchema(topic, t.value, mysqlSourceSchema)
	if err != nil {
		panic(err)
	}
	t.env = env
	return t
}

func (t *mysqlTable) row(id int32, name string) *schemas.Struct {
	return schemas.NewStruct(t.env.Fields[0].Schema).Set("id", id).Set("name", name).
		Set("email", name+"@example.com").Set("updated", int64(1704164645678901)).Set("created", "2024-01-02T03:04:05.678Z")
}

func (t *mysqlTable) source(op cdc.Op) *schemas.Struct {
	snap := cdc.SnapshotNone
	if op == cdc.OpRead {
		snap = cdc.SnapshotTrue
	}
	st := cdc.NewSourceStruct(mysqlSourceSchema, cdc.SourceCommon{Connector: "mysql", Name: "dbserver1", Ts: eventTime, Snapshot: snap, DB: t.db})
	return st.Set("table", t.table).Set("server_id", int64(223344)).Set("file", "mysql-bin.000003").Set("pos", int64(4711)).Set("row", int32(0))
}

// event builds a change event record; before/after may be nil as op requires.
func (t *mysqlTable) event(op cdc.Op, id int32, before, after *schemas.Struct) *connectors.Record {
	env := cdc.NewEnvelope(t.env, op, before, after, t.source(op), &cdc.TxBlock{ID: "0-1-5", TotalOrder: 1, DataCollectionOrder: 1}, eventTime)
	var ks *schemas.Schema
	var k any
	if op != cdc.OpTruncate {
		ks, k = t.key, schemas.NewStruct(t.key).Set("id", id)
	}
	return &connectors.Record{Topic: t.topic, KeySchema: ks, Key: k, ValueSchema: t.env, Value: env, Timestamp: eventTime,
		Position: fmt.Sprintf(`{"file":"mysql-bin.000003","pos":4711,"row":%d}`, id)}
}

func (t *mysqlTable) create(id int32, name string) *connectors.Record {
	return t.event(cdc.OpCreate, id, nil, t.row(id, name))
}

func (t *mysqlTable) update(id int32, from, to string) *connectors.Record {
	return t.event(cdc.OpUpdate, id, t.row(id, from), t.row(id, to))
}

func (t *mysqlTable) delete(id int32, name string) *connectors.Record {
	return t.event(cdc.OpDelete, id, t.row(id, name), nil)
}

func (t *mysqlTable) tombstone(id int32) *connectors.Record {
	return &connectors.Record{Topic: t.topic, KeySchema: t.key, Key: schemas.NewStruct(t.key).Set("id", id), Timestamp: eventTime, Position: "tombstone"}
}

func heartbeat() *connectors.Record {
	ks := schemas.StructBuilder().Name("io.debezium.connector.common.ServerNameKey").Field("serverName", schemas.StringSchema).Schema()
	vs := schemas.StructBuilder().Name("io.debezium.connector.common.Heartbeat").Field("ts_ms", schemas.Int64Schema).Schema()
	return &connectors.Record{Topic: "__debezium-heartbeat.dbserver1", KafkaPartition: part(0), KeySchema: ks, Key: schemas.NewStruct(ks).Set("serverName", "dbserver1"),
		ValueSchema: vs, Value: schemas.NewStruct(vs).Set("ts_ms", eventTime.UnixMilli()), Timestamp: eventTime}
}

func schemaChange() *connectors.Record {
	ks := schemas.StructBuilder().Name("io.debezium.connector.mysql.SchemaChangeKey").Version(1).Field("databaseName", schemas.StringSchema).Schema()
	vs := schemas.StructBuilder().Name("io.debezium.connector.mysql.SchemaChangeValue").Version(1).
		Field("source", mysqlSourceSchema).Field("ts_ms", schemas.Int64Schema).Field("databaseName", schemas.OptionalStringSchema).
		Field("ddl", schemas.OptionalStringSchema).Schema()
	src := newMySQLTable("dbserver1", "inventory", "customers").source(cdc.OpCreate)
	return &connectors.Record{Topic: "dbserver1", KafkaPartition: part(0), KeySchema: ks, Key: schemas.NewStruct(ks).Set("databaseName", "inventory"),
		ValueSchema: vs, Value: schemas.NewStruct(vs).Set("source", src).Set("ts_ms", eventTime.UnixMilli()).Set("databaseName", "inventory").Set("ddl", "ALTER TABLE customers ADD x INT"),
		Timestamp: eventTime}
}
