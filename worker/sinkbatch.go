package worker

import (
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

// sinkBatch is the memory of one poll's SinkRecords, allocated once per poll instead
// of once per record: the records themselves, the strings they carry (positions,
// StringConverter keys and values) and the string headers their Key and Value
// interfaces point at. A sink task may keep the records past Put (until Flush, or
// longer), so a batch is never reused: it lives as long as any of its records.
//
// A sinkBatch belongs to the task goroutine that builds it; it is not safe for
// concurrent use while it is being filled.
type sinkBatch struct {
	slots []sinkSlot
	text  textArena
	// strs backs the Key and Value of records whose converter is StringConverter,
	// allocated only when a side uses it; strs[:nstrs] are taken.
	strs  []string
	nstrs int
	// keyKind and valueKind are the kinds of the task's key and value converters.
	keyKind, valueKind int
}

// sinkSlot holds one fetched record's SinkRecord and the partition its
// KafkaPartition points at.
type sinkSlot struct {
	sr   connectors.SinkRecord
	part int32
}

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

// newSinkBatch sizes a batch for the n records of fs, converted with converters of
// the given kinds.
func newSinkBatch(fs kgo.Fetches, n, keyKind, valueKind int) *sinkBatch {
	b := &sinkBatch{slots: make([]sinkSlot, 0, n), keyKind: keyKind, valueKind: valueKind}
	size := 0
	fs.EachPartition(func(p kgo.FetchTopicPartition) {
		if len(p.Records) == 0 {
			return
		}
		// The last offset has the most digits, so this bounds every position.
		size += len(p.Records) * (len(p.Topic) + 2 + digits(int64(p.Partition)) + digits(p.Records[len(p.Records)-1].Offset))
		if keyKind == convString || valueKind == convString {
			for _, r := range p.Records {
				if keyKind == convString {
					size += len(r.Key)
				}
				if valueKind == convString {
					size += len(r.Value)
				}
			}
		}
	})
	b.text.buf = make([]byte, 0, size)
	if keyKind == convString || valueKind == convString {
		b.strs = make([]string, 2*n)
	}
	return b
}

// digits is the number of decimal digits of v ≥ 0 (and a sign for v < 0).
func digits(v int64) int {
	n := 1
	if v < 0 {
		n++
		v = -v
	}
	for v >= 10 {
		v /= 10
		n++
	}
	return n
}

// next returns the next free slot (zeroed).
func (b *sinkBatch) next() *sinkSlot {
	i := len(b.slots)
	b.slots = b.slots[:i+1]
	return &b.slots[i]
}

// toConnect is what kind's converter's ToConnect returns for *raw, a fetched
// record's Key or Value, built without a call through the converter and without an
// allocation per record. ok is false when the converter must run: a converter of
// another kind, or text that is not valid UTF-8 (StringConverter replaces the
// invalid bytes).
//
// A ByteArrayConverter value is boxed in place around *raw itself: kgo never writes
// a record it has returned from a poll (the runtime does not enable its record
// pools), so the header stays as immutable as the bytes it points at, which the
// converter would have returned uncopied anyway.
func (b *sinkBatch) toConnect(kind int, raw *[]byte) (s *schemas.Schema, v any, ok bool) {
	switch kind {
	case convBytes:
		if *raw == nil {
			return schemas.OptionalBytesSchema, nil, true
		}
		return schemas.OptionalBytesSchema, boxBytes(raw), true
	case convString:
		if *raw == nil {
			return schemas.OptionalStringSchema, nil, true
		}
		if !utf8.Valid(*raw) {
			return nil, nil, false
		}
		p := &b.strs[b.nstrs]
		b.nstrs++
		*p = b.text.copy(*raw)
		return schemas.OptionalStringSchema, boxString(p), true
	}
	return nil, nil, false
}

// textArena hands out strings carved from one buffer. Bytes are only ever appended
// after the strings already handed out, never written over, so each string stays
// immutable as Go requires; when the buffer has to grow, earlier strings keep the
// old array alive.
type textArena struct{ buf []byte }

// copy returns a string with raw's bytes.
func (a *textArena) copy(raw []byte) string {
	if len(raw) == 0 {
		return ""
	}
	start := len(a.buf)
	a.buf = append(a.buf, raw...)
	return unsafe.String(&a.buf[start], len(raw))
}

// position returns "topic-partition-offset", a sink record's Position.
func (a *textArena) position(topic string, partition int32, offset int64) string {
	start := len(a.buf)
	a.buf = append(a.buf, topic...)
	a.buf = append(a.buf, '-')
	a.buf = strconv.AppendInt(a.buf, int64(partition), 10)
	a.buf = append(a.buf, '-')
	a.buf = strconv.AppendInt(a.buf, offset, 10)
	return unsafe.String(&a.buf[start], len(a.buf)-start)
}
