package mysql

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
)

// typesColumns are the columns of typesTable after id.
const typesColumns = "b1, b12, ti, tiu, si, siu, mi, i, iu, bi, biu, f, f53, d, dec1, num, c, vc, tx, bin, vb, bl, js, en, st, " +
	"y, dt, tm, tmn, dtm, dtm3, dtm6, ts, ts0, pt, geo"

// typesExtremes is a typesTable row of each column's extreme or empty values.
const typesExtremes = `INSERT INTO %s.types VALUES (%d,
  0, b'111111111111',
  -128, 255, -32768, 65535, -8388608, -2147483648, 4294967295,
  -9223372036854775808, 18446744073709551615,
  -3.40282e38, 1.7976931348623157e308, -2.2250738585072014e-308, -9999999.999, -99999,
  '', '', '', 0x000000, '', '',
  '[]', 'large', '',
  0, '0000-00-00', '-838:59:59.000', '00:00:00', '0000-00-00 00:00:00', '1000-01-01 00:00:00.000', '9999-12-31 23:59:59.999999',
  '2038-01-19 03:14:07.999', '1970-01-01 00:00:01',
  ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))')
)`

// moreTable holds types typesTable lacks and values of every length class: over the
// 64 KiB of go-mysql's reader, over the fast reader's buffer, a row of exactly one
// full packet (0xFFFFFF bytes: an empty packet follows it) and one continued over two.
const moreTable = `CREATE TABLE %s.more (
  id INT PRIMARY KEY, bo BOOLEAN, b64 BIT(64), miu MEDIUMINT UNSIGNED, yu YEAR, fu FLOAT UNSIGNED, du DOUBLE UNSIGNED,
  d65 DECIMAL(65,30), ch CHAR(255), lat VARCHAR(20) CHARACTER SET latin1, vbin VARCHAR(10) CHARACTER SET binary,
  mt MEDIUMTEXT, lt LONGTEXT, lb LONGBLOB, tb TINYBLOB
) ENGINE=MyISAM`

// fullPacketText is the length of lt that makes row 7 of moreTable (every other
// column NULL) exactly one full packet: 0xFFFFFF = 1+1 ("7") + 10 NULLs + 1 (mt NULL)
// + 4 (length prefix) + len + 2 NULLs.
const fullPacketText = 0xFFFFFF - 2 - 11 - 4 - 2

func moreRows(db string) []string {
	ins := "INSERT INTO " + db + ".more VALUES "
	return []string{
		ins + "(1, TRUE, b'1111111111111111111111111111111111111111111111111111111111111111', 16777215, 2155, 3.5, 1e300, " +
			"'-99999999999999999999999999999999999.999999999999999999999999999999', REPEAT('é', 255), 'àé', 0x00FF, " +
			"REPEAT('m', 70000), REPEAT('l', 300000), REPEAT(0xAB, 70000), X'')",
		ins + "(2, FALSE, 0, 0, 1901, 0, 0, 0, '', '', '', '', '', '', '')",
		ins + "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
		ins + "(4, 1, b'1', 1, 2000, 1.25e-30, 2.5e-300, 0.000000000000000000000000000001, 'x', 'y', 'z', 'ⓜ', '👍', 0x01, 0x02)",
		ins + fmt.Sprintf("(7, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, REPEAT('f', %d), NULL, NULL)", fullPacketText),
		ins + "(8, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, REPEAT('c', 17 * 1024 * 1024), REPEAT(0xCD, 300), NULL)",
	}
}

// textRowsTables creates typesTable with typical, NULL and extreme rows repeated over
// several batches, and moreTable; neither goes to the binlog.
func textRowsTables(t *testing.T, srv *mysqltest.Server, db string) {
	t.Helper()
	srv.Exec(t, "SET GLOBAL max_allowed_packet = 64 * 1024 * 1024")
	t.Cleanup(func() { _ = srv.Root("SET GLOBAL max_allowed_packet = 16 * 1024 * 1024") })
	stmts := []string{"SET sql_log_bin = 0", "SET sql_mode = ''", sprintf(typesTable, db),
		sprintf(typesRow, db, 1), sprintf(typesRow, db, 2), "INSERT INTO " + db + ".types (id) VALUES (3)",
		sprintf(typesExtremes, db, 4),
		"INSERT INTO " + db + ".types SELECT id + 10 * s.seq, " + typesColumns + " FROM " + db + ".types JOIN " + db + ".seq_1_to_300 s",
		sprintf(moreTable, db)}
	srv.Exec(t, append(stmts, moreRows(db)...)...)
	got := srv.Query(t, "SELECT id, LENGTH(lt) FROM "+db+".more WHERE id IN (7, 8) ORDER BY id")
	if want := [][]string{{"7", fmt.Sprint(fullPacketText)}, {"8", fmt.Sprint(17 << 20)}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("long values: %v, want %v", got, want)
	}
}

// textConn connects as the connector does (UTC session), with opts.
func textConn(t testing.TB, srv *mysqltest.Server, opts ...client.Option) *client.Conn {
	t.Helper()
	c, err := client.Connect(srv.Addr(), srv.User, srv.Password, "", opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.Execute("SET time_zone = '+00:00'"); err != nil {
		t.Fatal(err)
	}
	return c
}

// readRows reads q on c into rows, with the fast reader (which must apply) or with
// go-mysql's path; the batches are never reused.
func readRows(t *testing.T, c *client.Conn, q string, scratch []bool, fast bool) ([][]any, error) {
	t.Helper()
	var rows [][]any
	send := func(b *snapBatch) error {
		rows = append(rows, b.rows...)
		return nil
	}
	if !fast {
		textRowsOff = true
		defer func() { textRowsOff = false }()
		err := streamBatches(c, q, newBatchPool(), scratch, send)
		return rows, err
	}
	read, err := readTextBatches(c, q, newBatchPool(), scratch, send)
	if !read {
		t.Fatalf("%s: the fast reader declined", q)
	}
	return rows, err
}

// sameRows fails unless got and want hold the same values of the same dynamic types.
func sameRows(t *testing.T, got, want [][]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("row %d: %d values, want %d", i, len(got[i]), len(want[i]))
		}
		for j := range want[i] {
			if !reflect.DeepEqual(got[i][j], want[i][j]) {
				g, w := fmt.Sprintf("%#v", got[i][j]), fmt.Sprintf("%#v", want[i][j])
				t.Fatalf("row %d column %d: %T %.200s, want %T %.200s", i, j, got[i][j], g, want[i][j], w)
			}
		}
	}
}

// TestTextRowsMatchGoMySQL reads tables of every column type the snapshot supports
// (typical, NULL, empty and extreme values; rows over several batches; values longer
// than the read buffers and than one packet) with the fast reader and with go-mysql's
// path, and requires identical rows, with and without CLIENT_DEPRECATE_EOF, scratch
// columns and a read timeout. The connection's status must end up the same too.
func TestTextRowsMatchGoMySQL(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "textrows")
	textRowsTables(t, srv, db)
	tests := []struct {
		name    string
		opts    []client.Option
		scratch bool
	}{
		{name: "deprecate EOF"},
		{name: "EOF packets", opts: []client.Option{func(c *client.Conn) error { c.UnsetCapability(gmysql.CLIENT_DEPRECATE_EOF); return nil }}},
		{name: "scratch columns", scratch: true},
		{name: "read timeout", opts: []client.Option{func(c *client.Conn) error { c.ReadTimeout = time.Minute; return nil }}},
	}
	queries := []struct {
		q    string
		rows int
	}{
		{q: "SELECT * FROM " + db + ".types ORDER BY id", rows: 4 * 301},
		{q: "SELECT * FROM " + db + ".more ORDER BY id", rows: 6},
		{q: "SELECT * FROM " + db + ".types WHERE id < 0", rows: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := textConn(t, srv, tc.opts...)
			if got := c.HasCapability(gmysql.CLIENT_DEPRECATE_EOF) || strings.Contains(c.CapabilityString(), "CLIENT_DEPRECATE_EOF"); got == (tc.name == "EOF packets") {
				t.Fatalf("CLIENT_DEPRECATE_EOF negotiated: %v (%s)", got, c.CapabilityString())
			}
			for _, qc := range queries {
				var scratch []bool
				if tc.scratch {
					scratch = make([]bool, 40)
					for i := range scratch {
						scratch[i] = true
					}
				}
				want, err := readRows(t, c, qc.q, scratch, false)
				if err != nil {
					t.Fatal(err)
				}
				wantStatus := c.StatusString()
				got, err := readRows(t, c, qc.q, scratch, true)
				if err != nil {
					t.Fatal(err)
				}
				if len(want) != qc.rows {
					t.Fatalf("%s: go-mysql read %d rows, want %d", qc.q, len(want), qc.rows)
				}
				sameRows(t, got, want)
				if s := c.StatusString(); s != wantStatus {
					t.Fatalf("%s: status %s, want %s", qc.q, s, wantStatus)
				}
			}
		})
	}
}

// TestTextRowsLeaveConnectionUsable runs a command with go-mysql after each way a fast
// read ends: the whole result set (in and out of a transaction), an ERR packet at
// once or after rows were sent, the callback stopping early, and a query that returns
// no result set.
func TestTextRowsLeaveConnectionUsable(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "textusable")
	srv.Exec(t, "SET sql_log_bin = 0", "CREATE TABLE "+db+".t (id INT PRIMARY KEY, v VARCHAR(100))",
		"INSERT INTO "+db+".t SELECT seq, REPEAT('v', seq % 100) FROM "+db+".seq_1_to_5000")
	errStop := errors.New("stop")
	tests := []struct {
		name    string
		begin   bool   // start a transaction first
		q       string // the fast read
		stopAt  int    // batches send accepts before failing (0: never fails)
		wantErr func(error) bool
		minRows int
		inTrans bool
	}{
		{name: "whole result", q: "SELECT * FROM " + db + ".t", minRows: 5000},
		{name: "whole result in a transaction", begin: true, q: "SELECT * FROM " + db + ".t", minRows: 5000, inTrans: true},
		{name: "ERR at once", q: "SELECT * FROM " + db + ".missing", wantErr: isMyError(1146)},
		{name: "ERR after rows", q: "SELECT id, IF(id < 4000, id, EXP(1000)) FROM " + db + ".t ORDER BY id", wantErr: isMyError(1690), minRows: 1},
		{name: "callback stops early", q: "SELECT * FROM " + db + ".t", stopAt: 1, wantErr: func(err error) bool { return err == errStop }, minRows: rowBatch},
		{name: "callback stops early in a transaction", begin: true, q: "SELECT * FROM " + db + ".t", stopAt: 2, wantErr: func(err error) bool { return err == errStop }, minRows: 2 * rowBatch, inTrans: true},
		{name: "no result set", q: "DO 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := textConn(t, srv)
			if tc.begin {
				if _, err := c.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT"); err != nil {
					t.Fatal(err)
				}
			}
			rows, batches := 0, 0
			read, err := readTextBatches(c, tc.q, newBatchPool(), nil, func(b *snapBatch) error {
				if batches++; batches > tc.stopAt && tc.stopAt > 0 {
					return errStop
				}
				rows += len(b.rows)
				return nil
			})
			if !read {
				t.Fatal("the fast reader declined")
			}
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !tc.wantErr(err) {
				t.Fatalf("error %v (%T)", err, err)
			}
			if rows < tc.minRows {
				t.Fatalf("%d rows, want at least %d", rows, tc.minRows)
			}
			var me *gmysql.MyError
			if errors.As(err, &me) { // go-mysql's path must fail the same way, after as many rows
				want, wantErr := readRows(t, textConn(t, srv), tc.q, nil, false)
				var wme *gmysql.MyError
				if !errors.As(wantErr, &wme) || *wme != *me || len(want) != rows {
					t.Fatalf("fast reader: %d rows, %#v; go-mysql: %d rows, %#v", rows, me, len(want), wantErr)
				}
			}
			if c.IsInTransaction() != tc.inTrans {
				t.Fatalf("in transaction %v, want %v (%s)", c.IsInTransaction(), tc.inTrans, c.StatusString())
			}
			r, err := c.Execute("SELECT COUNT(*), SUM(id) FROM " + db + ".t")
			if err != nil {
				t.Fatalf("next query: %v", err)
			}
			if n, _ := r.GetInt(0, 0); n != 5000 {
				t.Fatalf("next query: count %d", n)
			}
			if s, _ := r.GetInt(0, 1); s != 5000*5001/2 {
				t.Fatalf("next query: sum %d", s)
			}
			// and the fast reader again
			var again int
			if _, err := readTextBatches(c, "SELECT id FROM "+db+".t", newBatchPool(), nil, func(b *snapBatch) error {
				again += len(b.rows)
				return nil
			}); err != nil || again != 5000 {
				t.Fatalf("reading again: %d rows, %v", again, err)
			}
		})
	}
}

func isMyError(code uint16) func(error) bool {
	return func(err error) bool {
		var me *gmysql.MyError
		return errors.As(err, &me) && me.Code == code
	}
}

// TestTextRowsFallBackWhenCompressed checks that the fast reader declines a
// compressed connection without sending anything, and that streamBatches then reads
// through go-mysql the same rows the fast reader reads on a plain connection.
func TestTextRowsFallBackWhenCompressed(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "textzlib")
	srv.Exec(t, "SET sql_log_bin = 0", "CREATE TABLE "+db+".t (id INT PRIMARY KEY, v VARCHAR(100), d DECIMAL(8,2))",
		"INSERT INTO "+db+".t SELECT seq, REPEAT('z', seq % 100), seq / 7 FROM "+db+".seq_1_to_1000")
	q := "SELECT * FROM " + db + ".t ORDER BY id"
	zc := textConn(t, srv, func(c *client.Conn) error { return c.SetCapability(gmysql.CLIENT_COMPRESS) })
	if zc.Compression == gmysql.MYSQL_COMPRESS_NONE {
		t.Fatalf("compression not negotiated: %s", zc.CapabilityString())
	}
	if read, err := readTextBatches(zc, q, newBatchPool(), nil, func(*snapBatch) error { return nil }); read || err != nil {
		t.Fatalf("fast reader on a compressed connection: read %v, %v", read, err)
	}
	var got [][]any
	if err := streamBatches(zc, q, newBatchPool(), nil, func(b *snapBatch) error {
		got = append(got, b.rows...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want, err := readRows(t, textConn(t, srv), q, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	sameRows(t, got, want)
}

// TestTextRowsMoreResults reads the first result of a multi-statement query with the
// fast reader: the connection's status must say more results exist, and go-mysql's
// own packet reader must then read the second result set whole, in sequence (nothing
// the fast reader read ahead is lost).
func TestTextRowsMoreResults(t *testing.T) {
	srv := mysqltest.Start(t)
	c := textConn(t, srv, func(c *client.Conn) error { return c.SetCapability(gmysql.CLIENT_MULTI_STATEMENTS) })
	var rows [][]any
	read, err := readTextBatches(c, "SELECT 1, 'a'; SELECT 'second', 2", newBatchPool(), nil, func(b *snapBatch) error {
		rows = append(rows, b.rows...)
		return nil
	})
	if !read || err != nil {
		t.Fatalf("read %v, %v", read, err)
	}
	if got := fmt.Sprint(rows); got != "[[1 a]]" {
		t.Fatalf("rows %s, want [[1 a]]", got)
	}
	if !strings.Contains(c.StatusString(), "SERVER_MORE_RESULTS_EXISTS") {
		t.Fatalf("status %s lacks SERVER_MORE_RESULTS_EXISTS", c.StatusString())
	}
	_, replayed := c.Conn.Conn.(*replayConn)
	t.Logf("bytes read ahead handed back: %v", replayed)
	var got []string
	for {
		p, err := c.ReadPacket()
		if err != nil {
			t.Fatalf("second result after %q: %v", got, err)
		}
		if p[0] == gmysql.EOF_HEADER && len(p) < 9 {
			break
		}
		got = append(got, string(p))
	}
	// column count, two column definitions, one row
	if len(got) != 4 || got[0] != "\x02" || got[3] != "\x06second\x012" {
		t.Fatalf("second result packets %q", got)
	}
	if _, err := c.Execute("DO 1"); err != nil {
		t.Fatal(err)
	}
}

// TestTextRowsStoppedMidStream ends a fast read of a table far larger than the socket
// and read buffers mid-stream: the server killing the connection must surface as an
// error, and a stop whose rest of the result set cannot be skipped within drainBudget
// must close the connection rather than leave it mid-result.
func TestTextRowsStoppedMidStream(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "textstop")
	srv.Exec(t, "SET sql_log_bin = 0", "CREATE TABLE "+db+".t (id INT PRIMARY KEY, v VARCHAR(200)) ENGINE=MyISAM",
		"INSERT INTO "+db+".t SELECT seq, REPEAT('s', 200) FROM "+db+".seq_1_to_200000")
	errStop := errors.New("stop")
	tests := []struct {
		name    string
		stop    func(c *client.Conn) error // called after the first batch; its error is send's
		budget  time.Duration
		wantErr func(error) bool
	}{
		{
			name: "server kills the connection",
			stop: func(c *client.Conn) error {
				return srv.Root(fmt.Sprintf("KILL CONNECTION %d", c.GetConnectionID()))
			},
			budget: time.Second,
			wantErr: func(err error) bool {
				var me *gmysql.MyError
				return errors.Is(err, gmysql.ErrBadConn) || errors.As(err, &me)
			},
		},
		{
			name:    "drain budget exceeded",
			stop:    func(*client.Conn) error { return errStop },
			budget:  0,
			wantErr: func(err error) bool { return err == errStop },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			saved := drainBudget
			drainBudget = tc.budget
			t.Cleanup(func() { drainBudget = saved })
			c := textConn(t, srv)
			batches := 0
			read, err := readTextBatches(c, "SELECT * FROM "+db+".t", newBatchPool(), nil, func(b *snapBatch) error {
				if batches++; batches == 1 {
					return tc.stop(c)
				}
				return nil
			})
			if !read || !tc.wantErr(err) {
				t.Fatalf("read %v after %d batches: error %v (%T)", read, batches, err, err)
			}
			if batches*rowBatch >= 200000 {
				t.Fatalf("the whole table was read (%d batches)", batches)
			}
			if _, err := c.Execute("DO 1"); err == nil {
				t.Fatal("the connection still runs commands")
			}
		})
	}
}

// TestShortDecimal holds shortDecimal to strconv.ParseInt wherever it answers, and
// checks it declines what it must leave to strconv.
func TestShortDecimal(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{name: "zero", in: "0", ok: true},
		{name: "negative zero", in: "-0", ok: true},
		{name: "leading zeros", in: "0007", ok: true},
		{name: "18 digits", in: "999999999999999999", ok: true},
		{name: "negative 18 digits", in: "-999999999999999999", ok: true},
		{name: "19 digits", in: "9223372036854775807"},
		{name: "min int64", in: "-9223372036854775808"},
		{name: "empty", in: ""},
		{name: "minus only", in: "-"},
		{name: "plus sign", in: "+5"},
		{name: "fraction", in: "1.5"},
		{name: "space", in: " 1"},
		{name: "letter", in: "12a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := shortDecimal([]byte(tc.in))
			if ok != tc.ok {
				t.Fatalf("ok %v, want %v", ok, tc.ok)
			}
			if want, err := strconv.ParseInt(tc.in, 10, 64); ok && (err != nil || got != want) {
				t.Fatalf("%d, strconv says %d, %v", got, want, err)
			}
		})
	}
}

// BenchmarkTextRows reads a table shaped like W1's (about 200 bytes a row on the
// wire) into pooled batches the way the snapshot's reader does, with go-mysql's path
// and with the fast reader, and reports the client's CPU time per row (user and
// system, from getrusage: the server's time is not in it).
func BenchmarkTextRows(b *testing.B) {
	const rows = 100_000
	srv := mysqltest.Start(b)
	db := srv.NewDatabase(b, "textbench")
	srv.Exec(b, "SET sql_log_bin = 0", "CREATE TABLE "+db+".t (id BIGINT NOT NULL PRIMARY KEY, qty INT NOT NULL, "+
		"account BIGINT NOT NULL, name VARCHAR(64) NOT NULL, note VARCHAR(255), price DECIMAL(10,2) NOT NULL, "+
		"score DOUBLE NOT NULL, created DATETIME(6) NOT NULL, updated TIMESTAMP NOT NULL, active TINYINT(1) NOT NULL)",
		"INSERT INTO "+db+".t SELECT seq, seq % 1000, seq * 7919, CONCAT('customer-', LPAD(seq, 8, '0'), '-', LPAD(seq * 104729, 21, '0')), "+
			"LEFT(REPEAT('the quick brown fox jumps over the lazy dog; ', 3), 96 + seq % 32), seq % 100000 + (seq % 100) / 100, "+
			"seq + (seq % 1000) / 1000, '2024-01-01 00:00:00' + INTERVAL seq SECOND + INTERVAL seq % 1000000 MICROSECOND, "+
			"'2024-03-01 00:00:00' + INTERVAL seq * 7 SECOND, seq % 2 FROM "+db+".seq_1_to_100000")
	scratch := []bool{false, false, false, false, false, true, false, true, true, false}
	for _, fast := range []bool{false, true} {
		name := "go-mysql"
		if fast {
			name = "fast"
		}
		b.Run(name, func(b *testing.B) {
			c := textConn(b, srv)
			textRowsOff = !fast
			b.Cleanup(func() { textRowsOff = false })
			pool := newBatchPool()
			var ru0, ru1 syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
			b.ReportAllocs()
			for b.Loop() {
				var held *snapBatch
				n := 0
				if err := streamBatches(c, "SELECT * FROM "+db+".t", pool, scratch, func(sb *snapBatch) error {
					n += len(sb.rows)
					pool.put(held)
					held = sb
					return nil
				}); err != nil || n != rows {
					b.Fatalf("%d rows, %v", n, err)
				}
			}
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
			cpu := time.Duration(ru1.Utime.Nano()-ru0.Utime.Nano()) + time.Duration(ru1.Stime.Nano()-ru0.Stime.Nano())
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*rows), "cpu-ns/row")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
		})
	}
}

// fuzzFields are the columns FuzzTextRowMatchesParseText parses rows of: every way
// ParseText and kindOf treat a column, with the text ones scratch or not.
var fuzzFields = []*gmysql.Field{
	{Type: gmysql.MYSQL_TYPE_TINY, Charset: binaryCharset}, {Type: gmysql.MYSQL_TYPE_SHORT, Charset: binaryCharset},
	{Type: gmysql.MYSQL_TYPE_INT24, Charset: binaryCharset}, {Type: gmysql.MYSQL_TYPE_LONG, Charset: binaryCharset},
	{Type: gmysql.MYSQL_TYPE_LONGLONG, Charset: binaryCharset}, {Type: gmysql.MYSQL_TYPE_YEAR, Charset: binaryCharset, Flag: gmysql.UNSIGNED_FLAG},
	{Type: gmysql.MYSQL_TYPE_LONGLONG, Charset: binaryCharset, Flag: gmysql.UNSIGNED_FLAG}, {Type: gmysql.MYSQL_TYPE_TINY, Charset: binaryCharset, Flag: gmysql.UNSIGNED_FLAG},
	{Type: gmysql.MYSQL_TYPE_FLOAT, Charset: binaryCharset}, {Type: gmysql.MYSQL_TYPE_DOUBLE, Charset: binaryCharset},
	{Type: gmysql.MYSQL_TYPE_NEWDECIMAL, Charset: binaryCharset}, {Type: gmysql.MYSQL_TYPE_DATETIME, Charset: binaryCharset},
	{Type: gmysql.MYSQL_TYPE_VAR_STRING, Charset: 45}, {Type: gmysql.MYSQL_TYPE_BLOB, Charset: binaryCharset},
	{Type: gmysql.MYSQL_TYPE_BIT, Charset: binaryCharset}, {Type: gmysql.MYSQL_TYPE_GEOMETRY, Charset: binaryCharset},
}

var fuzzScratch = []bool{false, false, false, false, false, false, false, false, false, false, true, true, false, false, false, false}

// FuzzTextRowMatchesParseText parses arbitrary row packets with the fast reader's row
// parser and with go-mysql's ParseText and copyTo: the parser must never panic, must
// reject what go-mysql rejects, and must produce the same values wherever go-mysql
// accepts the row, except that it rejects a row with missing trailing values (go-mysql
// reads them as NULL).
func FuzzTextRowMatchesParseText(f *testing.F) {
	for _, i := range []int{0, 1, 4711, 1 << 20} {
		_, row := textRow10(i)
		f.Add([]byte(row))
	}
	var row []byte
	for _, v := range []string{"-128", "65535", "-8388608", "2147483647", "-9223372036854775808", "2155",
		"18446744073709551615", "255", "-3.40282e38", "1e308", "-99999.99", "2024-01-02 03:04:05.123456", "héllo", "", "\x01", "\x00\x00"} {
		row = append(row, gmysql.PutLengthEncodedString([]byte(v))...)
	}
	f.Add(row)
	f.Add(bytes.Repeat([]byte{0xfb}, len(fuzzFields)))
	f.Fuzz(func(t *testing.T, p []byte) {
		want, wantErr, panicked := parseTextReference(p)
		tr := &textResult{}
		tr.useFields(fuzzFields, fuzzScratch)
		got, err := tr.row(newBatchPool().get(len(fuzzFields)), p)
		switch {
		case panicked:
		case wantErr != nil:
			if err == nil {
				t.Fatalf("go-mysql: %v; fast reader: %v", wantErr, got)
			}
		case err != nil:
			if !strings.Contains(err.Error(), "truncated") {
				t.Fatalf("go-mysql: %v; fast reader: %v", want, err)
			}
		default:
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("fast reader %#v, go-mysql %#v", got, want)
			}
		}
	})
}

// parseTextReference is the go-mysql path's row: ParseText, then copyTo.
func parseTextReference(p []byte) (row []any, err error, panicked bool) {
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	fv, err := gmysql.RowData(p).ParseText(fuzzFields, nil)
	if err != nil {
		return nil, err, false
	}
	var c rowCopier
	return c.copyTo(newBatchPool().get(len(fuzzFields)), fuzzScratch, fuzzFields, fv), nil, false
}
