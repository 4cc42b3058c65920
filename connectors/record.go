package connectors

import (
	"time"

	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// Header is one Connect header: a key and a schema'd value.
type Header struct {
	Key    string
	Schema *schemas.Schema
	Value  any
}

// Headers is an ordered list of headers; keys may repeat, as in Kafka.
type Headers []Header

// Last returns the last header with key, as Java's Headers.lastWithName.
func (h Headers) Last(key string) (Header, bool) {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Key == key {
			return h[i], true
		}
	}
	return Header{}, false
}

// Without returns the headers without any named key.
func (h Headers) Without(keys ...string) Headers {
	out := make(Headers, 0, len(h))
next:
	for _, x := range h {
		for _, k := range keys {
			if x.Key == k {
				continue next
			}
		}
		out = append(out, x)
	}
	return out
}

// Record is what source and sink records share (Java's ConnectRecord), and what
// transforms and predicates see.
type Record struct {
	Topic          string
	KafkaPartition *int32 // nil: let the producer's partitioner choose
	KeySchema      *schemas.Schema
	Key            any
	ValueSchema    *schemas.Schema
	Value          any
	Timestamp      time.Time // zero: none
	Headers        Headers

	// Position names where the record came from, for error messages: the source offset
	// for a source record, "topic-partition-offset" for a sink record.
	Position string
}

// Clone returns a shallow copy of r with its own Headers slice, which transforms use
// as the starting point of the record they return (Java's newRecord).
func (r *Record) Clone() *Record {
	c := *r
	c.Headers = append(Headers(nil), r.Headers...)
	return &c
}

// SourceRecord is a record produced by a source task.
type SourceRecord struct {
	SourcePartition offsets.Partition
	SourceOffset    offsets.Offset
	// LazyOffset, when SourceOffset is nil, is the offset rendered on demand
	// (offsets.Lazy): the runtime builds the map only for the records it commits.
	LazyOffset offsets.Lazy
	Record
}

// Offset returns the record's source offset: SourceOffset, or LazyOffset rendered,
// or nil when it has neither.
func (r *SourceRecord) Offset() offsets.Offset {
	if r.SourceOffset != nil {
		return r.SourceOffset
	}
	if r.LazyOffset != nil {
		return r.LazyOffset.Offset()
	}
	return nil
}

// HasOffset says whether the record carries an offset in either form.
func (r *SourceRecord) HasOffset() bool { return r.SourceOffset != nil || r.LazyOffset != nil }

// SinkRecord is a record consumed for a sink task.
type SinkRecord struct {
	Record
	KafkaOffset int64
	// OriginalTopic, OriginalPartition and OriginalOffset are the record's coordinates
	// before transforms (KIP-793).
	OriginalTopic     string
	OriginalPartition int32
	OriginalOffset    int64
}
