package mysql

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"testing"
	"time"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/converters"
	"github.com/gonnect/gonnect/schemas/srtest"
	"github.com/shopspring/decimal"
)

// ddl10 is the 10-column table of the W1 and W3 benchmarks (shared/spec/benchmarks.md
// §11.2), as bench/mysql creates it.
const ddl10 = "CREATE TABLE bench.t (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, qty INT NOT NULL, account BIGINT NOT NULL, " +
	"name VARCHAR(64) NOT NULL, note VARCHAR(255), price DECIMAL(10,2) NOT NULL, score DOUBLE NOT NULL, created DATETIME(6) NOT NULL, " +
	"updated TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, active TINYINT(1) NOT NULL)"

// bench10 is a streamer over ddl10 in MariaDB GTID mode, with a queue of queue records.
func bench10(tb testing.TB, queue int) *streamer {
	tb.Helper()
	s := benchStreamer(tb, queue)
	ddl := &replication.BinlogEvent{Header: &replication.EventHeader{Timestamp: 1700000000, EventType: replication.QUERY_EVENT, ServerID: 1, EventSize: 100, LogPos: 300},
		Event: &replication.QueryEvent{Schema: []byte("bench"), Query: []byte("DROP TABLE bench.t")}}
	if err := s.handle(context.Background(), ddl); err != nil {
		tb.Fatal(err)
	}
	ddl.Event = &replication.QueryEvent{Schema: []byte("bench"), Query: []byte(ddl10)}
	if err := s.handle(context.Background(), ddl); err != nil {
		tb.Fatal(err)
	}
	return s
}

// textRow10 is row i of ddl10 as the text protocol sends it: the result set's field
// types and the row packet.
func textRow10(i int) ([]*gmysql.Field, gmysql.RowData) {
	const binary = 63
	fields := []*gmysql.Field{
		{Type: gmysql.MYSQL_TYPE_LONGLONG, Charset: binary}, {Type: gmysql.MYSQL_TYPE_LONG, Charset: binary},
		{Type: gmysql.MYSQL_TYPE_LONGLONG, Charset: binary}, {Type: gmysql.MYSQL_TYPE_VAR_STRING, Charset: 45},
		{Type: gmysql.MYSQL_TYPE_VAR_STRING, Charset: 45}, {Type: gmysql.MYSQL_TYPE_NEWDECIMAL, Charset: binary},
		{Type: gmysql.MYSQL_TYPE_DOUBLE, Charset: binary}, {Type: gmysql.MYSQL_TYPE_DATETIME, Charset: binary},
		{Type: gmysql.MYSQL_TYPE_TIMESTAMP, Charset: binary}, {Type: gmysql.MYSQL_TYPE_TINY, Charset: binary},
	}
	vals := []string{strconv.Itoa(i + 1), strconv.Itoa(i % 1000), strconv.Itoa(i * 7919), fmt.Sprintf("customer-%08d-%021d", i, i*104729),
		"the quick brown fox jumps over the lazy dog; the quick brown fox jumps over the lazy dog; the quick brown fox jump",
		fmt.Sprintf("%d.%02d", i%100000, i%100), fmt.Sprintf("%d.%03d", i, i%1000), "2024-01-02 03:04:05.123456", "2024-03-04 05:06:07",
		strconv.Itoa(i % 2)}
	var row []byte
	for _, v := range vals {
		row = append(row, gmysql.PutLengthEncodedString([]byte(v))...)
	}
	return fields, row
}

// BenchmarkSnapshotRow10 is the connector's share of W1 per row of the 10-column table:
// the read-ahead copy of a parsed text-protocol row, then the row's op=r record
// (value and key structs, source block, envelope) queued for Poll.
func BenchmarkSnapshotRow10(b *testing.B) {
	s := bench10(b, 1<<20)
	ts, err := s.state.tableSchema(cdc.TableID{Catalog: "bench", Table: "t"})
	if err != nil || ts == nil {
		b.Fatal(ts, err)
	}
	first := false
	pos := &position{File: "binlog.000001", Pos: 4, Snapshot: "INITIAL"}
	rt := &rowTable{t: s.t, id: cdc.TableID{Catalog: "bench", Table: "t"}, ts: ts, pos: pos, first: &first, tableOff: pos.offset()}
	fields, packet := textRow10(4711)
	var fv []gmysql.FieldValue
	ctx := context.Background()
	var copier rowCopier
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if fv, err = packet.ParseText(fields, fv); err != nil {
			b.Fatal(err)
		}
		row := copier.copy(fields, fv)
		if err := rt.emit(ctx, row, i+2, false); err != nil {
			b.Fatal(err)
		}
		i++
		if s.t.q.Pending() == 0 {
			drain(ctx, s.t)
		}
	}
}

// insertTx10 is one autocommit INSERT of ddl10 as go-mysql delivers it: GTID,
// TABLE_MAP, WRITE_ROWS, XID.
func insertTx10(seq uint64, pos uint32) []*replication.BinlogEvent {
	ev := func(size uint32, e replication.Event, et replication.EventType) *replication.BinlogEvent {
		pos += size
		return &replication.BinlogEvent{Header: &replication.EventHeader{Timestamp: 1700000000, EventType: et, ServerID: 1, EventSize: size, LogPos: pos}, Event: e}
	}
	tm := &replication.TableMapEvent{TableID: 34, Schema: []byte("bench"), Table: []byte("t"), ColumnCount: 10}
	row := []any{int64(seq), int32(711), int64(seq) * 7919, "customer-00004711-000000000493378519",
		"the quick brown fox jumps over the lazy dog; the quick brown fox jumps over the lazy dog; the quick brown fox jump",
		decimal.New(471111, -2), 4711.711, time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC), time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC), int8(1)}
	return []*replication.BinlogEvent{
		ev(38, &replication.MariadbGTIDEvent{GTID: gmysql.MariadbGTID{DomainID: 0, ServerID: 1, SequenceNumber: seq}}, replication.MARIADB_GTID_EVENT),
		ev(60, tm, replication.TABLE_MAP_EVENT),
		ev(250, &replication.RowsEvent{Table: tm, ColumnCount: 10, Rows: [][]any{row}}, replication.WRITE_ROWS_EVENTv1),
		ev(31, &replication.XIDEvent{XID: seq}, replication.XID_EVENT),
	}
}

// BenchmarkStreamInsertTx10 is the connector's share of W3 per event: one autocommit
// INSERT of the 10-column table from decoded binlog events to its queued record.
func BenchmarkStreamInsertTx10(b *testing.B) {
	txs := make([][]*replication.BinlogEvent, 1024)
	for i := range txs {
		txs[i] = insertTx10(uint64(101+i), uint32(400+i*379))
	}
	streamTxs(b, bench10(b, 1<<20), txs)
}

// streamTxs hands the transactions, in turn, to the streamer once per iteration,
// with ever-increasing GTIDs, and drains what it queued so the queue never blocks.
func streamTxs(b *testing.B, s *streamer, txs [][]*replication.BinlogEvent) {
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		tx := txs[i%len(txs)]
		tx[0].Event.(*replication.MariadbGTIDEvent).GTID.SequenceNumber = uint64(101 + i)
		for _, ev := range tx {
			if err := s.handle(ctx, ev); err != nil {
				b.Fatal(err)
			}
		}
		i++
		if s.t.q.Pending() == 0 {
			drain(ctx, s.t)
		}
	}
}

// BenchmarkConvertInsert10 is the converter's share of W3 per event: the key and value
// of one insert record of the 10-column table through AvroConverter (srfake registry;
// the schema is registered on the first call) and JsonConverter with schemas.
func BenchmarkConvertInsert10(b *testing.B) {
	s := bench10(b, 1024)
	for _, ev := range insertTx10(101, 400) {
		if err := s.handle(context.Background(), ev); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.t.q.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	rs, _ := s.t.q.Poll(context.Background())
	var rec *connectors.SourceRecord
	for _, r := range rs {
		if r.Topic == "bench.bench.t" {
			rec = r
		}
	}
	if rec == nil {
		b.Fatal("no insert record")
	}
	url, _ := srtest.New(b)
	for _, tc := range []struct {
		name  string
		class string
		cfg   map[string]string
	}{
		{name: "avro", class: converters.AvroClass, cfg: map[string]string{"schema.registry.url": url}},
		{name: "json", class: converters.JSONClass, cfg: map[string]string{}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			var kc, vc schemas.Converter
			var err error
			if kc, err = converters.New(ctx, tc.class, tc.cfg, true); err != nil {
				b.Fatal(err)
			}
			if vc, err = converters.New(ctx, tc.class, tc.cfg, false); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := kc.FromConnect(ctx, rec.Topic, rec.KeySchema, rec.Key); err != nil {
					b.Fatal(err)
				}
				if _, err := vc.FromConnect(ctx, rec.Topic, rec.ValueSchema, rec.Value); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// drain empties the task's queue as Poll does. It stops once nothing handed over is
// left, without the poll interval's wait an empty Poll would add to the benchmark's
// time (the worker would spend it asleep, not on CPU).
func drain(ctx context.Context, t *Task) {
	for t.q.Queued() > 0 {
		t.q.Poll(ctx)
	}
}

// TestDecimalCellsMatchBigInt checks the one-allocation big.Int and the binlog
// DECIMAL conversion against math/big and shopspring's own coefficient.
func TestDecimalCellsMatchBigInt(t *testing.T) {
	tests := []struct {
		name string
		text string // a DECIMAL as go-mysql decodes it
	}{
		{name: "zero", text: "0"},
		{name: "negative zero scale 2", text: "-0.00"},
		{name: "scale 2", text: "4711.11"},
		{name: "negative", text: "-99999999.99"},
		{name: "15 digits", text: "9999999999999.99"},
		{name: "16 digits", text: "99999999999999.99"},
		{name: "30 digits", text: "-12345678901234567890.1234567890"},
		{name: "integer", text: "42"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := decimal.RequireFromString(tc.text)
			got := binlogDecimal(d)
			if got.Unscaled.Cmp(d.Coefficient()) != 0 || got.Scale != -d.Exponent() {
				t.Fatalf("binlogDecimal(%s) = %s scale %d, want %s scale %d", tc.text, got.Unscaled, got.Scale, d.Coefficient(), -d.Exponent())
			}
			if got.String() != d.StringFixed(-d.Exponent()) {
				t.Fatalf("binlogDecimal(%s) renders %s, want %s", tc.text, got.String(), d.StringFixed(-d.Exponent()))
			}
		})
	}
	for _, u := range []int64{0, 1, -1, 255, -256, 1 << 40, -(1 << 62), 1<<63 - 1, -1 << 63} {
		t.Run("int64 "+strconv.FormatInt(u, 10), func(t *testing.T) {
			got := newSmallInt(u)
			if got.Cmp(big.NewInt(u)) != 0 || got.String() != strconv.FormatInt(u, 10) {
				t.Fatalf("newSmallInt(%d) = %s", u, got)
			}
			// arithmetic on it must not disturb other values
			got.Mul(got, big.NewInt(10))
			if want := new(big.Int).Mul(big.NewInt(u), big.NewInt(10)); got.Cmp(want) != 0 {
				t.Fatalf("newSmallInt(%d)*10 = %s, want %s", u, got, want)
			}
		})
	}
}

// TestRowCopier checks the snapshot reader's copies: each value has the Go type its
// converter keeps (strings for text, []byte for binary columns, the column's integer
// width), and a copied row is not disturbed by parsing and copying the next one.
func TestRowCopier(t *testing.T) {
	fields, _ := textRow10(0)
	fields = append(fields, &gmysql.Field{Type: gmysql.MYSQL_TYPE_BLOB, Charset: binaryCharset},
		&gmysql.Field{Type: gmysql.MYSQL_TYPE_SHORT, Charset: binaryCharset}, &gmysql.Field{Type: gmysql.MYSQL_TYPE_LONGLONG, Flag: gmysql.UNSIGNED_FLAG, Charset: binaryCharset},
		&gmysql.Field{Type: gmysql.MYSQL_TYPE_VAR_STRING, Charset: 45})
	packet := func(i int) gmysql.RowData {
		_, row := textRow10(i)
		row = append(row, gmysql.PutLengthEncodedString([]byte{0xff, byte(i), 0})...)
		row = append(row, gmysql.PutLengthEncodedString([]byte(strconv.Itoa(-300-i)))...)
		row = append(row, gmysql.PutLengthEncodedString([]byte("18446744073709551615"))...)
		return append(row, 0xfb) // NULL
	}
	var c rowCopier
	var fv []gmysql.FieldValue
	var err error
	if fv, err = packet(1).ParseText(fields, fv); err != nil {
		t.Fatal(err)
	}
	first := c.copy(fields, fv)
	if fv, err = packet(2).ParseText(fields, fv); err != nil {
		t.Fatal(err)
	}
	second := c.copy(fields, fv)
	tests := []struct {
		name string
		got  any
		want any
	}{
		{name: "BIGINT id", got: first[0], want: int64(2)},
		{name: "INT qty", got: first[1], want: int32(1)},
		{name: "BIGINT account", got: first[2], want: int64(7919)},
		{name: "VARCHAR name", got: first[3], want: "customer-00000001-000000000000000104729"},
		{name: "DECIMAL as text", got: first[5], want: "1.01"},
		{name: "DOUBLE", got: first[6], want: 1.001},
		{name: "DATETIME as text", got: first[7], want: "2024-01-02 03:04:05.123456"},
		{name: "TIMESTAMP as text", got: first[8], want: "2024-03-04 05:06:07"},
		{name: "TINYINT", got: first[9], want: int8(1)},
		{name: "binary BLOB", got: fmt.Sprintf("%T %x", first[10], first[10]), want: "[]uint8 ff0100"},
		{name: "SMALLINT", got: first[11], want: int16(-301)},
		{name: "BIGINT UNSIGNED", got: first[12], want: uint64(18446744073709551615)},
		{name: "NULL", got: first[13], want: nil},
		{name: "next row", got: second[3], want: "customer-00000002-000000000000000209458"},
		{name: "next row binary", got: fmt.Sprintf("%x", second[10]), want: "ff0200"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("got %#v, want %#v", tc.got, tc.want)
			}
		})
	}
	t.Run("binary value has no spare capacity", func(t *testing.T) {
		b := first[10].([]byte)
		if cap(b) != len(b) {
			t.Fatalf("cap %d, len %d: an append would write into the next value", cap(b), len(b))
		}
	})
}
