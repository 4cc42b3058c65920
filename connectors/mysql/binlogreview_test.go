package mysql

import (
	"reflect"
	"strconv"
	"testing"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
)

// TestRawRowsEventsKeepAccessors: a rows event binlogRows decodes in raw mode must
// answer go-mysql's own accessors as the parser's event does: Type() (insert, update,
// delete, from the unexported event type) and SkippedColumns (the columns a MINIMAL
// image leaves out, one list per image). The fast path used to build a bare RowsEvent
// whose Type() was Unknown and whose SkippedColumns was nil.
func TestRawRowsEventsKeepAccessors(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "review")
	start := srv.Query(t, "SHOW MASTER STATUS")[0]
	srv.Exec(t, "CREATE TABLE `"+db+"`.t (id INT PRIMARY KEY, a VARCHAR(10), b BIGINT, c DATE)",
		"INSERT INTO `"+db+"`.t VALUES (1, 'x', 2, '2020-01-02'), (2, 'y', 3, NULL)",
		"UPDATE `"+db+"`.t SET b = b + 1 WHERE id = 1",
		"SET SESSION binlog_row_image = MINIMAL",
		"UPDATE `"+db+"`.t SET a = 'z' WHERE id = 2",
		"DELETE FROM `"+db+"`.t WHERE id = 1",
		"SET SESSION binlog_row_image = FULL",
		"DELETE FROM `"+db+"`.t WHERE id = 2",
	)
	pos, _ := strconv.Atoi(start[1])
	from := gmysql.Position{Name: start[0], Pos: uint32(pos)}
	want := readEvents(t, srv, from, nil, nil)
	raw := newRawEvents(gmysql.MariaDBFlavor)
	got := readEvents(t, srv, from, raw, nil)
	if len(got) != len(want) {
		t.Fatalf("%d events in raw mode, %d from go-mysql", len(got), len(want))
	}
	types := map[replication.EnumRowsEventType]int{}
	for i := range want {
		we, ok := want[i].Event.(*replication.RowsEvent)
		if !ok {
			continue
		}
		ge := got[i].Event.(*replication.RowsEvent)
		types[ge.Type()]++
		if ge.Type() != we.Type() {
			t.Errorf("event %d (%s): Type() %s, want %s", i, want[i].Header.EventType, ge.Type(), we.Type())
		}
		if !reflect.DeepEqual(ge.SkippedColumns, we.SkippedColumns) {
			t.Errorf("event %d (%s): SkippedColumns %v, want %v", i, want[i].Header.EventType, ge.SkippedColumns, we.SkippedColumns)
		}
	}
	for _, typ := range []replication.EnumRowsEventType{replication.EnumRowsEventTypeInsert, replication.EnumRowsEventTypeUpdate, replication.EnumRowsEventTypeDelete} {
		if types[typ] == 0 {
			t.Errorf("no %s rows event was compared: %v", typ, types)
		}
	}
	if raw.rows.fast < 5 {
		t.Errorf("only %d rows events took the fast path", raw.rows.fast)
	}
}
