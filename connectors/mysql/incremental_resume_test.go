package mysql

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/offsets"
)

// TestIncrementalSnapshotResumesAfterKill stops the task in the middle of an
// incremental snapshot (the records it queued but the worker never polled are lost, as
// in a crash), restarts it on the committed offset and checks that the snapshot goes on
// after the last row it had sent: every row arrives, and rows already delivered come
// again only inside one chunk at the boundary.
func TestIncrementalSnapshotResumesAfterKill(t *testing.T) {
	const rows, chunk = 3000, 20
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "incres")
	srv.Exec(t, "CREATE TABLE "+db+".signals (id VARCHAR(64) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL)",
		"CREATE TABLE "+db+".t (id INT PRIMARY KEY, v VARCHAR(20))", "GRANT INSERT ON "+db+".signals TO 'cdc'@'%'")
	for base := 0; base < rows; base += 500 {
		var vals []string
		for i := base; i < base+500; i++ {
			vals = append(vals, fmt.Sprintf("(%d,'row %d')", i, i))
		}
		srv.Exec(t, "INSERT INTO "+db+".t VALUES "+strings.Join(vals, ","))
	}
	h := newHarness(t, srv, db, map[string]string{"snapshot.mode": "no_data", "signal.data.collection": db + ".signals",
		"incremental.snapshot.chunk.size": fmt.Sprint(chunk), "max.batch.size": "25", "max.queue.size": "50"})
	h.start()
	h.pollTopic("srv", 2)
	topic := "srv." + db + ".t"
	srv.Exec(t, "INSERT INTO "+db+".signals VALUES ('go','execute-snapshot','{\"data-collections\":[\""+db+".t\"]}')")
	h.poll("part of the snapshot", func(rs []*connectors.SourceRecord) bool { return len(incrementalRows(rs, topic)) >= 200 })
	h.stop()
	before := incrementalRows(h.got, topic)

	stored, _ := h.offsets.Offsets(context.Background(), []offsets.Partition{{"server": "srv"}})
	o := stored[0]
	cols, _ := o[keyIncCollections].(string)
	if want := `[{"incremental_snapshot_collections_id":"` + db + `.t","incremental_snapshot_collections_additional_condition":null,"incremental_snapshot_collections_surrogate_key":null}]`; cols != want {
		t.Fatalf("%s = %s, want %s", keyIncCollections, cols, want)
	}
	last, err := cdc.DecodeJavaArray(o[keyIncPrimaryKey].(string))
	if err != nil {
		t.Fatal(err)
	}
	maxKey, err := cdc.DecodeJavaArray(o[keyIncMaximumKey].(string))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(maxKey) != fmt.Sprint([]any{cdc.JavaInt(rows - 1)}) {
		t.Fatalf("maximum key %v, want [%d]", maxKey, rows-1)
	}
	if len(last) != 1 || last[0] != cdc.JavaInt(before[len(before)-1]) {
		t.Fatalf("stored primary key %v, want the last delivered row [%d]", last, before[len(before)-1])
	}
	if int(last[0].(cdc.JavaInt)) >= rows-1 {
		t.Fatalf("the snapshot finished before the stop (last key %v): nothing to resume", last)
	}

	h.start()
	h.poll("the rest of the snapshot", func(rs []*connectors.SourceRecord) bool {
		seen := map[int32]bool{}
		for _, id := range incrementalRows(rs, topic) {
			seen[id] = true
		}
		return len(seen) == rows
	})
	count := map[int32]int{}
	for _, id := range incrementalRows(h.got, topic) {
		count[id]++
	}
	dups := 0
	for id, n := range count {
		if n > 2 || (n == 2 && id <= int32(last[0].(cdc.JavaInt))) {
			t.Fatalf("row %d delivered %d times (restart after key %v)", id, n, last)
		}
		if n == 2 {
			dups++
		}
	}
	if dups > chunk {
		t.Fatalf("%d rows delivered twice; at most one chunk (%d) may repeat", dups, chunk)
	}
	t.Logf("stopped after %d rows (key %v), %d duplicates", len(before), last, dups)
}
