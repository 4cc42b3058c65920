package worker

import (
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

// sinkBatch is the memory of a sink task's SinkRecords, in chunks of a few dozen
// kilobytes instead of allocations per record: the records themselves, the strings
// they carry (positions, StringConverter keys and values) and the slice and string
// headers their Key and Value interfaces point at. Chunks stay below the runtime's
// large object size (32 KiB), so they come from spans the heap keeps rather than
// from pages returned to the OS and faulted in again. Nothing in a record points into the fetched
// kgo.Record it was built from, which the consumer recycles once converted
// (sinkRecordPool); the fetched bytes themselves are never reused.
//
// The batch lives as long as its task: a poll starts where the previous one stopped
// in each chunk. Memory is only ever handed out once (a record slot, a string's
// bytes, a header), so whatever a task keeps from earlier polls, for as long as it
// likes, is never written again. The one exception is for a task that borrows its
// records (connectors.SinkRecordBorrower, reuse set): once its Put has returned,
// release takes back the record slots of the poll, cleared, for the next polls;
// what the records pointed at is still never reused.
//
// A sinkBatch belongs to the task goroutine that fills it; it is not safe for
// concurrent use. Its zero value is ready for start.
type sinkBatch struct {
	// slots, bytes and strs are the current chunks of records and of the headers
	// of ByteArrayConverter and StringConverter keys and values. Each is handed
	// out up to its length, which only grows, so taking an element writes no
	// pointer (no write barrier while the collector marks).
	slots []connectors.SinkRecord
	bytes [][]byte
	strs  []string
	text  textArena
	left  int // records of the poll that have no record in slots yet
	// reuse is set for a task that borrows its records; used are the record
	// chunks of the current poll and free those released by earlier ones.
	reuse      bool
	used, free [][]connectors.SinkRecord
	// keyKind and valueKind are the kinds of the task's key and value converters.
	keyKind, valueKind int
}

// Chunk sizes, in elements, that keep a chunk within 32 KiB (slots) or 16 KiB.
const (
	slotChunk = 32 << 10 / int(unsafe.Sizeof(connectors.SinkRecord{}))
	strChunk  = 16 << 10 / int(unsafe.Sizeof(""))
	byteChunk = 16 << 10 / int(unsafe.Sizeof([]byte(nil)))
	textChunk = 16 << 10
)

// converter kinds whose ToConnect result the runtime builds in the batch's memory.
const (
	convOther = iota
	convBytes
	convString
)

func convKind(c schemas.Converter) int {
	switch c.(type) {
	case *schemas.ByteArrayConverter:
		return convBytes
	case *schemas.StringConverter:
		return convString
	}
	return convOther
}

// newSinkBatch returns a batch for a poll of n records, converted with converters
// of the given kinds.
func newSinkBatch(n, keyKind, valueKind int) *sinkBatch {
	b := &sinkBatch{}
	b.start(n, keyKind, valueKind)
	return b
}

// start begins a poll of n records, converted with converters of the given kinds.
func (b *sinkBatch) start(n, keyKind, valueKind int) {
	b.left, b.keyKind, b.valueKind = n, keyKind, valueKind
}

// next returns the next free record (zeroed).
func (b *sinkBatch) next() *connectors.SinkRecord {
	if len(b.slots) == cap(b.slots) {
		b.slots = b.chunk()
	}
	b.left--
	b.slots = b.slots[:len(b.slots)+1]
	return &b.slots[len(b.slots)-1]
}

// chunk returns an empty record chunk: a released one, or a new one (sized for the
// rest of the poll, unless chunks are reused).
func (b *sinkBatch) chunk() []connectors.SinkRecord {
	if !b.reuse {
		return make([]connectors.SinkRecord, 0, min(slotChunk, max(b.left, 1)))
	}
	var c []connectors.SinkRecord
	if n := len(b.free); n > 0 {
		c, b.free[n-1] = b.free[n-1], nil
		b.free = b.free[:n-1]
	} else {
		c = make([]connectors.SinkRecord, 0, slotChunk)
	}
	b.used = append(b.used, c)
	return c
}

// release takes back every record slot handed out since the last release, for a
// task that borrows its records, once its Put has returned. Slots are cleared, so
// the chunks keep nothing the task was given alive.
func (b *sinkBatch) release() {
	if !b.reuse {
		return
	}
	for i, c := range b.used {
		clear(c[:cap(c)])
		b.free = append(b.free, c[:0])
		b.used[i] = nil
	}
	b.used = b.used[:0]
	b.slots = nil
}

// nextBytes returns the next free slice header.
func (b *sinkBatch) nextBytes() *[]byte {
	if len(b.bytes) == cap(b.bytes) {
		// At most a key and a value for this record and each one left.
		b.bytes = make([][]byte, 0, min(byteChunk, 2*(max(b.left, 0)+1)))
	}
	b.bytes = b.bytes[:len(b.bytes)+1]
	return &b.bytes[len(b.bytes)-1]
}

// nextString returns the next free string header.
func (b *sinkBatch) nextString() *string {
	if len(b.strs) == cap(b.strs) {
		// At most a key and a value for this record and each one left.
		b.strs = make([]string, 0, min(strChunk, 2*(max(b.left, 0)+1)))
	}
	b.strs = b.strs[:len(b.strs)+1]
	return &b.strs[len(b.strs)-1]
}

// toConnect is what kind's converter's ToConnect returns for *raw, a fetched
// record's Key or Value, built without a call through the converter and without an
// allocation per record. ok is false when the converter must run: a converter of
// another kind, or text that is not valid UTF-8 (StringConverter replaces the
// invalid bytes).
//
// A ByteArrayConverter value is the fetched bytes uncopied, as the converter returns
// them, boxed around a copy of the slice header in the batch: the fetched record
// holding *raw is recycled (sinkRecordPool), its bytes are not.
func (b *sinkBatch) toConnect(kind int, raw *[]byte) (s *schemas.Schema, v any, ok bool) {
	switch kind {
	case convBytes:
		if *raw == nil {
			return schemas.OptionalBytesSchema, nil, true
		}
		p := b.nextBytes()
		*p = *raw
		return schemas.OptionalBytesSchema, boxBytes(p), true
	case convString:
		if *raw == nil {
			return schemas.OptionalStringSchema, nil, true
		}
		if !utf8.Valid(*raw) {
			return nil, nil, false
		}
		p := b.nextString()
		*p = b.text.copy(*raw)
		return schemas.OptionalStringSchema, boxString(p), true
	}
	return nil, nil, false
}

// textArena hands out strings carved from chunks of textChunk bytes (a longer
// string gets a chunk of its own). Bytes are only ever appended after the strings
// already handed out, never written over, so each string stays immutable as Go
// requires.
type textArena struct {
	buf []byte
	pos positionCursor
}

// take extends the current chunk by n bytes, starting a new chunk when they do not
// fit, and returns where they start. Only a new chunk writes buf's pointer: a
// reslice in place updates its length alone, with no GC write barrier.
func (a *textArena) take(n int) (start int) {
	if cap(a.buf)-len(a.buf) < n {
		a.buf = make([]byte, 0, max(n, textChunk))
	}
	start = len(a.buf)
	a.buf = a.buf[:start+n]
	return start
}

// copy returns a string with raw's bytes.
func (a *textArena) copy(raw []byte) string {
	if len(raw) == 0 {
		return ""
	}
	start := a.take(len(raw))
	copy(a.buf[start:], raw)
	return unsafe.String(&a.buf[start], len(raw))
}

// position returns "topic-partition-offset", a sink record's Position. The prefix
// and the offset's digits are kept from the previous call, so the records of a
// partition, whose offsets mostly follow one another, cost two short copies and a
// decimal increment each instead of two integer renderings.
func (a *textArena) position(topic string, partition int32, offset int64) string {
	c := &a.pos
	if !c.valid || topic != c.topic || partition != c.partition {
		c.topic, c.partition, c.valid = topic, partition, true
		p := append(append(c.prefix[:0], topic...), '-')
		c.prefix = append(strconv.AppendInt(p, int64(partition), 10), '-')
		c.setOffset(offset)
	} else if offset == c.offset+1 && offset > 0 {
		c.increment()
	} else if offset != c.offset {
		c.setOffset(offset)
	}
	n := len(c.prefix) + len(c.digits)
	start := a.take(n)
	copy(a.buf[start+copy(a.buf[start:], c.prefix):], c.digits)
	return unsafe.String(&a.buf[start], n)
}

// positionCursor is the rendering of the last position: "topic-partition-" and the
// offset's decimal digits.
type positionCursor struct {
	valid     bool
	topic     string
	partition int32
	offset    int64
	prefix    []byte
	digits    []byte
	buf       [maxInt64Digits]byte
}

func (c *positionCursor) setOffset(offset int64) {
	c.offset = offset
	c.digits = strconv.AppendInt(c.buf[:0], offset, 10)
}

// increment adds one to a non-negative offset's digits.
func (c *positionCursor) increment() {
	c.offset++
	for i := len(c.digits) - 1; i >= 0; i-- {
		if c.digits[i] != '9' {
			c.digits[i]++
			return
		}
		c.digits[i] = '0'
	}
	// All nines: one more digit, a 1 followed by zeros.
	c.digits = append(c.digits, '0')
	c.digits[0] = '1'
}

// maxInt64Digits is the length of the longest rendering of an int64, sign included.
const maxInt64Digits = 20
