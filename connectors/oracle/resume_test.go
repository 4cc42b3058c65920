package oracle_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// fixtureDirs returns the shared fixtures (found by walking up) and ./testdata.
func fixtureDirs(t *testing.T) []string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		p := filepath.Join(dir, "shared", "testdata", "oracle")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return []string{p, "testdata"}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("shared/testdata/oracle not found")
		}
		dir = parent
	}
}

type scenario struct {
	name    string
	cfg     oracle.StreamConfig
	catalog func() oracle.Catalog
	windows []logminer.Window
}

func loadScenarios(t *testing.T) []scenario {
	t.Helper()
	var out []scenario
	for _, dir := range fixtureDirs(t) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.expected.json"))
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".expected.json")
			var sc struct {
				Config   map[string]string `json:"connector_config"`
				Database struct {
					Offset string `json:"systimestamp_offset"`
				} `json:"database"`
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &sc); err != nil {
				t.Fatal(err)
			}
			cfg, err := oracle.ParseConfig(connectors.Config(sc.Config))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			scfg := cfg.StreamConfig()
			if sc.Database.Offset != "" && sc.Database.Offset != "+00:00" {
				tz, _ := time.Parse("-07:00", sc.Database.Offset)
				_, off := tz.Zone()
				scfg.DBOffset = time.Duration(off) * time.Second
			}
			scfg.Now = func() time.Time { return time.Unix(0, 0) }
			tablesPath := filepath.Join(dir, "tables.json")
			catalog := func() oracle.Catalog {
				f, err := os.Open(tablesPath)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				c, err := oracle.ReadCatalog(f)
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
			cat := catalog()
			scfg.Reread = func(o, tb string) (*oracle.TableInfo, error) {
				if ti := cat.Lookup(o, tb); ti != nil {
					return ti.Clone(), nil
				}
				return nil, nil
			}
			rows, err := os.Open(filepath.Join(dir, name+".jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			ws, err := logminer.ReadRecorded(rows)
			rows.Close()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out = append(out, scenario{name: name, cfg: scfg, catalog: catalog, windows: ws})
		}
	}
	return out
}

// identity names a record for comparison across runs.
func identity(r *connectors.SourceRecord) string {
	key := fmt.Sprint(r.Key)
	if r.Value == nil {
		return r.Topic + " tombstone " + key
	}
	env := r.Value.(*schemas.Struct)
	src := env.Get("source").(*schemas.Struct)
	return fmt.Sprintf("%s %v %s scn=%v commit=%v seq=%v", r.Topic, env.Get("op"), key, src.Get("scn"), src.Get("commit_scn"), src.Get("txSeq"))
}

type run struct {
	records   []*connectors.SourceRecord
	history   []*cdc.HistoryRecord
	windowEnd []offsets.Offset
}

// replayFrom runs a fresh stream from offset off (nil: the beginning), recovering
// the given history first, and mines each window above the resume SCN the way a
// restarted task would: (max(resume, from), to].
func replayFrom(t *testing.T, sc scenario, off offsets.Offset, history []*cdc.HistoryRecord) run {
	t.Helper()
	var pos oracle.Position
	if off != nil {
		var err error
		if pos, err = oracle.ParsePosition(off); err != nil {
			t.Fatalf("ParsePosition(%v): %v", off, err)
		}
	}
	st, err := oracle.NewStream(sc.cfg, sc.catalog(), pos, slog.New(slog.DiscardHandler), oracle.NewMetrics("t"))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range history {
		if _, err := st.Recover(h); err != nil {
			t.Fatal(err)
		}
	}
	session := logminer.NewRecorded(sc.windows)
	var out run
	started := off == nil
	for _, w := range sc.windows {
		from := w.From
		if !started {
			if w.To <= pos.SCN {
				continue
			}
			if pos.SCN > from {
				from = pos.SCN
			}
			started = true
		}
		n := 0
		err := session.Mine(t.Context(), from, w.To, func(r *logminer.Row) error {
			n++
			return st.Process(r)
		})
		if err != nil {
			t.Fatalf("mining (%d, %d]: %v", from, w.To, err)
		}
		st.EndWindow(w.To, n)
		out.records = append(out.records, st.Records()...)
		out.history = append(out.history, st.History()...)
		out.windowEnd = append(out.windowEnd, st.Offset())
	}
	return out
}

// TestResumeFromEveryOffset crashes every scenario after each record whose offset
// differs from the next one's (what Kafka Connect can have committed) and after
// each window, restarts from that offset and checks the restarted stream emits
// exactly the rest: nothing lost, nothing repeated. It covers mid-transaction
// offsets (txId/txSeq), commit offsets (per-thread commit_scn), window-end offsets
// with open transactions (low-watermark scn), and Debezium's legacy numeric scn.
func TestResumeFromEveryOffset(t *testing.T) {
	for _, sc := range loadScenarios(t) {
		t.Run(sc.name, func(t *testing.T) {
			full := replayFrom(t, sc, nil, nil)
			var data []*connectors.SourceRecord
			var want []string
			for _, r := range full.records {
				if r.Topic != sc.cfg.Topics.SchemaChange() {
					data = append(data, r)
					want = append(want, identity(r))
				}
			}
			type cut struct {
				name string
				off  offsets.Offset
				rest []string
			}
			var cuts []cut
			for k, r := range data {
				if k+1 < len(data) && fmt.Sprint(data[k+1].SourceOffset) == fmt.Sprint(r.SourceOffset) {
					continue
				}
				cuts = append(cuts, cut{fmt.Sprintf("after record %d %v", k+1, r.SourceOffset), r.SourceOffset, want[k+1:]})
			}
			emitted := 0
			// window ends: records emitted up to and including window i
			counts := windowCounts(t, sc)
			for i, off := range full.windowEnd {
				emitted = counts[i]
				cuts = append(cuts, cut{fmt.Sprintf("after window %d %v", i+1, off), off, want[emitted:]})
				legacy := offsets.Offset{}
				for k, v := range off {
					legacy[k] = v
				}
				if s, ok := off["scn"].(string); ok {
					var n int64
					fmt.Sscan(s, &n)
					legacy["scn"] = n // Debezium ≤1.4 stored scn as a number
				}
				cuts = append(cuts, cut{fmt.Sprintf("after window %d legacy numeric scn", i+1), legacy, want[emitted:]})
			}
			for _, c := range cuts {
				var hist []*cdc.HistoryRecord
				hist = append(hist, full.history...)
				got := replayFrom(t, sc, c.off, hist)
				var ids []string
				for _, r := range got.records {
					if r.Topic == sc.cfg.Topics.SchemaChange() {
						continue
					}
					ids = append(ids, identity(r))
				}
				if strings.Join(ids, "\n") != strings.Join(c.rest, "\n") {
					t.Errorf("restart %s:\n got  %q\n want %q", c.name, ids, c.rest)
				}
			}
		})
	}
}

// windowCounts returns, per window, how many data records the uninterrupted run had
// emitted by the end of that window.
func windowCounts(t *testing.T, sc scenario) []int {
	t.Helper()
	st, err := oracle.NewStream(sc.cfg, sc.catalog(), oracle.Position{}, slog.New(slog.DiscardHandler), oracle.NewMetrics("t"))
	if err != nil {
		t.Fatal(err)
	}
	var counts []int
	n := 0
	for _, w := range sc.windows {
		for i := range w.Rows {
			r := w.Rows[i]
			if err := st.Process(&r); err != nil {
				t.Fatal(err)
			}
		}
		st.EndWindow(w.To, len(w.Rows))
		for _, r := range st.Records() {
			if r.Topic != sc.cfg.Topics.SchemaChange() {
				n++
			}
		}
		counts = append(counts, n)
	}
	return counts
}
