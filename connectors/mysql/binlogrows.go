package mysql

import (
	"encoding/binary"
	"math"
	"math/bits"
	"reflect"
	"time"
	"unsafe"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/internal/ifacebox"
	"github.com/shopspring/decimal"
)

// binlogRows decodes the row images of rows events for go-mysql's parser (its
// RowsEventDecodeFunc) into exactly the values RowsEvent.DecodeData returns with
// ParseTime and UseDecimal on (same Go types, same values), with far fewer
// allocations: values are boxed in slabs, rows are carved from slabs, the signedness of
// numeric columns is read from the table map's bitmap instead of a map built per row,
// and decimals are built from their binary digits rather than parsed from text. Strings
// and blobs alias the event's packet, as go-mysql's do.
//
// It takes the common encodings only: uncompressed v1/v2 WRITE, UPDATE and DELETE
// events whose columns are integers, FLOAT, DOUBLE, DECIMAL, CHAR/VARCHAR, BLOB/TEXT,
// DATE, YEAR, DATETIME2 and TIMESTAMP2. Any other event, column type or value (zero
// dates, ENUM, SET, BIT, JSON, TIME, GEOMETRY, compressed and partial-update events, a
// malformed image) is handed whole to go-mysql's DecodeData, which has the last word on
// values and errors. Owned by the syncer's reading goroutine.
type binlogRows struct {
	plan []colPlan
	rows []any // slots of row slices
	i16  ifacebox.Slab[int16]
	u16  ifacebox.Slab[uint16]
	i32  ifacebox.Slab[int32]
	u32  ifacebox.Slab[uint32]
	i64  ifacebox.Slab[int64]
	u64  ifacebox.Slab[uint64]
	f32  ifacebox.Slab[float32]
	f64  ifacebox.Slab[float64]
	ints ifacebox.Slab[int]
	strs ifacebox.Slab[string]
	blob ifacebox.Slab[[]byte]
	tms  ifacebox.Slab[time.Time]
	decs ifacebox.Slab[decimal.Decimal]
	text cdc.Boxes // DATE strings
	fast int       // events decoded here rather than by go-mysql
}

// colPlan is how one column of the current table is decoded.
type colPlan struct {
	typ      byte // binlog type, CHAR's real type resolved from its metadata
	meta     uint16
	length   int // CHAR: the column's maximum byte length
	unsigned bool
}

// rowsEventFields locates RowsEvent's unexported compressed flag and event type, which
// decide whether an event's images are plain v1/v2 images, and the byte offsets of the
// event type and needBitmap2, which rawEvents sets on the events it builds itself so
// that Type() answers as on the parser's events; when a go-mysql release renames them,
// every event goes to DecodeData.
var rowsEventFields = func() (f struct {
	compressed, eventType []int
	typeOff, bitmap2Off   uintptr
	ok                    bool
}) {
	t := reflect.TypeOf(replication.RowsEvent{})
	c, ok1 := t.FieldByName("compressed")
	e, ok2 := t.FieldByName("eventType")
	b, ok3 := t.FieldByName("needBitmap2")
	if ok1 && ok2 && ok3 && c.Type.Kind() == reflect.Bool && e.Type.Kind() == reflect.Uint8 && b.Type.Kind() == reflect.Bool &&
		len(e.Index) == 1 && len(b.Index) == 1 {
		f.compressed, f.eventType, f.ok = c.Index, e.Index, true
		f.typeOff, f.bitmap2Off = e.Offset, b.Offset
	}
	return f
}()

// setRowsEventType records et (and whether it has a second image) in e's unexported
// fields, as the parser's newRowsEvent does; rowsEventFields.ok must hold.
func setRowsEventType(e *replication.RowsEvent, et replication.EventType) {
	base := unsafe.Pointer(e)
	*(*replication.EventType)(unsafe.Add(base, rowsEventFields.typeOff)) = et
	*(*bool)(unsafe.Add(base, rowsEventFields.bitmap2Off)) = et == replication.UPDATE_ROWS_EVENTv1 || et == replication.UPDATE_ROWS_EVENTv2
}

// decode is the parser's RowsEventDecodeFunc.
func (d *binlogRows) decode(e *replication.RowsEvent, data []byte) error {
	pos, err := e.DecodeHeader(data)
	if err != nil {
		return err
	}
	if d.eligible(e) && d.decodeImages(e, pos, data, d.plan) {
		d.fast++
		return nil
	}
	e.Rows = nil
	return e.DecodeData(pos, data)
}

// eligible reports whether e is a plain image event of a table whose every column
// the fast path decodes, and prepares d.plan for it.
func (d *binlogRows) eligible(e *replication.RowsEvent) bool {
	if !rowsEventFields.ok || e.Table == nil {
		return false
	}
	v := reflect.ValueOf(e).Elem()
	if v.FieldByIndex(rowsEventFields.compressed).Bool() {
		return false
	}
	if !plainRowsEvent(replication.EventType(v.FieldByIndex(rowsEventFields.eventType).Uint())) {
		return false
	}
	return d.planTable(e.Table, int(e.ColumnCount))
}

// plainRowsEvent reports whether events of type t carry plain row images.
func plainRowsEvent(t replication.EventType) bool {
	switch t {
	case replication.WRITE_ROWS_EVENTv1, replication.WRITE_ROWS_EVENTv2,
		replication.UPDATE_ROWS_EVENTv1, replication.UPDATE_ROWS_EVENTv2,
		replication.DELETE_ROWS_EVENTv1, replication.DELETE_ROWS_EVENTv2:
		return true
	}
	return false
}

// planTable prepares d.plan for the n columns of tm; false when a column needs go-mysql.
func (d *binlogRows) planTable(tm *replication.TableMapEvent, n int) bool {
	if n == 0 || len(tm.ColumnType) != n || len(tm.ColumnMeta) != n {
		return false
	}
	d.plan = d.plan[:0]
	numeric := 0
	for i := range n {
		p := colPlan{typ: tm.ColumnType[i], meta: tm.ColumnMeta[i]}
		switch p.typ {
		case gmysql.MYSQL_TYPE_TINY, gmysql.MYSQL_TYPE_SHORT, gmysql.MYSQL_TYPE_INT24, gmysql.MYSQL_TYPE_LONG,
			gmysql.MYSQL_TYPE_LONGLONG, gmysql.MYSQL_TYPE_NEWDECIMAL, gmysql.MYSQL_TYPE_FLOAT, gmysql.MYSQL_TYPE_DOUBLE,
			gmysql.MYSQL_TYPE_YEAR:
			// TableMapEvent.UnsignedMap: one bit per numeric column, most significant first
			if k := numeric; k/8 < len(tm.SignednessBitmap) {
				p.unsigned = tm.SignednessBitmap[k/8]&(0x80>>(k%8)) != 0
			}
			numeric++
			if p.typ == gmysql.MYSQL_TYPE_NEWDECIMAL && (p.meta>>8 == 0 || p.meta>>8 > 65 || p.meta&0xFF > p.meta>>8) {
				return false
			}
		case gmysql.MYSQL_TYPE_VARCHAR, gmysql.MYSQL_TYPE_VAR_STRING:
			p.length = int(p.meta)
		case gmysql.MYSQL_TYPE_STRING:
			p.length = int(p.meta)
			if p.meta >= 256 {
				b0, b1 := uint8(p.meta>>8), uint8(p.meta&0xFF)
				if b0&0x30 != 0x30 {
					p.length, p.typ = int(uint16(b1)|uint16((b0&0x30)^0x30)<<4), b0|0x30
				} else {
					p.length, p.typ = int(b1), b0
				}
				if p.typ != gmysql.MYSQL_TYPE_STRING {
					return false // ENUM, SET
				}
			}
		case gmysql.MYSQL_TYPE_BLOB:
			if p.meta < 1 || p.meta > 4 {
				return false
			}
		case gmysql.MYSQL_TYPE_DATETIME2, gmysql.MYSQL_TYPE_TIMESTAMP2:
			if p.meta > 6 {
				return false
			}
		case gmysql.MYSQL_TYPE_DATE, gmysql.MYSQL_TYPE_NULL:
		default:
			return false
		}
		d.plan = append(d.plan, p)
	}
	return true
}

// decodeImages decodes every image of e into e.Rows by plan (planTable's for e's
// table); false when any value needs go-mysql (e.Rows is then garbage).
func (d *binlogRows) decodeImages(e *replication.RowsEvent, pos int, data []byte, plan []colPlan) (ok bool) {
	defer func() {
		if recover() != nil { // a malformed image: DecodeData reports it in its words
			ok = false
		}
	}()
	images := 1
	if e.ColumnBitmap2 != nil {
		images = 2
	}
	e.Rows = make([][]any, 0, images)
	e.SkippedColumns = make([][]int, 0, images)
	for pos < len(data) {
		for img := range images {
			bitmap := e.ColumnBitmap1
			if img == 1 {
				bitmap = e.ColumnBitmap2
			}
			row, n, ok := d.image(data[pos:], bitmap, plan)
			if !ok {
				return false
			}
			e.Rows = append(e.Rows, row)
			e.SkippedColumns = append(e.SkippedColumns, skippedColumns(bitmap, len(plan)))
			pos += n
		}
	}
	return true
}

// noSkips is the SkippedColumns entry of a full image (go-mysql's is empty, not nil);
// its capacity is 0, so an append by a consumer never writes into it.
var noSkips = []int{}

// skippedColumns lists the columns of cols not in bitmap, as go-mysql's decodeImage
// records them in RowsEvent.SkippedColumns.
func skippedColumns(bitmap []byte, cols int) []int {
	full := true
	for i := range cols {
		if bitmap[i>>3]&(1<<(i&7)) == 0 {
			full = false
			break
		}
	}
	if full {
		return noSkips
	}
	var skips []int
	for i := range cols {
		if bitmap[i>>3]&(1<<(i&7)) == 0 {
			skips = append(skips, i)
		}
	}
	return skips
}

// image decodes one row image; it panics on a truncated image (decodeImages recovers).
func (d *binlogRows) image(data, bitmap []byte, plan []colPlan) ([]any, int, bool) {
	cols := len(plan)
	count := 0
	for i := 0; i < cols; i += 8 {
		b := bitmap[i>>3]
		if cols-i < 8 {
			b &= byte(1<<(cols-i)) - 1
		}
		count += bits.OnesCount8(b)
	}
	nulls := data[:(count+7)/8]
	pos := len(nulls)
	row := d.row(cols)
	nullIdx := 0
	for i := range plan {
		if bitmap[i>>3]&(1<<(i&7)) == 0 {
			continue // not in the image (binlog_row_image=MINIMAL)
		}
		null := nulls[nullIdx>>3]&(1<<(nullIdx&7)) != 0
		nullIdx++
		if null {
			continue
		}
		v, n, ok := d.value(data[pos:], &plan[i])
		if !ok {
			return nil, 0, false
		}
		row[i] = v
		pos += n
	}
	return row, pos, true
}

// row returns a zeroed row of cols values from the current slab.
func (d *binlogRows) row(cols int) []any {
	if len(d.rows) < cols {
		d.rows = make([]any, max(ifacebox.SlabLen, cols))
	}
	r := d.rows[:cols:cols]
	d.rows = d.rows[cols:]
	return r
}

// value decodes one non-null value as go-mysql's RowsEvent.decodeValue does; false
// when go-mysql must decode it (its result would be text this path does not build).
func (d *binlogRows) value(b []byte, p *colPlan) (any, int, bool) {
	switch p.typ {
	case gmysql.MYSQL_TYPE_NULL:
		return nil, 0, true
	case gmysql.MYSQL_TYPE_TINY:
		if p.unsigned {
			return b[0], 1, true
		}
		return int8(b[0]), 1, true
	case gmysql.MYSQL_TYPE_SHORT:
		u := binary.LittleEndian.Uint16(b)
		if p.unsigned {
			return d.u16.Box(u), 2, true
		}
		return d.i16.Box(int16(u)), 2, true
	case gmysql.MYSQL_TYPE_INT24:
		u := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
		if p.unsigned {
			return d.u32.Box(u), 3, true
		}
		if u&0x00800000 != 0 {
			u |= 0xFF000000
		}
		return d.i32.Box(int32(u)), 3, true
	case gmysql.MYSQL_TYPE_LONG:
		u := binary.LittleEndian.Uint32(b)
		if p.unsigned {
			return d.u32.Box(u), 4, true
		}
		return d.i32.Box(int32(u)), 4, true
	case gmysql.MYSQL_TYPE_LONGLONG:
		u := binary.LittleEndian.Uint64(b)
		if p.unsigned {
			return d.u64.Box(u), 8, true
		}
		return d.i64.Box(int64(u)), 8, true
	case gmysql.MYSQL_TYPE_FLOAT:
		return d.f32.Box(math.Float32frombits(binary.LittleEndian.Uint32(b))), 4, true
	case gmysql.MYSQL_TYPE_DOUBLE:
		return d.f64.Box(math.Float64frombits(binary.LittleEndian.Uint64(b))), 8, true
	case gmysql.MYSQL_TYPE_YEAR:
		if b[0] == 0 {
			return 0, 1, true
		}
		return d.ints.Box(int(b[0]) + 1900), 1, true
	case gmysql.MYSQL_TYPE_NEWDECIMAL:
		return d.decimal(b, int(p.meta>>8), int(p.meta&0xFF))
	case gmysql.MYSQL_TYPE_VARCHAR, gmysql.MYSQL_TYPE_VAR_STRING, gmysql.MYSQL_TYPE_STRING:
		var l, n int
		if p.length < 256 {
			l, n = int(b[0]), 1
		} else {
			l, n = int(binary.LittleEndian.Uint16(b)), 2
		}
		return d.strs.Box(aliasString(b[n : n+l])), n + l, true
	case gmysql.MYSQL_TYPE_BLOB:
		n := int(p.meta)
		var l int
		switch n {
		case 1:
			l = int(b[0])
		case 2:
			l = int(binary.LittleEndian.Uint16(b))
		case 3:
			l = int(b[0]) | int(b[1])<<8 | int(b[2])<<16
		default:
			l = int(binary.LittleEndian.Uint32(b))
		}
		return d.blob.Box(b[n : n+l : n+l]), n + l, true
	case gmysql.MYSQL_TYPE_DATE:
		v := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
		if v == 0 {
			return "0000-00-00", 3, true
		}
		return d.date(v/(16*32), v/32%16, v%32), 3, true
	case gmysql.MYSQL_TYPE_DATETIME2:
		return d.datetime2(b, int(p.meta))
	case gmysql.MYSQL_TYPE_TIMESTAMP2:
		return d.timestamp2(b, int(p.meta))
	}
	return nil, 0, false
}

// aliasString is b as a string sharing its memory, as go-mysql's strings share the
// event's packet (which is never reused).
func aliasString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// frac reads the fractional seconds of a DATETIME2/TIMESTAMP2 with dec digits, in
// microseconds, and their byte length.
func frac(b []byte, dec int) (int64, int) {
	switch dec {
	case 1, 2:
		return int64(b[0]) * 10000, 1
	case 3, 4:
		return int64(binary.BigEndian.Uint16(b)) * 100, 2
	case 5, 6:
		return int64(b[0])<<16 | int64(b[1])<<8 | int64(b[2]), 3
	}
	return 0, 0
}

// datetime2 decodes a DATETIME2 whose date is valid into go-mysql's time.Time (its
// wall clock in UTC); zero and partial dates are text, left to go-mysql.
func (d *binlogRows) datetime2(b []byte, dec int) (any, int, bool) {
	intPart := int64(b[0])<<32 | int64(b[1])<<24 | int64(b[2])<<16 | int64(b[3])<<8 | int64(b[4]) - 0x8000000000
	us, fn := frac(b[5:], dec)
	// 107420450816 is 1970-01-01 00:00:00; go-mysql formats anything before it as text
	if intPart < 107420450816 {
		return nil, 0, false
	}
	ymdhms := (intPart<<24 + us) >> 24
	ymd, hms := ymdhms>>17, ymdhms%(1<<17)
	day, ym := int(ymd%(1<<5)), ymd>>5
	month, year := int(ym%13), int(ym/13)
	if month == 0 || day == 0 {
		return nil, 0, false
	}
	t := time.Date(year, time.Month(month), day, int(hms>>12), int((hms>>6)%(1<<6)), int(hms%(1<<6)), int(us*1000), time.UTC)
	return d.tms.Box(t), 5 + fn, true
}

// timestamp2 decodes a non-zero TIMESTAMP2 into go-mysql's time.Time (the instant in
// time.Local); the zero timestamp is text, left to go-mysql.
func (d *binlogRows) timestamp2(b []byte, dec int) (any, int, bool) {
	sec := int64(binary.BigEndian.Uint32(b))
	if sec == 0 {
		return nil, 0, false
	}
	us, fn := frac(b[4:], dec)
	return d.tms.Box(time.Unix(sec, us*1000)), 4 + fn, true
}

// date renders a DATE as go-mysql does ("%04d-%02d-%02d"), boxed from d's text slab.
func (d *binlogRows) date(y, m, day uint32) any {
	var buf [16]byte
	b := appendPadded(buf[:0], int(y), 4)
	b = append(b, '-')
	b = appendPadded(b, int(m), 2)
	b = append(b, '-')
	b = appendPadded(b, int(day), 2)
	return d.text.StringOf(b)
}

// decimalGroupBytes is the byte length of a group of 0..9 leftover digits.
var decimalGroupBytes = [10]int{0, 1, 1, 2, 2, 3, 3, 4, 4, 4}

var pow10 = [10]uint32{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000}

// decimal decodes a binary DECIMAL(prec, scale) into the decimal.Decimal go-mysql's
// UseDecimal returns (its unscaled digits, exponent -scale).
func (d *binlogRows) decimal(b []byte, prec, scale int) (any, int, bool) {
	intg := prec - scale
	intFull, fracFull := intg/9, scale/9
	intRest, fracRest := intg-intFull*9, scale-fracFull*9
	size := intFull*4 + decimalGroupBytes[intRest] + fracFull*4 + decimalGroupBytes[fracRest]
	raw := b[:size]
	var mask uint32
	if raw[0]&0x80 == 0 {
		mask = math.MaxUint32
	}
	// group reads a big-endian group of n bytes at raw[at:], sign bit flipped back
	group := func(at, n int) uint32 {
		var v uint32
		for i := range n {
			c := raw[at+i]
			if at+i == 0 {
				c ^= 0x80
			}
			v = v<<8 | uint32(c)
		}
		return (v ^ mask) & (1<<(8*uint(n)) - 1)
	}
	if prec > 18 {
		return d.bigDecimal(raw, mask != 0, intRest, intFull, fracFull, fracRest, scale, group)
	}
	var u uint64
	at := 0
	add := func(v uint32, digits int) bool {
		if v >= pow10[digits] {
			return false // not a digit group: go-mysql's text would not be this number
		}
		u = u*uint64(pow10[digits]) + uint64(v)
		return true
	}
	if n := decimalGroupBytes[intRest]; n > 0 {
		if !add(group(at, n), intRest) {
			return nil, 0, false
		}
		at += n
	}
	for range intFull {
		if !add(group(at, 4), 9) {
			return nil, 0, false
		}
		at += 4
	}
	for range fracFull {
		if !add(group(at, 4), 9) {
			return nil, 0, false
		}
		at += 4
	}
	if n := decimalGroupBytes[fracRest]; n > 0 {
		if !add(group(at, n), fracRest) {
			return nil, 0, false
		}
	}
	v := int64(u)
	if mask != 0 {
		v = -v
	}
	return d.decs.Box(decimal.New(v, -int32(scale))), size, true
}

// bigDecimal is decimal for more than 18 digits: the digits as text, parsed once.
func (d *binlogRows) bigDecimal(raw []byte, neg bool, intRest, intFull, fracFull, fracRest, scale int, group func(at, n int) uint32) (any, int, bool) {
	buf := make([]byte, 0, 72)
	if neg {
		buf = append(buf, '-')
	}
	at, ok := 0, true
	put := func(n, digits int) {
		v := group(at, n)
		ok = ok && v < pow10[digits]
		buf = appendPadded(buf, int(v), digits)
		at += n
	}
	if n := decimalGroupBytes[intRest]; n > 0 {
		put(n, intRest)
	}
	for range intFull {
		put(4, 9)
	}
	if scale > 0 {
		buf = append(buf, '.')
	}
	for range fracFull {
		put(4, 9)
	}
	if n := decimalGroupBytes[fracRest]; n > 0 {
		put(n, fracRest)
	}
	v, err := decimal.NewFromString(string(buf))
	if err != nil || !ok {
		return nil, 0, false
	}
	return d.decs.Box(v), len(raw), true
}
