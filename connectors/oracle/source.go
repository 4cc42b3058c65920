package oracle

import (
	"time"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/schemas"
)

// Oracle source block fields after the common prefix, in schema order (spec §2.5).
const (
	srcSchema = cdc.SourceCommonFields + iota
	srcTable
	srcTxID
	srcSCN
	srcCommitSCN
	srcLCRPosition
	srcRsID
	srcSSN
	srcRedoThread
	srcUserName
	srcRedoSQL
	srcRowID
	srcCommitTsMs
	srcStartSCN
	srcStartTsMs
	srcTxSeq
)

// SourceSchema is io.debezium.connector.oracle.Source (version 1). Shared; do not modify.
var SourceSchema = cdc.SourceSchemaBuilder("io.debezium.connector.oracle.Source").
	Field("schema", schemas.StringSchema).
	Field("table", schemas.StringSchema).
	Field("txId", schemas.OptionalStringSchema).
	Field("scn", schemas.OptionalStringSchema).
	Field("commit_scn", schemas.OptionalStringSchema).
	Field("lcr_position", schemas.OptionalStringSchema).
	Field("rs_id", schemas.OptionalStringSchema).
	Field("ssn", schemas.OptionalInt64Schema).
	Field("redo_thread", schemas.OptionalInt32Schema).
	Field("user_name", schemas.OptionalStringSchema).
	Field("redo_sql", schemas.OptionalStringSchema).
	Field("row_id", schemas.OptionalStringSchema).
	Field("commit_ts_ms", schemas.OptionalInt64Schema).
	Field("start_scn", schemas.OptionalStringSchema).
	Field("start_ts_ms", schemas.OptionalInt64Schema).
	Field("txSeq", schemas.OptionalInt64Schema).
	Schema()

// sourceInfo is what one event's source block says.
type sourceInfo struct {
	name, db, schema, table string
	ts                      time.Time
	snapshot                cdc.SnapshotMarker
	txID                    string
	scn, commitSCN          string
	rsID                    string
	ssn                     int64
	thread                  int32
	user                    string
	redoSQL                 string
	rowID                   string
	commitTs, startTs       time.Time
	startSCN                string
	txSeq                   int64
}

func (si *sourceInfo) build() *schemas.Struct {
	st := cdc.NewSourceStruct(SourceSchema, cdc.SourceCommon{Connector: "oracle", Name: si.name, Ts: si.ts, Snapshot: si.snapshot, DB: si.db})
	st.SetIndex(srcSchema, si.schema)
	st.SetIndex(srcTable, si.table)
	setStr := func(i int, s string) {
		if s != "" {
			st.SetIndex(i, s)
		}
	}
	setStr(srcTxID, si.txID)
	setStr(srcSCN, si.scn)
	setStr(srcCommitSCN, si.commitSCN)
	setStr(srcRsID, si.rsID)
	if si.thread != 0 {
		st.SetIndex(srcSSN, si.ssn)
		st.SetIndex(srcRedoThread, si.thread)
	}
	setStr(srcUserName, si.user)
	setStr(srcRedoSQL, si.redoSQL)
	setStr(srcRowID, si.rowID)
	if !si.commitTs.IsZero() {
		st.SetIndex(srcCommitTsMs, si.commitTs.UnixMilli())
	}
	setStr(srcStartSCN, si.startSCN)
	if !si.startTs.IsZero() {
		st.SetIndex(srcStartTsMs, si.startTs.UnixMilli())
	}
	if si.txSeq > 0 {
		st.SetIndex(srcTxSeq, si.txSeq)
	}
	return st
}
