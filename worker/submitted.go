package worker

import (
	"sync"

	"github.com/gonnect/gonnect/offsets"
)

// submitted tracks the records a source task has handed to the producer, per source
// partition in submission order, so that only the prefix Kafka has acknowledged is
// ever committed (Java's SubmittedRecords). Submit is called from the task goroutine;
// Ack from producer callbacks; committable from the task goroutine. Safe for
// concurrent use.
type submitted struct {
	mu      sync.Mutex // guards parts
	parts   map[string]*partitionQueue
	pending int64
}

type partitionQueue struct {
	partition offsets.Partition
	queue     []*pendingRecord
}

// pendingRecord is one submitted record; ack marks it acknowledged.
type pendingRecord struct {
	s      *submitted
	offset offsets.Offset
	acked  bool
}

func newSubmitted() *submitted { return &submitted{parts: map[string]*partitionQueue{}} }

// submit records that a record with this source position was handed to the producer.
func (s *submitted) submit(p offsets.Partition, o offsets.Offset) *pendingRecord {
	key := partitionKey(p)
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.parts[key]
	if q == nil {
		q = &partitionQueue{partition: p}
		s.parts[key] = q
	}
	r := &pendingRecord{s: s, offset: o}
	q.queue = append(q.queue, r)
	s.pending++
	return r
}

// ack marks the record acknowledged by Kafka (or deliberately skipped).
func (r *pendingRecord) ack() {
	r.s.mu.Lock()
	if !r.acked {
		r.acked = true
		r.s.pending--
	}
	r.s.mu.Unlock()
}

// committable removes and returns, per partition, the offset of the last record of
// the acknowledged prefix. Records after the first unacknowledged one stay tracked
// even if acknowledged, so a crash never skips an unacknowledged record.
func (s *submitted) committable() []offsets.Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []offsets.Entry
	for key, q := range s.parts {
		n := 0
		for n < len(q.queue) && q.queue[n].acked {
			n++
		}
		if n == 0 {
			continue
		}
		out = append(out, offsets.Entry{Partition: q.partition, Offset: q.queue[n-1].offset})
		q.queue = q.queue[n:]
		if len(q.queue) == 0 {
			delete(s.parts, key)
		}
	}
	return out
}

// outstanding is the number of submitted records not yet acknowledged.
func (s *submitted) outstanding() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending
}
