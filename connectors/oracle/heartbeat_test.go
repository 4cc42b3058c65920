package oracle_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
	"github.com/gonnect/gonnect/offsets"
)

// P01: an idle PDB. The first window has no row at all (the query keeps only the
// PDB's rows and the captured tables are idle), so nothing may advance; then the
// heartbeat.action.query's own transaction (after three idle windows) on DBZ.HEARTBEAT (not captured) and a
// signal row (the signal table is captured without being in table.include.list)
// arrive, and the heartbeat offsets move past them.
func TestIdlePDBHeartbeatActionQueryAndSignalTable(t *testing.T) {
	ws := loadRecorded(t, "P01-idle-pdb-heartbeat.jsonl")
	f, err := os.Open(filepath.Join("testdata", "I01-tables.json"))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := oracle.ReadCatalog(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	const query = "UPDATE DBZ.HEARTBEAT SET TS = SYSTIMESTAMP WHERE ID = 1"
	tests := []struct {
		name     string
		execErr  func(call int) error
		wantFail string
	}{
		{name: "offsets follow the action query's activity; an expired idle session is not a failure",
			execErr: func(call int) error {
				if call == 1 {
					return errors.New("ORA-02396: exceeded maximum idle time, please connect again")
				}
				return nil
			}},
		{name: "any other error fails the task with the query error",
			execErr:  func(int) error { return errors.New("ORA-00942: table or view does not exist") },
			wantFail: "could not execute heartbeat action query (error: ORA-00942"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var queries []string
			open := func(ctx context.Context, _ *oracle.Config) (oracle.Source, error) {
				exec := func(_ context.Context, q string) error {
					mu.Lock()
					defer mu.Unlock()
					queries = append(queries, q)
					return tt.execErr(len(queries))
				}
				return oracle.Source{Session: logminer.NewRecorded(ws), Catalog: cat, Exec: exec}, nil
			}
			raw := taskConfig()
			raw["database.pdb.name"] = "COREPDB"
			raw["table.include.list"] = `FINX\.ACCOUNTS`
			raw["signal.data.collection"] = "CBS.FINX.DEBEZIUM_SIGNAL"
			raw["heartbeat.interval.ms"] = "1"
			raw["heartbeat.action.query"] = query
			offs := &cdctest.Offsets{}
			offs.Set(offsets.Partition{"server": "corebank"}, offsets.Offset{"scn": "7000000", "commit_scn": "7000000:1:"})
			task := oracle.NewTaskWith(open, &cdc.MemoryHistory{}, slog.New(slog.DiscardHandler))
			if err := task.Start(context.Background(), raw, cdctest.TaskContext{O: offs}); err != nil {
				t.Fatal(err)
			}
			defer task.Stop(context.Background())
			if tt.wantFail != "" {
				deadline := time.Now().Add(10 * time.Second)
				for {
					_, err := task.Poll(context.Background())
					if err != nil {
						if !strings.Contains(err.Error(), tt.wantFail) || !strings.Contains(err.Error(), "heartbeat.action.query") {
							t.Fatalf("task error %q, want it to contain %q", err, tt.wantFail)
						}
						return
					}
					if time.Now().After(deadline) {
						t.Fatal("the task did not fail")
					}
				}
			}
			var firstHB offsets.Offset
			got := pollUntil(t, task, func(rs []*connectors.SourceRecord) bool {
				for _, r := range rs {
					if r.Topic == "__debezium-heartbeat.corebank" {
						if firstHB == nil {
							firstHB = r.SourceOffset
						}
						if r.SourceOffset["scn"] == "7000361" {
							return true
						}
					}
				}
				return false
			})
			if firstHB["scn"] != "7000000" {
				t.Errorf("first heartbeat offset %v: an idle window must not move the SCN", firstHB)
			}
			var topics []string
			for _, r := range got {
				if r.Topic != "__debezium-heartbeat.corebank" {
					topics = append(topics, r.Topic)
				}
			}
			if strings.Join(topics, ",") != "corebank.FINX.DEBEZIUM_SIGNAL" {
				t.Errorf("data topics %v, want only the signal table's insert (DBZ.HEARTBEAT is not captured)", topics)
			}
			deadline := time.Now().Add(10 * time.Second)
			for n := 0; n < 2 && time.Now().Before(deadline); {
				if _, err := task.Poll(context.Background()); err != nil {
					t.Fatalf("Poll: %v", err)
				}
				mu.Lock()
				n = len(queries)
				mu.Unlock()
			}
			mu.Lock()
			defer mu.Unlock()
			if len(queries) < 2 || queries[0] != query || queries[1] != query {
				t.Errorf("heartbeat action queries run: %q", queries)
			}
		})
	}
}

func TestSignalDataCollectionConfig(t *testing.T) {
	tests := []struct {
		name, value, pdb, wantErr string
	}{
		{name: "root database name with a PDB", value: "CBS.FINX.DEBEZIUM_SIGNAL", pdb: "COREPDB"},
		{name: "PDB name accepted too", value: "corepdb.FINX.DEBEZIUM_SIGNAL", pdb: "COREPDB"},
		{name: "two parts", value: "FINX.DEBEZIUM_SIGNAL", wantErr: `signal.data.collection: "FINX.DEBEZIUM_SIGNAL" must be <databaseName>.<schemaName>.<tableName>`},
		{name: "another database", value: "OTHER.FINX.DEBEZIUM_SIGNAL", wantErr: `signal.data.collection: database "OTHER" is neither database.dbname "CBS"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := taskConfig()
			raw["signal.data.collection"] = tt.value
			if tt.pdb != "" {
				raw["database.pdb.name"] = tt.pdb
			}
			cfg, err := oracle.ParseConfig(raw)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !cfg.Filters.Captured(cdc.TableID{Schema: "FINX", Table: "DEBEZIUM_SIGNAL"}) {
				t.Error("the signal table is not captured")
			}
		})
	}
}
