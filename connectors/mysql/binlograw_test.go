package mysql

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
)

// TestRawEventsMatchGoMySQL reads one binlog twice: with go-mysql decoding every event
// (no decode hooks) and with the syncer in raw mode and rawEvents decoding, as the
// streamer reads it. The binlog has row changes of every type binlogRows takes and of
// types it leaves to go-mysql, DDL that changes a table's columns, several tables in
// one transaction, minimal row images, and a binlog rotation. Every event must be the
// same: type, header, and contents (rows value by value).
func TestRawEventsMatchGoMySQL(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "raw")
	start := srv.Query(t, "SHOW MASTER STATUS")[0]
	srv.Exec(t, "CREATE TABLE `"+db+"`.fast "+binlogRowsTypes, "CREATE TABLE `"+db+"`.other "+binlogRowsOther,
		"CREATE TABLE `"+db+"`.small (id INT PRIMARY KEY, v VARCHAR(20))")
	rng := rand.New(rand.NewPCG(3, 5))
	var stmts []string
	for id := range 60 {
		stmts = append(stmts, "INSERT INTO `"+db+"`.fast VALUES "+randomFastRow(rng, id))
		if id%10 == 0 {
			stmts = append(stmts, "INSERT INTO `"+db+"`.small VALUES ("+strconv.Itoa(id)+", 'v"+strconv.Itoa(id)+"')")
		}
	}
	stmts = append(stmts,
		"BEGIN", "UPDATE `"+db+"`.small SET v = CONCAT(v, '!')", "DELETE FROM `"+db+"`.fast WHERE id = 5",
		"INSERT INTO `"+db+"`.other VALUES (1, 'a', 'y', b'1', '01:02:03.400', '[1]', 'x')", "COMMIT",
		"FLUSH BINARY LOGS",
		"ALTER TABLE `"+db+"`.small ADD COLUMN n BIGINT UNSIGNED NOT NULL DEFAULT 18446744073709551615",
		"INSERT INTO `"+db+"`.small VALUES (1000, 'after', 7)",
		"SET SESSION binlog_row_image = MINIMAL",
		"UPDATE `"+db+"`.small SET n = n - 1 WHERE id = 1000",
		"SET SESSION binlog_row_image = FULL",
		"TRUNCATE TABLE `"+db+"`.other",
		"INSERT INTO `"+db+"`.fast (id, dt) VALUES (2000, '0000-00-00')",
		"DROP TABLE `"+db+"`.small",
	)
	srv.Exec(t, append([]string{"SET SESSION sql_mode = ''"}, stmts...)...)
	pos, _ := strconv.Atoi(start[1])
	from := gmysql.Position{Name: start[0], Pos: uint32(pos)}

	want, got, raw := readBothWays(t, srv, from, nil)
	counts := map[string]int{}
	for _, w := range want {
		counts[w.Header.EventType.String()]++
	}
	for _, typ := range []replication.EventType{replication.TABLE_MAP_EVENT, replication.WRITE_ROWS_EVENTv1, replication.UPDATE_ROWS_EVENTv1,
		replication.DELETE_ROWS_EVENTv1, replication.XID_EVENT, replication.MARIADB_GTID_EVENT, replication.QUERY_EVENT, replication.ROTATE_EVENT} {
		if counts[typ.String()] == 0 {
			t.Errorf("the binlog had no %s event: %v", typ, counts)
		}
	}
	if raw.rows.fast < 50 {
		t.Errorf("only %d rows events took the fast path", raw.rows.fast)
	}
	t.Logf("%d events compared, %d rows events decoded by binlogRows: %v", len(got), raw.rows.fast, counts)
}

// binlogSpan is a stretch of the binlog: from a position to the end of the last event
// written when it was taken. Comparisons read the same span both ways, so events other
// tests' leftovers write meanwhile cannot make the two reads differ.
type binlogSpan struct {
	from, to gmysql.Position
}

// spanFrom is the binlog from pos to the last event written now.
func spanFrom(t *testing.T, srv *mysqltest.Server, from gmysql.Position) binlogSpan {
	t.Helper()
	end := srv.Query(t, "SHOW MASTER STATUS")[0]
	endPos, err := strconv.Atoi(end[1])
	if err != nil {
		t.Fatal(err)
	}
	return binlogSpan{from: from, to: gmysql.Position{Name: end[0], Pos: uint32(endPos)}}
}

// readBothWays reads the binlog from pos to the last event written now, once decoded by
// go-mysql and once in raw mode through raw (a new rawEvents when nil), checks that both
// reads gave the same events (sameEvents) and returns them and raw.
func readBothWays(t *testing.T, srv *mysqltest.Server, from gmysql.Position, raw *rawEvents) (want, got []*replication.BinlogEvent, _ *rawEvents) {
	t.Helper()
	sp := spanFrom(t, srv, from)
	want = readEvents(t, srv, sp, nil, nil)
	if raw == nil {
		raw = newRawEvents(gmysql.MariaDBFlavor)
	}
	got = readEvents(t, srv, sp, raw, nil)
	sameEvents(t, want, got)
	return want, got, raw
}

// sameEvents fails t at the first event of got that differs from want's: its type and
// header; for a rows event its fields, its Type() and SkippedColumns and every value
// (sameValue); for any other event all of it.
func sameEvents(t *testing.T, want, got []*replication.BinlogEvent) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d events in raw mode, %d from go-mysql", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if reflect.TypeOf(g.Event) != reflect.TypeOf(w.Event) || !reflect.DeepEqual(g.Header, w.Header) {
			t.Fatalf("event %d: %T %+v, want %T %+v", i, g.Event, g.Header, w.Event, w.Header)
		}
		we, ok := w.Event.(*replication.RowsEvent)
		if !ok {
			if !reflect.DeepEqual(g.Event, w.Event) {
				t.Fatalf("event %d (%s): %+v, want %+v", i, w.Header.EventType, g.Event, w.Event)
			}
			continue
		}
		ge := g.Event.(*replication.RowsEvent)
		if ge.TableID != we.TableID || ge.Flags != we.Flags || ge.ColumnCount != we.ColumnCount || ge.Version != we.Version ||
			!reflect.DeepEqual(ge.ColumnBitmap1, we.ColumnBitmap1) || !reflect.DeepEqual(ge.ColumnBitmap2, we.ColumnBitmap2) ||
			!reflect.DeepEqual(ge.Table, we.Table) || len(ge.Rows) != len(we.Rows) {
			t.Fatalf("event %d: rows event %+v, want %+v", i, ge, we)
		}
		if ge.Type() != we.Type() || !reflect.DeepEqual(ge.SkippedColumns, we.SkippedColumns) {
			t.Fatalf("event %d (%s): Type() %s, SkippedColumns %v; want %s, %v", i, w.Header.EventType, ge.Type(), ge.SkippedColumns, we.Type(), we.SkippedColumns)
		}
		for r := range we.Rows {
			for c := range we.Rows[r] {
				if err := sameValue(ge.Rows[r][c], we.Rows[r][c]); err != nil {
					t.Fatalf("event %d (%s) image %d column %d: %v", i, we.Table.Table, r, c, err)
				}
			}
		}
	}
}

// readEvents reads the binlog span sp: decoded by go-mysql (rows by dec when it is not
// nil), or with raw, in raw mode through raw.decode on the syncer's goroutine.
func readEvents(t *testing.T, srv *mysqltest.Server, sp binlogSpan, raw *rawEvents, dec *binlogRows) []*replication.BinlogEvent {
	t.Helper()
	from := sp.from
	cfg := replication.BinlogSyncerConfig{ServerID: 9400 + uint32(rand.IntN(500)), Flavor: gmysql.MariaDBFlavor, Host: srv.Host,
		Port: uint16(srv.Port), User: srv.User, Password: srv.Password, ParseTime: true, UseDecimal: true,
		RenderJSONAsMySQLText: true, DiscardGTIDSet: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h := &collector{raw: raw, endFile: sp.to.Name, endPos: sp.to.Pos, file: from.Name, done: make(chan struct{})}
	if raw != nil {
		cfg.RawModeEnabled = true
	}
	if dec != nil {
		cfg.RowsEventDecodeFunc = dec.decode
	}
	cfg.SynchronousEventHandler = h
	syncer := replication.NewBinlogSyncer(cfg)
	defer syncer.Close()
	st, err := syncer.StartSync(from)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go func() {
		if _, err := st.GetEvent(ctx); err != nil && ctx.Err() == nil {
			h.fail(err)
		}
	}()
	select {
	case <-h.done:
	case <-ctx.Done():
		t.Fatalf("binlog not read to %s in time", sp.to)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err != nil {
		t.Fatalf("reading the binlog: %v", h.err)
	}
	return h.events
}

// collector is a SynchronousEventHandler gathering events until an end position.
type collector struct {
	raw             *rawEvents
	endFile, file   string
	endPos          uint32
	mu              sync.Mutex
	events          []*replication.BinlogEvent
	err             error
	done            chan struct{}
	closed, stopped bool
}

func (c *collector) HandleEvent(ev *replication.BinlogEvent) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return nil
	}
	if c.raw != nil {
		if err := c.raw.decode(ev); err != nil {
			c.err = err
			c.finish()
			return err
		}
	}
	c.events = append(c.events, ev)
	if re, ok := ev.Event.(*replication.RotateEvent); ok {
		c.file = string(re.NextLogName) // its own position is in the file before
		return nil
	}
	if c.file == c.endFile && ev.Header.LogPos >= c.endPos {
		c.finish()
	}
	return nil
}

func (c *collector) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
	c.finish()
}

func (c *collector) finish() {
	c.stopped = true
	if !c.closed {
		c.closed = true
		close(c.done)
	}
}
