package mysql

import (
	"context"
	"testing"
	"time"

	"github.com/go-mysql-org/go-mysql/replication"
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/google/uuid"
)

// TestMySQLFlavorEvents drives the streamer with the event sequence Oracle MySQL writes
// for two GTID transactions (GTID, BEGIN, TABLE_MAP, WRITE_ROWS with a JSON column as
// go-mysql decodes MySQL binary JSON, XID) and an anonymous DDL, and pins the records
// and the offsets: MySQL GTID sets (uuid:interval) updated at each commit, the restart
// point at the GTID event, event/row counters. MySQL is not installable here, so the
// events are built as go-mysql delivers them rather than recorded.
func TestMySQLFlavorEvents(t *testing.T) {
	cfg, err := ParseConfig(connectors.Config{"topic.prefix": "my", "database.hostname": "h", "database.user": "u",
		"database.server.id": "9", "skipped.operations": "none"}, false)
	if err != nil {
		t.Fatal(err)
	}
	task := &Task{cfg: cfg, kind: newKind(false, "my"), part: map[string]any{"server": "my"}, now: func() time.Time { return fixedNow },
		log: discardLogger(), metrics: newMetrics("mysql", "my")}
	task.q = cdc.NewQueue(1<<16, 1<<16, handoffBatch, time.Millisecond)
	state := newSchemaState(cfg, task.kind, &cdc.MemoryHistory{}, task.part)
	sid := uuid.MustParse("3e11fa47-71ca-11e1-9e33-c80aa9429562")
	gset, _ := parseGTIDSet(sid.String() + ":1-41")
	s := &streamer{t: task, state: state, cur: position{File: "mysql-bin.000003", Pos: 4, GTIDs: gset.String()}, file: "mysql-bin.000003", gset: gset}
	pos := uint32(4)
	ev := func(size uint32, e replication.Event, et replication.EventType) *replication.BinlogEvent {
		pos += size
		return &replication.BinlogEvent{Header: &replication.EventHeader{Timestamp: 1700000000, EventType: et, ServerID: 223344, EventSize: size, LogPos: pos}, Event: e}
	}
	tm := &replication.TableMapEvent{TableID: 88, Schema: []byte("inv"), Table: []byte("docs"), ColumnCount: 2}
	events := []*replication.BinlogEvent{
		// SQL: CREATE TABLE inv.docs (id INT PRIMARY KEY, body JSON)
		ev(79, &replication.GTIDEvent{SID: sid[:], GNO: 42}, replication.GTID_EVENT),
		ev(120, &replication.QueryEvent{Schema: []byte("inv"), Query: []byte("CREATE TABLE inv.docs (id INT PRIMARY KEY, body JSON)")}, replication.QUERY_EVENT),
		// SQL: INSERT INTO inv.docs VALUES (1, '{"a": 1}'), (2, '[true, null]')
		ev(79, &replication.GTIDEvent{SID: sid[:], GNO: 43}, replication.GTID_EVENT),
		ev(70, &replication.QueryEvent{SlaveProxyID: 12, Schema: []byte("inv"), Query: []byte("BEGIN")}, replication.QUERY_EVENT),
		ev(50, tm, replication.TABLE_MAP_EVENT),
		ev(60, &replication.RowsEvent{Table: tm, ColumnCount: 2, Rows: [][]any{{int32(1), `{"a":1}`}, {int32(2), `[true,null]`}}}, replication.WRITE_ROWS_EVENTv2),
		ev(31, &replication.XIDEvent{XID: 7}, replication.XID_EVENT),
	}
	var offs []any
	for _, e := range events {
		if err := s.handle(context.Background(), e); err != nil {
			t.Fatal(err)
		}
		offs = append(offs, s.cur.offset())
	}
	var recs []any
	for _, r := range drainTask(t, task) {
		recs = append(recs, cdctest.Record(r, true, nil))
	}
	if got := s.cur.GTIDs; got != sid.String()+":1-43" {
		t.Fatalf("GTID set after commit %s", got)
	}
	cdctest.Golden(t, "mysql_flavor_events.json", map[string]any{"records": recs, "offsets_after_each_event": offs})
}
