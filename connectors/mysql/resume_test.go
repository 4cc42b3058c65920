package mysql

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/schemas"
)

func describe(r *connectors.SourceRecord) string {
	if r.Value == nil {
		return fmt.Sprintf("tombstone %v", r.Key)
	}
	env := r.Value.(*schemas.Struct)
	return fmt.Sprintf("%s %v after=%v", env.Get("op"), r.Key, env.Get("after"))
}

// TestResumeMidTransaction stops the task after every possible number of committed
// records inside a multi-statement transaction and checks that the restarted task
// emits exactly the rest: nothing missing, nothing repeated.
func TestResumeMidTransaction(t *testing.T) {
	srv := mysqltest.Start(t)
	for k := 0; k <= 6; k++ {
		t.Run(fmt.Sprintf("stop after %d", k), func(t *testing.T) {
			db := srv.NewDatabase(t, "resume")
			srv.Exec(t, "CREATE TABLE "+db+".t (id INT PRIMARY KEY, v INT)", "INSERT INTO "+db+".t VALUES (0,0)")
			h := newHarness(t, srv, db, map[string]string{"max.batch.size": "1", "max.queue.size": "2", "tombstones.on.delete": "false"})
			h.start()
			topic := "srv." + db + ".t"
			h.pollTopic(topic, 1)
			srv.Exec(t, "BEGIN", "INSERT INTO "+db+".t VALUES (1,1),(2,2),(3,3)", "UPDATE "+db+".t SET v=v+10 WHERE id IN (1,2)", "COMMIT",
				"INSERT INTO "+db+".t VALUES (4,4)")
			first := h.pollTopic(topic, 1+k)
			h.stop()
			h.got = nil
			h.start()
			rest := h.pollTopic(topic, 6-k)
			var got []string
			for _, r := range append(first[1:], rest...) {
				got = append(got, describe(r))
			}
			want := []string{
				"c Struct{id=1} after=Struct{id=1,v=1}", "c Struct{id=2} after=Struct{id=2,v=2}", "c Struct{id=3} after=Struct{id=3,v=3}",
				"u Struct{id=1} after=Struct{id=1,v=11}", "u Struct{id=2} after=Struct{id=2,v=12}", "c Struct{id=4} after=Struct{id=4,v=4}",
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("events after restart:\n got %v\nwant %v", got, want)
			}
			// nothing more arrives
			h.poll("quiet", func([]*connectors.SourceRecord) bool { return true })
			if extra := onTopic(h.got, topic); len(extra) != 6-k {
				t.Fatalf("got %d records after restart, want %d", len(extra), 6-k)
			}
		})
	}
}

// TestFilePositionMode resumes from an offset without GTIDs (file/position mode).
func TestFilePositionMode(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "filepos")
	srv.Exec(t, "CREATE TABLE "+db+".t (id INT PRIMARY KEY)", "INSERT INTO "+db+".t VALUES (1)")
	h := newHarness(t, srv, db, nil)
	h.start()
	topic := "srv." + db + ".t"
	snap := h.pollTopic(topic, 1)
	h.stop()
	off := map[string]any{}
	for k, v := range snap[0].Offset() {
		if k != "gtids" {
			off[k] = v
		}
	}
	h.offsets.Set(snap[0].SourcePartition, off)
	srv.Exec(t, "INSERT INTO "+db+".t VALUES (2)", "INSERT INTO "+db+".t VALUES (3)")
	h.got = nil
	h.start()
	recs := h.pollTopic(topic, 2)
	if describe(recs[0]) != "c Struct{id=2} after=Struct{id=2}" || describe(recs[1]) != "c Struct{id=3} after=Struct{id=3}" {
		t.Fatalf("got %s, %s", describe(recs[0]), describe(recs[1]))
	}
	if _, ok := recs[1].Offset()["gtids"]; !ok {
		t.Fatal("offsets do not pick up GTIDs after a file/position start")
	}
}

// TestSnapshotResumesAtTable stops the task in the middle of the second table of a
// snapshot; the restarted snapshot skips the finished table and streams from the
// first attempt's position, so a change made in between is not lost.
func TestSnapshotResumesAtTable(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "snapresume")
	srv.Exec(t, "CREATE TABLE "+db+".a (id INT PRIMARY KEY)", "CREATE TABLE "+db+".b (id INT PRIMARY KEY)")
	var vals []string
	for i := 0; i < 50; i++ {
		vals = append(vals, fmt.Sprintf("(%d)", i))
	}
	srv.Exec(t, "INSERT INTO "+db+".a VALUES "+strings.Join(vals, ","), "INSERT INTO "+db+".b VALUES "+strings.Join(vals, ","))
	h := newHarness(t, srv, db, map[string]string{"max.batch.size": "5", "max.queue.size": "10"})
	h.start()
	ta, tb := "srv."+db+".a", "srv."+db+".b"
	h.pollTopic(tb, 3)
	h.stop()
	srv.Exec(t, "UPDATE "+db+".a SET id=1000 WHERE id=0")
	h.got = nil
	h.start()
	recs := h.pollTopic(tb, 50)
	// Snapshot reads of the finished table would be op "r"; the update below may
	// already stream in the same poll as b's last rows.
	for _, r := range onTopic(h.got, ta) {
		if d := describe(r); strings.HasPrefix(d, "r ") {
			t.Fatalf("the finished table was read again: %s", d)
		}
	}
	if m := recs[49].Value.(*schemas.Struct).Get("source").(*schemas.Struct).Get("snapshot"); m != "last" {
		t.Fatalf("marker %v", m)
	}
	// the update made between the two attempts arrives by streaming
	upd := h.pollTopic(ta, 2)
	if describe(upd[0]) != "d Struct{id=0} after=<nil>" || describe(upd[len(upd)-1]) != "c Struct{id=1000} after=Struct{id=1000}" {
		t.Fatalf("got %s ... %s", describe(upd[0]), describe(upd[len(upd)-1]))
	}
}
