package mysql

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"unsafe"

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
	_, got, raw := readBothWays(t, srv, from, nil) // compares Type() and SkippedColumns
	types := map[replication.EnumRowsEventType]int{}
	for _, ev := range got {
		if e, ok := ev.Event.(*replication.RowsEvent); ok {
			types[e.Type()]++
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

// TestBinlogRowsCraftedValuesMatchGoMySQL feeds binlogRows and go-mysql's DecodeData
// the same crafted one-column images, random bytes of each fixed-size type (so edge
// values a server rarely writes come up: negative and zero-group decimals, precision
// above 18, scale equal to precision, every DATETIME2/TIMESTAMP2 fraction, pre-1970
// and invalid datetimes, zero YEAR and DATE), signed and unsigned. Whenever binlogRows
// takes a value it must be go-mysql's, type and value; what it declines is go-mysql's
// anyway. Each case must also have values binlogRows takes.
func TestBinlogRowsCraftedValuesMatchGoMySQL(t *testing.T) {
	decSize := func(prec, scale int) int {
		intg := prec - scale
		return intg/9*4 + decimalGroupBytes[intg%9] + scale/9*4 + decimalGroupBytes[scale%9]
	}
	type craftedCase struct {
		name     string
		typ      byte
		meta     uint16
		size     int
		unsigned bool
	}
	tests := []craftedCase{
		{name: "tiny", typ: gmysql.MYSQL_TYPE_TINY, size: 1},
		{name: "tiny unsigned", typ: gmysql.MYSQL_TYPE_TINY, size: 1, unsigned: true},
		{name: "short unsigned", typ: gmysql.MYSQL_TYPE_SHORT, size: 2, unsigned: true},
		{name: "int24", typ: gmysql.MYSQL_TYPE_INT24, size: 3},
		{name: "int24 unsigned", typ: gmysql.MYSQL_TYPE_INT24, size: 3, unsigned: true},
		{name: "long", typ: gmysql.MYSQL_TYPE_LONG, size: 4},
		{name: "longlong unsigned", typ: gmysql.MYSQL_TYPE_LONGLONG, size: 8, unsigned: true},
		{name: "float", typ: gmysql.MYSQL_TYPE_FLOAT, meta: 4, size: 4},
		{name: "double", typ: gmysql.MYSQL_TYPE_DOUBLE, meta: 8, size: 8},
		{name: "year", typ: gmysql.MYSQL_TYPE_YEAR, size: 1},
		{name: "date", typ: gmysql.MYSQL_TYPE_DATE, size: 3},
		{name: "decimal(1,0)", typ: gmysql.MYSQL_TYPE_NEWDECIMAL, meta: 1<<8 | 0, size: decSize(1, 0)},
		{name: "decimal(5,5)", typ: gmysql.MYSQL_TYPE_NEWDECIMAL, meta: 5<<8 | 5, size: decSize(5, 5)},
		{name: "decimal(10,2)", typ: gmysql.MYSQL_TYPE_NEWDECIMAL, meta: 10<<8 | 2, size: decSize(10, 2)},
		{name: "decimal(18,9)", typ: gmysql.MYSQL_TYPE_NEWDECIMAL, meta: 18<<8 | 9, size: decSize(18, 9)},
		{name: "decimal(19,0)", typ: gmysql.MYSQL_TYPE_NEWDECIMAL, meta: 19<<8 | 0, size: decSize(19, 0)},
		{name: "decimal(30,30)", typ: gmysql.MYSQL_TYPE_NEWDECIMAL, meta: 30<<8 | 30, size: decSize(30, 30)},
		{name: "decimal(65,30)", typ: gmysql.MYSQL_TYPE_NEWDECIMAL, meta: 65<<8 | 30, size: decSize(65, 30)},
	}
	for dec := range 7 {
		tests = append(tests,
			craftedCase{name: "datetime2(" + strconv.Itoa(dec) + ")", typ: gmysql.MYSQL_TYPE_DATETIME2, meta: uint16(dec), size: 5 + (dec+1)/2},
			craftedCase{name: "timestamp2(" + strconv.Itoa(dec) + ")", typ: gmysql.MYSQL_TYPE_TIMESTAMP2, meta: uint16(dec), size: 4 + (dec+1)/2})
	}
	rng := rand.New(rand.NewPCG(11, 13))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tm := &replication.TableMapEvent{ColumnCount: 1, ColumnType: []byte{tc.typ}, ColumnMeta: []uint16{tc.meta}}
			if tc.unsigned {
				tm.SignednessBitmap = []byte{0x80}
			}
			var d binlogRows
			if !d.planTable(tm, 1) {
				t.Fatalf("binlogRows declines the column type %d meta %d", tc.typ, tc.meta)
			}
			taken := 0
			for i := range 3000 {
				data := make([]byte, 1+tc.size)
				for j := 1; j < len(data); j++ {
					data[j] = byte(rng.Uint32())
				}
				switch {
				case i%7 == 0 && tc.typ == gmysql.MYSQL_TYPE_DATETIME2: // a plausible date: 1000..9999
					ymd := int64(1000+rng.IntN(9000))*13 + int64(1+rng.IntN(12))
					v := (ymd<<5|int64(1+rng.IntN(28)))<<17 | int64(rng.IntN(24))<<12 | int64(rng.IntN(60))<<6 | int64(rng.IntN(60))
					v += 0x8000000000
					data[1], data[2], data[3], data[4], data[5] = byte(v>>32), byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
				case i%5 == 0 && tc.typ == gmysql.MYSQL_TYPE_NEWDECIMAL: // valid digit groups: small values
					for j := 1; j < len(data); j++ {
						data[j] = 0
					}
					data[1] = 0x80
					if rng.IntN(2) == 0 {
						for j := 1; j < len(data); j++ {
							data[j] ^= 0xFF
						}
					}
					data[len(data)-1] ^= byte(rng.IntN(10))
				}
				want := craftedRowsEvent(t, tm, data)
				if err := want.DecodeData(0, data); err != nil {
					continue // go-mysql rejects it; binlogRows must not take it either
				}
				got := craftedRowsEvent(t, tm, data)
				if !d.decodeImages(got, 0, data, d.plan) {
					continue
				}
				taken++
				if len(got.Rows) != len(want.Rows) {
					t.Fatalf("bytes %x: %d images, want %d", data, len(got.Rows), len(want.Rows))
				}
				if err := sameBits(got.Rows[0][0], want.Rows[0][0]); err != nil {
					t.Fatalf("bytes %x: %v", data, err)
				}
			}
			if taken == 0 {
				t.Errorf("binlogRows took none of the values")
			}
		})
	}
}

// craftedRowsEvent is a WRITE_ROWS_EVENTv1 of tm with one full image, set up as the
// parser sets its events up (parse time, decimals) for DecodeData.
func craftedRowsEvent(t *testing.T, tm *replication.TableMapEvent, data []byte) *replication.RowsEvent {
	t.Helper()
	if !rowsEventFields.ok {
		t.Fatal("go-mysql's RowsEvent fields moved")
	}
	e := &replication.RowsEvent{Table: tm, TableID: tm.TableID, ColumnCount: tm.ColumnCount, Version: 1, ColumnBitmap1: []byte{0xFF}}
	setRowsEventType(e, replication.WRITE_ROWS_EVENTv1)
	v := reflect.ValueOf(e).Elem()
	for _, f := range []string{"parseTime", "useDecimal"} {
		fv := v.FieldByName(f)
		if fv.Kind() != reflect.Bool {
			t.Fatalf("go-mysql's RowsEvent has no %s", f)
		}
		*(*bool)(unsafe.Pointer(fv.UnsafeAddr())) = true
	}
	return e
}

// sameBits is sameValue, floats compared by their bits (a NaN is not equal to itself).
func sameBits(got, want any) error {
	switch w := want.(type) {
	case float32:
		if g, ok := got.(float32); ok && math.Float32bits(g) == math.Float32bits(w) {
			return nil
		}
		return fmt.Errorf("got %T %v, want float32 %v", got, got, w)
	case float64:
		if g, ok := got.(float64); ok && math.Float64bits(g) == math.Float64bits(w) {
			return nil
		}
		return fmt.Errorf("got %T %v, want float64 %v", got, got, w)
	}
	return sameValue(got, want)
}

// TestRawEventsWithoutChecksums: with binlog_checksum=NONE events carry no CRC32
// trailer, so a body rawEvents reads must not lose its last four bytes (nor keep a
// trailer when CRC32 is back): the binlog switches from CRC32 to NONE and back (each a
// rotation with a new FORMAT_DESCRIPTION), with rows of a table binlogRows decodes on
// either side, and every event must equal go-mysql's.
func TestRawEventsWithoutChecksums(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "nocrc")
	start := srv.Query(t, "SHOW MASTER STATUS")[0]
	t.Cleanup(func() {
		if err := srv.Root("SET GLOBAL binlog_checksum = CRC32"); err != nil {
			t.Errorf("restoring binlog_checksum: %v", err)
		}
	})
	tbl := "`" + db + "`.t"
	srv.Exec(t, "CREATE TABLE "+tbl+" (id INT UNSIGNED PRIMARY KEY, v VARCHAR(300), d DECIMAL(20,4), ts TIMESTAMP(3) NULL)",
		"INSERT INTO "+tbl+" VALUES (4294967295, 'crc', -12345678901234.5678, '2001-02-03 04:05:06.789')")
	if err := srv.Root("SET GLOBAL binlog_checksum = NONE"); err != nil {
		t.Fatal(err)
	}
	srv.Exec(t, "INSERT INTO "+tbl+" VALUES (1, REPEAT('n', 290), 0.0001, NULL)",
		"UPDATE "+tbl+" SET v = 'none' WHERE id = 1", "DELETE FROM "+tbl+" WHERE id = 4294967295")
	if err := srv.Root("SET GLOBAL binlog_checksum = CRC32"); err != nil {
		t.Fatal(err)
	}
	srv.Exec(t, "INSERT INTO "+tbl+" VALUES (2, 'crc again', 1, '1970-01-01 00:00:01')")
	pos, _ := strconv.Atoi(start[1])
	from := gmysql.Position{Name: start[0], Pos: uint32(pos)}
	want, _, raw := readBothWays(t, srv, from, nil)
	fdes := 0
	for _, ev := range want {
		if _, ok := ev.Event.(*replication.FormatDescriptionEvent); ok {
			fdes++
		}
	}
	if fdes < 3 {
		t.Errorf("only %d FORMAT_DESCRIPTION events: the checksum switches did not rotate", fdes)
	}
	if raw.rows.fast < 4 {
		t.Errorf("only %d rows events took the fast path", raw.rows.fast)
	}
}

// TestRawEventsParserKeepsNoTableMaps: rawEvents hands its go-mysql parser every table
// map it has not cached, and that parser only forgets its table maps when it decodes a
// rows event ending a statement, which it no longer sees when binlogRows takes the rows.
// A table reopened under new table ids (FLUSH TABLES, table cache eviction, DDL) then
// left one TableMapEvent (and its packet) behind per id for the session's lifetime.
// Every table map the parser holds beyond a transaction must be gone, and the events
// must still equal go-mysql's.
func TestRawEventsParserKeepsNoTableMaps(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "leak")
	start := srv.Query(t, "SHOW MASTER STATUS")[0]
	tbl := "`" + db + "`.t"
	stmts := []string{"CREATE TABLE " + tbl + " (id INT PRIMARY KEY, v VARCHAR(20))"}
	const cycles = 40
	for i := range cycles {
		stmts = append(stmts, "INSERT INTO "+tbl+" VALUES ("+strconv.Itoa(i)+", 'v')", "FLUSH TABLES "+tbl)
	}
	if err := srv.Root(stmts...); err != nil {
		t.Fatal(err)
	}
	pos, _ := strconv.Atoi(start[1])
	from := gmysql.Position{Name: start[0], Pos: uint32(pos)}
	want, _, raw := readBothWays(t, srv, from, nil)
	ids := map[uint64]bool{}
	for _, ev := range want {
		if e, ok := ev.Event.(*replication.RowsEvent); ok {
			ids[e.TableID] = true
		}
	}
	if len(ids) < cycles/2 {
		t.Fatalf("FLUSH TABLES gave the table only %d table ids in %d cycles", len(ids), cycles)
	}
	held := reflect.ValueOf(raw.parser).Elem().FieldByName("tables").Len()
	if held > maxParserTables {
		t.Errorf("the parser holds %d table maps after %d table ids, want at most %d", held, len(ids), maxParserTables)
	}
	if raw.rows.fast < cycles/2 {
		t.Errorf("only %d rows events took the fast path", raw.rows.fast)
	}
}

// TestRawEventsCacheFullMidStatement: when rawEvents' table cache fills up on a table
// map in the middle of a multi-table statement, the statement's earlier table maps
// (reused from the cache, so never handed to the parser) must survive until their rows
// events: the cache used to be cleared right there, and a rows event the parser then
// had to decode failed with an unknown table id. The cache is filled with placeholders
// up to one below its bound; the first transaction's rows go to the parser (a zero
// date), so the parser forgets its table maps, and the multi-table UPDATE reuses a's
// map while b's fills the cache.
func TestRawEventsCacheFullMidStatement(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "full")
	a, b := "`"+db+"`.a", "`"+db+"`.b"
	srv.Exec(t, "CREATE TABLE "+a+" (id INT PRIMARY KEY, v INT, d DATETIME)", "CREATE TABLE "+b+" (id INT PRIMARY KEY, v INT)",
		"INSERT INTO "+b+" VALUES (1, 1)")
	start := srv.Query(t, "SHOW MASTER STATUS")[0]
	srv.Exec(t, "SET SESSION sql_mode = ''", "INSERT INTO "+a+" VALUES (1, 1, '0000-00-00')",
		"UPDATE "+a+" JOIN "+b+" ON "+a+".id = "+b+".id SET "+a+".v = 2, "+b+".v = 2")
	pos, _ := strconv.Atoi(start[1])
	from := gmysql.Position{Name: start[0], Pos: uint32(pos)}
	raw := newRawEvents(gmysql.MariaDBFlavor)
	for i := range maxRawTables - 1 {
		raw.tables[1<<40+uint64(i)] = &rawTable{}
	}
	want, _, _ := readBothWays(t, srv, from, raw)
	updates := 0
	for _, ev := range want {
		if e, ok := ev.Event.(*replication.RowsEvent); ok && e.Type() == replication.EnumRowsEventTypeUpdate {
			updates++
		}
	}
	if updates != 2 {
		t.Fatalf("%d update rows events, want 2 (one per table)", updates)
	}
}

// TestRawEventsKeepParserForSlowStatements: rows events the parser decodes itself end
// their statements there, and the parser then forgets the table maps it was handed, so
// a table binlogRows never takes (an ENUM column) must not make rawEvents set up a new
// parser after every few transactions.
func TestRawEventsKeepParserForSlowStatements(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "slowtm")
	tbl := "`" + db + "`.t"
	srv.Exec(t, "CREATE TABLE "+tbl+" (id INT PRIMARY KEY, e ENUM('a', 'b'))")
	start := srv.Query(t, "SHOW MASTER STATUS")[0]
	var stmts []string
	for i := range 3 * maxParserTables {
		stmts = append(stmts, "INSERT INTO "+tbl+" VALUES ("+strconv.Itoa(i)+", 'b')")
	}
	srv.Exec(t, stmts...)
	pos, _ := strconv.Atoi(start[1])
	raw := newRawEvents(gmysql.MariaDBFlavor)
	first := raw.parser
	got := readEvents(t, srv, spanFrom(t, srv, gmysql.Position{Name: start[0], Pos: uint32(pos)}), raw, nil)
	rows := 0
	for _, ev := range got {
		if e, ok := ev.Event.(*replication.RowsEvent); ok {
			rows++
			if len(e.Rows) != 1 || e.Rows[0][1] != int64(2) {
				t.Fatalf("rows %v, want one row with ENUM index 2", e.Rows)
			}
		}
	}
	if rows != 3*maxParserTables {
		t.Fatalf("%d rows events, want %d", rows, 3*maxParserTables)
	}
	if raw.parser != first {
		t.Errorf("rawEvents replaced its parser though every table map it was handed was forgotten")
	}
}
