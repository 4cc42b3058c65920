package mysql

import (
	"context"
	"testing"
	"time"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/schemas"
)

// TestSnapshotEnvelopeClock: snapshot rows share a clock reading for their envelopes'
// ts_ms only in runs of at most clockRows consecutive rows, and never across a
// hand-over to Poll (which may have waited for the consumer): the first row emitted
// after a hand-over reads the clock again.
func TestSnapshotEnvelopeClock(t *testing.T) {
	s := bench10(t, 1<<20)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	reads := 0
	s.t.now = func() time.Time { reads++; return base.Add(time.Duration(reads) * time.Millisecond) }
	id := cdc.TableID{Catalog: "bench", Table: "t"}
	ts, err := s.state.tableSchema(id)
	if err != nil || ts == nil {
		t.Fatal(ts, err)
	}
	first := false
	pos := &position{File: "binlog.000001", Pos: 4, Snapshot: "INITIAL"}
	rt := &rowTable{t: s.t, id: id, ts: ts, pos: pos, first: &first, tableOff: pos.offset()}
	ctx := context.Background()
	var copier rowCopier
	var fv []gmysql.FieldValue
	const rows = 3*handoffBatch + 40
	handedOver := map[int]bool{} // rows after which the queue handed its records over
	for i := range rows {
		fields, packet := textRow10(i)
		if fv, err = packet.ParseText(fields, fv); err != nil {
			t.Fatal(err)
		}
		if err := rt.emit(ctx, copier.copy(fields, fv), i+1, false); err != nil {
			t.Fatal(err)
		}
		if s.t.q.Pending() == 0 {
			handedOver[i] = true
		}
	}
	if len(handedOver) < 3 {
		t.Fatalf("only %d hand-overs in %d rows", len(handedOver), rows)
	}
	recs := onTopic(drainTask(t, s.t), "bench.bench.t")
	if len(recs) != rows {
		t.Fatalf("%d records, want %d", len(recs), rows)
	}
	run := 0
	var prev int64
	for i, r := range recs {
		ms := r.Value.(*schemas.Struct).Get("ts_ms").(int64)
		switch {
		case i == 0 || ms != prev:
			if i > 0 && ms < prev {
				t.Fatalf("record %d: ts_ms %d before the previous record's %d", i, ms, prev)
			}
			run = 1
		case handedOver[i-1]:
			t.Fatalf("record %d shares its clock reading with record %d across a hand-over to Poll", i, i-1)
		default:
			run++
			if run > clockRows {
				t.Fatalf("records %d..%d share one clock reading (at most %d may)", i-run+1, i, clockRows)
			}
		}
		prev = ms
	}
	if min := rows / clockRows; reads < min {
		t.Fatalf("%d clock reads for %d rows, want at least %d", reads, rows, min)
	}
}
