package oracle_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
)

// H01: the snapshot is taken at SCN 5000000. Transaction P started at 4999960 (an
// UPDATE before the snapshot SCN) and commits at 5000020 with an INSERT after it: it
// is open at the snapshot SCN, so none of its changes are in the snapshot and
// streaming must emit both. A committed at 4999950 and Q (listed as pending by a race
// with the SCN read) committed at 4999990: both are in the snapshot and must not be
// emitted again. B runs wholly after the snapshot.
const h01SnapshotSCN = 5000000

func loadRecorded(t *testing.T, name string) []logminer.Window {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ws, err := logminer.ReadRecorded(f)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func h01Pending() []oracle.PendingTx {
	return []oracle.PendingTx{{XID: "0B00020002000000", StartSCN: 4999960}, {XID: "0c00030003000000", StartSCN: 4999970}}
}

// mineAll runs a stream over the recorded session from its position to the end, one
// window per recorded window bound, and returns the data records.
func mineAll(t *testing.T, st *oracle.Stream, ws []logminer.Window) []*connectors.SourceRecord {
	t.Helper()
	sess := logminer.NewRecorded(ws)
	from := st.Position().SCN
	for _, w := range ws {
		if w.To <= from {
			continue
		}
		n := 0
		if err := sess.Mine(context.Background(), from, w.To, func(r *logminer.Row) error {
			n++
			return st.Process(r)
		}); err != nil {
			t.Fatal(err)
		}
		st.EndWindow(w.To, n)
		from = w.To
	}
	var out []*connectors.SourceRecord
	for _, r := range st.Records() {
		if r.Topic != "corebank" {
			out = append(out, r)
		}
	}
	return out
}

func describeAll(rs []*connectors.SourceRecord) string {
	var out []string
	for _, r := range rs {
		if r.Value == nil {
			out = append(out, r.Topic+" tombstone "+fmt.Sprint(r.Key))
			continue
		}
		out = append(out, describe(r))
	}
	return strings.Join(out, "\n")
}

func TestHandoverOfTransactionsOpenAtSnapshotSCN(t *testing.T) {
	ws := loadRecorded(t, "H01-pending-tx-handover.jsonl")
	_, cat := loadG01(t)
	cfg, err := oracle.ParseConfig(taskConfig())
	if err != nil {
		t.Fatal(err)
	}
	newStream := func(t *testing.T, pos oracle.Position) *oracle.Stream {
		st, err := oracle.NewStream(cfg.StreamConfig(), cat, pos, slog.New(slog.DiscardHandler), oracle.NewMetrics("t"))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	const all = "corebank.FINX.ACCOUNTS u Struct{ACCT_ID=7000001} false\n" +
		"corebank.FINX.ACCOUNTS c Struct{ACCT_ID=8000002} false\n" +
		"corebank.FINX.ACCOUNTS d Struct{ACCT_ID=8000001} false\n" +
		"corebank.FINX.ACCOUNTS tombstone Struct{ACCT_ID=8000001}"
	tests := []struct {
		name    string
		pending []oracle.PendingTx
		want    string
	}{
		{name: "pending transactions mined from their start, the rest left to the snapshot", pending: h01Pending(), want: all},
		{name: "no pending transactions: streaming starts at the snapshot SCN", pending: nil,
			want: "corebank.FINX.ACCOUNTS c Struct{ACCT_ID=8000002} false\n" + strings.Join(strings.Split(all, "\n")[2:], "\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStream(t, oracle.Position{})
			if err := st.HandOver(h01SnapshotSCN, oracle.FormatPending(tt.pending)); err != nil {
				t.Fatal(err)
			}
			got := mineAll(t, st, ws)
			if d := describeAll(got); d != tt.want {
				t.Fatalf("records:\n%s\nwant:\n%s", d, tt.want)
			}
			if _, ok := st.Offset()[oracle.OffsetSnapshotPending]; ok {
				t.Errorf("final offset still carries %s: %v", oracle.OffsetSnapshotPending, st.Offset())
			}
			if st.Offset()[oracle.OffsetSnapshotSCN] != "5000000" {
				t.Errorf("final offset lost snapshot_scn: %v", st.Offset())
			}
		})
	}

	t.Run("restart from each record's offset emits the rest exactly once", func(t *testing.T) {
		st := newStream(t, oracle.Position{})
		if err := st.HandOver(h01SnapshotSCN, oracle.FormatPending(h01Pending())); err != nil {
			t.Fatal(err)
		}
		full := mineAll(t, st, ws)
		first := full[0].SourceOffset
		if first[oracle.OffsetSnapshotPending] != "0b00020002000000:4999960,0c00030003000000:4999970" || first[oracle.OffsetSCN] != "4999959" {
			t.Fatalf("offset of the first streamed record: %v", first)
		}
		for i, r := range full {
			if i+1 < len(full) && reflect.DeepEqual(full[i+1].SourceOffset, r.SourceOffset) {
				continue // a delete and its tombstone share one offset: Connect commits them together
			}
			pos, err := oracle.ParsePosition(r.SourceOffset)
			if err != nil {
				t.Fatal(err)
			}
			got := mineAll(t, newStream(t, pos), ws)
			if d, want := describeAll(got), describeAll(full[i+1:]); d != want {
				t.Errorf("resumed after record %d (%v):\n%s\nwant:\n%s", i, r.SourceOffset, d, want)
			}
		}
	})
}

// TestTaskSnapshotHandsOverPendingTransactions runs the task: the snapshot (a
// MemorySnapshot listing P and Q as open) then streaming over H01's recorded session.
func TestTaskSnapshotHandsOverPendingTransactions(t *testing.T) {
	ws := loadRecorded(t, "H01-pending-tx-handover.jsonl")
	_, cat := loadG01(t)
	snap := &oracle.MemorySnapshot{SCN: h01SnapshotSCN, Pending: h01Pending(), Rows: map[string][][]any{
		"FINX.ACCOUNTS": {{sv("7000001"), sv("100045"), sv("10"), sv("OPEN")}, {sv("8000001"), sv("100045"), sv("5"), sv("OPEN")}, {sv("8000003"), sv("100045"), sv("7"), sv("OPEN")}}}}
	open := func(ctx context.Context, _ *oracle.Config) (oracle.Source, error) {
		return oracle.Source{Session: logminer.NewRecorded(ws), Catalog: cat, Snapshot: snap}, nil
	}
	task := oracle.NewTaskWith(open, &cdc.MemoryHistory{}, slog.New(slog.DiscardHandler))
	if err := task.Start(context.Background(), taskConfig(), cdctest.TaskContext{O: &cdctest.Offsets{}}); err != nil {
		t.Fatal(err)
	}
	defer task.Stop(context.Background())
	got := pollUntil(t, task, func(rs []*connectors.SourceRecord) bool { return len(rs) >= 7 })
	want := "corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000001} first\n" +
		"corebank.FINX.ACCOUNTS r Struct{ACCT_ID=8000001} true\n" +
		"corebank.FINX.ACCOUNTS r Struct{ACCT_ID=8000003} last\n" +
		"corebank.FINX.ACCOUNTS u Struct{ACCT_ID=7000001} false\n" +
		"corebank.FINX.ACCOUNTS c Struct{ACCT_ID=8000002} false\n" +
		"corebank.FINX.ACCOUNTS d Struct{ACCT_ID=8000001} false\n" +
		"corebank.FINX.ACCOUNTS tombstone Struct{ACCT_ID=8000001}"
	if d := describeAll(got[:7]); d != want {
		t.Fatalf("records:\n%s\nwant:\n%s", d, want)
	}
	if p := got[2].SourceOffset[oracle.OffsetSnapshotPending]; p != "0b00020002000000:4999960,0c00030003000000:4999970" {
		t.Errorf("snapshot completion offset: snapshot_pending_tx = %v", p)
	}
}
