package mysql

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-mysql-org/go-mysql/replication"
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/schemas"
	"github.com/google/uuid"
)

const mysqlJSONGTIDSQL = `-- The statements mysql80_json_gtid.binlog records, as MySQL 8.0.36 writes them with
-- gtid_mode=ON, binlog_format=ROW, binlog_row_image=FULL, binlog_row_metadata=MINIMAL,
-- binlog_checksum=CRC32, server_id=223344, server_uuid=3e11fa47-71ca-11e1-9e33-c80aa9429562
-- and transactions 1-41 of that uuid already executed (PREVIOUS_GTIDS).
-- The bytes were assembled from the binlog and binary JSON formats (binlog_fixture_test.go).

-- GTID 3e11fa47-71ca-11e1-9e33-c80aa9429562:42
CREATE TABLE inv.docs (id INT PRIMARY KEY, body JSON);

-- GTID 3e11fa47-71ca-11e1-9e33-c80aa9429562:43 (thread 12)
BEGIN;
INSERT INTO inv.docs VALUES
  (1, '{"id": 7, "name": "café", "tags": ["x", true, null], "price": 12.5}'),
  (2, '[1, -2, 70000, 3.25, "x", false]'),
  (3, NULL);
COMMIT; -- XID 7

-- GTID 3e11fa47-71ca-11e1-9e33-c80aa9429562:44 (thread 12)
BEGIN;
UPDATE inv.docs SET body = '{"a": "b", "big": 5000000000, "nested": {"k": [true]}}' WHERE id = 2;
COMMIT; -- XID 8

-- GTID 5f2c7c0e-9a3b-11ee-8c90-0242ac120002:7, a transaction of another source applied
-- by this server as a replica (its events keep that source's server_id, 556677;
-- 5f2c...:1-6 are in PREVIOUS_GTIDS too)
BEGIN;
INSERT INTO inv.docs VALUES (4, '"a <b> & c"'), (5, '{"e": {}, "z": [], "d": 12345678.0, "s": 1.5e-05}');
COMMIT; -- XID 9
`

// buildMySQLJSONGTIDBinlog assembles the binlog of mysqlJSONGTIDSQL.
func buildMySQLJSONGTIDBinlog() []byte {
	sid := [16]byte(uuid.MustParse("3e11fa47-71ca-11e1-9e33-c80aa9429562"))
	other := [16]byte(uuid.MustParse("5f2c7c0e-9a3b-11ee-8c90-0242ac120002"))
	w := newBinlogWriter(1700000000, 223344)
	w.formatDescription("8.0.36")
	w.previousGTIDs([]gtidInterval{{sid: sid, start: 1, end: 42}, {sid: other, start: 1, end: 7}})
	const commit = 1700000000 * 1_000_000
	// tx writes one transaction after its GTID event, with the GTID's transaction length.
	tx := func(sid [16]byte, gno uint64, body func(*binlogWriter)) {
		probe := newBinlogWriter(w.ts, w.sid)
		body(probe)
		rest := uint64(probe.buf.Len() - 4)
		gtidLen := uint64(19 + 42 + 7 + 4 + 4)
		n := gtidLen + 1 + rest
		if n >= 251 {
			n += 2
		}
		w.gtid(sid, gno, gno, commit+gno, n)
		body(w)
	}
	tx(sid, 42, func(w *binlogWriter) { w.query(11, "inv", "CREATE TABLE inv.docs (id INT PRIMARY KEY, body JSON)") })
	types := []byte{mysqlTypeLong, mysqlTypeJSON}
	tx(sid, 43, func(w *binlogWriter) {
		w.query(12, "inv", "BEGIN")
		w.tableMap(88, "inv", "docs", types, []bool{false, true})
		w.rows(evWriteRowsV2, 88, []fixtureRow{
			{id: 1, doc: jsonBinary(map[string]any{"id": 7, "name": "café", "tags": []any{"x", true, nil}, "price": 12.5})},
			{id: 2, doc: jsonBinary([]any{1, -2, 70000, 3.25, "x", false})},
			{id: 3},
		})
		w.xid(7)
	})
	tx(sid, 44, func(w *binlogWriter) {
		w.query(12, "inv", "BEGIN")
		w.tableMap(88, "inv", "docs", types, []bool{false, true})
		w.rows(evUpdateRowsV2, 88, []fixtureRow{
			{id: 2, doc: jsonBinary([]any{1, -2, 70000, 3.25, "x", false})},
			{id: 2, doc: jsonBinary(map[string]any{"a": "b", "big": 5000000000, "nested": map[string]any{"k": []any{true}}})},
		})
		w.xid(8)
	})
	w.sid = 556677
	tx(other, 7, func(w *binlogWriter) {
		w.query(31, "inv", "BEGIN")
		w.tableMap(88, "inv", "docs", types, []bool{false, true})
		w.rows(evWriteRowsV2, 88, []fixtureRow{
			{id: 4, doc: jsonBinary("a <b> & c")},
			{id: 5, doc: jsonBinary(map[string]any{"e": map[string]any{}, "z": []any{}, "d": 12345678.0, "s": 1.5e-05})},
		})
		w.xid(9)
	})
	return w.buf.Bytes()
}

// TestMySQLBinlogFixture decodes recorded MySQL 8.0 binlog bytes (binary JSON in row
// events, GTID and PREVIOUS_GTIDS events, CRC32 checksums) with the parser settings of
// the connector's binlog reader, runs every event through the streamer and pins the
// Debezium records and offsets: JSON columns as io.debezium.data.Json strings and GTID
// sets in MySQL's uuid:interval form.
func TestMySQLBinlogFixture(t *testing.T) {
	bin := filepath.Join("testdata", "binlog", "mysql80_json_gtid.binlog")
	if *cdctest.Update {
		if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, buildMySQLJSONGTIDBinlog(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("testdata", "binlog", "mysql80_json_gtid.sql"), []byte(mysqlJSONGTIDSQL), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, buildMySQLJSONGTIDBinlog()) {
		t.Fatalf("%s differs from what binlog_fixture_test.go assembles (run with -update after reviewing)", bin)
	}
	cfg, err := ParseConfig(connectors.Config{"topic.prefix": "my", "database.hostname": "h", "database.user": "u",
		"database.server.id": "9"}, false)
	if err != nil {
		t.Fatal(err)
	}
	task := &Task{cfg: cfg, kind: newKind(false, "my"), part: map[string]any{"server": "my"}, now: func() time.Time { return fixedNow },
		log: discardLogger(), metrics: newMetrics("mysql", "my")}
	task.q = cdc.NewQueue(1<<16, 1<<16, handoffBatch, time.Millisecond)
	state := newSchemaState(cfg, task.kind, &cdc.MemoryHistory{}, task.part)
	gset, _ := parseGTIDSet("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-41,5f2c7c0e-9a3b-11ee-8c90-0242ac120002:1-6")
	s := &streamer{t: task, state: state, cur: position{File: "binlog.000007", Pos: 4, GTIDs: gset.String()}, file: "binlog.000007", gset: gset}

	// as the connector's syncer reads: raw mode (framing and checksums only), then
	// rawEvents decoding on the reading goroutine (stream.go)
	p := replication.NewBinlogParser()
	p.SetFlavor("mysql")
	p.SetRawMode(true)
	p.SetVerifyChecksum(true)
	rawDec := newRawEvents("mysql")
	type step struct {
		Event  string `json:"event"`
		Offset any    `json:"offset"`
	}
	var steps []step
	err = p.ParseReader(bytes.NewReader(raw[4:]), func(ev *replication.BinlogEvent) error {
		if err := rawDec.decode(ev); err != nil {
			return err
		}
		if err := s.handle(context.Background(), ev); err != nil {
			return err
		}
		steps = append(steps, step{Event: ev.Header.EventType.String(), Offset: s.cur.offset()})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var recs, docs []any
	for _, r := range drainTask(t, task) {
		recs = append(recs, cdctest.Record(r, true, nil))
		if env, ok := r.Value.(*schemas.Struct); ok && env != nil && r.Topic == "my.inv.docs" {
			if after, ok := env.Get("after").(*schemas.Struct); ok && after != nil {
				docs = append(docs, after.Get("body"))
			}
		}
	}
	want := []any{`{"id":7,"name":"café","tags":["x",true,null],"price":12.5}`, `[1,-2,70000,3.25,"x",false]`, nil,
		`{"a":"b","big":5000000000,"nested":{"k":[true]}}`, `"a <b> & c"`,
		// Doubles Java prints in E notation: their exact value in plain notation, as
		// Debezium's JsonStringFormatter writes them.
		`{"d":12345678,"e":{},"s":0.000015000000000000000380012861456169304119612206704914569854736328125,"z":[]}`}
	if len(docs) != len(want) {
		t.Fatalf("JSON values %q, want %q", docs, want)
	}
	for i := range want {
		if docs[i] != want[i] {
			t.Errorf("JSON value %d = %v, want Debezium's %v", i, docs[i], want[i])
		}
	}
	if got := s.cur.GTIDs; got != "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-44,5f2c7c0e-9a3b-11ee-8c90-0242ac120002:1-7" {
		t.Fatalf("GTID set after the last commit %s", got)
	}
	cdctest.Golden(t, "binlog/mysql80_json_gtid.json", map[string]any{"records": recs, "offset_after_each_event": steps})
}

// drainTask flushes what a task driven without its run goroutine emitted and returns
// it in order.
func drainTask(t *testing.T, task *Task) []*connectors.SourceRecord {
	t.Helper()
	if err := task.flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var out []*connectors.SourceRecord
	for {
		rs, err := task.q.Poll(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 {
			return out
		}
		out = append(out, rs...)
	}
}
