package offsets

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// ErrFlushInProgress is returned by Writer.Flush while another flush runs.
var ErrFlushInProgress = errors.New("offsets: a flush is already in progress")

// Writer buffers a connector's committable offsets and writes them to a Store in
// flushes, as Kafka Connect's OffsetStorageWriter does: Flush snapshots what was
// Put so far and writes it while Put keeps accepting newer offsets; only one flush
// runs at a time; a failed flush puts its snapshot back (under anything newer) so
// the next flush retries it.
//
// Safe for concurrent use.
type Writer struct {
	store     Store
	connector string

	mu       sync.Mutex // guards data and flushing
	data     map[string]Entry
	flushing bool
}

// NewWriter returns a Writer for connector's offsets in store.
func NewWriter(store Store, connector string) *Writer {
	return &Writer{store: store, connector: connector, data: make(map[string]Entry)}
}

// Put records p's latest offset for the next flush (a nil offset will write a
// tombstone). It fails, naming the field, when p or o cannot be encoded as Java's
// worker would; nothing is buffered then. It never blocks on I/O.
func (w *Writer) Put(p Partition, o Offset) error {
	if p == nil {
		return fmt.Errorf("offset for connector %q: nil source partition", w.connector)
	}
	id, err := partitionID(w.connector, p)
	if err != nil {
		return err
	}
	if _, err := EncodeValue(o); err != nil {
		return fmt.Errorf("offset for connector %q: %w", w.connector, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.data[id] = Entry{Partition: p, Offset: o}
	return nil
}

// PutAll puts every entry (as returned by Tracker.Committable), stopping at the first error.
func (w *Writer) PutAll(es []Entry) error {
	for _, e := range es {
		if err := w.Put(e.Partition, e.Offset); err != nil {
			return err
		}
	}
	return nil
}

// Flush writes everything Put since the last successful flush and returns once the
// store has it durably, or fails. Nothing to write returns nil at once. A
// concurrent Flush returns ErrFlushInProgress. On failure (including ctx ending,
// which bounds the write as offset.flush.timeout.ms does) the snapshot is kept for
// the next flush. Blocks for the store's write.
func (w *Writer) Flush(ctx context.Context) error {
	w.mu.Lock()
	if w.flushing {
		w.mu.Unlock()
		return ErrFlushInProgress
	}
	if len(w.data) == 0 {
		w.mu.Unlock()
		return nil
	}
	snapshot := w.data
	w.data = make(map[string]Entry)
	w.flushing = true
	w.mu.Unlock()

	es := make([]Entry, 0, len(snapshot))
	for _, e := range snapshot {
		es = append(es, e)
	}
	err := w.store.Set(ctx, w.connector, es)

	w.mu.Lock()
	defer w.mu.Unlock()
	w.flushing = false
	if err != nil {
		for id, e := range snapshot {
			if _, newer := w.data[id]; !newer {
				w.data[id] = e
			}
		}
		return fmt.Errorf("flushing offsets of connector %q: %w", w.connector, err)
	}
	return nil
}

// Buffered reports how many partitions have an offset waiting for a flush.
func (w *Writer) Buffered() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.data)
}
