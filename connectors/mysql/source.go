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

// source renders si as the source block. It is the cdc.NewSourceStruct layout, filled
// from boxes that are reused while a value repeats (the connector name, the database,
// table, binlog file and GTID of consecutive events), so a row event does not box the
// same strings again. Called only from the task's run goroutine.
func (c *connectorKind) source(si sourceInfo) *schemas.Struct {
	st := schemas.NewStruct(c.sourceSchema)
	c.fill(st, si)
	return st
}

// change returns a change whose source block is si, filled by Records into a struct
// it allocates with the row's others (cdc.Change.SourceFill). The change must be
// handed to Records before the next call. Run goroutine only.
func (c *connectorKind) change(si sourceInfo) cdc.Change {
	c.next = si
	return cdc.Change{SourceSchema: c.sourceSchema, SourceFill: c, Boxes: &c.boxes.slab}
}

// FillSource implements cdc.SourceFiller with the sourceInfo of the last change.
func (c *connectorKind) FillSource(st *schemas.Struct) { c.fill(st, c.next) }

// fill writes si into an empty source block struct.
func (c *connectorKind) fill(st *schemas.Struct, si sourceInfo) {
	st.SetIndex(cdc.SourceVersion, c.boxes.version)
	st.SetIndex(cdc.SourceConnector, c.boxes.connector)
	st.SetIndex(cdc.SourceName, c.boxes.name)
	var ns int64
	if !si.ts.IsZero() {
		ns = si.ts.UnixNano()
	}
	ts := c.boxes.ts.get(ns, &c.boxes.slab)
	st.SetIndex(cdc.SourceTsMs, ts.ms)
	if si.snapshot != cdc.SnapshotNone {
		st.SetIndex(cdc.SourceSnapshot, c.boxes.snapshot.get(string(si.snapshot)))
	}
	st.SetIndex(cdc.SourceDB, c.boxes.db.get(si.db))
	st.SetIndex(cdc.SourceTsUs, ts.us)
	st.SetIndex(cdc.SourceTsNs, ts.ns)
	if si.table != "" {
		st.SetIndex(srcTable, c.boxes.table.get(si.table))
	}
	st.SetIndex(srcServerID, c.boxes.slab.Int64(si.serverID))
	if si.gtid != "" {
		st.SetIndex(srcGTID, c.boxes.gtid.get(si.gtid))
	}
	st.SetIndex(srcFile, c.boxes.file.get(si.file))
	st.SetIndex(srcPos, c.boxes.slab.Int64(si.pos))
	st.SetIndex(srcRow, int32(si.row))
	if si.thread != 0 {
		st.SetIndex(srcThread, c.boxes.slab.Int64(si.thread))
	}
	if si.query != "" {
		st.SetIndex(srcQuery, si.query)
	}
}

// strBox keeps the interface box of the last string it was given.
type strBox struct {
	s string
	v any
}

func (b *strBox) get(s string) any {
	if b.v == nil || s != b.s {
		b.s, b.v = s, s
	}
	return b.v
}

// tsBox keeps the boxes of the last source timestamp (ms, µs and ns of one instant):
// binlog events carry whole seconds, so the events of one second share them.
type tsBox struct {
	last       int64
	ms, us, ns any
}

func (b *tsBox) get(ns int64, slab *cdc.Boxes) *tsBox {
	if b.ns == nil || ns != b.last {
		b.last, b.ms, b.us, b.ns = ns, slab.Int64(ns/1e6), slab.Int64(ns/1e3), slab.Int64(ns)
	}
	return b
}

// sourceBoxes are the reused boxes of source; owned by the run goroutine.
type sourceBoxes struct {
	version, connector, name any
	db, table, gtid, file    strBox
	snapshot                 strBox
	ts                       tsBox
	slab                     cdc.Boxes // the other numbers
}

// connectorKind is what differs between the MySQL and MariaDB connectors.
type connectorKind struct {
	name         string // mysql | mariadb
	prefix       string // topic.prefix
	sourceSchema *schemas.Schema
	schemaChange cdc.SchemaChangeSchemas
	boxes        sourceBoxes
	next         sourceInfo // of the change being turned into records (change)
}

func newKind(mariadb bool, prefix string) *connectorKind {
	name := "mysql"
	if mariadb {
		name = "mariadb"
	}
	s := sourceSchema(name)
	return &connectorKind{name: name, prefix: prefix, sourceSchema: s, schemaChange: cdc.NewSchemaChangeSchemas(name, s),
		boxes: sourceBoxes{version: cdc.DebeziumVersion, connector: name, name: prefix}}
}
