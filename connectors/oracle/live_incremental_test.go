package oracle

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
)

// TestLiveSnapshotQueries checks the SQL side of the handover and of incremental
// snapshots against the database named by GONNECT_TEST_ORACLE_DSN: a transaction
// left open across Begin is listed by PendingTransactions with its start SCN, and
// keyset chunks of two rows read a composite-key table completely, in key order.
// It skips without the variable: no Oracle exists on CI machines.
func TestLiveSnapshotQueries(t *testing.T) {
	dsn := os.Getenv("GONNECT_TEST_ORACLE_DSN")
	if dsn == "" {
		t.Skip("GONNECT_TEST_ORACLE_DSN is not set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	conn, err := logminer.Open(ctx, dsn, logminer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	db := conn.SQL()
	table := fmt.Sprintf("GONNECT_CHUNK_%d", time.Now().Unix()%100000)
	for _, q := range []string{
		fmt.Sprintf("CREATE TABLE %s (R VARCHAR2(4), ID NUMBER(9), V VARCHAR2(20), PRIMARY KEY (R, ID))", table),
		fmt.Sprintf("INSERT INTO %s SELECT CASE WHEN LEVEL <= 3 THEN 'EU' ELSE 'US' END, LEVEL, 'v' || LEVEL FROM DUAL CONNECT BY LEVEL <= 5", table),
		"COMMIT",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() { db.ExecContext(context.Background(), "DROP TABLE "+table+" PURGE") })
	var user string
	if err := db.QueryRowContext(ctx, "SELECT USER FROM DUAL").Scan(&user); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig(connectors.Config{"name": "live", "topic.prefix": "live", "database.dbname": "LIVE", "snapshot.locking.mode": "none"})
	if err != nil {
		t.Fatal(err)
	}
	ti := &TableInfo{Table: newTestTable(t, user, table, []struct{ name, typ string }{{"R", "VARCHAR2(4)"}, {"ID", "NUMBER(9)"}, {"V", "VARCHAR2(20)"}}, "R", "ID")}
	snap := &sqlSnapshot{db: db, cfg: cfg}

	open, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer open.Rollback()
	if _, err := open.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET V = 'open' WHERE ID = 1", table)); err != nil {
		t.Fatal(err)
	}
	var xid string
	if err := open.QueryRowContext(ctx, "SELECT RAWTOHEX(XID) FROM V$TRANSACTION WHERE ADDR = (SELECT TADDR FROM V$SESSION WHERE SID = SYS_CONTEXT('USERENV', 'SID'))").Scan(&xid); err != nil {
		t.Fatal(err)
	}
	scn, err := snap.Begin(ctx, []*TableInfo{ti})
	if err != nil {
		t.Fatal(err)
	}
	pending, err := snap.PendingTransactions(ctx, scn)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(FormatPending(pending), strings.ToLower(xid)+":") {
		t.Errorf("pending %q lacks the open transaction %s", FormatPending(pending), xid)
	}

	var keys []string
	var after []any
	for range 10 {
		rows, err := snap.ReadChunk(ctx, ti, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			keys = append(keys, valueText(r[0])+"/"+valueText(r[1]))
		}
		if len(rows) < 2 {
			break
		}
		after = keyValues(ti, rows[len(rows)-1])
	}
	if got := strings.Join(keys, " "); got != "EU/1 EU/2 EU/3 US/4 US/5" {
		t.Errorf("chunks read %s", got)
	}
}
