package mysql

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/schemas"
)

// TestSnapshotThenStream: rows present before start arrive as op=r, then inserts,
// updates (including a key change), deletes with tombstones, and a DDL.
func TestSnapshotThenStream(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "snapstream")
	srv.Exec(t, "CREATE TABLE "+db+".customers (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, email VARCHAR(80))",
		"INSERT INTO "+db+".customers VALUES (1,'ann','a@x'),(2,'bob',NULL)")
	h := newHarness(t, srv, db, nil)
	h.start()
	topic := "srv." + db + ".customers"
	snap := h.pollTopic(topic, 2)
	srv.Exec(t, "INSERT INTO "+db+".customers VALUES (3,'cy','c@x')",
		"UPDATE "+db+".customers SET email='b@x' WHERE id=2",
		"UPDATE "+db+".customers SET id=20 WHERE id=2",
		"DELETE FROM "+db+".customers WHERE id=1",
		"ALTER TABLE "+db+".customers ADD COLUMN vip BOOLEAN NOT NULL DEFAULT 0",
		"INSERT INTO "+db+".customers VALUES (4,'di',NULL,1)")
	all := h.pollTopic(topic, 2+1+1+3+2+1)
	cdctest.Golden(t, "snapshot_then_stream.json", render(all, true))
	_ = snap
	changes := h.pollTopic("srv", 1)
	if len(changes) == 0 {
		t.Fatal("no schema change events")
	}
}

// TestSnapshotTableLockFallback: a user without RELOAD cannot take the global read
// lock; the snapshot falls back to LOCK TABLES on the captured tables.
func TestSnapshotTableLockFallback(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "tablelock")
	srv.Exec(t, "CREATE TABLE "+db+".a (id INT PRIMARY KEY)", "CREATE TABLE "+db+".skip (id INT PRIMARY KEY)",
		"INSERT INTO "+db+".a VALUES (1),(2)",
		"CREATE USER IF NOT EXISTS 'norld'@'%' IDENTIFIED BY 'pw'",
		"GRANT SELECT, LOCK TABLES, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'norld'@'%'")
	h := newHarness(t, srv, db, map[string]string{"database.user": "norld", "database.password": "pw", "table.include.list": db + "\\.a"})
	h.start()
	recs := h.pollTopic("srv."+db+".a", 2)
	srv.Exec(t, "INSERT INTO "+db+".a VALUES (3)") // the lock was released after the snapshot
	recs = h.pollTopic("srv."+db+".a", 3)
	if describe(recs[2]) != "c Struct{id=3} after=Struct{id=3}" {
		t.Fatalf("got %s", describe(recs[2]))
	}
}

// TestParallelSnapshot reads a large table in primary-key chunks on several
// connections and a small one whole; every row arrives once, in key order, with the
// snapshot markers of a sequential snapshot.
func TestParallelSnapshot(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "parallel")
	srv.Exec(t, "CREATE TABLE "+db+".big (id INT PRIMARY KEY, v VARCHAR(10))", "CREATE TABLE "+db+".small (id INT PRIMARY KEY)",
		"INSERT INTO "+db+".small VALUES (1),(2)")
	const n = 9000
	for i := 0; i < n; i += 1000 {
		var vals []string
		for j := i; j < i+1000; j++ {
			vals = append(vals, fmt.Sprintf("(%d,'v%d')", j, j))
		}
		srv.Exec(t, "INSERT INTO "+db+".big VALUES "+strings.Join(vals, ","))
	}
	h := newHarness(t, srv, db, map[string]string{"snapshot.max.threads": "3"})
	h.start()
	big := h.pollTopic("srv."+db+".big", n)
	small := h.pollTopic("srv."+db+".small", 2)
	for i, r := range big {
		env := r.Value.(*schemas.Struct)
		if id := env.Get("after").(*schemas.Struct).Get("id"); id != int32(i) {
			t.Fatalf("row %d has id %v", i, id)
		}
		want := "true"
		switch i {
		case 0:
			want = "first"
		case n - 1:
			want = "last_in_data_collection"
		}
		if m := env.Get("source").(*schemas.Struct).Get("snapshot"); m != want {
			t.Fatalf("row %d marker %v, want %s", i, m, want)
		}
	}
	if m := small[1].Value.(*schemas.Struct).Get("source").(*schemas.Struct).Get("snapshot"); m != "last" {
		t.Fatalf("last marker %v", m)
	}
	if _, ok := small[1].Offset()["snapshot"]; ok {
		t.Fatal("the last snapshot record still marks the snapshot as running")
	}
}
