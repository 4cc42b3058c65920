package mysql

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math"
	"sort"
)

// This file assembles MySQL 8.0 binlog bytes from the binlog format (MySQL's
// libbinlogevents: event header, FORMAT_DESCRIPTION, PREVIOUS_GTIDS, GTID, QUERY,
// TABLE_MAP, WRITE/UPDATE_ROWS v2, XID, CRC32 checksums) and the binary JSON format
// (json_binary.cc), because Oracle MySQL cannot be installed on the machines these tests
// run on. The fixtures it writes under testdata/binlog/ are pinned; run the fixture test
// with -update to rebuild them, and review the diff.

// binlogWriter lays out events one after another, as in a binlog file.
type binlogWriter struct {
	buf bytes.Buffer
	ts  uint32
	sid uint32 // server id of every event
}

func newBinlogWriter(ts, serverID uint32) *binlogWriter {
	w := &binlogWriter{ts: ts, sid: serverID}
	w.buf.Write([]byte{0xfe, 'b', 'i', 'n'})
	return w
}

// event appends one event with a CRC32 checksum and returns its end position.
func (w *binlogWriter) event(typ byte, body []byte) uint32 {
	size := uint32(19 + len(body) + 4)
	end := uint32(w.buf.Len()) + size
	var h [19]byte
	binary.LittleEndian.PutUint32(h[0:], w.ts)
	h[4] = typ
	binary.LittleEndian.PutUint32(h[5:], w.sid)
	binary.LittleEndian.PutUint32(h[9:], size)
	binary.LittleEndian.PutUint32(h[13:], end)
	ev := append(h[:], body...)
	ev = binary.LittleEndian.AppendUint32(ev, crc32.ChecksumIEEE(ev))
	w.buf.Write(ev)
	return end
}

// Binlog event type codes and MySQL 8.0's post-header lengths per event type (1..41).
const (
	evQuery         = 2
	evFormatDesc    = 15
	evXID           = 16
	evTableMap      = 19
	evWriteRowsV2   = 30
	evUpdateRowsV2  = 31
	evGTID          = 33
	evPreviousGTIDs = 35
	mysqlTypeLong   = 3
	mysqlTypeJSON   = 245
)

var mysql80PostHeaderLengths = []byte{56, 13, 0, 8, 0, 0, 0, 0, 4, 0, 4, 0, 0, 0, 98, 0, 4, 26, 8, 0, 0, 0, 8, 8, 8, 2, 0, 0, 0,
	10, 10, 10, 42, 42, 0, 18, 52, 0, 10, 40, 0}

func (w *binlogWriter) formatDescription(version string) {
	var b []byte
	b = binary.LittleEndian.AppendUint16(b, 4)
	v := make([]byte, 50)
	copy(v, version)
	b = append(b, v...)
	b = binary.LittleEndian.AppendUint32(b, 0) // create timestamp: 0 except in the first binlog after startup
	b = append(b, 19)
	b = append(b, mysql80PostHeaderLengths...)
	b = append(b, 1) // binlog_checksum=CRC32
	w.event(evFormatDesc, b)
}

// gtidInterval is [start, end) of one source's transaction numbers.
type gtidInterval struct {
	sid        [16]byte
	start, end uint64
}

func (w *binlogWriter) previousGTIDs(sets []gtidInterval) {
	var b []byte
	b = binary.LittleEndian.AppendUint64(b, uint64(len(sets)))
	for _, s := range sets {
		b = append(b, s.sid[:]...)
		b = binary.LittleEndian.AppendUint64(b, 1)
		b = binary.LittleEndian.AppendUint64(b, s.start)
		b = binary.LittleEndian.AppendUint64(b, s.end)
	}
	w.event(evPreviousGTIDs, b)
}

// gtid appends a GTID event with logical timestamps, the commit timestamp (µs), the
// transaction length and the server version (8.0.36 = 80036).
func (w *binlogWriter) gtid(sid [16]byte, gno uint64, seq uint64, commitMicros uint64, txLen uint64) {
	b := []byte{1} // commit flag
	b = append(b, sid[:]...)
	b = binary.LittleEndian.AppendUint64(b, gno)
	b = append(b, 2) // logical timestamp type code
	b = binary.LittleEndian.AppendUint64(b, seq-1)
	b = binary.LittleEndian.AppendUint64(b, seq)
	var ts [8]byte
	binary.LittleEndian.PutUint64(ts[:], commitMicros)
	b = append(b, ts[:7]...) // most significant bit clear: original = immediate
	b = appendLenEnc(b, txLen)
	b = binary.LittleEndian.AppendUint32(b, 80036)
	w.event(evGTID, b)
}

func appendLenEnc(b []byte, n uint64) []byte {
	switch {
	case n < 251:
		return append(b, byte(n))
	case n < 1<<16:
		return binary.LittleEndian.AppendUint16(append(b, 0xfc), uint16(n))
	case n < 1<<24:
		return append(b, 0xfd, byte(n), byte(n>>8), byte(n>>16))
	}
	return binary.LittleEndian.AppendUint64(append(b, 0xfe), n)
}

func (w *binlogWriter) query(thread uint32, schema, q string) {
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, thread)
	b = binary.LittleEndian.AppendUint32(b, 0) // exec time
	b = append(b, byte(len(schema)))
	b = binary.LittleEndian.AppendUint16(b, 0) // error code
	b = binary.LittleEndian.AppendUint16(b, 0) // no status variables
	b = append(b, schema...)
	b = append(b, 0)
	b = append(b, q...)
	w.event(evQuery, b)
}

func appendTableID(b []byte, id uint64) []byte {
	var x [8]byte
	binary.LittleEndian.PutUint64(x[:], id)
	return append(b, x[:6]...)
}

// tableMap maps table id to db.table with the column types, one metadata byte per JSON
// column (the length-prefix size, 4) and the nullability bitmap.
func (w *binlogWriter) tableMap(id uint64, db, table string, types []byte, nullable []bool) {
	b := appendTableID(nil, id)
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = append(append(append(b, byte(len(db))), db...), 0)
	b = append(append(append(b, byte(len(table))), table...), 0)
	b = appendLenEnc(b, uint64(len(types)))
	b = append(b, types...)
	var meta []byte
	for _, t := range types {
		if t == mysqlTypeJSON {
			meta = append(meta, 4)
		}
	}
	b = appendLenEnc(b, uint64(len(meta)))
	b = append(b, meta...)
	b = append(b, bitmap(nullable)...)
	w.event(evTableMap, b)
}

func bitmap(bits []bool) []byte {
	out := make([]byte, (len(bits)+7)/8)
	for i, set := range bits {
		if set {
			out[i/8] |= 1 << (i % 8)
		}
	}
	return out
}

// fixtureRow is one row image of an (INT, JSON) table: a nil doc is SQL NULL.
type fixtureRow struct {
	id  int32
	doc []byte // MySQL binary JSON
}

func appendRowImage(b []byte, r fixtureRow) []byte {
	b = append(b, bitmap([]bool{false, r.doc == nil})...)
	b = binary.LittleEndian.AppendUint32(b, uint32(r.id))
	if r.doc != nil {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(r.doc)))
		b = append(b, r.doc...)
	}
	return b
}

// rows appends a v2 rows event (STMT_END_F set) of a two-column table; for updates the
// images alternate before, after.
func (w *binlogWriter) rows(typ byte, id uint64, images []fixtureRow) {
	b := appendTableID(nil, id)
	b = binary.LittleEndian.AppendUint16(b, 1) // STMT_END_F
	b = binary.LittleEndian.AppendUint16(b, 2) // extra data length: none
	b = appendLenEnc(b, 2)
	b = append(b, 0x03)
	if typ == evUpdateRowsV2 {
		b = append(b, 0x03)
	}
	for _, r := range images {
		b = appendRowImage(b, r)
	}
	w.event(typ, b)
}

func (w *binlogWriter) xid(x uint64) { w.event(evXID, binary.LittleEndian.AppendUint64(nil, x)) }

// MySQL binary JSON (json_binary.cc), small storage format only: 2-byte counts, sizes
// and offsets; literals and 16-bit integers inlined in the value entry.
const (
	jbSmallObject = 0x00
	jbSmallArray  = 0x02
	jbLiteral     = 0x04
	jbInt16       = 0x05
	jbInt32       = 0x07
	jbInt64       = 0x09
	jbDouble      = 0x0b
	jbString      = 0x0c
)

// jsonBinary encodes v (map[string]any, []any, string, bool, nil, int, float64) as
// MySQL stores it: type byte and value.
func jsonBinary(v any) []byte {
	t, inline, data := jbValue(v)
	if data == nil {
		// a top-level scalar that would be inlined is stored in full
		switch t {
		case jbLiteral:
			return []byte{t, byte(inline)}
		case jbInt16:
			return binary.LittleEndian.AppendUint16([]byte{t}, inline)
		}
	}
	return append([]byte{t}, data...)
}

// jbValue returns a value's type and either its inline 16-bit value (data nil) or its bytes.
func jbValue(v any) (byte, uint16, []byte) {
	switch x := v.(type) {
	case nil:
		return jbLiteral, 0x00, nil
	case bool:
		if x {
			return jbLiteral, 0x01, nil
		}
		return jbLiteral, 0x02, nil
	case int:
		switch {
		case x >= math.MinInt16 && x <= math.MaxInt16:
			return jbInt16, uint16(int16(x)), nil
		case x >= math.MinInt32 && x <= math.MaxInt32:
			return jbInt32, 0, binary.LittleEndian.AppendUint32(nil, uint32(int32(x)))
		}
		return jbInt64, 0, binary.LittleEndian.AppendUint64(nil, uint64(x))
	case float64:
		return jbDouble, 0, binary.LittleEndian.AppendUint64(nil, math.Float64bits(x))
	case string:
		var b []byte
		n := len(x)
		for {
			c := byte(n & 0x7f)
			n >>= 7
			if n == 0 {
				b = append(b, c)
				break
			}
			b = append(b, c|0x80)
		}
		return jbString, 0, append(b, x...)
	case []any:
		return jbSmallArray, 0, jbContainer(nil, x)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		// MySQL sorts object keys by length, then byte order
		sort.Slice(keys, func(i, j int) bool {
			if len(keys[i]) != len(keys[j]) {
				return len(keys[i]) < len(keys[j])
			}
			return keys[i] < keys[j]
		})
		vals := make([]any, len(keys))
		for i, k := range keys {
			vals[i] = x[k]
		}
		return jbSmallObject, 0, jbContainer(keys, vals)
	}
	panic("unsupported JSON fixture value")
}

// jbContainer lays out a small object (keys non-nil) or array: count, size, key
// entries, value entries, keys, then the non-inlined values; offsets count from the
// start of the count field.
func jbContainer(keys []string, vals []any) []byte {
	n := len(vals)
	header := 4 + 4*len(keys) + 3*n
	if keys == nil {
		header = 4 + 3*n
	}
	var tail []byte
	var keyEntries, valEntries []byte
	for _, k := range keys {
		keyEntries = binary.LittleEndian.AppendUint16(keyEntries, uint16(header+len(tail)))
		keyEntries = binary.LittleEndian.AppendUint16(keyEntries, uint16(len(k)))
		tail = append(tail, k...)
	}
	for _, v := range vals {
		t, inline, data := jbValue(v)
		if data == nil {
			valEntries = binary.LittleEndian.AppendUint16(append(valEntries, t), inline)
			continue
		}
		valEntries = binary.LittleEndian.AppendUint16(append(valEntries, t), uint16(header+len(tail)))
		tail = append(tail, data...)
	}
	b := binary.LittleEndian.AppendUint16(nil, uint16(n))
	b = binary.LittleEndian.AppendUint16(b, uint16(header+len(tail)))
	b = append(b, keyEntries...)
	b = append(b, valEntries...)
	return append(b, tail...)
}
