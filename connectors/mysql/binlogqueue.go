package mysql

import (
	"context"
	"errors"
	"sync"

	"github.com/go-mysql-org/go-mysql/replication"
)

// eventQueue carries binlog events from go-mysql's reading goroutine (it is the
// syncer's SynchronousEventHandler) to the streamer's goroutine in batches: the reader
// appends under a mutex and wakes the streamer only when the queue goes from empty to
// non-empty, and the streamer takes everything queued at once. go-mysql's own streamer
// channel costs a select with a context per event on both sides, a tenth of W3's CPU
// at five events per transaction. The reader blocks while maxQueuedEvents events or
// maxQueuedBytes bytes of events wait (the streamer is behind), as it would on
// go-mysql's buffered channel; the byte bound keeps a large transaction's decoded rows
// from piling up (the reader decodes far faster than the streamer emits).
type eventQueue struct {
	decode func(*replication.BinlogEvent) error // run on the reader's goroutine first

	ready chan struct{} // one token: events (or an error) arrived
	space chan struct{} // one token: the streamer took a batch
	done  chan struct{} // closed when the streamer is gone

	mu     sync.Mutex
	events []*replication.BinlogEvent
	bytes  int   // event bytes in events
	err    error // the stream's end, from go-mysql

	batch []*replication.BinlogEvent // the streamer's current batch
	next  int                        // its next event
}

// maxQueuedEvents and maxQueuedBytes bound what the reader may run ahead of the
// streamer.
const (
	maxQueuedEvents = 4096
	maxQueuedBytes  = 1 << 20
)

// errStreamerGone is what the reader is told once the streamer stopped reading.
var errStreamerGone = errors.New("binlog streamer stopped")

// newEventQueue returns a queue that runs decode (when not nil) on each event before
// queueing it; a decode error ends the stream with that error.
func newEventQueue(decode func(*replication.BinlogEvent) error) *eventQueue {
	return &eventQueue{decode: decode, ready: make(chan struct{}, 1), space: make(chan struct{}, 1), done: make(chan struct{})}
}

// HandleEvent decodes and queues e; it is called by go-mysql's reading goroutine, and
// blocks while the queue is full.
func (q *eventQueue) HandleEvent(e *replication.BinlogEvent) error {
	if q.decode != nil {
		if err := q.decode(e); err != nil {
			return err
		}
	}
	q.mu.Lock()
	for len(q.events) >= maxQueuedEvents || q.bytes >= maxQueuedBytes {
		q.mu.Unlock()
		select {
		case <-q.space:
		case <-q.done:
			return errStreamerGone
		}
		q.mu.Lock()
	}
	wake := len(q.events) == 0
	q.events = append(q.events, e)
	q.bytes += len(e.RawData)
	q.mu.Unlock()
	if wake {
		signal(q.ready)
	}
	return nil
}

// fail records the stream's end: get returns err once every queued event was taken.
func (q *eventQueue) fail(err error) {
	q.mu.Lock()
	if q.err == nil {
		q.err = err
	}
	q.mu.Unlock()
	signal(q.ready)
}

// watch reports st's end (go-mysql hands errors to the streamer even when events go
// to the handler) to q, until ctx is done.
func (q *eventQueue) watch(ctx context.Context, st *replication.BinlogStreamer) {
	for {
		if _, err := st.GetEvent(ctx); err != nil {
			if ctx.Err() == nil {
				q.fail(err)
			}
			return
		}
	}
}

// close tells a blocked reader that nobody takes its events any more.
func (q *eventQueue) close() { close(q.done) }

// get returns the next event, waiting until one arrives, the stream ends (its error)
// or ctx is done (ctx.Err()). Only the streamer's goroutine calls it.
func (q *eventQueue) get(ctx context.Context) (*replication.BinlogEvent, error) {
	for {
		if q.next < len(q.batch) {
			e := q.batch[q.next]
			q.batch[q.next] = nil // handled events are garbage as soon as the streamer is done
			q.next++
			return e, nil
		}
		q.mu.Lock()
		q.batch, q.events = q.events, q.batch[:0]
		q.bytes = 0
		err := q.err
		q.mu.Unlock()
		q.next = 0
		if len(q.batch) > 0 {
			signal(q.space)
			continue
		}
		if err != nil {
			return nil, err
		}
		select {
		case <-q.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// signal leaves a token in a one-token channel unless one is there already.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
