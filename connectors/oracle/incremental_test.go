package oracle_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
	"github.com/gonnect/gonnect/offsets"
)

// I01 drives signals through the source channel (FINX.DEBEZIUM_SIGNAL) in a recorded
// session, with a MemorySnapshot serving chunks of two rows:
//
//   - sig-1 execute-snapshot of CBS.FINX.ACCOUNTS. Chunk 1 (7000001, 7000002): an
//     UPDATE of 7000002 commits inside the window, so only 7000001 is emitted from
//     the chunk and the streamed update wins.
//   - sig-2 pause-snapshot: chunk 2 (7000003, 7000004) was already out and is
//     emitted at its close watermark; no chunk 3 is issued while paused, so the
//     UPDATE of 7000005 streams on its own.
//   - sig-3 resume-snapshot issues chunk 3 (7000005, short: the table's last); the
//     DELETE of 7000005 inside its window drops it; the snapshot completes.
//   - sig-4 log; sig-5 execute-snapshot by regex, stopped by sig-6 before its
//     window closes: its chunk is never emitted.
func i01(t *testing.T) (oracle.Catalog, *oracle.MemorySnapshot, oracle.StreamConfig) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "I01-tables.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cat, err := oracle.ReadCatalog(f)
	if err != nil {
		t.Fatal(err)
	}
	raw := taskConfig()
	raw["signal.data.collection"] = "CBS.FINX.DEBEZIUM_SIGNAL"
	raw["incremental.snapshot.chunk.size"] = "2"
	cfg, err := oracle.ParseConfig(raw)
	if err != nil {
		t.Fatal(err)
	}
	snap := &oracle.MemorySnapshot{Rows: map[string][][]any{"FINX.ACCOUNTS": {
		{sv("7000003"), sv("100045"), sv("30"), sv("OPEN")}, {sv("7000001"), sv("100045"), sv("10"), sv("OPEN")},
		{sv("7000002"), sv("100045"), sv("20"), sv("OPEN")}, {sv("7000005"), sv("100045"), sv("50"), sv("OPEN")},
		{sv("7000004"), sv("100045"), sv("40"), sv("OPEN")}}}}
	scfg := cfg.StreamConfig()
	scfg.Incremental.Read = func(ti *oracle.TableInfo, after []any, n int) ([][]any, error) {
		return snap.ReadChunk(t.Context(), ti, after, n)
	}
	return cat, snap, scfg
}

// watermarkLog records the watermark ids a task writes through its source.
type watermarkLog struct {
	mu  sync.Mutex // guards ids
	ids []string
}

func (w *watermarkLog) write(_ context.Context, id, _, _ string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ids = append(w.ids, id)
	return nil
}

func (w *watermarkLog) list() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.ids...)
}

// startI01Task starts a task over src with I01's signal table and chunk size (plus
// extra keys), resuming at the start of the recording. The caller stops it.
func startI01Task(t *testing.T, src oracle.Source, extra connectors.Config, log *slog.Logger) *oracle.Task {
	t.Helper()
	raw := taskConfig()
	raw["signal.data.collection"] = "CBS.FINX.DEBEZIUM_SIGNAL"
	raw["incremental.snapshot.chunk.size"] = "2"
	for k, v := range extra {
		raw[k] = v
	}
	offs := &cdctest.Offsets{}
	offs.Set(offsets.Partition{"server": "corebank"}, offsets.Offset{"scn": "6000000", "commit_scn": "6000000:1:"})
	open := func(context.Context, *oracle.Config) (oracle.Source, error) { return src, nil }
	task := oracle.NewTaskWith(open, &cdc.MemoryHistory{}, log)
	if err := task.Start(context.Background(), raw, cdctest.TaskContext{O: offs}); err != nil {
		t.Fatal(err)
	}
	return task
}

func accounts(rs []*connectors.SourceRecord) []*connectors.SourceRecord {
	var out []*connectors.SourceRecord
	for _, r := range rs {
		if r.Topic == "corebank.FINX.ACCOUNTS" {
			out = append(out, r)
		}
	}
	return out
}

func TestIncrementalSnapshotThroughSignalTable(t *testing.T) {
	ws := loadRecorded(t, "I01-incremental-snapshot-signals.jsonl")
	cat, snap, scfg := i01(t)
	var watermarks []string
	tests := []struct {
		name      string
		watermark func(id, typ, data string) error
	}{
		{name: "watermarks already in the recorded session"},
		{name: "watermarks written through the source", watermark: func(id, typ, data string) error {
			watermarks = append(watermarks, id+" "+typ)
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			watermarks = nil
			snap.Reads = nil
			cfg := scfg
			cfg.Incremental.Watermark = tt.watermark
			st, err := oracle.NewStream(cfg, cat, oracle.Position{}, slog.New(slog.DiscardHandler), oracle.NewMetrics("t"))
			if err != nil {
				t.Fatal(err)
			}
			all := mineAll(t, st, ws)
			got := accounts(all)
			want := "corebank.FINX.ACCOUNTS u Struct{ACCT_ID=7000002} false\n" +
				"corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000001} incremental\n" +
				"corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000003} incremental\n" +
				"corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000004} incremental\n" +
				"corebank.FINX.ACCOUNTS u Struct{ACCT_ID=7000005} false\n" +
				"corebank.FINX.ACCOUNTS d Struct{ACCT_ID=8000001} false"
			want = strings.Replace(want, "d Struct{ACCT_ID=8000001} false", "d Struct{ACCT_ID=7000005} false\n"+
				"corebank.FINX.ACCOUNTS tombstone Struct{ACCT_ID=7000005}\n"+
				"corebank.FINX.ACCOUNTS u Struct{ACCT_ID=7000001} false", 1)
			if d := describeAll(got); d != want {
				t.Fatalf("records:\n%s\nwant:\n%s", d, want)
			}
			if n := len(all) - len(got); n != 14 {
				t.Errorf("%d signal table records, want 14 (every signal and watermark row is a change event too)", n)
			}
			if snap.Reads["FINX.ACCOUNTS chunk"] != 4 {
				t.Errorf("chunk reads: %v, want 4 (three for sig-1, one for sig-5)", snap.Reads)
			}
			if tt.watermark != nil {
				wantW := "sig-1-1-open snapshot-window-open,sig-1-1-close snapshot-window-close,sig-1-2-open snapshot-window-open," +
					"sig-1-2-close snapshot-window-close,sig-1-3-open snapshot-window-open,sig-1-3-close snapshot-window-close," +
					"sig-5-1-open snapshot-window-open,sig-5-1-close snapshot-window-close"
				if strings.Join(watermarks, ",") != wantW {
					t.Errorf("watermarks written: %v", watermarks)
				}
			}
			// progress in Debezium's offset keys while the snapshot runs, none after
			r1 := got[1].SourceOffset
			if r1[oracle.OffsetIncrementalCollections] != `[{"incremental_snapshot_collections_id":"CBS.FINX.ACCOUNTS","incremental_snapshot_collections_additional_condition":null,"incremental_snapshot_collections_surrogate_key":null}]` ||
				r1[oracle.OffsetIncrementalCorrelation] != "sig-1" || r1[oracle.OffsetIncrementalMaximumKey] != "aced000570" {
				t.Errorf("offset of the first chunk record: %v", r1)
			}
			// the chunk position as Debezium writes it: Object[]{BigDecimal 7000001}
			if k, err := cdc.DecodeJavaArray(r1[oracle.OffsetIncrementalPrimaryKey].(string)); err != nil || fmt.Sprint(k) != "[7000001]" {
				t.Errorf("%s = %v (%v), want [7000001]", oracle.OffsetIncrementalPrimaryKey, k, err)
			} else if _, ok := k[0].(cdc.JavaDecimal); !ok {
				t.Errorf("%s holds a %T, want java.math.BigDecimal", oracle.OffsetIncrementalPrimaryKey, k[0])
			}
			if _, ok := st.Offset()[oracle.OffsetIncrementalCollections]; ok {
				t.Errorf("final offset still names a running incremental snapshot: %v", st.Offset())
			}
		})
	}
}

// TestIncrementalSnapshotResumesFromOffsets restarts from the offset of every
// record of the first incremental snapshot: no chunk row is lost and none is
// emitted twice after the restart.
func TestIncrementalSnapshotResumesFromOffsets(t *testing.T) {
	ws := loadRecorded(t, "I01-incremental-snapshot-signals.jsonl")
	cat, _, scfg := i01(t)
	st, err := oracle.NewStream(scfg, cat, oracle.Position{}, slog.New(slog.DiscardHandler), oracle.NewMetrics("t"))
	if err != nil {
		t.Fatal(err)
	}
	full := accounts(mineAll(t, st, ws))
	for i, r := range full[:4] {
		t.Run(describeAll(full[i:i+1]), func(t *testing.T) {
			pos, err := oracle.ParsePosition(r.SourceOffset)
			if err != nil {
				t.Fatal(err)
			}
			st, err := oracle.NewStream(scfg, cat, pos, slog.New(slog.DiscardHandler), oracle.NewMetrics("t"))
			if err != nil {
				t.Fatal(err)
			}
			if err := st.ResumeIncremental(); err != nil {
				t.Fatal(err)
			}
			before := map[string]int{}
			for _, x := range full[:i+1] {
				before[describeAll([]*connectors.SourceRecord{x})]++
			}
			after := map[string]int{}
			for _, x := range accounts(mineAll(t, st, ws)) {
				after[describeAll([]*connectors.SourceRecord{x})]++
			}
			for _, x := range full {
				d := describeAll([]*connectors.SourceRecord{x})
				if before[d]+after[d] < 1 {
					t.Errorf("lost across the restart: %s", d)
				}
				if strings.Contains(d, " r ") && before[d]+after[d] > 1 {
					t.Errorf("chunk row emitted again after the restart: %s", d)
				}
			}
		})
	}
}

// TestTaskIncrementalSnapshotWiring runs I01 through the task: the source's
// Snapshotter serves chunks (ChunkReader) and WriteSignal receives the watermarks.
func TestTaskIncrementalSnapshotWiring(t *testing.T) {
	ws := loadRecorded(t, "I01-incremental-snapshot-signals.jsonl")
	cat, snap, _ := i01(t)
	wl := &watermarkLog{}
	task := startI01Task(t, oracle.Source{Session: logminer.NewRecorded(ws), Catalog: cat, Snapshot: snap, WriteSignal: wl.write},
		nil, slog.New(slog.DiscardHandler))
	defer task.Stop(context.Background())
	got := pollUntil(t, task, func(rs []*connectors.SourceRecord) bool { return len(accounts(rs)) >= 8 })
	var rs []string
	for _, r := range accounts(got) {
		if r.Value != nil && strings.HasSuffix(describe(r), " incremental") {
			rs = append(rs, describe(r))
		}
	}
	if strings.Join(rs, "\n") != "corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000001} incremental\n"+
		"corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000003} incremental\ncorebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000004} incremental" {
		t.Errorf("chunk records:\n%s", strings.Join(rs, "\n"))
	}
	if written := wl.list(); len(written) < 6 || written[0] != "sig-1-1-open" || written[1] != "sig-1-1-close" {
		t.Errorf("watermarks written through the source: %v", written)
	}
}

// I02: incremental.snapshot.watermarking.strategy=INSERT_DELETE. The window opens
// with an inserted row and closes when that row is deleted (Debezium's
// DeleteWindowCloser); the UPDATE of 7000003 inside the window supersedes its chunk
// row.
func TestIncrementalSnapshotInsertDeleteWatermarks(t *testing.T) {
	ws := loadRecorded(t, "I02-incremental-insert-delete-watermarks.jsonl")
	cat, _, scfg := i01(t)
	scfg.Incremental.ChunkSize = 10
	scfg.Incremental.DeleteWatermarks = true
	var calls []string
	scfg.Incremental.Watermark = func(id, typ, _ string) error { calls = append(calls, "insert "+id+" "+typ); return nil }
	scfg.Incremental.Delete = func(id string) error { calls = append(calls, "delete "+id); return nil }
	st, err := oracle.NewStream(scfg, cat, oracle.Position{}, slog.New(slog.DiscardHandler), oracle.NewMetrics("t"))
	if err != nil {
		t.Fatal(err)
	}
	got := describeAll(accounts(mineAll(t, st, ws)))
	want := "corebank.FINX.ACCOUNTS u Struct{ACCT_ID=7000003} false\n" +
		"corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000001} incremental\n" +
		"corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000002} incremental\n" +
		"corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000004} incremental\n" +
		"corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000005} incremental"
	if got != want {
		t.Errorf("records:\n%s\nwant:\n%s", got, want)
	}
	if strings.Join(calls, ",") != "insert d-1-1-open snapshot-window-open,delete d-1-1-open" {
		t.Errorf("watermark calls: %v", calls)
	}
	if _, ok := st.Offset()[oracle.OffsetIncrementalCollections]; ok {
		t.Errorf("the snapshot did not complete: %v", st.Offset())
	}
}

// flakyChunks fails its first chunk read, as a dropped connection would.
type flakyChunks struct {
	*oracle.MemorySnapshot
	mu    sync.Mutex
	calls int
}

func (f *flakyChunks) ReadChunk(ctx context.Context, t *oracle.TableInfo, after []any, n int) ([][]any, error) {
	f.mu.Lock()
	f.calls++
	first := f.calls == 1
	f.mu.Unlock()
	if first {
		return nil, errors.New("ORA-03113: end-of-file on communication channel")
	}
	return f.MemorySnapshot.ReadChunk(ctx, t, after, n)
}

// TestTaskIncrementalSnapshotSurvivesChunkReadFailure: the first chunk read fails
// after the execute-snapshot signal's record was handed on; the task reconnects, and
// the signal's offset (which already names the running snapshot) resumes it.
func TestTaskIncrementalSnapshotSurvivesChunkReadFailure(t *testing.T) {
	ws := loadRecorded(t, "I01-incremental-snapshot-signals.jsonl")
	cat, snap, _ := i01(t)
	flaky := &flakyChunks{MemorySnapshot: snap}
	task := startI01Task(t, oracle.Source{Session: logminer.NewRecorded(ws), Catalog: cat, Snapshot: flaky}, nil, slog.New(slog.DiscardHandler))
	defer task.Stop(context.Background())
	got := pollUntil(t, task, func(rs []*connectors.SourceRecord) bool {
		n := 0
		for _, r := range accounts(rs) {
			if r.Value != nil && strings.HasSuffix(describe(r), " incremental") {
				n++
			}
		}
		return n >= 3
	})
	var rs []string
	for _, r := range accounts(got) {
		if r.Value != nil && strings.HasSuffix(describe(r), " incremental") {
			rs = append(rs, describe(r))
		}
	}
	if strings.Join(rs, "\n") != "corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000001} incremental\n"+
		"corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000003} incremental\ncorebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000004} incremental" {
		t.Errorf("chunk records:\n%s", strings.Join(rs, "\n"))
	}
	flaky.mu.Lock()
	defer flaky.mu.Unlock()
	if flaky.calls < 3 { // the failed read, then chunks 1 and 2
		t.Errorf("%d chunk reads: the failed one was not retried", flaky.calls)
	}
}

// I03: stop-snapshot names the table being read while its chunk is out: that
// chunk's watermarks are ignored, the next table's chunk is issued at once, and the
// snapshot completes with only that table's rows.
func TestIncrementalSnapshotStopCurrentTable(t *testing.T) {
	ws := loadRecorded(t, "I03-stop-current-table.jsonl")
	cat, snap, scfg := i01(t)
	snap.Rows["FINX.BRANCHES"] = snapshotRows()["FINX.BRANCHES"]
	st, err := oracle.NewStream(scfg, cat, oracle.Position{}, slog.New(slog.DiscardHandler), oracle.NewMetrics("t"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range mineAll(t, st, ws) {
		if r.Topic != "corebank.FINX.DEBEZIUM_SIGNAL" {
			got = append(got, describe(r))
		}
	}
	if strings.Join(got, "\n") != "corebank.FINX.BRANCHES r Struct{CODE=BR1} incremental" {
		t.Errorf("records:\n%s", strings.Join(got, "\n"))
	}
	if _, ok := st.Offset()[oracle.OffsetIncrementalCollections]; ok {
		t.Errorf("the snapshot did not complete: %v", st.Offset())
	}
}
