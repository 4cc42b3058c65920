package mysql

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/packet"
)

// textRowsOff, set only by tests, makes readTextBatches decline every query, so that
// streamBatches takes go-mysql's ExecuteSelectStreaming path (the reference the fast
// reader is compared with).
var textRowsOff bool

// textReadBuffer is the size of a textResult's read buffer: rows that fit are parsed
// in place, longer ones are assembled in a buffer of their own first.
const textReadBuffer = 256 << 10

// maxColumns bounds a result set's column count (MySQL and MariaDB allow 4096 per
// table); a larger count is a malformed packet, not an allocation.
const maxColumns = 1 << 16

var textReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, textReadBuffer) }}

// drainBudget is how long a reader stopped mid-result (send failed, a row did not
// parse) may spend skipping the rest of the result set so the connection can run
// the next command; past it the connection is closed (a variable for tests).
var drainBudget = 250 * time.Millisecond

var errNoResultEnd = errors.New("result set end unknown")

// readTextBatches is streamBatches without go-mysql's row path: it sends q as
// COM_QUERY on c and reads the text-protocol result set straight from the
// connection through a buffered reader of its own, parsing each row's
// length-encoded values directly into the batch (one copy of each value's bytes)
// with the same kinds and boxing as rowCopier.copyTo, so the rows are the same,
// value for value and type for type, as copyTo over go-mysql's FieldValues.
//
// It returns false, having sent nothing, when it does not apply (compression on, a
// pre-4.1 protocol); the caller then uses go-mysql. Otherwise it returns true and
// the outcome: nil at the end of the result set, a *mysql.MyError for an ERR packet
// (as go-mysql returns it), send's first error, or a read or protocol error.
//
// It blocks until the result set was read or send failed, on the calling goroutine;
// c must not be used by anyone else meanwhile. Afterwards c is where go-mysql would
// leave it after a complete result set (packet sequence, server status flags such as
// SERVER_MORE_RESULTS_EXISTS or in-transaction, unread bytes handed back to
// go-mysql's reader), also when send failed: the rest of the result set is then
// skipped, within drainBudget, or else c is closed. Only a broken connection (read
// error) is left as is.
//
// Reading below go-mysql's buffered reader loses nothing: between commands it holds
// no bytes, since a server sends nothing unasked. Differences from go-mysql: query
// attributes set on c (SetQueryAttributes, IncludeLine) are not sent, and a row
// missing its trailing values is an error rather than NULLs.
func readTextBatches(c *client.Conn, q string, pool batchPool, scratch []bool, send func(*snapBatch) error) (bool, error) {
	if textRowsOff || c == nil || c.Conn == nil || c.Conn.Conn == nil || c.Compression != gmysql.MYSQL_COMPRESS_NONE {
		return false, nil
	}
	caps := strings.Split(c.CapabilityString(), "|")
	if !slices.Contains(caps, gmysql.CapNames[gmysql.CLIENT_PROTOCOL_41]) {
		return false, nil
	}
	t := &textResult{
		c:            c,
		pc:           c.Conn,
		deprecateEOF: slices.Contains(caps, gmysql.CapNames[gmysql.CLIENT_DEPRECATE_EOF]),
		queryAttrs:   slices.Contains(caps, gmysql.CapNames[gmysql.CLIENT_QUERY_ATTRIBUTES]),
	}
	t.src = connSource{pc: c.Conn, timeout: c.ReadTimeout}
	t.r = textReaders.Get().(*bufio.Reader)
	t.r.Reset(&t.src)
	defer t.release()
	return true, t.run(q, pool, scratch, send)
}

// interruptOnDone makes a read on c that is blocked when ctx ends (the server waiting
// on a lock for up to lock_wait_timeout, a stalled network) fail at once, by moving
// the connection's read deadline to the past; the reader then returns a read error
// and c reads nothing more (it is left to be closed). The returned stop cancels this
// once the reads are over; call it before c is used for anything else. With a read
// timeout on c (ReadTimeout), a read that starts after ctx ended sets a new deadline
// and ends within that timeout instead.
func interruptOnDone(ctx context.Context, c *client.Conn) (stop func() bool) {
	if c == nil || c.Conn == nil || c.Conn.Conn == nil {
		return func() bool { return false }
	}
	nc := c.Conn.Conn // the network connection itself: release may wrap the field later
	return context.AfterFunc(ctx, func() { _ = nc.SetReadDeadline(time.Now()) })
}

// textResult reads one result set for readTextBatches. Used by one goroutine.
type textResult struct {
	c            *client.Conn
	pc           *packet.Conn
	src          connSource
	r            *bufio.Reader
	deprecateEOF bool
	queryAttrs   bool

	pending int    // bytes of the last packet still in r (its payload was returned in place)
	big     []byte // a packet too long for r's buffer, or continued, assembled
	eofs    int    // EOF (0xFE) packets still to come in this result set; 0 before the column count
	broken  bool   // a read failed or c was closed: leave c alone
	fields  []*gmysql.Field
	cols    []textColumn
	copier  rowCopier
}

// textColumn is how one column's text values are parsed and boxed.
type textColumn struct {
	parse   textParse
	kind    valueKind
	scratch bool
}

// textParse is what go-mysql's RowData.ParseText makes of a column's value.
type textParse uint8

const (
	parseBytes    textParse = iota // FieldValueTypeString
	parseSigned                    // FieldValueTypeSigned (integer types, YEAR)
	parseUnsigned                  // FieldValueTypeUnsigned (the same, UNSIGNED)
	parseFloat                     // FieldValueTypeFloat (FLOAT, DOUBLE)
)

func textParseOf(f *gmysql.Field) textParse {
	switch f.Type {
	case gmysql.MYSQL_TYPE_TINY, gmysql.MYSQL_TYPE_SHORT, gmysql.MYSQL_TYPE_INT24,
		gmysql.MYSQL_TYPE_LONGLONG, gmysql.MYSQL_TYPE_LONG, gmysql.MYSQL_TYPE_YEAR:
		if f.Flag&gmysql.UNSIGNED_FLAG != 0 {
			return parseUnsigned
		}
		return parseSigned
	case gmysql.MYSQL_TYPE_FLOAT, gmysql.MYSQL_TYPE_DOUBLE:
		return parseFloat
	}
	return parseBytes
}

// run sends q and reads its response.
func (t *textResult) run(q string, pool batchPool, scratch []bool, send func(*snapBatch) error) error {
	if err := t.sendQuery(q); err != nil {
		t.broken = true
		return err
	}
	p, err := t.packet()
	if err != nil {
		return err
	}
	if len(p) == 0 {
		return t.abandon(fmt.Errorf("query response: empty packet: %w", gmysql.ErrMalformPacket))
	}
	switch p[0] {
	case gmysql.OK_HEADER: // no result set
		return t.okStatus(p, false)
	case gmysql.ERR_HEADER:
		return t.errPacket(p)
	case gmysql.LocalInFile_HEADER:
		return t.abandon(fmt.Errorf("query response: LOCAL INFILE request: %w", gmysql.ErrMalformPacket))
	}
	count, null, n, ok := lengthEncodedInt(p)
	if !ok || null || n != len(p) || count > maxColumns {
		return t.abandon(fmt.Errorf("query response: column count packet % x: %w", p[:min(len(p), 16)], gmysql.ErrMalformPacket))
	}
	t.eofs = 1
	if !t.deprecateEOF {
		t.eofs = 2
	}
	if err := t.columns(int(count), scratch); err != nil {
		return err
	}
	var batch *snapBatch
	for nrow := 0; ; nrow++ {
		p, err := t.packet()
		if err != nil {
			return err
		}
		if len(p) > 0 && p[0] == gmysql.EOF_HEADER && len(p) <= gmysql.MaxPayloadLen {
			t.eofs = 0
			if err := t.okStatus(p, !t.deprecateEOF); err != nil {
				return err // the result set is over all the same
			}
			break
		}
		if len(p) > 0 && p[0] == gmysql.ERR_HEADER {
			return t.errPacket(p)
		}
		if batch == nil {
			batch = pool.get(len(t.cols))
		}
		row, err := t.row(batch, p)
		if err != nil {
			return t.abandon(fmt.Errorf("row %d: %w", nrow+1, err))
		}
		batch.rows = append(batch.rows, row)
		if len(batch.rows) < rowBatch {
			continue
		}
		b := batch
		batch = nil
		if err := send(b); err != nil {
			return t.abandon(err)
		}
	}
	if batch != nil {
		return send(batch)
	}
	return nil
}

// sendQuery writes COM_QUERY q, as go-mysql's Execute does (with an empty query
// attribute set when CLIENT_QUERY_ATTRIBUTES was negotiated).
func (t *textResult) sendQuery(q string) error {
	prefix := 0
	if t.queryAttrs {
		prefix = 2
	}
	buf := make([]byte, 5+prefix+len(q))
	buf[4] = gmysql.COM_QUERY
	if t.queryAttrs {
		buf[5], buf[6] = 0, 1 // no parameters, one parameter set
	}
	copy(buf[5+prefix:], q)
	t.pc.ResetSequence()
	return t.pc.WritePacket(buf)
}

// columns reads n column definitions and, unless CLIENT_DEPRECATE_EOF, their EOF.
func (t *textResult) columns(n int, scratch []bool) error {
	fields := make([]*gmysql.Field, n)
	for i := range fields {
		p, err := t.packet()
		if err != nil {
			return err
		}
		fields[i] = new(gmysql.Field)
		if err := checkColumnDef(p); err != nil {
			return t.abandon(fmt.Errorf("column definition %d: %w", i+1, err))
		}
		if err := fields[i].Parse(bytes.Clone(p)); err != nil {
			return t.abandon(fmt.Errorf("column definition %d: %w", i+1, err))
		}
	}
	t.useFields(fields, scratch)
	if t.deprecateEOF {
		return nil
	}
	p, err := t.packet()
	if err != nil {
		return err
	}
	if len(p) == 0 || p[0] != gmysql.EOF_HEADER {
		return t.abandon(fmt.Errorf("column definitions: no EOF packet after %d columns: %w", n, gmysql.ErrMalformPacket))
	}
	t.eofs--
	if err := t.okStatus(p, true); err != nil {
		return t.abandon(err)
	}
	return nil
}

// columnDefFields are the length-encoded strings that open a column definition
// (Protocol::ColumnDefinition41), in order.
var columnDefFields = [...]string{"catalog", "schema", "table", "org_table", "name", "org_name"}

// columnDefFixed is the size of a column definition's fixed part after its strings:
// the length of the fixed fields (0x0c), character set (2), column length (4), type
// (1), flags (2), decimals (1) and filler (2).
const columnDefFixed = 13

// checkColumnDef returns an error naming the field and byte position unless p holds
// every field of a column definition. gmysql.Field.Parse indexes past the end of a
// short packet (a panic on the read-ahead goroutine, which ends the process) instead
// of failing, so a packet goes to it only once this check passed.
func checkColumnDef(p []byte) error {
	pos := 0
	for _, name := range columnDefFields {
		n, _, m, ok := lengthEncodedInt(p[pos:])
		if !ok || n > uint64(len(p)-pos-m) {
			return fmt.Errorf("%s truncated at byte %d of %d: %w", name, pos, len(p), gmysql.ErrMalformPacket)
		}
		pos += m + int(n)
	}
	if len(p)-pos < columnDefFixed {
		return fmt.Errorf("fixed fields at byte %d: %d bytes of %d: %w", pos, len(p)-pos, columnDefFixed, gmysql.ErrMalformPacket)
	}
	if pos += columnDefFixed; pos < len(p) { // a default value (COM_FIELD_LIST responses)
		n, _, m, ok := lengthEncodedInt(p[pos:])
		if !ok || n > uint64(len(p)-pos-m) {
			return fmt.Errorf("default value truncated at byte %d of %d: %w", pos, len(p), gmysql.ErrMalformPacket)
		}
	}
	return nil
}

// useFields sets the result set's columns (scratch as for streamBatches).
func (t *textResult) useFields(fields []*gmysql.Field, scratch []bool) {
	t.fields = fields
	t.cols = make([]textColumn, len(fields))
	for i, f := range fields {
		t.cols[i] = textColumn{parse: textParseOf(f), kind: kindOf(f), scratch: i < len(scratch) && scratch[i]}
	}
}

// row parses one text row into b's next value slots.
func (t *textResult) row(b *snapBatch, p []byte) ([]any, error) {
	vals := b.row(len(t.cols))
	if vals == nil {
		vals = make([]any, len(t.cols))
	}
	c := &t.copier
	pos := 0
	for i := range t.cols {
		col := &t.cols[i]
		n, null, m, ok := lengthEncodedInt(p[pos:])
		if !ok || n > uint64(len(p)-pos-m) {
			return nil, fmt.Errorf("column %q: value truncated at byte %d of %d", t.fields[i].Name, pos, len(p))
		}
		pos += m
		if null {
			vals[i] = nil
			continue
		}
		v := p[pos : pos+int(n) : pos+int(n)]
		pos += int(n)
		switch col.parse {
		case parseBytes:
			if col.kind != kindText {
				vals[i] = c.cut(v)
				continue
			}
			if col.scratch {
				if s, ok := b.scratchString(v); ok {
					vals[i] = s
					continue
				}
			}
			cut := c.cut(v)
			vals[i] = c.boxes.String(unsafe.String(unsafe.SliceData(cut), len(cut)))
		case parseSigned:
			x, ok := shortDecimal(v)
			if !ok {
				var err error
				if x, err = strconv.ParseInt(unsafe.String(unsafe.SliceData(v), len(v)), 10, 64); err != nil {
					return nil, fmt.Errorf("column %q: %w", t.fields[i].Name, err)
				}
			}
			vals[i] = c.signed(col.kind, x)
		case parseUnsigned:
			x, ok := shortDecimal(v)
			if ok && x >= 0 {
				vals[i] = uint64(x)
				continue
			}
			u, err := strconv.ParseUint(unsafe.String(unsafe.SliceData(v), len(v)), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("column %q: %w", t.fields[i].Name, err)
			}
			vals[i] = u
		case parseFloat:
			x, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(v), len(v)), 64)
			if err != nil {
				return nil, fmt.Errorf("column %q: %w", t.fields[i].Name, err)
			}
			vals[i] = c.boxes.Float64(x)
		}
	}
	return vals, nil
}

// shortDecimal parses b as strconv.ParseInt(b, 10, 64) does when b is an optional
// '-' and 1 to 18 decimal digits (every value of an integer column narrower than
// BIGINT, and most BIGINTs), in a fraction of its time; false for anything else,
// which strconv then parses (or rejects).
func shortDecimal(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		n = n*10 + int64(d)
	}
	if neg {
		n = -n
	}
	return n, true
}

// lengthEncodedInt decodes the length-encoded integer at the start of b as go-mysql
// does (0xFB is NULL; 0xFF, undefined, is taken as 255), returning its value, whether
// it is NULL, its size and false when b is too short for it.
func lengthEncodedInt(b []byte) (v uint64, null bool, n int, ok bool) {
	if len(b) == 0 {
		return 0, false, 0, false
	}
	switch b[0] {
	case 0xfb:
		return 0, true, 1, true
	case 0xfc:
		if len(b) < 3 {
			return 0, false, 0, false
		}
		return uint64(binary.LittleEndian.Uint16(b[1:])), false, 3, true
	case 0xfd:
		if len(b) < 4 {
			return 0, false, 0, false
		}
		return uint64(b[1]) | uint64(b[2])<<8 | uint64(b[3])<<16, false, 4, true
	case 0xfe:
		if len(b) < 9 {
			return 0, false, 0, false
		}
		return binary.LittleEndian.Uint64(b[1:]), false, 9, true
	}
	return uint64(b[0]), false, 1, true
}

// okStatus takes the server status of an OK packet (eof false) or a 4.1 EOF packet
// (eof true) into c, as go-mysql does when it reads one (IsInTransaction,
// StatusString...). The packet is a CLIENT_DEPRECATE_EOF result set's end when its
// header is 0xFE and eof is false.
func (t *textResult) okStatus(p []byte, eof bool) error {
	var status, warnings uint16
	if eof {
		if len(p) < 5 {
			return fmt.Errorf("EOF packet of %d bytes: %w", len(p), gmysql.ErrMalformPacket)
		}
		warnings, status = binary.LittleEndian.Uint16(p[1:]), binary.LittleEndian.Uint16(p[3:])
	} else {
		_, _, n, ok1 := lengthEncodedInt(p[1:]) // affected rows
		_, _, m, ok2 := lengthEncodedInt(p[1+n:])
		pos := 1 + n + m
		if !ok1 || !ok2 || len(p) < pos+2 {
			return fmt.Errorf("OK packet % x: %w", p[:min(len(p), 16)], gmysql.ErrMalformPacket)
		}
		status = binary.LittleEndian.Uint16(p[pos:])
		if len(p) >= pos+4 {
			warnings = binary.LittleEndian.Uint16(p[pos+2:])
		}
	}
	// An OK packet with no affected rows, no insert id, the status and warnings, an
	// empty info string and empty session-state changes: go-mysql's only public way
	// to set a connection's status (HandleOKPacket) parses it without error whatever
	// the negotiated capabilities.
	t.c.HandleOKPacket([]byte{gmysql.OK_HEADER, 0, 0, byte(status), byte(status >> 8), byte(warnings), byte(warnings >> 8), 0, 0})
	return nil
}

// errPacket returns the error of an ERR packet as go-mysql does (a *mysql.MyError
// whose message does not point into the read buffer).
func (t *textResult) errPacket(p []byte) error {
	if len(p) >= 9 {
		return t.c.HandleErrorPacket(bytes.Clone(p))
	}
	e := &gmysql.MyError{}
	if len(p) >= 3 {
		e.Code = binary.LittleEndian.Uint16(p[1:])
		e.Message = string(p[3:])
	}
	return e
}

// packet returns the payload of the next packet, continued ones joined. One that
// fits the read buffer is returned in place, valid until the next call.
func (t *textResult) packet() ([]byte, error) {
	if t.pending > 0 {
		_, _ = t.r.Discard(t.pending) // buffered: cannot fail
		t.pending = 0
	}
	n, err := t.header()
	if err != nil {
		return nil, err
	}
	if n < gmysql.MaxPayloadLen && n <= t.r.Size() {
		p, err := t.r.Peek(n)
		if err != nil {
			return nil, t.readFailed(err)
		}
		t.pending = n
		return p, nil
	}
	t.big = t.big[:0]
	for {
		at := len(t.big)
		t.big = slices.Grow(t.big, n)[:at+n]
		if _, err := io.ReadFull(t.r, t.big[at:]); err != nil {
			return nil, t.readFailed(err)
		}
		if n < gmysql.MaxPayloadLen {
			return t.big, nil
		}
		if n, err = t.header(); err != nil {
			return nil, err
		}
	}
}

// header reads a packet header, checks and advances the sequence id, and returns the
// payload length.
func (t *textResult) header() (int, error) {
	h, err := t.r.Peek(4)
	if err != nil {
		return 0, t.readFailed(err)
	}
	n, seq := int(h[0])|int(h[1])<<8|int(h[2])<<16, h[3]
	_, _ = t.r.Discard(4)
	if seq != t.pc.Sequence {
		t.broken = true
		return 0, fmt.Errorf("%w: invalid packet sequence %d, want %d", gmysql.ErrBadConn, seq, t.pc.Sequence)
	}
	t.pc.Sequence++
	return n, nil
}

func (t *textResult) readFailed(err error) error {
	t.broken = true
	return fmt.Errorf("%w: reading result set: %w", gmysql.ErrBadConn, err)
}

// abandon skips the rest of the result set after cause stopped the read, so that c
// can run the next command, and returns cause. When the end of the result set is not
// reached within drainBudget (or cannot be found: a malformed response), c is closed
// instead: a connection left mid-result would misread the next command's response.
func (t *textResult) abandon(cause error) error {
	if t.broken {
		return cause
	}
	until := time.Now().Add(drainBudget)
	t.src.until = until
	err := t.pc.Conn.SetReadDeadline(until)
	if err == nil && t.eofs == 0 {
		err = errNoResultEnd
	}
	for err == nil && t.eofs > 0 {
		var p []byte
		if p, err = t.packet(); err != nil {
			break
		}
		if len(p) > 0 && p[0] == gmysql.ERR_HEADER {
			break
		}
		if len(p) > 0 && p[0] == gmysql.EOF_HEADER && len(p) <= gmysql.MaxPayloadLen {
			if t.eofs--; t.eofs == 0 {
				err = t.okStatus(p, !t.deprecateEOF)
			}
		}
	}
	t.src.until = time.Time{}
	if err == nil {
		err = t.pc.Conn.SetReadDeadline(time.Time{})
	}
	if err != nil {
		t.broken = true
		_ = t.c.Close()
	}
	return cause
}

// release hands bytes read past the result set back to go-mysql's reader (only a
// server with more results to send has sent any) and returns the read buffer.
func (t *textResult) release() {
	if t.pending > 0 {
		_, _ = t.r.Discard(t.pending)
	}
	if n := t.r.Buffered(); n > 0 && !t.broken {
		rest, _ := t.r.Peek(n)
		rest = bytes.Clone(rest)
		if rc, ok := t.pc.Conn.(*replayConn); ok {
			rc.rest = append(rest, rc.rest...)
		} else {
			t.pc.Conn = &replayConn{Conn: t.pc.Conn, rest: rest}
		}
	}
	t.r.Reset(nil)
	textReaders.Put(t.r)
	t.r = nil
}

// connSource reads from a go-mysql connection's network connection, below its
// buffered reader, with go-mysql's per-read deadline when it has a read timeout.
type connSource struct {
	pc      *packet.Conn
	timeout time.Duration
	until   time.Time // when set, no read deadline goes past it
}

func (s *connSource) Read(p []byte) (int, error) {
	if s.timeout != 0 {
		d := time.Now().Add(s.timeout)
		if !s.until.IsZero() && s.until.Before(d) {
			d = s.until
		}
		if err := s.pc.Conn.SetReadDeadline(d); err != nil {
			return 0, err
		}
	}
	return s.pc.Conn.Read(p)
}

// replayConn is a network connection whose reads first return bytes a textResult
// read ahead of go-mysql; it replaces the go-mysql connection's net.Conn, which its
// buffered reader reads through.
type replayConn struct {
	net.Conn
	rest []byte
}

func (r *replayConn) Read(p []byte) (int, error) {
	if len(r.rest) > 0 {
		n := copy(p, r.rest)
		r.rest = r.rest[n:]
		return n, nil
	}
	return r.Conn.Read(p)
}
