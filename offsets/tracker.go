package offsets

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"unsafe"
)

// Tracker follows the records a source task has handed to the producer and says,
// per source partition, which offset is safe to commit: the offset of the last
// record of the longest prefix (in submission order) whose records are all
// acknowledged. It is Kafka Connect's SubmittedRecords: a record acknowledged out of
// order never lets the committed offset pass a record still in flight.
//
// Submit and Committable are called by the task's goroutine; Ack and Drop may be
// called from any goroutine (producer callbacks). All methods are safe for
// concurrent use.
type Tracker struct {
	mu          sync.Mutex // guards everything below and every Pending's state
	parts       map[string]*partQueue
	outstanding int           // submitted, neither acknowledged nor dropped
	idle        chan struct{} // closed while outstanding == 0

	// lastMap/lastQueue cache the queue of the partition map submitted last: tasks
	// usually reuse one map per partition, and this saves building its key and a map
	// lookup per record. Committable clears them when it deletes that queue.
	lastMap   unsafe.Pointer
	lastQueue *partQueue
}

type partQueue struct {
	partition Partition
	key       string
	// ents[head:] are the records not yet collapsed, oldest first; ents[i] is the
	// record with sequence number base+i. The tracker keeps its own copy of each
	// record's offset here, so it holds no pointer to a Pending: a caller may reuse a
	// Pending's memory as soon as it was acknowledged or dropped.
	ents []entry
	base uint64
	head int
	// ready is the offset of the last record of the acknowledged prefix collapsed
	// since the last Committable (hasReady). Collapsing on Ack keeps memory bounded
	// by the records in flight, not by the records since the last offset flush.
	ready     Offset
	readyLazy Lazy // rendered by Committable when ready is nil
	hasReady  bool
}

// entry is the tracker's copy of one submitted record of a partition.
type entry struct {
	offset Offset
	lazy   Lazy // the offset when offset is nil
	state  pendingState
}

type pendingState uint8

const (
	statePending pendingState = iota
	stateAcked
	stateDropped
)

// Pending is the handle of one submitted record. Exactly one of Ack or Drop should
// be called; further calls are ignored. After that call the tracker no longer refers
// to the Pending, so its memory may be reused (Track into it again).
type Pending struct {
	t     *Tracker
	q     *partQueue // nil when the record carries no partition or offset
	seq   uint64     // the record's sequence number in q
	state pendingState
}

// NewTracker returns an empty Tracker.
func NewTracker() *Tracker {
	idle := make(chan struct{})
	close(idle)
	return &Tracker{parts: make(map[string]*partQueue), idle: idle}
}

// Submit records that a record with source partition p and offset o is about to be
// sent, and returns the handle to acknowledge it with. A record with a nil
// partition or offset is counted as outstanding but never committed (it has nothing
// to commit). Submit never blocks. p must not be modified afterwards (partition
// maps are values; tasks may reuse one map for all records of a partition).
func (t *Tracker) Submit(p Partition, o Offset) *Pending {
	pd := &Pending{}
	t.Track(pd, p, o, nil)
	return pd
}

// Track is Submit into a Pending the caller allocated (a task keeps them beside its
// records, one allocation per batch instead of one per record), with the offset
// either as a map (o) or, when o is nil, rendered later from lazy. pd must not be
// copied or reused until it has been acknowledged or dropped and Committable has run.
func (t *Tracker) Track(pd *Pending, p Partition, o Offset, lazy Lazy) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.track(pd, p, o, lazy)
}

// TrackEach is Track for n records in order under one lock (a task tracks a poll's
// records at once): at(i) returns record i's arguments to Track, or a nil Pending
// when record i is not to be tracked. at must not call the Tracker.
func (t *Tracker) TrackEach(n int, at func(i int) (pd *Pending, p Partition, o Offset, lazy Lazy)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := range n {
		if pd, p, o, lazy := at(i); pd != nil {
			t.track(pd, p, o, lazy)
		}
	}
}

// track is Track with mu held.
func (t *Tracker) track(pd *Pending, p Partition, o Offset, lazy Lazy) {
	*pd = Pending{t: t}
	if p != nil && (o != nil || lazy != nil) {
		ptr := reflect.ValueOf(p).UnsafePointer()
		q := t.lastQueue
		if ptr != t.lastMap || q == nil {
			key := trackKey(p)
			q = t.parts[key]
			if q == nil {
				q = &partQueue{partition: p, key: key}
				t.parts[key] = q
			}
			t.lastMap, t.lastQueue = ptr, q
		}
		if o != nil {
			lazy = nil // a map offset wins over a lazy one
		}
		pd.q, pd.seq = q, q.base+uint64(len(q.ents))
		q.ents = append(q.ents, entry{offset: o, lazy: lazy})
	}
	if t.outstanding == 0 {
		t.idle = make(chan struct{})
	}
	t.outstanding++
}

// Ack marks the record acknowledged by Kafka (or deliberately skipped under
// errors.tolerance=all, or filtered out by a transform: anything after which its
// offset may be committed). Safe from any goroutine.
func (pd *Pending) Ack() { pd.finish(stateAcked) }

// Drop forgets the record as if it had never been submitted, for a record that
// will not be sent after all (e.g. it is going to be retried and submitted again).
// Dropping an acknowledged record does nothing. Safe from any goroutine.
func (pd *Pending) Drop() { pd.finish(stateDropped) }

// finish settles a pending record as acked or dropped.
func (pd *Pending) finish(st pendingState) {
	t := pd.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if pd.state != statePending {
		return
	}
	pd.state = st
	if q := pd.q; q != nil {
		i := int(pd.seq - q.base)
		q.ents[i].state = st
		if i == q.head {
			q.collapse()
		}
	}
	t.settle()
}

// collapse moves the settled head of the queue into ready: an acknowledged record
// becomes the committable offset, a dropped one is passed over as if it had never
// been submitted. Callers hold mu.
func (q *partQueue) collapse() {
	for q.head < len(q.ents) {
		e := &q.ents[q.head]
		if e.state == statePending {
			break
		}
		if e.state == stateAcked {
			q.ready, q.readyLazy, q.hasReady = e.offset, e.lazy, true
		}
		*e = entry{}
		q.head++
	}
	if q.head > 64 && q.head > len(q.ents)/2 {
		n := copy(q.ents, q.ents[q.head:])
		clear(q.ents[n:])
		q.ents = q.ents[:n]
		q.base += uint64(q.head)
		q.head = 0
	}
}

// settle counts one record out. Callers hold mu.
func (t *Tracker) settle() {
	t.outstanding--
	if t.outstanding == 0 {
		close(t.idle)
	}
}

// Committable removes the acknowledged prefix of every partition's records and
// returns, for each partition where that prefix is not empty, the offset of its
// last record. Partitions with nothing new are left out. The caller owns the
// returned entries (typically handing them to Writer.Put).
func (t *Tracker) Committable() []Entry {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Entry
	for key, q := range t.parts {
		if q.hasReady {
			o := q.ready
			if o == nil {
				o = q.readyLazy.Offset()
			}
			if o != nil { // a Lazy that renders nil has nothing to commit (never a tombstone)
				out = append(out, Entry{Partition: q.partition, Offset: o})
			}
			q.ready, q.readyLazy, q.hasReady = nil, nil, false
		}
		if q.head == len(q.ents) {
			delete(t.parts, key)
			if t.lastQueue == q {
				t.lastMap, t.lastQueue = nil, nil
			}
		}
	}
	return out
}

// TrackerStats are counts for metrics and logs.
type TrackerStats struct {
	Outstanding  int // submitted records neither acknowledged nor dropped
	Partitions   int // source partitions with records not yet committable
	LargestQueue int // records held for the busiest partition
}

// Stats returns the current counts.
func (t *Tracker) Stats() TrackerStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := TrackerStats{Outstanding: t.outstanding, Partitions: len(t.parts)}
	for _, q := range t.parts {
		s.LargestQueue = max(s.LargestQueue, len(q.ents)-q.head)
	}
	return s
}

// AwaitAll blocks until no record is outstanding (every submitted record acked or
// dropped) or ctx is done, as a task does at stop within
// task.shutdown.graceful.timeout.ms. Records submitted while it waits extend the wait.
func (t *Tracker) AwaitAll(ctx context.Context) error {
	for {
		t.mu.Lock()
		idle, n := t.idle, t.outstanding
		t.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-idle:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %d outstanding records: %w", n, ctx.Err())
		}
	}
}

// trackKey identifies a partition cheaply for the common single-string-field map
// ({"server":"db1"}) and by its canonical Java key otherwise. The two forms cannot
// collide: canonical keys start with '['.
func trackKey(p Partition) string {
	if len(p) == 1 {
		for k, v := range p {
			if s, ok := v.(string); ok {
				return "\x01" + k + "\x00" + s
			}
		}
	}
	id, err := partitionID("", p)
	if err != nil {
		// Not encodable: it will fail at flush; keep it apart from the others.
		return fmt.Sprintf("\x02%p", p)
	}
	return id
}
