package worker

import (
	"sync/atomic"
	"unsafe"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
)

// sendSlot is the runtime's state for one record in flight. kr must stay the first
// field: the producer hands the same *kgo.Record back to onProduced, which recovers
// its slot from that pointer.
type sendSlot struct {
	kr kgo.Record
	pd offsets.Pending
	// origin is what the runtime needs of the source record once it is converted:
	// its partition, offset and position. The record itself (its key and value
	// structs) is kept only for a task that gets it back in CommitRecord (src), so
	// the records of a producer buffer full of converted bytes are not kept alive
	// twice over (bench/mysql W3 with 4 KB JSON envelopes).
	origin  origin
	src     *connectors.SourceRecord // nil unless the task is a RecordCommitter
	slab    *sendSlab
	tracked bool // pd was handed to the tracker
	skip    bool // dropped by a transform or skipped under errors.tolerance=all
}

// setOrigin points slot at r: its partition, offset and position always, the record
// itself only when keep (the task is a RecordCommitter).
func (slot *sendSlot) setOrigin(r *connectors.SourceRecord, keep bool) {
	slot.origin = origin{part: r.SourcePartition, off: r.SourceOffset, lazy: r.LazyOffset, pos: r.Position}
	if keep {
		slot.src = r
	}
}

// origin is a source record's partition, offset (in either form) and position.
type origin struct {
	part offsets.Partition
	off  offsets.Offset
	lazy offsets.Lazy
	pos  string
}

// position renders the origin for messages, as offsetJSON renders a record.
func (o *origin) position() string {
	return offsetJSON(&connectors.SourceRecord{SourceOffset: o.off, LazyOffset: o.lazy, Record: connectors.Record{Position: o.pos}})
}

// slotOf returns the slot whose kr is kr (every record this task produces is one).
func slotOf(kr *kgo.Record) *sendSlot { return (*sendSlot)(unsafe.Pointer(kr)) }

// sendSlab holds the send slots of one poll: one allocation for the whole batch,
// reused for a later poll once every record of the batch is settled (acknowledged,
// failed or skipped), so a steady stream allocates no runtime state per record and
// gives the garbage collector nothing new to scan. The offset tracker keeps no
// pointer to a slot's Pending once it is settled (offsets.Pending's contract).
type sendSlab struct {
	slots []sendSlot
	live  atomic.Int32 // slots handed to dispatch and not yet released
	pool  *slabPool
}

// slabPool is a task's free slabs. get runs on the poll goroutine; release runs on
// the send loop and in producer callbacks.
type slabPool struct {
	free chan *sendSlab
}

// slabPoolSize bounds the free slabs a task keeps (enough for the producer's
// buffer of 16384 records in batches of 1000 or more).
const slabPoolSize = 24

func newSlabPool() *slabPool { return &slabPool{free: make(chan *sendSlab, slabPoolSize)} }

// get returns a slab with n zeroed slots, reusing a free one that is large enough
// and not more than four times too large (a slab sized for big polls is not pinned
// by a trickle of one-record polls).
func (p *slabPool) get(n int) *sendSlab {
	select {
	case s := <-p.free:
		if cap(s.slots) >= n && cap(s.slots) <= 4*n {
			s.slots = s.slots[:n]
			return s
		}
	default:
	}
	return &sendSlab{slots: make([]sendSlot, n), pool: p}
}

// arm records that the first n slots will each be released once; it is called
// before the slab is handed to the send loop. Slots past n (a batch cut short by an
// error) are cleared now, so that a slab always returns to its pool all zero.
func (s *sendSlab) arm(n int) {
	clear(s.slots[n:])
	for i := range s.slots[:n] {
		s.slots[i].slab = s
	}
	s.live.Store(int32(n))
}

// release clears a settled slot (dropping its references to the record and its
// converted bytes) and returns the slab to its pool when it was the last one. The
// caller must not touch the slot afterwards.
func (slot *sendSlot) release() {
	s := slot.slab
	*slot = sendSlot{}
	if s == nil || s.live.Add(-1) != 0 {
		return
	}
	select {
	case s.pool.free <- s:
	default: // pool full: leave it to the garbage collector
	}
}
