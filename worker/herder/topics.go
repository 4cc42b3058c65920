package herder

import (
	"context"
	"slices"
	"time"

	"github.com/gonnect/gonnect/worker"
	"github.com/gonnect/gonnect/worker/statusstore"
)

// TopicRecorder is an optional StatusStore ability, found by type assertion: it
// records, asynchronously, that a task used a topic (a status-topic-<t>:connector-<c>
// record). StatusWriter implements it.
type TopicRecorder interface {
	TopicUsed(id worker.TaskID, topic string)
}

// TaskTopic implements worker.TopicListener: the first time a task run uses a topic
// that the status topic does not already list for its connector, it is recorded
// (KIP-558; Java's WorkerTask.recordActiveTopic). A no-op with
// topic.tracking.enable=false. Safe for concurrent use; never blocks on Kafka.
func (h *Herder) TaskTopic(id worker.TaskID, topic string) {
	if !h.cfg.TopicTracking {
		return
	}
	r, ok := h.statuses.(TopicRecorder)
	if !ok {
		return
	}
	if slices.Contains(h.statuses.Topics(id.Connector), topic) {
		return
	}
	r.TopicUsed(id, topic)
}

// TopicUsed implements TopicRecorder: the write is queued behind earlier status writes.
func (w *StatusWriter) TopicUsed(id worker.TaskID, topic string) {
	st := statusstore.TopicStatus{Topic: topic, Connector: id.Connector, Task: id.Task, Discovered: time.Now()}
	w.enqueue(func(ctx context.Context) error { return w.store.PutTopic(ctx, st) })
}
