package mysql

import (
	"time"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/schemas"
)

// MySQL source block field indexes after the common ones.
const (
	srcTable = cdc.SourceCommonFields + iota
	srcServerID
	srcGTID
	srcFile
	srcPos
	srcRow
	srcThread
	srcQuery
)

// sourceSchema builds io.debezium.connector.mysql.Source (or mariadb), version 1.
func sourceSchema(connector string) *schemas.Schema {
	return cdc.SourceSchemaBuilder("io.debezium.connector."+connector+".Source").
		Field("table", schemas.OptionalStringSchema).
		Field("server_id", schemas.Int64Schema).
		Field("gtid", schemas.OptionalStringSchema).
		Field("file", schemas.StringSchema).
		Field("pos", schemas.Int64Schema).
		Field("row", schemas.Int32Schema).
		Field("thread", schemas.OptionalInt64Schema).
		Field("query", schemas.OptionalStringSchema).
		Schema()
}

// sourceInfo is the binlog coordinates of one event for its source block.
type sourceInfo struct {
	ts       time.Time
	snapshot cdc.SnapshotMarker
	db       string
	table    string
	serverID int64
	gtid     string
	file     string
	pos      int64
	row      int
	thread   int64
	query    string
}

func (c *connectorKind) source(si sourceInfo) *schemas.Struct {
	st := cdc.NewSourceStruct(c.sourceSchema, cdc.SourceCommon{Connector: c.name, Name: c.prefix, Ts: si.ts, Snapshot: si.snapshot, DB: si.db})
	if si.table != "" {
		st.SetIndex(srcTable, si.table)
	}
	st.SetIndex(srcServerID, si.serverID)
	if si.gtid != "" {
		st.SetIndex(srcGTID, si.gtid)
	}
	st.SetIndex(srcFile, si.file)
	st.SetIndex(srcPos, si.pos)
	st.SetIndex(srcRow, int32(si.row))
	if si.thread != 0 {
		st.SetIndex(srcThread, si.thread)
	}
	if si.query != "" {
		st.SetIndex(srcQuery, si.query)
	}
	return st
}

// connectorKind is what differs between the MySQL and MariaDB connectors.
type connectorKind struct {
	name         string // mysql | mariadb
	prefix       string // topic.prefix
	sourceSchema *schemas.Schema
	schemaChange cdc.SchemaChangeSchemas
}

func newKind(mariadb bool, prefix string) *connectorKind {
	name := "mysql"
	if mariadb {
		name = "mariadb"
	}
	s := sourceSchema(name)
	return &connectorKind{name: name, prefix: prefix, sourceSchema: s, schemaChange: cdc.NewSchemaChangeSchemas(name, s)}
}
