package statusstore

import (
	"io"
	"log/slog"
	"testing"
)

// FuzzApply feeds arbitrary status-topic records to the reader: applying them must not
// panic, and a value that decodes must round-trip through the encoder.
func FuzzApply(f *testing.F) {
	seeds := []Record{
		ConnectorRecord(ConnectorStatus{Connector: "c", State: StateRunning, WorkerID: "w", Generation: 1}),
		TaskRecord(TaskStatus{ID: TaskID{"c", 0}, State: StateFailed, Trace: "t", WorkerID: "w", Generation: 2}),
		TopicRecord(TopicStatus{Topic: "t", Connector: "c"}),
		raw("status-task-c-0", `{"state":"UNASSIGNED","generation":-5}`),
	}
	for _, s := range seeds {
		f.Add(s.Key, s.Value)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.Fuzz(func(t *testing.T, key string, value []byte) {
		c := newCache(log)
		c.apply(key, value)
		for _, n := range c.names() {
			c.taskList(n)
			c.topicList(n)
		}
		if s, err := decodeStatus(value); err == nil {
			back, err := decodeStatus(encodeStatus(s))
			if err != nil || back != s {
				t.Fatalf("round trip of %+v: %+v, %v", s, back, err)
			}
		}
	})
}
