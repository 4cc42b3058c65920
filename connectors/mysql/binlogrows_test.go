package mysql

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/shopspring/decimal"
)

// binlogRowsTypes is a table of every column type binlogRows decodes itself, at the
// lengths and precisions that change their encodings.
const binlogRowsTypes = `(id INT PRIMARY KEY,
	t TINYINT, tu TINYINT UNSIGNED, s SMALLINT, su SMALLINT UNSIGNED, m MEDIUMINT, mu MEDIUMINT UNSIGNED,
	i INT, iu INT UNSIGNED, b BIGINT, bu BIGINT UNSIGNED, f FLOAT, d DOUBLE,
	d1 DECIMAL(10,2), d2 DECIMAL(5,0), d3 DECIMAL(18,9), d4 DECIMAL(30,10), d5 DECIMAL(65,30), d6 DECIMAL(4,4),
	c1 CHAR(10), c2 CHAR(100) CHARACTER SET utf8mb4, v1 VARCHAR(32), v2 VARCHAR(300), bin BINARY(4), vb VARBINARY(20),
	tx TEXT, bl BLOB, tb TINYBLOB, mb MEDIUMBLOB, lt LONGTEXT,
	dt DATE, y YEAR, dt0 DATETIME, dt3 DATETIME(3), dt6 DATETIME(6), ts0 TIMESTAMP NULL, ts6 TIMESTAMP(6) NULL, dt2 DATETIME(2), ts2 TIMESTAMP(2) NULL) DEFAULT CHARSET=utf8mb4`

// binlogRowsOther is a table with a column binlogRows leaves to go-mysql.
const binlogRowsOther = `(id INT PRIMARY KEY, e ENUM('a','b','c'), st SET('x','y'), bt BIT(10), tm TIME(3), j JSON, v VARCHAR(10)) DEFAULT CHARSET=utf8mb4`

// TestBinlogRowsMatchesGoMySQL decodes the same binlog (inserts, updates and deletes
// of random and extreme values of every type binlogRows handles, with full and minimal
// row images, and of types it hands to go-mysql) twice: with go-mysql's own row
// decoding and with binlogRows as the parser's RowsEventDecodeFunc. Every value must be
// the same: same Go type, same value.
func TestBinlogRowsMatchesGoMySQL(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "rows")
	start := srv.Query(t, "SHOW MASTER STATUS")[0]
	srv.Exec(t, "CREATE TABLE `"+db+"`.fast "+binlogRowsTypes, "CREATE TABLE `"+db+"`.other "+binlogRowsOther)
	rng := rand.New(rand.NewPCG(7, 11))
	var stmts []string
	for id := range 300 {
		stmts = append(stmts, "INSERT INTO `"+db+"`.fast VALUES "+randomFastRow(rng, id))
	}
	stmts = append(stmts,
		"UPDATE `"+db+"`.fast SET d1 = -d1, v1 = LEFT(CONCAT('x', v1), 32), dt6 = '2038-01-19 03:14:07.999999' WHERE id % 3 = 0",
		"SET SESSION binlog_row_image = MINIMAL",
		"UPDATE `"+db+"`.fast SET i = i DIV 2, tx = NULL WHERE id % 5 = 0",
		"DELETE FROM `"+db+"`.fast WHERE id % 7 = 0",
		"SET SESSION binlog_row_image = FULL",
		"DELETE FROM `"+db+"`.fast WHERE id % 11 = 0",
		"SET SESSION sql_mode = ''",
		// zero and partial dates are text in go-mysql: the whole event goes its way
		"INSERT INTO `"+db+"`.fast (id, dt, dt0, dt6, ts0) VALUES (1000, '0000-00-00', '0000-00-00 00:00:00', '2020-00-10 01:02:03.5', '0000-00-00 00:00:00')",
		"INSERT INTO `"+db+"`.other VALUES (1, 'b', 'x,y', b'1010101010', '-838:59:59.000', '{\"k\": [1, 2.5, \"s\"]}', 'v')",
		"INSERT INTO `"+db+"`.other VALUES (2, NULL, '', b'0', '00:00:01.5', NULL, NULL)",
	)
	srv.Exec(t, stmts...)
	pos, _ := strconv.Atoi(start[1])
	from := gmysql.Position{Name: start[0], Pos: uint32(pos)}

	sp := spanFrom(t, srv, from)
	want := readRowsEvents(t, srv, sp, db, nil)
	dec := &binlogRows{}
	got := readRowsEvents(t, srv, sp, db, dec)
	if len(got) != len(want) || len(want) < 300 {
		t.Fatalf("%d rows events with binlogRows, %d with go-mysql (want at least 300)", len(got), len(want))
	}
	fast, other := 0, 0
	for i := range want {
		w, g := want[i], got[i]
		if len(w.rows) != len(g.rows) {
			t.Fatalf("event %d (%s): %d images, want %d", i, w.table, len(g.rows), len(w.rows))
		}
		for r := range w.rows {
			for c := range w.rows[r] {
				if err := sameValue(g.rows[r][c], w.rows[r][c]); err != nil {
					t.Fatalf("event %d (%s) image %d column %d: %v", i, w.table, r, c, err)
				}
			}
		}
		if w.table == "other" {
			other++
		} else {
			fast++
		}
	}
	if dec.fast < 300 || dec.fast > fast {
		t.Fatalf("binlogRows decoded %d of the %d events of the fast table itself; want all but those with zero or pre-1970 dates", dec.fast, fast)
	}
	if dec.fast == fast {
		t.Fatalf("no event with a zero or pre-1970 date was handed to go-mysql")
	}
	t.Logf("binlogRows decoded %d of the fast table's %d events itself", dec.fast, fast)
	if other != 2 {
		t.Fatalf("%d events of the other table, want 2", other)
	}
}

// sameValue reports how got differs from want: type, then value (decimals by value
// and exponent, times by instant and location).
func sameValue(got, want any) error {
	if reflect.TypeOf(got) != reflect.TypeOf(want) {
		return fmt.Errorf("got %T %v, want %T %v", got, got, want, want)
	}
	switch w := want.(type) {
	case decimal.Decimal:
		g := got.(decimal.Decimal)
		if !g.Equal(w) || g.Exponent() != w.Exponent() || g.String() != w.String() {
			return fmt.Errorf("got decimal %s (exp %d), want %s (exp %d)", g, g.Exponent(), w, w.Exponent())
		}
		return nil
	case time.Time:
		g := got.(time.Time)
		if !g.Equal(w) || g.Location().String() != w.Location().String() || g.String() != w.String() {
			return fmt.Errorf("got time %v, want %v", g, w)
		}
		return nil
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("got %#v, want %#v", got, want)
	}
	return nil
}

type rowsEventRows struct {
	table string
	rows  [][]any
}

// readRowsEvents reads the binlog span sp and returns the rows events of database db,
// decoded by go-mysql or, with dec, by dec.
func readRowsEvents(t *testing.T, srv *mysqltest.Server, sp binlogSpan, db string, dec *binlogRows) []rowsEventRows {
	t.Helper()
	var out []rowsEventRows
	for _, ev := range readEvents(t, srv, sp, nil, dec) {
		if re, ok := ev.Event.(*replication.RowsEvent); ok && re.Table != nil && string(re.Table.Schema) == db {
			out = append(out, rowsEventRows{table: string(re.Table.Table), rows: re.Rows})
		}
	}
	return out
}

// randomFastRow is one row of binlogRowsTypes: extremes for the first ids, random
// values after, NULLs sprinkled in.
func randomFastRow(rng *rand.Rand, id int) string {
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	pick := func(vals ...string) string { return vals[rng.IntN(len(vals))] }
	num := func(lo, hi int64) string { return strconv.FormatInt(lo+rng.Int64N(hi-lo+1), 10) }
	unum := func(hi uint64) string { return strconv.FormatUint(rng.Uint64N(hi+1), 10) }
	dec := func(intDigits, scale int) string {
		var b strings.Builder
		if rng.IntN(2) == 0 {
			b.WriteByte('-')
		}
		n := rng.IntN(intDigits + 1)
		b.WriteByte('0')
		for range n {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		if scale > 0 {
			b.WriteByte('.')
			for range scale {
				b.WriteByte(byte('0' + rng.IntN(10)))
			}
		}
		return b.String()
	}
	text := func(n int) string {
		const alphabet = "abcXYZ 019_é€😀"
		r := []rune(alphabet)
		var b strings.Builder
		for range rng.IntN(n + 1) {
			b.WriteRune(r[rng.IntN(len(r))])
		}
		return b.String()
	}
	datetime := func(frac int) string {
		// go-mysql gives DATETIMEs before 1970 as text: the extremes row has them
		s := fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", 1970+rng.IntN(8030), 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60))
		if frac > 0 {
			s += "." + fmt.Sprintf("%06d", rng.IntN(1000000))[:frac]
		}
		return q(s)
	}
	timestamp := func(frac int) string {
		s := time.Unix(1+rng.Int64N(2147483646), 0).UTC().Format("2006-01-02 15:04:05")
		if frac > 0 {
			s += "." + fmt.Sprintf("%06d", rng.IntN(1000000))[:frac]
		}
		return q(s)
	}
	null := func(v string) string {
		if rng.IntN(8) == 0 {
			return "NULL"
		}
		return v
	}
	var vals []string
	switch id {
	case 0: // minima
		vals = []string{"-128", "0", "-32768", "0", "-8388608", "0", "-2147483648", "0", "-9223372036854775808", "0",
			"-3.4e38", "-1.7976931348623157e308", "-99999999.99", "-99999", "-999999999.999999999",
			"-99999999999999999999.9999999999", "-" + strings.Repeat("9", 35) + "." + strings.Repeat("9", 30), "-0.9999",
			"''", "''", "''", "''", "X'00000000'", "''", "''", "''", "''", "''", "''",
			"'1000-01-01'", "1901", "'1000-01-01 00:00:00'", "'1000-01-01 00:00:00.000'", "'1000-01-01 00:00:00.000000'",
			"'1970-01-01 00:00:01'", "'1970-01-01 00:00:01.000000'", "'1000-01-01 00:00:00.00'", "'1970-01-01 00:00:01.01'"}
	case 1: // maxima
		vals = []string{"127", "255", "32767", "65535", "8388607", "16777215", "2147483647", "4294967295", "9223372036854775807",
			"18446744073709551615", "3.4e38", "1.7976931348623157e308", "99999999.99", "99999", "999999999.999999999",
			"99999999999999999999.9999999999", strings.Repeat("9", 35) + "." + strings.Repeat("9", 30), "0.9999",
			q(strings.Repeat("z", 10)), q(strings.Repeat("€", 100)), q(strings.Repeat("x", 32)), q(strings.Repeat("é", 300)),
			"X'FFFFFFFF'", q(strings.Repeat("b", 20)), "REPEAT('t', 65535)", "REPEAT('b', 65535)", q(strings.Repeat("y", 255)),
			"REPEAT('m', 100000)", "REPEAT('l', 300000)",
			"'9999-12-31'", "2155", "'9999-12-31 23:59:59'", "'9999-12-31 23:59:59.999'", "'9999-12-31 23:59:59.999999'",
			"'2038-01-19 03:14:07'", "'2038-01-19 03:14:07.999999'", "'9999-12-31 23:59:59.99'", "'2038-01-19 03:14:07.99'"}
	case 2: // zeros
		vals = []string{"0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0",
			"'a'", "'a'", "'a'", "'a'", "X'01'", "X'00'", "'a'", "X''", "X''", "X''", "'a'",
			"'2000-02-29'", "0", "'1970-01-01 00:00:00'", "'1970-01-01 00:00:00.001'", "'1970-01-01 00:00:00.000001'",
			"'2000-01-01 00:00:00'", "'2000-01-01 00:00:00.100000'", "'1970-01-01 00:00:00.00'", "'2000-01-01 00:00:00.50'"}
	default:
		vals = []string{
			null(num(-128, 127)), null(unum(255)), null(num(-32768, 32767)), null(unum(65535)), null(num(-8388608, 8388607)),
			null(unum(16777215)), null(num(-2147483648, 2147483647)), null(unum(4294967295)),
			null(pick(num(-1<<61, 1<<61), num(-1000, 1000))), null(pick(unum(1<<63), unum(1000))),
			null(pick("1.5", "-2.25e10", "3.1415927", "0")), null(pick("2.718281828459045", "-1e-300", "6.02214076e23", "0")),
			null(dec(8, 2)), null(dec(5, 0)), null(dec(9, 9)), null(dec(20, 10)), null(dec(35, 30)), null(dec(0, 4)),
			null(q(text(10))), null(q(text(100))), null(q(text(32))), null(q(text(300))), null(pick("X'0102'", "X'7F80FF00'")),
			null(pick("X''", "X'00FF'")), null(q(text(500))), null(pick("X'00'", "REPEAT('z', 300)")), null(q(text(60))),
			null(pick("REPEAT('q', 70000)", "'m'")), null(q(text(1000))),
			null(q(fmt.Sprintf("%04d-%02d-%02d", 1000+rng.IntN(9000), 1+rng.IntN(12), 1+rng.IntN(28)))), null(num(1901, 2155)),
			null(datetime(0)), null(datetime(3)), null(datetime(6)), null(timestamp(0)), null(timestamp(6)), null(datetime(2)), null(timestamp(2))}
	}
	return "(" + strconv.Itoa(id) + ", " + strings.Join(vals, ", ") + ")"
}
