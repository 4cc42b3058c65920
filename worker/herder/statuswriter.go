package herder

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gonnect/gonnect/worker"
	"github.com/gonnect/gonnect/worker/configstore"
	"github.com/gonnect/gonnect/worker/statusstore"
)

// StatusWriter adapts a statusstore.StatusStore (the status topic, or memory in
// standalone mode) to the herder's StatusStore. Writes are queued and applied in order
// by one goroutine, so runner goroutines never block on Kafka; a failed write is
// logged (statuses are advisory, as in Java, and the next change rewrites them).
type StatusWriter struct {
	store    statusstore.StatusStore
	workerID string
	gen      atomic.Int32
	log      *slog.Logger

	mu     sync.Mutex // guards queue, closed
	queue  []func(context.Context) error
	closed bool
	wake   chan struct{}
	done   chan struct{}
}

// NewStatusWriter starts the writer; Close stops it after draining the queue.
func NewStatusWriter(store statusstore.StatusStore, workerID string, log *slog.Logger) *StatusWriter {
	if log == nil {
		log = slog.Default()
	}
	w := &StatusWriter{store: store, workerID: workerID, log: log, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go w.run()
	return w
}

func (w *StatusWriter) run() {
	defer close(w.done)
	for range w.wake {
		for {
			w.mu.Lock()
			batch := w.queue
			w.queue = nil
			w.mu.Unlock()
			if len(batch) == 0 {
				break
			}
			for _, fn := range batch {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				if err := fn(ctx); err != nil {
					w.log.Warn("writing status failed", "error", err)
				}
				cancel()
			}
		}
	}
}

func (w *StatusWriter) enqueue(fn func(context.Context) error) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		// A task abandoned at shutdown may still report; its status is dropped.
		return false
	}
	w.queue = append(w.queue, fn)
	select {
	case w.wake <- struct{}{}:
	default:
	}
	return true
}

// Flush waits until every write queued before the call has been attempted.
func (w *StatusWriter) Flush(ctx context.Context) {
	ch := make(chan struct{})
	if !w.enqueue(func(context.Context) error { close(ch); return nil }) {
		return
	}
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

// Close drains the queue and stops the writer.
func (w *StatusWriter) Close() {
	w.Flush(context.Background())
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	close(w.wake)
	w.mu.Unlock()
	<-w.done
}

// SetGeneration implements StatusStore.
func (w *StatusWriter) SetGeneration(gen int32) { w.gen.Store(gen) }

// ConnectorState implements StatusStore.
func (w *StatusWriter) ConnectorState(name string, s worker.State, err error, safe bool) {
	st := statusstore.ConnectorStatus{Connector: name, State: statusstore.State(s), Trace: worker.Trace(err), WorkerID: w.workerID, Generation: w.gen.Load()}
	w.enqueue(func(ctx context.Context) error {
		if safe {
			return w.store.PutConnectorSafe(ctx, st)
		}
		return w.store.PutConnector(ctx, st)
	})
}

// TaskState implements StatusStore.
func (w *StatusWriter) TaskState(id worker.TaskID, s worker.State, err error, safe bool) {
	st := statusstore.TaskStatus{ID: statusstore.TaskID{Connector: id.Connector, Task: id.Task}, State: statusstore.State(s),
		Trace: worker.Trace(err), WorkerID: w.workerID, Generation: w.gen.Load()}
	w.enqueue(func(ctx context.Context) error {
		if safe {
			return w.store.PutTaskSafe(ctx, st)
		}
		return w.store.PutTask(ctx, st)
	})
}

// Connector implements StatusStore.
func (w *StatusWriter) Connector(name string) (Status, bool) {
	s, ok := w.store.Connector(name)
	return Status{State: string(s.State), Trace: s.Trace, WorkerID: s.WorkerID, Generation: s.Generation}, ok
}

// Task implements StatusStore.
func (w *StatusWriter) Task(id worker.TaskID) (Status, bool) {
	s, ok := w.store.Task(statusstore.TaskID{Connector: id.Connector, Task: id.Task})
	return Status{State: string(s.State), Trace: s.Trace, WorkerID: s.WorkerID, Generation: s.Generation}, ok
}

// Tasks implements StatusStore.
func (w *StatusWriter) Tasks(name string) map[int]Status {
	out := map[int]Status{}
	for _, s := range w.store.Tasks(name) {
		out[s.ID.Task] = Status{State: string(s.State), Trace: s.Trace, WorkerID: s.WorkerID, Generation: s.Generation}
	}
	return out
}

// Topics implements StatusStore.
func (w *StatusWriter) Topics(name string) []string {
	out := []string{}
	for _, t := range w.store.Topics(name) {
		out = append(out, t.Topic)
	}
	return out
}

// ResetTopics implements StatusStore.
func (w *StatusWriter) ResetTopics(ctx context.Context, name string) error {
	return w.store.DeleteTopics(ctx, name)
}

// CleanUp implements StatusStore: tombstones for deleted connectors' statuses and for
// tasks beyond each connector's task count.
func (w *StatusWriter) CleanUp(_ context.Context, s configstore.ClusterState) {
	for _, name := range w.store.Connectors() {
		if !s.Contains(name) {
			name := name
			w.enqueue(func(ctx context.Context) error { return w.store.DeleteConnector(ctx, name) })
			continue
		}
		for _, t := range w.store.Tasks(name) {
			if t.ID.Task >= s.TaskCount(name) {
				id := t.ID
				w.enqueue(func(ctx context.Context) error { return w.store.DeleteTask(ctx, id) })
			}
		}
	}
}
