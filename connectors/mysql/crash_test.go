package mysql

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/schemas"
)

// shadow replays change events into a map keyed by id, as a sink would.
type shadow map[int32]string

func (s shadow) apply(t *testing.T, r *connectors.SourceRecord) {
	t.Helper()
	if r.Value == nil || !strings.HasSuffix(r.ValueSchema.Name, ".Envelope") {
		return
	}
	env := r.Value.(*schemas.Struct)
	switch env.Get("op") {
	case "c", "r", "u":
		a := env.Get("after").(*schemas.Struct)
		s[a.Get("id").(int32)] = fmt.Sprint(a.Get("v"))
	case "d":
		b := env.Get("before").(*schemas.Struct)
		delete(s, b.Get("id").(int32))
	}
}

func (s shadow) String() string {
	keys := make([]int, 0, len(s))
	for k := range s {
		keys = append(keys, int(k))
	}
	sort.Ints(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%d=%s;", k, s[int32(k)])
	}
	return b.String()
}

// TestKillAtRandomPoints runs a mixed workload of inserts, updates, deletes and
// multi-row transactions while the task is stopped after a random number of
// committed records again and again (including during the snapshot), then replays
// every committed record into a shadow table and compares it with the source.
func TestKillAtRandomPoints(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "kill")
	srv.Exec(t, "CREATE TABLE "+db+".a (id INT PRIMARY KEY, v INT)", "CREATE TABLE "+db+".b (id INT PRIMARY KEY, v INT)")
	rng := rand.New(rand.NewPCG(7, 11))
	var seed []string
	const rows = 5000 // per table: a 10k-row workload
	for i := 0; i < rows; i++ {
		seed = append(seed, fmt.Sprintf("(%d,%d)", i, i))
	}
	srv.Exec(t, "INSERT INTO "+db+".a VALUES "+strings.Join(seed, ","), "INSERT INTO "+db+".b VALUES "+strings.Join(seed, ","))
	workload := func(n int) {
		for i := 0; i < n; i++ {
			tbl := []string{"a", "b"}[rng.IntN(2)]
			id := rng.IntN(2 * rows)
			switch rng.IntN(4) {
			case 0:
				srv.Exec(t, fmt.Sprintf("INSERT INTO %s.%s VALUES (%d,%d) ON DUPLICATE KEY UPDATE v=v+1", db, tbl, id, i))
			case 1:
				srv.Exec(t, fmt.Sprintf("UPDATE %s.%s SET v=v*2+1 WHERE id BETWEEN %d AND %d", db, tbl, id, id+5))
			case 2:
				srv.Exec(t, fmt.Sprintf("DELETE FROM %s.%s WHERE id=%d", db, tbl, id))
			case 3:
				srv.Exec(t, "BEGIN", fmt.Sprintf("INSERT IGNORE INTO %s.a VALUES (%d,%d)", db, id, i),
					fmt.Sprintf("UPDATE %s.b SET v=v+7 WHERE id < %d", db, id%40), fmt.Sprintf("DELETE FROM %s.a WHERE id=%d", db, (id+3)%(2*rows)), "COMMIT")
			}
		}
	}
	h := newHarness(t, srv, db, map[string]string{"max.batch.size": "97", "max.queue.size": "300", "tombstones.on.delete": "false"})
	shadows := map[string]shadow{"a": {}, "b": {}}
	applyAll := func() {
		for _, r := range h.got {
			tbl := r.Topic[strings.LastIndexByte(r.Topic, '.')+1:]
			if s, ok := shadows[tbl]; ok && strings.HasPrefix(r.Topic, "srv."+db+".") {
				s.apply(t, r)
			}
		}
		h.got = nil
	}
	for round := 0; round < 20; round++ {
		h.start()
		want := 1 + rng.IntN(3000)
		h.poll(fmt.Sprintf("%d records in round %d", want, round), func(rs []*connectors.SourceRecord) bool { return len(rs) >= want })
		h.stop()
		applyAll()
		workload(100)
	}
	// final catch-up: run until the shadow matches (every record is committed)
	h.start()
	for _, tbl := range []string{"a", "b"} {
		rows := srv.Query(t, "SELECT id, v FROM "+db+"."+tbl)
		want := shadow{}
		for _, r := range rows {
			var id int32
			fmt.Sscan(r[0], &id)
			want[id] = r[1]
		}
		h.poll("shadow of "+tbl+" to match the source", func(rs []*connectors.SourceRecord) bool {
			applyAll()
			return shadows[tbl].String() == want.String()
		})
	}
}
