package mysql

import (
	"context"
	"testing"
	"time"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
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

// TestSnapshotEnvelopeClockAfterReadWait: a row emitted after the converter waited
// for the next batch of rows from the server (a slow or stalled SELECT) carries a
// clock reading taken after that wait, not one shared with rows emitted before it.
// The rows come from readData over a rowSource whose batches arrive clockWait apart
// on the task's clock; the queue is large, so no hand-over to Poll refreshes it.
func TestSnapshotEnvelopeClockAfterReadWait(t *testing.T) {
	srv := mysqltest.Start(t)
	c := textConn(t, srv) // readData's TABLE_ROWS lookup
	s := bench10(t, 1<<20)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	const clockWait = 10 * time.Second
	var waited time.Duration // advanced by the row source between batches
	s.t.now = func() time.Time { return base.Add(waited) }
	id := cdc.TableID{Catalog: "bench", Table: "t"}
	const batch, batches = 10, 5
	src := func(ctx context.Context, _ cdc.TableID, _ []bool, fn func([][]any) error) error {
		var copier rowCopier
		for b := range batches {
			if b > 0 {
				waited += clockWait // the reader waited this long for the server's rows
			}
			rows := make([][]any, 0, batch)
			for i := b * batch; i < (b+1)*batch; i++ {
				fields, packet := textRow10(i)
				fv, err := packet.ParseText(fields, nil)
				if err != nil {
					return err
				}
				rows = append(rows, copier.copy(fields, fv))
			}
			if err := fn(rows); err != nil {
				return err
			}
		}
		return nil
	}
	pos := &position{File: "binlog.000001", Pos: 4, Snapshot: "INITIAL"}
	if err := s.t.readData(context.Background(), c, s.state, []cdc.TableID{id}, pos, src); err != nil {
		t.Fatal(err)
	}
	recs := onTopic(drainTask(t, s.t), "bench.bench.t")
	if len(recs) != batch*batches {
		t.Fatalf("%d records, want %d", len(recs), batch*batches)
	}
	for i, r := range recs {
		// readData emits row i+1 (1-based) once the row after it has arrived, that is
		// while handling batch (i+1)/batch; the last row once the source is done
		handling := min((i+1)/batch, batches-1)
		want := base.Add(time.Duration(handling) * clockWait).UnixMilli()
		if ms := r.Value.(*schemas.Struct).Get("ts_ms").(int64); ms < want {
			t.Fatalf("record %d (emitted while handling batch %d): ts_ms %d is %v before the clock then (%d)",
				i, handling, ms, time.Duration(want-ms)*time.Millisecond, want)
		}
	}
}
