package replay

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors/oracle/logminer"
)

// sharedFixtures finds ../shared/testdata/oracle by walking up from the working
// directory.
func sharedFixtures(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "testdata", "oracle")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("shared/testdata/oracle not found above the working directory")
		}
		dir = parent
	}
}

type expectedFile struct {
	Events        []map[string]any `json:"events"`
	SchemaChanges []struct {
		SCN          string `json:"scn"`
		Table        string `json:"table"`
		DDL          string `json:"ddl"`
		Type         string `json:"type"`
		ColumnsAdded []struct {
			Name string `json:"name"`
		} `json:"columns_added"`
		Columns []string `json:"columns"` // all column names after the change, when given
	} `json:"schema_changes"`
	OffsetChecks []struct {
		AfterWindow int    `json:"after_window"`
		CommitSCN   string `json:"commit_scn"`
		SCNMax      string `json:"scn_max"`
		SCNMin      string `json:"scn_min"`
	} `json:"offset_checks"`
}

// normalize round-trips v through JSON so numbers compare as float64.
func normalize(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func commitSet(s string) []string {
	parts := strings.Split(s, ",")
	sort.Strings(parts)
	return parts
}

type scenarioRun struct {
	events  []map[string]any
	history []map[string]any
	offsets []map[string]any // after each window
}

func replayScenario(t *testing.T, expectedPath, rowsPath, tablesPath string) scenarioRun {
	t.Helper()
	sc, err := os.ReadFile(expectedPath)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := os.Open(tablesPath)
	if err != nil {
		t.Fatal(err)
	}
	defer tables.Close()
	r, err := New(bytes.NewReader(sc), tables, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	rows, err := os.Open(rowsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	windows, err := logminer.ReadRecorded(rows)
	if err != nil {
		t.Fatalf("ReadRecorded: %v", err)
	}
	var run scenarioRun
	var out bytes.Buffer
	for i, w := range windows {
		if err := r.Window(context.Background(), w, &out); err != nil {
			t.Fatalf("window %d: %v", i+1, err)
		}
		run.offsets = append(run.offsets, normalize(t, r.Offset()).(map[string]any))
	}
	if err := r.Finish(&out); err != nil {
		t.Fatal(err)
	}
	sc2 := bufio.NewScanner(&out)
	sc2.Buffer(nil, 16<<20)
	for sc2.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc2.Bytes(), &m); err != nil {
			t.Fatalf("output line %q: %v", sc2.Text(), err)
		}
		switch {
		case m["schema_change"] != nil:
			run.history = append(run.history, m["schema_change"].(map[string]any))
		case m["offsets"] != nil:
		default:
			run.events = append(run.events, m)
		}
	}
	return run
}

// TestReplayFixtures replays every scenario of shared/testdata/oracle and asserts
// exactly the expected events, schema changes and offset checks.
func TestReplayFixtures(t *testing.T) {
	dir := sharedFixtures(t)
	matches, err := filepath.Glob(filepath.Join(dir, "S*.expected.json"))
	if err != nil || len(matches) == 0 {
		t.Fatalf("no scenarios in %s", dir)
	}
	for _, exp := range matches {
		name := strings.TrimSuffix(filepath.Base(exp), ".expected.json")
		t.Run(name, func(t *testing.T) {
			checkScenario(t, exp, filepath.Join(dir, name+".jsonl"), filepath.Join(dir, "tables.json"))
		})
	}
}

// TestReplayOwnScenarios replays connectors/oracle/testdata: RAC interleavings, the
// UPDATE-as-DELETE rules, undo variants, a time-zone matrix, a DDL corpus and rows
// rendered with OBJ#/COL names.
func TestReplayOwnScenarios(t *testing.T) {
	matches, err := filepath.Glob(filepath.Join("..", "testdata", "G*.expected.json"))
	if err != nil || len(matches) == 0 {
		t.Fatalf("no scenarios in ../testdata")
	}
	for _, exp := range matches {
		name := strings.TrimSuffix(filepath.Base(exp), ".expected.json")
		t.Run(name, func(t *testing.T) {
			checkScenario(t, exp, filepath.Join("..", "testdata", name+".jsonl"), filepath.Join("..", "testdata", "tables.json"))
		})
	}
}

func checkScenario(t *testing.T, exp, rowsPath, tablesPath string) {
	t.Helper()
	raw, err := os.ReadFile(exp)
	if err != nil {
		t.Fatal(err)
	}
	var want expectedFile
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	run := replayScenario(t, exp, rowsPath, tablesPath)
	if len(run.events) != len(want.Events) {
		for _, e := range run.events {
			b, _ := json.Marshal(e)
			t.Logf("got %s", b)
		}
		t.Fatalf("got %d events, want %d", len(run.events), len(want.Events))
	}
	for i, we := range want.Events {
		ge := run.events[i]
		wn := normalize(t, we).(map[string]any)
		for _, k := range []string{"topic", "op", "key", "before", "after", "tombstone"} {
			wv, has := wn[k]
			if !has {
				continue
			}
			if !reflect.DeepEqual(ge[k], wv) {
				t.Errorf("event %d %s:\n got  %v\n want %v", i+1, k, ge[k], wv)
			}
		}
		if wh, ok := wn["headers"]; ok {
			if !reflect.DeepEqual(ge["headers"], wh) {
				t.Errorf("event %d headers: got %v want %v", i+1, ge["headers"], wh)
			}
		} else if _, tomb := wn["tombstone"]; !tomb && ge["headers"] != nil {
			t.Errorf("event %d: unexpected headers %v", i+1, ge["headers"])
		}
		if ws, ok := wn["source"].(map[string]any); ok {
			gs, _ := ge["source"].(map[string]any)
			for k, wv := range ws {
				if !reflect.DeepEqual(gs[k], wv) {
					t.Errorf("event %d source.%s: got %v want %v", i+1, k, gs[k], wv)
				}
			}
		}
	}
	if len(run.history) != len(want.SchemaChanges) {
		t.Fatalf("got %d schema changes, want %d", len(run.history), len(want.SchemaChanges))
	}
	for i, wc := range want.SchemaChanges {
		h := run.history[i]
		if h["ddl"] != wc.DDL {
			t.Errorf("schema change %d ddl = %v, want %q", i, h["ddl"], wc.DDL)
		}
		if pos, _ := h["position"].(map[string]any); pos["scn"] != wc.SCN {
			t.Errorf("schema change %d position.scn = %v, want %s", i, pos["scn"], wc.SCN)
		}
		tcs, _ := h["tableChanges"].([]any)
		if len(tcs) != 1 {
			t.Fatalf("schema change %d: %d tableChanges", i, len(tcs))
		}
		tc := tcs[0].(map[string]any)
		if tc["type"] != wc.Type {
			t.Errorf("schema change %d type = %v, want %s", i, tc["type"], wc.Type)
		}
		if wc.Type == "DROP" {
			continue
		}
		cols := tc["table"].(map[string]any)["columns"].([]any)
		if wc.Columns != nil {
			var names []string
			for _, c := range cols {
				names = append(names, c.(map[string]any)["name"].(string))
			}
			if !reflect.DeepEqual(names, wc.Columns) {
				t.Errorf("schema change %d columns = %v, want %v", i, names, wc.Columns)
			}
		}
		for k, add := range wc.ColumnsAdded {
			got := cols[len(cols)-len(wc.ColumnsAdded)+k].(map[string]any)["name"]
			if got != add.Name {
				t.Errorf("schema change %d added column %d = %v, want %s", i, k, got, add.Name)
			}
		}
	}
	for _, oc := range want.OffsetChecks {
		if oc.AfterWindow < 1 || oc.AfterWindow > len(run.offsets) {
			t.Fatalf("offset check after window %d: only %d windows", oc.AfterWindow, len(run.offsets))
		}
		got := run.offsets[oc.AfterWindow-1]
		if oc.CommitSCN != "" {
			gc, _ := got["commit_scn"].(string)
			if !reflect.DeepEqual(commitSet(gc), commitSet(oc.CommitSCN)) {
				t.Errorf("after window %d commit_scn = %q, want %q", oc.AfterWindow, gc, oc.CommitSCN)
			}
		}
		scn, _ := strconv.ParseUint(got["scn"].(string), 10, 64)
		if oc.SCNMax != "" {
			if max, _ := strconv.ParseUint(oc.SCNMax, 10, 64); scn > max {
				t.Errorf("after window %d scn = %d, want <= %d", oc.AfterWindow, scn, max)
			}
		}
		if oc.SCNMin != "" {
			if min, _ := strconv.ParseUint(oc.SCNMin, 10, 64); scn < min {
				t.Errorf("after window %d scn = %d, want >= %d", oc.AfterWindow, scn, min)
			}
		}
	}
}

// TestReplayIndependentOfProcessZone repeats the temporal scenarios with the
// process's local zone set to several offsets: no value may move (M-TIME).
func TestReplayIndependentOfProcessZone(t *testing.T) {
	saved := time.Local
	t.Cleanup(func() { time.Local = saved })
	shared := sharedFixtures(t)
	zones := []*time.Location{time.UTC, time.FixedZone("NPT", 5*3600+45*60), time.FixedZone("NST", -(3*3600 + 30*60)), time.FixedZone("LINT", 14*3600)}
	for _, z := range zones {
		time.Local = z
		t.Run(z.String()+"/S05", func(t *testing.T) {
			checkScenario(t, filepath.Join(shared, "S05-temporal-types.expected.json"), filepath.Join(shared, "S05-temporal-types.jsonl"), filepath.Join(shared, "tables.json"))
		})
		t.Run(z.String()+"/G04", func(t *testing.T) {
			d := filepath.Join("..", "testdata")
			checkScenario(t, filepath.Join(d, "G04-time-zone-matrix.expected.json"), filepath.Join(d, "G04-time-zone-matrix.jsonl"), filepath.Join(d, "tables.json"))
		})
	}
}

func TestRunReportsBadInput(t *testing.T) {
	okScenario := `{"connector_config":{"topic.prefix":"p","database.dbname":"CBS"},"database":{"systimestamp_offset":"+00:00"}}`
	okTables := `{"FINX.T":{"owner":"FINX","name":"T","primary_key":["ID"],"columns":[{"name":"ID","oracle_type":"NUMBER(9)","nullable":false}]}}`
	okRows := "{\"_window\":{\"from_scn\":\"1\",\"to_scn\":\"9\"}}\n"
	tests := []struct {
		name                   string
		scenario, tables, rows string
		want                   string
	}{
		{name: "scenario not JSON", scenario: "{", tables: okTables, rows: okRows, want: "scenario:"},
		{name: "no connector_config", scenario: `{"database":{}}`, tables: okTables, rows: okRows, want: "connector_config is missing"},
		{name: "bad config value", scenario: `{"connector_config":{"topic.prefix":"p","database.dbname":"CBS","time.precision.mode":"weekly"}}`, tables: okTables, rows: okRows, want: "time.precision.mode"},
		{name: "bad offset", scenario: `{"connector_config":{"topic.prefix":"p","database.dbname":"CBS"},"database":{"systimestamp_offset":"5h"}}`, tables: okTables, rows: okRows, want: "systimestamp_offset"},
		{name: "bad column type", scenario: okScenario, tables: `{"FINX.T":{"columns":[{"name":"ID","oracle_type":"NUMBER(9","nullable":false}]}}`, rows: okRows, want: "FINX.T: column ID"},
		{name: "primary key not a column", scenario: okScenario, tables: `{"FINX.T":{"primary_key":["X"],"columns":[{"name":"ID","oracle_type":"NUMBER(9)"}]}}`, rows: okRows, want: `primary key column "X"`},
		{name: "bad rows line", scenario: okScenario, tables: okTables, rows: okRows + "{\"SCN\":\"x\",\"OPERATION_CODE\":1}\n", want: "rows line 2"},
		{name: "unparseable statement names its window and SCN", scenario: okScenario, tables: okTables,
			rows: okRows + `{"SCN":"2","OPERATION_CODE":1,"XID":"01","SEG_OWNER":"FINX","TABLE_NAME":"T","SQL_REDO":"insert into \"FINX\".\"T\"(\"ID\") values ("}` + "\n" + `{"SCN":"3","OPERATION_CODE":7,"XID":"01"}` + "\n",
			want: "window 1 (1, 9]: error processing event at scn=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := Run(context.Background(), strings.NewReader(tt.scenario), strings.NewReader(tt.tables), strings.NewReader(tt.rows), &out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestReplaySignalsHandoverAndHeartbeats replays connectors/oracle/testdata's
// *.scenario.json: the snapshot-to-streaming handover of transactions open at the
// snapshot SCN (H01) and an incremental snapshot driven through the signal table
// (I01), each against the tables file its scenario names.
func TestReplaySignalsHandoverAndHeartbeats(t *testing.T) {
	matches, err := filepath.Glob(filepath.Join("..", "testdata", "*.scenario.json"))
	if err != nil || len(matches) == 0 {
		t.Fatalf("no scenarios in ../testdata")
	}
	for _, exp := range matches {
		name := strings.TrimSuffix(filepath.Base(exp), ".scenario.json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(exp)
			if err != nil {
				t.Fatal(err)
			}
			var sc struct {
				TablesFile string `json:"tables_file"`
			}
			if err := json.Unmarshal(raw, &sc); err != nil || sc.TablesFile == "" {
				t.Fatalf("%s: tables_file missing (%v)", exp, err)
			}
			checkScenario(t, exp, filepath.Join("..", "testdata", name+".jsonl"), filepath.Join("..", "testdata", sc.TablesFile))
		})
	}
}
