package mysql

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/schemas"
	"github.com/shopspring/decimal"
)

// benchStreamer is a streamer over the W3 benchmark table
// (id INT PRIMARY KEY, a VARCHAR(40), b BIGINT, c DECIMAL(10,2), d DATETIME(6)) in
// MariaDB GTID mode, with a queue large enough that b.N records never block.
func benchStreamer(tb testing.TB, queue int) *streamer {
	tb.Helper()
	cfg, err := ParseConfig(connectors.Config{"topic.prefix": "bench", "database.hostname": "h", "database.user": "u",
		"database.server.id": "9"}, true)
	if err != nil {
		tb.Fatal(err)
	}
	task := &Task{cfg: cfg, kind: newKind(true, "bench"), part: map[string]any{"server": "bench"}, now: time.Now,
		log: discardLogger(), metrics: newMetrics("mariadb", "bench")}
	task.q = cdc.NewQueue(queue, queue, handoffBatch, time.Millisecond)
	state := newSchemaState(cfg, task.kind, &cdc.MemoryHistory{}, task.part)
	gset, err := gmysql.ParseMariadbGTIDSet("0-1-100")
	if err != nil {
		tb.Fatal(err)
	}
	s := &streamer{t: task, state: state, mariadb: true, cur: position{File: "binlog.000001", Pos: 4, GTIDs: gset.String()},
		file: "binlog.000001", gset: gset}
	ddl := &replication.BinlogEvent{Header: &replication.EventHeader{Timestamp: 1700000000, EventType: replication.QUERY_EVENT, ServerID: 1, EventSize: 100, LogPos: 200},
		Event: &replication.QueryEvent{Schema: []byte("bench"),
			Query: []byte("CREATE TABLE bench.t (id INT PRIMARY KEY, a VARCHAR(40), b BIGINT, c DECIMAL(10,2), d DATETIME(6))")}}
	if err := s.handle(context.Background(), ddl); err != nil {
		tb.Fatal(err)
	}
	return s
}

// updateTx is one single-row UPDATE transaction of the W3 workload as go-mysql
// delivers it: GTID, TABLE_MAP, UPDATE_ROWS (before and after images), XID.
func updateTx(seq uint64, pos uint32) []*replication.BinlogEvent {
	ev := func(size uint32, e replication.Event, et replication.EventType) *replication.BinlogEvent {
		pos += size
		return &replication.BinlogEvent{Header: &replication.EventHeader{Timestamp: 1700000000, EventType: et, ServerID: 1, EventSize: size, LogPos: pos}, Event: e}
	}
	tm := &replication.TableMapEvent{TableID: 33, Schema: []byte("bench"), Table: []byte("t"), ColumnCount: 5}
	row := func(b int64) []any {
		return []any{int32(4711), "name-4711", b, decimal.New(471111, -2), time.Date(2024, 1, 2, 3, 4, 5, 4711000, time.UTC)}
	}
	return []*replication.BinlogEvent{
		ev(38, &replication.MariadbGTIDEvent{GTID: gmysql.MariadbGTID{DomainID: 0, ServerID: 1, SequenceNumber: seq}}, replication.MARIADB_GTID_EVENT),
		ev(50, tm, replication.TABLE_MAP_EVENT),
		ev(80, &replication.RowsEvent{Table: tm, ColumnCount: 5, Rows: [][]any{row(int64(seq)), row(int64(seq) + 1)}}, replication.UPDATE_ROWS_EVENTv1),
		ev(31, &replication.XIDEvent{XID: seq}, replication.XID_EVENT),
	}
}

// BenchmarkStreamUpdateTx is the connector's share of W3: one single-row UPDATE
// transaction from decoded binlog events to queued records (source block, offsets,
// row conversion, envelope), without go-mysql's decoding.
func BenchmarkStreamUpdateTx(b *testing.B) {
	txs := make([][]*replication.BinlogEvent, 1024)
	for i := range txs {
		txs[i] = updateTx(uint64(101+i), uint32(300+i*199))
	}
	streamTxs(b, benchStreamer(b, 1<<20), txs)
}

// TestStreamUpdateTxRecord checks what the benchmark measures: the update's record
// carries the converted after image and the GTID in its source block.
func TestStreamUpdateTxRecord(t *testing.T) {
	s := benchStreamer(t, 1024)
	for _, ev := range updateTx(101, 300) {
		if err := s.handle(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.t.q.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	all, err := s.t.q.Poll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var rs []*connectors.SourceRecord
	for _, r := range all {
		if r.Topic == "bench.bench.t" {
			rs = append(rs, r)
		}
	}
	if len(rs) != 1 {
		t.Fatalf("got %d data records of %d", len(rs), len(all))
	}
	env := rs[0].Value.(interface{ Get(string) any })
	after := env.Get("after").(interface{ Get(string) any })
	source := env.Get("source").(interface{ Get(string) any })
	for _, c := range []struct {
		name string
		got  any
		want any
	}{
		{name: "op", got: env.Get("op"), want: "u"},
		{name: "after.id", got: after.Get("id"), want: int32(4711)},
		{name: "after.a", got: after.Get("a"), want: "name-4711"},
		{name: "after.b", got: after.Get("b"), want: int64(102)},
		{name: "after.d", got: after.Get("d"), want: time.Date(2024, 1, 2, 3, 4, 5, 4711000, time.UTC).UnixMicro()},
		{name: "source.gtid", got: source.Get("gtid"), want: "0-1-101"},
		{name: "source.table", got: source.Get("table"), want: "t"},
		{name: "source.connector", got: source.Get("connector"), want: "mariadb"},
		{name: "offset.gtids", got: rs[0].Offset()["gtids"], want: "0-1-100"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Fatalf("got %#v, want %#v", c.got, c.want)
			}
		})
	}
}

func TestWaitCtx(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, parent context.Context, cancel context.CancelFunc, w *waitCtx)
	}{
		{name: "deadline fires", run: func(t *testing.T, _ context.Context, _ context.CancelFunc, w *waitCtx) {
			ctx := w.arm(time.Millisecond)
			<-ctx.Done()
			if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
				t.Fatalf("err %v", ctx.Err())
			}
		}},
		{name: "re-arm after firing gives a fresh wait", run: func(t *testing.T, _ context.Context, _ context.CancelFunc, w *waitCtx) {
			<-w.arm(time.Millisecond).Done()
			ctx := w.arm(time.Hour)
			select {
			case <-ctx.Done():
				t.Fatal("re-armed wait is already done")
			default:
			}
			if ctx.Err() != nil {
				t.Fatalf("err %v", ctx.Err())
			}
		}},
		{name: "re-arm before the deadline extends it", run: func(t *testing.T, _ context.Context, _ context.CancelFunc, w *waitCtx) {
			w.arm(time.Millisecond)
			ctx := w.arm(time.Hour)
			select { // the first deadline (1 ms) must not end the extended wait
			case <-ctx.Done():
				t.Fatalf("err %v before the extended deadline", ctx.Err())
			case <-time.After(20 * time.Millisecond):
			}
		}},
		{name: "parent cancel ends the wait", run: func(t *testing.T, _ context.Context, cancel context.CancelFunc, w *waitCtx) {
			ctx := w.arm(time.Hour)
			cancel()
			<-ctx.Done()
			if !errors.Is(ctx.Err(), context.Canceled) {
				t.Fatalf("err %v", ctx.Err())
			}
			if !errors.Is(w.arm(time.Hour).Err(), context.Canceled) {
				t.Fatal("arming after the parent is done must stay done")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			parent, cancel := context.WithCancel(context.Background())
			defer cancel()
			w := newWaitCtx(parent)
			defer w.close()
			tc.run(t, parent, cancel, w)
		})
	}
}

func TestSmallDecimalMatchesParseDecimal(t *testing.T) {
	tests := []struct {
		name string
		text string
		fast bool // smallDecimal takes it
	}{
		{name: "scale 2", text: "4711.11", fast: true},
		{name: "negative", text: "-0.50", fast: true},
		{name: "integer", text: "42", fast: true},
		{name: "trailing dot", text: "7.", fast: true},
		{name: "leading dot", text: ".5", fast: true},
		{name: "18 digits", text: "99999999.9999999999", fast: true},
		{name: "19 digits", text: "999999999.9999999999"},
		{name: "exponent", text: "1e5"},
		{name: "two dots", text: "1.2.3"},
		{name: "empty", text: ""},
		{name: "sign only", text: "-"},
		{name: "dot only", text: "."},
		{name: "plus sign", text: "+1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := smallDecimal([]byte(tc.text))
			if ok != tc.fast {
				t.Fatalf("smallDecimal(%q) ok=%v, want %v", tc.text, ok, tc.fast)
			}
			if !ok {
				return
			}
			want, err := schemas.ParseDecimal(tc.text)
			if err != nil {
				t.Fatalf("ParseDecimal(%q): %v", tc.text, err)
			}
			if got.Scale != want.Scale || got.Unscaled.Cmp(want.Unscaled) != 0 {
				t.Fatalf("smallDecimal(%q) = %v, ParseDecimal = %v", tc.text, got, want)
			}
		})
	}
}

// BenchmarkSnapshotDecimal is a DECIMAL(10,2) value of a snapshot row (text protocol).
func BenchmarkSnapshotDecimal(b *testing.B) {
	conv := toDecimal(2)
	v := []byte("4711.11")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := conv(v); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStreamRowsAhead reads a table through the read-ahead snapshot reader against
// MariaDB: every row arrives once and in key order across several batches, and an
// error from fn stops the read, is returned as is, and leaves fn uncalled afterwards.
func TestStreamRowsAhead(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "ahead")
	const rows = 3*rowBatch + 17
	srv.Exec(t, "CREATE TABLE "+db+".t (id INT PRIMARY KEY, v VARCHAR(20), d DECIMAL(10,2))")
	var vals []string
	for i := range rows {
		vals = append(vals, fmt.Sprintf("(%d,'v%d',%d.25)", i, i, i))
	}
	srv.Exec(t, "INSERT INTO "+db+".t VALUES "+strings.Join(vals, ","))
	stopErr := errors.New("stop here")
	tests := []struct {
		name    string
		stopAt  int // fn fails at this row (-1: never)
		wantErr error
		want    int
	}{
		{name: "all rows in order", stopAt: -1, want: rows},
		{name: "fn error in the second batch", stopAt: rowBatch + 3, wantErr: stopErr, want: rowBatch + 4},
		{name: "fn error on the first row", stopAt: 0, wantErr: stopErr, want: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := client.Connect(srv.Addr(), srv.User, srv.Password, "")
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			n := 0
			err = streamRowsAhead(context.Background(), c, "SELECT * FROM "+db+".t ORDER BY id", func(row []any) error {
				if got := fmt.Sprint(row[0]); got != strconv.Itoa(n) {
					t.Fatalf("row %d has id %s", n, got)
				}
				if got, _ := asString(row[1]); got != "v"+strconv.Itoa(n) {
					t.Fatalf("row %d has v %s", n, got)
				}
				n++
				if n-1 == tc.stopAt {
					return stopErr
				}
				return nil
			})
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			if n != tc.want {
				t.Fatalf("fn saw %d rows, want %d", n, tc.want)
			}
		})
	}
}

// TestGTIDSetStringShortcut checks the commit-time shortcut against go-mysql's own
// rendering of the set for every shape of MariaDB position.
func TestGTIDSetStringShortcut(t *testing.T) {
	tests := []struct {
		name  string
		start string // executed set before the transaction
		gtid  string // the transaction's GTID
	}{
		{name: "same domain and server", start: "0-1-100", gtid: "0-1-101"},
		{name: "same domain, new server", start: "0-1-100", gtid: "0-2-101"},
		{name: "new domain", start: "0-1-100", gtid: "1-1-5"},
		{name: "domain prefix is not a domain", start: "1-1-100", gtid: "11-1-5"},
		{name: "two domains", start: "0-1-100,1-1-7", gtid: "1-1-8"},
		{name: "empty start", start: "", gtid: "0-1-1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gset, err := gmysql.ParseMariadbGTIDSet(tc.start)
			if err != nil {
				t.Fatal(err)
			}
			s := &streamer{mariadb: true, gset: gset, gtid: tc.gtid, cur: position{GTIDs: tc.start}}
			if err := gset.Update(tc.gtid); err != nil {
				t.Fatal(err)
			}
			if got, want := s.gtidSetString(), gset.String(); got != want {
				t.Fatalf("gtidSetString() = %q, set renders %q", got, want)
			}
		})
	}
}
