package cdc

import (
	"time"

	"github.com/gonnect/gonnect/schemas"
)

// DebeziumVersion is the Debezium release whose formats Gonnect writes; it is reported
// in source.version.
const DebeziumVersion = "3.1.2.Final"

// SnapshotMarker is the value of source.snapshot.
type SnapshotMarker string

// Snapshot markers (Debezium's SnapshotRecord, lower-cased). Streaming events leave the
// field unset; converters then write the schema default "false".
const (
	SnapshotNone                  SnapshotMarker = ""
	SnapshotTrue                  SnapshotMarker = "true"
	SnapshotFirst                 SnapshotMarker = "first"
	SnapshotFirstInDataCollection SnapshotMarker = "first_in_data_collection"
	SnapshotLastInDataCollection  SnapshotMarker = "last_in_data_collection"
	SnapshotLast                  SnapshotMarker = "last"
	SnapshotFalse                 SnapshotMarker = "false"
	SnapshotIncremental           SnapshotMarker = "incremental"
)

var snapshotRecord = schemas.NewBuilder(schemas.String).Name(EnumName).Version(1).
	Param("allowed", "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental").
	Default("false").Optional().Schema()

// SnapshotRecordSchema returns the schema of source.snapshot (io.debezium.data.Enum,
// default "false", optional).
func SnapshotRecordSchema() *schemas.Schema { return snapshotRecord }

// Source block field indexes shared by every connector (the common prefix).
const (
	SourceVersion = iota
	SourceConnector
	SourceName
	SourceTsMs
	SourceSnapshot
	SourceDB
	SourceSequence
	SourceTsUs
	SourceTsNs
	// SourceCommonFields is the number of common fields; connector fields follow.
	SourceCommonFields
)

// SourceSchemaBuilder starts a source block schema named name (for example
// "io.debezium.connector.mysql.Source"), version 1, with the common fields version,
// connector, name, ts_ms, snapshot, db, sequence, ts_us, ts_ns. The connector appends
// its own fields and builds it.
func SourceSchemaBuilder(name string) *schemas.Builder {
	return schemas.StructBuilder().Name(name).Version(1).
		Field("version", schemas.StringSchema).
		Field("connector", schemas.StringSchema).
		Field("name", schemas.StringSchema).
		Field("ts_ms", schemas.Int64Schema).
		Field("snapshot", snapshotRecord).
		Field("db", schemas.StringSchema).
		Field("sequence", schemas.OptionalStringSchema).
		Field("ts_us", schemas.OptionalInt64Schema).
		Field("ts_ns", schemas.OptionalInt64Schema)
}

// SourceCommon is the common part of a source block value.
type SourceCommon struct {
	Connector string // mysql, mariadb, oracle
	Name      string // topic.prefix
	Ts        time.Time
	Snapshot  SnapshotMarker
	DB        string
}

// NewSourceStruct returns a struct of schema s (built from SourceSchemaBuilder) with the
// common fields filled in; the caller sets the connector fields by index.
func NewSourceStruct(s *schemas.Schema, c SourceCommon) *schemas.Struct {
	st := schemas.NewStruct(s)
	st.SetIndex(SourceVersion, DebeziumVersion)
	st.SetIndex(SourceConnector, c.Connector)
	st.SetIndex(SourceName, c.Name)
	ns := c.Ts.UnixNano()
	if c.Ts.IsZero() {
		ns = 0
	}
	st.SetIndex(SourceTsMs, ns/1e6)
	if c.Snapshot != SnapshotNone {
		st.SetIndex(SourceSnapshot, string(c.Snapshot))
	}
	st.SetIndex(SourceDB, c.DB)
	st.SetIndex(SourceTsUs, ns/1e3)
	st.SetIndex(SourceTsNs, ns)
	return st
}
