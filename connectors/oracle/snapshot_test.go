package oracle_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
	"github.com/gonnect/gonnect/connectors/oracle/sqlredo"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

func sv(s string) sqlredo.Value { return sqlredo.Value{Kind: sqlredo.String, Text: s} }

func snapshotRows() map[string][][]any {
	return map[string][][]any{
		"FINX.ACCOUNTS": {{sv("7000001"), sv("100045"), sv("10"), sv("OPEN")}, {sv("7000002"), sv("100046"), sv(".5"), nil}},
		"FINX.BRANCHES": {{sv("BR1"), sv("Graz"), sqlredo.Value{Kind: sqlredo.Date, Text: "2001-04-02 00:00:00"}}},
	}
}

func describe(r *connectors.SourceRecord) string {
	env := r.Value.(*schemas.Struct)
	src := env.Get("source").(*schemas.Struct)
	return fmt.Sprintf("%s %v %v %v", r.Topic, env.Get("op"), r.Key, src.Get("snapshot"))
}

func TestTaskSnapshotThenStream(t *testing.T) {
	ws, cat := loadG01(t)
	tests := []struct {
		name      string
		stored    offsets.Offset
		wantSnap  []string
		wantReads map[string]int
		wantTail  string
	}{
		{
			name: "initial snapshot at one SCN, then streaming from it",
			wantSnap: []string{
				"corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000001} first",
				"corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000002} last_in_data_collection",
				"corebank.FINX.BRANCHES r Struct{CODE=BR1} last"},
			wantReads: map[string]int{"FINX.ACCOUNTS": 1, "FINX.BRANCHES": 1},
		},
		{
			name:   "a crash mid-snapshot resumes at the table it was on",
			stored: offsets.Offset{"scn": "5000000", "snapshot": "INITIAL", "snapshot_completed": false, "snapshot_scn": "5000000", "gonnect_snapshot_table": "FINX.BRANCHES"},
			wantSnap: []string{
				"corebank.FINX.BRANCHES r Struct{CODE=BR1} last"},
			wantReads: map[string]int{"FINX.BRANCHES": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := &oracle.MemorySnapshot{SCN: 5000000, Rows: snapshotRows()}
			open := func(ctx context.Context, _ *oracle.Config) (oracle.Source, error) {
				return oracle.Source{Session: logminer.NewRecorded(ws), Catalog: cat, Snapshot: snap}, nil
			}
			offs := &cdctest.Offsets{}
			if tt.stored != nil {
				offs.Set(offsets.Partition{"server": "corebank"}, tt.stored)
			}
			task := oracle.NewTaskWith(open, &cdc.MemoryHistory{}, nil)
			if err := task.Start(context.Background(), taskConfig(), cdctest.TaskContext{O: offs}); err != nil {
				t.Fatal(err)
			}
			defer task.Stop(context.Background())
			got := pollUntil(t, task, func(rs []*connectors.SourceRecord) bool { return len(rs) >= len(tt.wantSnap)+5 })
			var desc []string
			for _, r := range got[:len(tt.wantSnap)] {
				desc = append(desc, describe(r))
			}
			if strings.Join(desc, "\n") != strings.Join(tt.wantSnap, "\n") {
				t.Fatalf("snapshot records:\n%s\nwant:\n%s", strings.Join(desc, "\n"), strings.Join(tt.wantSnap, "\n"))
			}
			last := got[len(tt.wantSnap)-1].SourceOffset
			if last["snapshot_completed"] != true || last["snapshot"] != nil || last["scn"] != "5000000" {
				t.Errorf("offset of the last snapshot record = %v", last)
			}
			if mid := got[0].SourceOffset; len(tt.wantSnap) > 1 && (mid["snapshot"] != "INITIAL" || mid["gonnect_snapshot_table"] != "FINX.ACCOUNTS") {
				t.Errorf("offset of the first snapshot record = %v", mid)
			}
			for table, n := range tt.wantReads {
				if snap.Reads[table] != n {
					t.Errorf("table %s read %d times, want %d (reads %v)", table, snap.Reads[table], n, snap.Reads)
				}
			}
			if _, ok := snap.Reads["FINX.ACCOUNTS"]; !ok && tt.wantReads["FINX.ACCOUNTS"] > 0 {
				t.Error("ACCOUNTS not read")
			} else if ok && tt.wantReads["FINX.ACCOUNTS"] == 0 {
				t.Error("ACCOUNTS read again after resuming at BRANCHES")
			}
			stream := got[len(tt.wantSnap):]
			if op := stream[0].Value.(*schemas.Struct).Get("op"); op != "c" {
				t.Fatalf("first streamed record op %v", op)
			}
			if so := stream[len(stream)-1].SourceOffset; so["snapshot"] != nil || so["snapshot_scn"] != "5000000" {
				t.Errorf("streaming offset = %v, want snapshot_scn kept and no snapshot marker", so)
			}
		})
	}
}

// TestSnapshotResumesAfterCrashBeforeFirstRow checks that the schema-change records
// written before the first snapshot row carry the snapshot marker: a task that dies
// right after them snapshots again instead of streaming without the data.
func TestSnapshotResumesAfterCrashBeforeFirstRow(t *testing.T) {
	ws, cat := loadG01(t)
	snap := &oracle.MemorySnapshot{SCN: 5000000, Rows: snapshotRows()}
	open := func(ctx context.Context, _ *oracle.Config) (oracle.Source, error) {
		return oracle.Source{Session: logminer.NewRecorded(ws), Catalog: cat, Snapshot: snap}, nil
	}
	task := oracle.NewTaskWith(open, &cdc.MemoryHistory{}, nil)
	offs := &cdctest.Offsets{}
	if err := task.Start(context.Background(), taskConfig(), cdctest.TaskContext{O: offs}); err != nil {
		t.Fatal(err)
	}
	var schemaRec *connectors.SourceRecord
	deadline := time.Now().Add(10 * time.Second)
	for schemaRec == nil {
		if time.Now().After(deadline) {
			t.Fatal("no schema-change record")
		}
		rs, err := task.Poll(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Topic == "corebank" && schemaRec == nil {
				schemaRec = r
			}
		}
	}
	task.Stop(context.Background())
	if schemaRec.SourceOffset["snapshot"] != "INITIAL" {
		t.Fatalf("schema-change offset %v lacks the snapshot marker", schemaRec.SourceOffset)
	}
	offs.Set(offsets.Partition{"server": "corebank"}, schemaRec.SourceOffset)
	snap2 := &oracle.MemorySnapshot{SCN: 5000000, Rows: snapshotRows()}
	open2 := func(ctx context.Context, _ *oracle.Config) (oracle.Source, error) {
		return oracle.Source{Session: logminer.NewRecorded(ws), Catalog: cat, Snapshot: snap2}, nil
	}
	task2 := oracle.NewTaskWith(open2, &cdc.MemoryHistory{}, nil)
	if err := task2.Start(context.Background(), taskConfig(), cdctest.TaskContext{O: offs}); err != nil {
		t.Fatal(err)
	}
	defer task2.Stop(context.Background())
	got := pollUntil(t, task2, func(rs []*connectors.SourceRecord) bool { return len(rs) >= 3 })
	if d := describe(got[0]); d != "corebank.FINX.ACCOUNTS r Struct{ACCT_ID=7000001} first" {
		t.Fatalf("first record after the restart: %s", d)
	}
}
