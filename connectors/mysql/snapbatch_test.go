package mysql

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/schemas"
)

// scratchRows is how many rows the batch-reuse tests read: several batches, and enough
// for two readers to split the table into chunks (planChunks).
const scratchRows = 5000

// scratchTable creates a table whose DECIMAL, DATETIME and TIMESTAMP columns are
// scratch columns (their text is copied into reused batches) next to a character
// column that records keep, and fills it with scratchRows rows.
func scratchTable(t *testing.T, srv *mysqltest.Server, db string) {
	t.Helper()
	srv.Exec(t, "CREATE TABLE "+db+".t (id INT PRIMARY KEY, d DECIMAL(10,2) NOT NULL, dt DATETIME(6) NOT NULL, "+
		"ts TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), name VARCHAR(40))")
	for i := 0; i < scratchRows; i += 1000 {
		var vals []string
		for j := i; j < i+1000; j++ {
			vals = append(vals, fmt.Sprintf("(%d,%d.%02d,'2024-01-01 00:00:00' + INTERVAL %d SECOND + INTERVAL %d MICROSECOND,'2023-05-06 07:08:09.%03d','n-%d')",
				j, j, j%100, j, j%1000000, j%1000, j))
		}
		srv.Exec(t, "INSERT INTO "+db+".t VALUES "+strings.Join(vals, ","))
	}
}

// withPoison makes freed batches poisoned for the rest of the test.
func withPoison(t *testing.T) {
	poisonFreed = true
	t.Cleanup(func() { poisonFreed = false })
}

// TestSnapshotReusesBatches snapshots a table of scratch columns through reused
// batches, with freed batches poisoned at once, with one reader and with parallel
// chunk readers: every record must carry its own row's values, so no row (not even a
// batch's last, emitted only once the next batch arrived) is read after its batch
// went back to the pool.
func TestSnapshotReusesBatches(t *testing.T) {
	tests := []struct {
		name    string
		threads string
		cores   int
	}{
		{name: "one reader", threads: "1", cores: 2},
		{name: "parallel chunk readers", threads: "2", cores: 8},
	}
	srv := mysqltest.Start(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			withPoison(t)
			cores := snapshotCores
			snapshotCores = func() int { return tc.cores }
			t.Cleanup(func() { snapshotCores = cores })
			db := srv.NewDatabase(t, "scratch")
			scratchTable(t, srv, db)
			h := newHarness(t, srv, db, map[string]string{"snapshot.max.threads": tc.threads})
			h.start()
			recs := h.pollTopic("srv."+db+".t", scratchRows)
			base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
			for i, r := range recs {
				after := r.Value.(*schemas.Struct).Get("after").(*schemas.Struct)
				if id := after.Get("id"); id != int32(i) {
					t.Fatalf("record %d has id %v", i, id)
				}
				d, ok := after.Get("d").(schemas.Decimal)
				if !ok || d.Scale != 2 || d.Unscaled.Int64() != int64(i*100+i%100) {
					t.Fatalf("record %d: d = %#v", i, after.Get("d"))
				}
				if dt, want := after.Get("dt"), base.Add(time.Duration(i)*time.Second+time.Duration(i%1000000)*time.Microsecond).UnixMicro(); dt != want {
					t.Fatalf("record %d: dt = %v, want %d", i, dt, want)
				}
				if ts, _ := after.Get("ts").(string); !strings.HasSuffix(ts, fmt.Sprintf(".%03dZ", i%1000)) {
					t.Fatalf("record %d: ts = %q", i, ts)
				}
				if name := after.Get("name"); name != fmt.Sprintf("n-%d", i) {
					t.Fatalf("record %d: name = %v", i, name)
				}
			}
		})
	}
}

// TestStreamBatchesKeepPreviousBatch checks the rowSource contract that the
// snapshot's one-row lag relies on: while fn handles a batch, the rows of the batch
// before it are intact (freed batches are poisoned, so a batch freed one call too
// early fails here every time), and batches are in fact reused.
func TestStreamBatchesKeepPreviousBatch(t *testing.T) {
	withPoison(t)
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "batches")
	scratchTable(t, srv, db)
	c, err := client.Connect(srv.Addr(), srv.User, srv.Password, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	render := func(rows [][]any) []string {
		out := make([]string, len(rows))
		for i, r := range rows {
			out[i] = strings.Clone(fmt.Sprint(r...))
		}
		return out
	}
	scratch := []bool{false, true, true, true, false} // d, dt and ts
	var prev [][]any
	var prevText []string
	seen := map[*any]bool{}
	reused, n := 0, 0
	err = streamBatchesAhead(context.Background(), c, "SELECT * FROM "+db+".t ORDER BY id", scratch, func(rows [][]any) error {
		if got := render(prev); strings.Join(got, "\n") != strings.Join(prevText, "\n") {
			return fmt.Errorf("rows %d..%d changed while the next batch was handled", n-len(prev), n-1)
		}
		if len(rows) > 0 {
			if seen[&rows[0][0]] {
				reused++
			}
			seen[&rows[0][0]] = true
		}
		for _, r := range rows {
			if got, _ := asString(r[4]); got != fmt.Sprintf("n-%d", n) {
				return fmt.Errorf("row %d: name %q", n, got)
			}
			n++
		}
		prev, prevText = rows, render(rows)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != scratchRows {
		t.Fatalf("read %d rows, want %d", n, scratchRows)
	}
	if reused == 0 {
		t.Fatalf("no batch was reused over %d batches", (scratchRows+rowBatch-1)/rowBatch)
	}
}

// BenchmarkSnapshotBatchRow10 is BenchmarkSnapshotRow10 the way the snapshot reads:
// rows copied into pooled batches (with the table's scratch columns), each batch freed
// once the next one was handled.
func BenchmarkSnapshotBatchRow10(b *testing.B) {
	s := bench10(b, 1<<20)
	id := cdc.TableID{Catalog: "bench", Table: "t"}
	ts, err := s.state.tableSchema(id)
	if err != nil || ts == nil {
		b.Fatal(ts, err)
	}
	scratch := scratchColumns(s.state, id)
	first := false
	pos := &position{File: "binlog.000001", Pos: 4, Snapshot: "INITIAL"}
	rt := &rowTable{t: s.t, id: id, ts: ts, pos: pos, first: &first, tableOff: pos.offset()}
	fields, packet := textRow10(4711)
	var fv []gmysql.FieldValue
	ctx := context.Background()
	var copier rowCopier
	pool := newBatchPool()
	var batch, held *snapBatch
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if fv, err = packet.ParseText(fields, fv); err != nil {
			b.Fatal(err)
		}
		if batch == nil {
			batch = pool.get(len(fv))
		}
		batch.rows = append(batch.rows, copier.copyTo(batch, scratch, fields, fv))
		if len(batch.rows) == rowBatch {
			for _, row := range batch.rows {
				if err := rt.emit(ctx, row, i+2, false); err != nil {
					b.Fatal(err)
				}
				i++
				if s.t.q.Pending() == 0 {
					drain(ctx, s.t)
				}
			}
			pool.put(held)
			held, batch = batch, nil
		}
	}
}
