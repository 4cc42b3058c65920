package oracle_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
	"github.com/gonnect/gonnect/schemas"
)

// TestLiveOracle runs the godror LogMiner session against a real database named by
// GONNECT_TEST_ORACLE_DSN (a godror DSN of a user with the grants of docs/oracle.md,
// in a database in ARCHIVELOG mode with minimal supplemental logging). It creates a
// table, runs an insert, an update, a failed insert (statement rollback) and a delete,
// mines the SCN range and checks the events: c, u, d — the undo of the failed insert
// must cancel it. It is the only test that skips: no Oracle exists on CI machines.
func TestLiveOracle(t *testing.T) {
	dsn := os.Getenv("GONNECT_TEST_ORACLE_DSN")
	if dsn == "" {
		t.Skip("GONNECT_TEST_ORACLE_DSN is not set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	probe, err := logminer.Open(ctx, dsn, logminer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close(ctx)
	db := probe.SQL()
	var user string
	if err := db.QueryRowContext(ctx, "SELECT USER FROM DUAL").Scan(&user); err != nil {
		t.Fatal(err)
	}
	table := fmt.Sprintf("GONNECT_LIVE_%d", time.Now().Unix()%100000)
	exec := func(q string) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(fmt.Sprintf("CREATE TABLE %s (ID NUMBER(9) PRIMARY KEY, V VARCHAR2(20), TS TIMESTAMP(6))", table))
	t.Cleanup(func() { db.ExecContext(context.Background(), "DROP TABLE "+table+" PURGE") })
	exec(fmt.Sprintf("ALTER TABLE %s ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS", table))
	session, err := logminer.Open(ctx, dsn, logminer.Options{Query: logminer.QueryOptions{FilterMode: "in", SchemaInclude: []string{user}}})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close(ctx)
	start, err := session.CurrentSCN(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		fmt.Sprintf("INSERT INTO %s VALUES (1, 'a', TIMESTAMP '2025-03-03 09:15:00.123456')", table),
		fmt.Sprintf("UPDATE %s SET V = 'b' WHERE ID = 1", table),
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s VALUES (1, 'dup', NULL)", table)); err == nil || !strings.Contains(err.Error(), "ORA-00001") {
		t.Fatalf("duplicate insert: %v, want ORA-00001", err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("DELETE FROM %s WHERE ID = 1", table)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	exec("ALTER SYSTEM SWITCH LOGFILE")
	end, err := session.CurrentSCN(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := oracle.ParseConfig(connectors.Config{"topic.prefix": "live", "database.dbname": "LIVE", "table.include.list": user + `\.` + table})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := oracle.ReadDictionary(ctx, oracle.SQLDictionary{DB: db}, cfg.Filters)
	if err != nil {
		t.Fatal(err)
	}
	st, err := oracle.NewStream(cfg.StreamConfig(), cat, oracle.Position{SCN: start}, slog.Default(), oracle.NewMetrics("live"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := session.Mine(ctx, start, end, func(r *logminer.Row) error { n++; return st.Process(r) }); err != nil {
		t.Fatal(err)
	}
	st.EndWindow(end, n)
	var ops []string
	for _, r := range st.Records() {
		if r.Value == nil {
			ops = append(ops, "tombstone")
			continue
		}
		ops = append(ops, fmt.Sprint(r.Value.(*schemas.Struct).Get("op")))
	}
	if got := strings.Join(ops, ","); got != "c,u,d,tombstone" {
		t.Fatalf("events = %s, want c,u,d,tombstone (mined %d rows)", got, n)
	}
}
