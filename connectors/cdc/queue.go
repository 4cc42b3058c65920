package cdc

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gonnect/gonnect/connectors"
)

// Queue is the hand-over between a CDC task's run goroutine (the producer: snapshot and
// streaming) and the worker's Poll calls, with the task lifecycle around it: Start runs
// the producer, Poll drains what it queued and reports its error once everything before
// the error was returned, Stop cancels it and waits.
//
// The producer calls Emit, Flush, Pending and PendingSince from its one goroutine only;
// Poll is called by the worker's task loop, one call at a time; Stop and Remaining may
// be called from any goroutine. Records are handed over in batches of up to handoff
// records (one channel send per batch keeps the per-record cost low on busy streams);
// the producer calls Flush at quiet points so nothing waits for a batch to fill. At most
// about max.queue.size records are queued: Emit blocks while the queue is full.
type Queue struct {
	handoff  int
	maxBatch int
	maxQueue int
	wait     time.Duration
	ch       chan []*connectors.SourceRecord
	queued   atomic.Int64 // records in ch and leftover

	pending      []*connectors.SourceRecord // owned by the producer: not yet handed over
	pendingSince time.Time                  // owned by the producer: when the oldest pending record was emitted
	leftover     []*connectors.SourceRecord // owned by Poll: handed over, not yet returned

	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex // guards err
	err    error
}

// NewQueue returns a queue for max.queue.size maxQueue, max.batch.size maxBatch and
// poll.interval.ms pollInterval (≤0: 500 ms). handoff is how many records the producer
// gathers before one hand-over (1: every record is handed over at once).
func NewQueue(maxQueue, maxBatch, handoff int, pollInterval time.Duration) *Queue {
	handoff = max(handoff, 1)
	if pollInterval <= 0 {
		pollInterval = 500 * time.Millisecond
	}
	return &Queue{handoff: handoff, maxBatch: max(maxBatch, 1), maxQueue: maxQueue, wait: pollInterval,
		ch: make(chan []*connectors.SourceRecord, max(2, maxQueue/handoff))}
}

// Start runs the producer on its own goroutine with a context that Stop cancels. A
// non-nil error other than context.Canceled is logged through onErr (may be nil) and
// returned by Poll once the records queued before it are drained. Call Start once.
func (q *Queue) Start(run func(ctx context.Context) error, onErr func(error)) {
	ctx, cancel := context.WithCancel(context.Background())
	q.cancel = cancel
	q.done = make(chan struct{})
	go func() {
		defer close(q.done)
		err := run(ctx)
		if err != nil && !errors.Is(err, context.Canceled) {
			if onErr != nil {
				onErr(err)
			}
			q.mu.Lock()
			q.err = err
			q.mu.Unlock()
		}
	}()
}

// Emit queues records (nil ones are dropped); it hands them over once handoff records
// are pending and blocks while the queue is full. It returns ctx's error when ctx ends
// first. Producer only.
func (q *Queue) Emit(ctx context.Context, rs ...*connectors.SourceRecord) error {
	for _, r := range rs {
		if r != nil {
			if len(q.pending) == 0 {
				q.pendingSince = time.Now()
			}
			q.pending = append(q.pending, r)
		}
	}
	if len(q.pending) >= q.handoff {
		return q.Flush(ctx)
	}
	return nil
}

// Flush hands the pending records over, blocking while the queue is full. Producer only.
func (q *Queue) Flush(ctx context.Context) error {
	if len(q.pending) == 0 {
		return nil
	}
	select {
	case q.ch <- q.pending:
		q.queued.Add(int64(len(q.pending)))
		q.pending = make([]*connectors.SourceRecord, 0, q.handoff)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Pending is how many emitted records are not handed over yet. Producer only.
func (q *Queue) Pending() int { return len(q.pending) }

// PendingSince is when the oldest pending record was emitted. Producer only.
func (q *Queue) PendingSince() time.Time { return q.pendingSince }

// Remaining is max.queue.size less the records handed over and not yet polled
// (QueueRemainingCapacity). Any goroutine.
func (q *Queue) Remaining() int { return max(q.maxQueue-int(q.queued.Load()), 0) }

// Queued is how many records were handed over and not yet returned by Poll. Any
// goroutine.
func (q *Queue) Queued() int { return int(q.queued.Load()) }

// Poll returns up to max.batch.size records, waiting at most poll.interval.ms (or until
// ctx ends, which returns no records and no error) for the first. Once the producer has
// ended and everything it queued was returned, Poll returns its error (nil after Stop).
func (q *Queue) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	out := q.leftover
	q.leftover = nil
	if len(out) == 0 {
		timer := time.NewTimer(q.wait)
		select {
		case b := <-q.ch:
			out = b
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, nil
		case <-q.done:
		}
		timer.Stop()
	}
	for len(out) < q.maxBatch {
		select {
		case b := <-q.ch:
			out = append(out, b...)
			continue
		default:
		}
		break
	}
	if len(out) > q.maxBatch {
		q.leftover = out[q.maxBatch:]
		out = out[:q.maxBatch]
	}
	q.queued.Add(-int64(len(out)))
	if len(out) == 0 {
		select {
		case <-q.done:
			q.mu.Lock()
			defer q.mu.Unlock()
			return nil, q.err
		default:
		}
	}
	return out, nil
}

// Stop cancels the producer and waits for it to return, or for ctx to end (then it
// returns ctx's error and the producer finishes on its own). Safe before Start.
func (q *Queue) Stop(ctx context.Context) error {
	if q.cancel == nil {
		return nil
	}
	q.cancel()
	select {
	case <-q.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Done is closed when the producer has returned.
func (q *Queue) Done() <-chan struct{} { return q.done }
