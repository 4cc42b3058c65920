package worker

import (
	"sync"
	"sync/atomic"
)

// TopicListener is an optional StatusListener ability, found by type assertion: it is
// told the first time a task run produces to (source) or consumes from (sink) a topic,
// so the herder can record the connector's active topics (KIP-558, GET
// /connectors/{c}/topics). Calls come from task goroutines and producer callbacks and
// must not block.
type TopicListener interface {
	TaskTopic(id TaskID, topic string)
}

// topicTracker reports each topic once per task run. A nil tracker does nothing, so
// tasks built without one (unit tests) need no special casing.
type topicTracker struct {
	id TaskID
	l  TopicListener

	mu   sync.Mutex // guards seen; producer callbacks and the task goroutine both call used
	seen map[string]bool
	// last is a topic already seen: the per-record fast path, taken without the lock.
	last atomic.Pointer[string]
}

// newTopicTracker returns a tracker for task id, or nil when the status listener does
// not take topics.
func (w *Worker) newTopicTracker(id TaskID) *topicTracker {
	l, ok := w.deps.Status.(TopicListener)
	if !ok {
		return nil
	}
	return &topicTracker{id: id, l: l, seen: map[string]bool{}}
}

// used notes that the task used topic, telling the listener the first time.
func (t *topicTracker) used(topic string) {
	if t == nil {
		return
	}
	if last := t.last.Load(); last != nil && *last == topic {
		return
	}
	t.usedSlow(topic)
}

// usedSlow is used's path for a topic other than the last one; kept apart so that
// used's argument does not escape to the heap on every call.
func (t *topicTracker) usedSlow(topic string) {
	defer t.last.Store(&topic)
	t.mu.Lock()
	first := !t.seen[topic]
	t.seen[topic] = true
	t.mu.Unlock()
	if first {
		t.l.TaskTopic(t.id, topic)
	}
}
