package statusstore

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/gonnect/gonnect/internal/golden"
)

// golden compares a record with testdata/<name>.golden: the key, a newline, and the
// exact value bytes.
func checkGolden(t *testing.T, name string, r Record) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name+".golden"), append([]byte(r.Key+"\n"), r.Value...))
}

func TestGoldenRecords(t *testing.T) {
	trace := "org.apache.kafka.connect.errors.ConnectException: boom <&>\n\tat X.y(X.java:1)\n"
	tests := []struct {
		name   string
		record Record
		decode func(b []byte) (any, error)
		want   any
	}{
		{
			name:   "connector-running",
			record: ConnectorRecord(ConnectorStatus{Connector: "file-src", State: StateRunning, WorkerID: "10.0.0.5:8083", Generation: 17}),
			decode: func(b []byte) (any, error) { return DecodeConnectorStatus("file-src", b) },
			want:   ConnectorStatus{Connector: "file-src", State: StateRunning, WorkerID: "10.0.0.5:8083", Generation: 17},
		},
		{
			name:   "connector-stopped",
			record: ConnectorRecord(ConnectorStatus{Connector: "a-b", State: StateStopped, WorkerID: "w:8083", Generation: 0}),
			decode: func(b []byte) (any, error) { return DecodeConnectorStatus("a-b", b) },
			want:   ConnectorStatus{Connector: "a-b", State: StateStopped, WorkerID: "w:8083"},
		},
		{
			name:   "task-failed",
			record: TaskRecord(TaskStatus{ID: TaskID{"my-db-src", 0}, State: StateFailed, Trace: trace, WorkerID: "w1:8083", Generation: 3}),
			decode: func(b []byte) (any, error) { return DecodeTaskStatus(TaskID{"my-db-src", 0}, b) },
			want:   TaskStatus{ID: TaskID{"my-db-src", 0}, State: StateFailed, Trace: trace, WorkerID: "w1:8083", Generation: 3},
		},
		{
			name:   "task-unassigned",
			record: TaskRecord(TaskStatus{ID: TaskID{"c", 12}, State: StateUnassigned, WorkerID: "w2:8083", Generation: -1}),
			decode: func(b []byte) (any, error) { return DecodeTaskStatus(TaskID{"c", 12}, b) },
			want:   TaskStatus{ID: TaskID{"c", 12}, State: StateUnassigned, WorkerID: "w2:8083", Generation: -1},
		},
		{
			name:   "topic",
			record: TopicRecord(TopicStatus{Topic: "lines", Connector: "file-src", Task: 0, Discovered: time.UnixMilli(1716220000000)}),
			decode: func(b []byte) (any, error) { return DecodeTopicStatus(b) },
			want:   TopicStatus{Topic: "lines", Connector: "file-src", Task: 0, Discovered: time.UnixMilli(1716220000000).UTC()},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, tt.name, tt.record)
			got, err := tt.decode(tt.record.Value)
			if err != nil {
				t.Fatalf("decoding own output: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("round trip: got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestDestroyedIsATombstone(t *testing.T) {
	tests := []struct {
		name string
		rec  Record
		key  string
	}{
		{name: "connector", rec: ConnectorRecord(ConnectorStatus{Connector: "c", State: StateDestroyed, WorkerID: "w", Generation: 2}), key: "status-connector-c"},
		{name: "task", rec: TaskRecord(TaskStatus{ID: TaskID{"c", 1}, State: StateDestroyed}), key: "status-task-c-1"},
		{name: "topic", rec: TopicTombstone("t", "c"), key: "status-topic-t:connector-c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.rec.Key != tt.key || tt.rec.Value != nil {
				t.Fatalf("got %q=%q, want %q=null", tt.rec.Key, tt.rec.Value, tt.key)
			}
		})
	}
}
