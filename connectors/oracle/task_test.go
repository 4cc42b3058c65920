package oracle_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
	"github.com/gonnect/gonnect/offsets"
)

// flakySession fails Mine once after failAfter rows, like a dropped connection.
type flakySession struct {
	*logminer.Recorded
	failAfter int
	failed    *bool
}

func (f flakySession) Mine(ctx context.Context, from, to uint64, fn func(*logminer.Row) error) error {
	n := 0
	return f.Recorded.Mine(ctx, from, to, func(r *logminer.Row) error {
		if !*f.failed && n == f.failAfter {
			*f.failed = true
			return errors.New("ORA-03113: end-of-file on communication channel")
		}
		n++
		return fn(r)
	})
}

func taskConfig() connectors.Config {
	return connectors.Config{"name": "core", "task.id": "0", "connector.class": oracle.Class, "topic.prefix": "corebank",
		"database.dbname": "CBS", "table.include.list": `FINX\..*`, "poll.interval.ms": "20",
		"schema.history.internal":      "io.debezium.relational.history.MemorySchemaHistory",
		"log.mining.sleep.time.min.ms": "0", "log.mining.sleep.time.default.ms": "5", "log.mining.sleep.time.max.ms": "10",
		"log.mining.sleep.time.increment.ms": "1"}
}

func loadG01(t *testing.T) ([]logminer.Window, oracle.Catalog) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "G01-rac-three-threads.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ws, err := logminer.ReadRecorded(f)
	if err != nil {
		t.Fatal(err)
	}
	tf, err := os.Open(filepath.Join("testdata", "tables.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer tf.Close()
	cat, err := oracle.ReadCatalog(tf)
	if err != nil {
		t.Fatal(err)
	}
	return ws, cat
}

// pollUntil polls the task until cond holds for the data records collected, or fails
// at the deadline.
func pollUntil(t *testing.T, task *oracle.Task, cond func([]*connectors.SourceRecord) bool) []*connectors.SourceRecord {
	t.Helper()
	var got []*connectors.SourceRecord
	deadline := time.Now().Add(10 * time.Second)
	for !cond(got) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out with %d records", len(got))
		}
		rs, err := task.Poll(context.Background())
		if err != nil {
			t.Fatalf("Poll: %v", err)
		}
		for _, r := range rs {
			if r.Topic != "corebank" {
				got = append(got, r)
			}
		}
	}
	return got
}

func TestTaskStreamsRecordedSessionAndResumes(t *testing.T) {
	ws, cat := loadG01(t)
	tests := []struct {
		name      string
		failAfter int // -1: never
	}{
		{name: "clean session", failAfter: -1},
		{name: "connection drops mid-window", failAfter: 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failed := tt.failAfter < 0
			open := func(ctx context.Context, _ *oracle.Config) (oracle.Source, error) {
				return oracle.Source{Session: flakySession{Recorded: logminer.NewRecorded(ws), failAfter: tt.failAfter, failed: &failed}, Catalog: cat}, nil
			}
			hist := &cdc.MemoryHistory{}
			offs := &cdctest.Offsets{}
			part := offsets.Partition{"server": "corebank"}
			offs.Set(part, offsets.Offset{"scn": "5000000"}) // start of the recording, as after a switch from Debezium
			task := oracle.NewTaskWith(open, hist, nil)
			if err := task.Start(context.Background(), taskConfig(), cdctest.TaskContext{O: offs}); err != nil {
				t.Fatal(err)
			}
			got := pollUntil(t, task, func(rs []*connectors.SourceRecord) bool { return len(rs) >= 5 })
			var keys []string
			for _, r := range got {
				keys = append(keys, fmt.Sprint(r.Key))
			}
			want := "Struct{ACCT_ID=6000002} Struct{ACCT_ID=6000001} Struct{ACCT_ID=6000001} Struct{ACCT_ID=6000005} Struct{ACCT_ID=6000004}"
			if strings.Join(keys, " ") != want {
				t.Fatalf("keys = %s, want %s", strings.Join(keys, " "), want)
			}
			if !failed {
				t.Fatal("the session never failed; the test did not exercise the reconnect")
			}
			if err := task.Stop(context.Background()); err != nil {
				t.Fatal(err)
			}
			// restart from the last record's offset: nothing may be emitted again
			offs.Set(part, got[len(got)-1].SourceOffset)
			task2 := oracle.NewTaskWith(open, hist, nil)
			if err := task2.Start(context.Background(), taskConfig(), cdctest.TaskContext{O: offs}); err != nil {
				t.Fatal(err)
			}
			defer task2.Stop(context.Background())
			deadline := time.Now().Add(10 * time.Second)
			for testutil.ToFloat64(task2.LogMinerMetrics().CurrentSCNGauge()) < 5000200 {
				if time.Now().After(deadline) {
					t.Fatal("restarted task never mined to the end of the recording")
				}
				rs, err := task2.Poll(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rs {
					if r.Topic != "corebank" {
						t.Fatalf("restarted task re-emitted %s %v", r.Topic, r.Key)
					}
				}
			}
			rs, _ := task2.Poll(context.Background())
			for _, r := range rs {
				if r.Topic != "corebank" {
					t.Fatalf("restarted task re-emitted %s %v", r.Topic, r.Key)
				}
			}
		})
	}
}

// TestTaskHeartbeats checks heartbeat.interval.ms and heartbeat.action.query: while
// the recording is idle the task emits __debezium-heartbeat.<prefix> records carrying
// the current offset, running the action query (the cure for idle PDBs) each time.
func TestTaskHeartbeats(t *testing.T) {
	ws, cat := loadG01(t)
	var mu sync.Mutex
	var ran []string
	open := func(ctx context.Context, _ *oracle.Config) (oracle.Source, error) {
		return oracle.Source{Session: logminer.NewRecorded(ws), Catalog: cat, Exec: func(_ context.Context, q string) error {
			mu.Lock()
			defer mu.Unlock()
			ran = append(ran, q)
			return nil
		}}, nil
	}
	offs := &cdctest.Offsets{}
	offs.Set(offsets.Partition{"server": "corebank"}, offsets.Offset{"scn": "5000000"})
	cfg := taskConfig()
	cfg["heartbeat.interval.ms"] = "1"
	cfg["heartbeat.action.query"] = "UPDATE GONNECT.HEARTBEAT SET TS = SYSTIMESTAMP"
	task := oracle.NewTaskWith(open, &cdc.MemoryHistory{}, nil)
	if err := task.Start(context.Background(), cfg, cdctest.TaskContext{O: offs}); err != nil {
		t.Fatal(err)
	}
	defer task.Stop(context.Background())
	var hb *connectors.SourceRecord
	deadline := time.Now().Add(10 * time.Second)
	data := 0
	for hb == nil || data < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("no heartbeat after the recording (data records %d)", data)
		}
		rs, err := task.Poll(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			switch r.Topic {
			case "__debezium-heartbeat.corebank":
				if data == 5 {
					hb = r
				}
			case "corebank":
			default:
				data++
			}
		}
	}
	if hb.SourceOffset["commit_scn"] == nil || hb.SourceOffset["scn"] == nil {
		t.Errorf("heartbeat offset %v lacks the position", hb.SourceOffset)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ran) == 0 || ran[0] != "UPDATE GONNECT.HEARTBEAT SET TS = SYSTIMESTAMP" {
		t.Errorf("action query runs = %q", ran)
	}
}
