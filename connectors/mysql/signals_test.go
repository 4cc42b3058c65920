package mysql

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/schemas"
)

// TestIncrementalSnapshotSignal re-snapshots one table through the signal table while
// streaming goes on, and checks that replaying the topic gives the source table.
func TestIncrementalSnapshotSignal(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "signal")
	srv.Exec(t, "CREATE TABLE "+db+".signals (id VARCHAR(64) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL)",
		"CREATE TABLE "+db+".t (id INT PRIMARY KEY, v INT)", "GRANT INSERT ON "+db+".signals TO 'cdc'@'%'")
	var vals []string
	for i := 0; i < 25; i++ {
		vals = append(vals, fmt.Sprintf("(%d,%d)", i, i))
	}
	srv.Exec(t, "INSERT INTO "+db+".t VALUES "+strings.Join(vals, ","))
	h := newHarness(t, srv, db, map[string]string{"snapshot.mode": "no_data", "signal.data.collection": db + ".signals",
		"incremental.snapshot.chunk.size": "10"})
	h.start()
	h.pollTopic("srv", 4)
	srv.Exec(t, "INSERT INTO "+db+".signals VALUES ('s1','log','{\"message\":\"hello\"}')",
		"INSERT INTO "+db+".signals VALUES ('s2','execute-snapshot','{\"data-collections\":[\""+db+".t\"],\"type\":\"incremental\"}')",
		"UPDATE "+db+".t SET v=100 WHERE id=3", "DELETE FROM "+db+".t WHERE id=17", "INSERT INTO "+db+".t VALUES (30,30)")
	topic := "srv." + db + ".t"
	sh := shadow{}
	want := shadow{}
	for _, r := range srv.Query(t, "SELECT id, v FROM "+db+".t") {
		var id int32
		fmt.Sscan(r[0], &id)
		want[id] = r[1]
	}
	h.poll("the incremental snapshot to cover the table", func(rs []*connectors.SourceRecord) bool {
		sh = shadow{}
		for _, r := range onTopic(rs, topic) {
			sh.apply(t, r)
		}
		return sh.String() == want.String()
	})
	var incr int
	for _, r := range onTopic(h.got, topic) {
		if r.Value == nil {
			continue
		}
		env := r.Value.(*schemas.Struct)
		if env.Get("op") == "r" {
			incr++
			if m := env.Get("source").(*schemas.Struct).Get("snapshot"); m != "incremental" {
				t.Fatalf("snapshot marker %v", m)
			}
		}
	}
	if incr < 20 {
		t.Fatalf("only %d incremental snapshot rows", incr)
	}
}
