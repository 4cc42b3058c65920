package configstore

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/internal/golden"
)

// golden compares a record with testdata/<name>.golden, whose first line is the key
// and the rest the exact value bytes (tombstones have no golden file).
func checkGolden(t *testing.T, name string, r Record) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name+".golden"), append([]byte(r.Key+"\n"), r.Value...))
}

func TestGoldenRecords(t *testing.T) {
	sessionKey := SessionKey{
		Key:       []byte("0123456789abcdef0123456789abcdef"),
		Algorithm: "HmacSHA256",
		Created:   time.UnixMilli(1716220000000),
	}
	tests := []struct {
		name   string
		record Record
		// decode reads the value back; its result must equal want.
		decode func([]byte) (any, error)
		want   any
	}{
		{
			name: "connector",
			record: ConnectorConfigRecord("file-src", connectors.Config{
				"name": "file-src", "connector.class": "FileStreamSource", "file": "/tmp/in.txt", "topic": "lines", "tasks.max": "1",
			}),
			decode: func(b []byte) (any, error) { return DecodeProperties(b) },
			want:   connectors.Config{"name": "file-src", "connector.class": "FileStreamSource", "file": "/tmp/in.txt", "topic": "lines", "tasks.max": "1"},
		},
		{
			name: "connector-escaping",
			record: ConnectorConfigRecord("esc", connectors.Config{
				"html": "<a href=\"x\">&</a>", "path": "C:\\tmp/x", "unicode": "café \u2028 ✓",
				"controls": "tab\tnl\ncr\rbs\bff\f\x01\x1f\x7f", "empty": "",
			}),
			decode: func(b []byte) (any, error) { return DecodeProperties(b) },
			want: connectors.Config{
				"html": "<a href=\"x\">&</a>", "path": "C:\\tmp/x", "unicode": "café \u2028 ✓",
				"controls": "tab\tnl\ncr\rbs\bff\f\x01\x1f\x7f", "empty": "",
			},
		},
		{
			name:   "connector-empty-config",
			record: ConnectorConfigRecord("empty", nil),
			decode: func(b []byte) (any, error) { return DecodeProperties(b) },
			want:   connectors.Config{},
		},
		{
			name:   "task",
			record: TaskConfigRecord(TaskID{Connector: "my-db-src", Task: 2}, connectors.Config{"task.class": "MySQLTask", "server.id": "5402"}),
			decode: func(b []byte) (any, error) { return DecodeProperties(b) },
			want:   connectors.Config{"task.class": "MySQLTask", "server.id": "5402"},
		},
		{
			name:   "commit",
			record: CommitRecord("my-db-src", 3),
			decode: func(b []byte) (any, error) { return DecodeCommit(b) },
			want:   3,
		},
		{
			name:   "commit-zero",
			record: CommitRecord("stopped", 0),
			decode: func(b []byte) (any, error) { return DecodeCommit(b) },
			want:   0,
		},
		{
			name:   "target-state-started",
			record: TargetStateRecord("c1", TargetStarted),
			decode: func(b []byte) (any, error) { return DecodeTargetState(b) },
			want:   TargetStarted,
		},
		{
			name:   "target-state-paused",
			record: TargetStateRecord("c1", TargetPaused),
			decode: func(b []byte) (any, error) { return DecodeTargetState(b) },
			want:   TargetPaused,
		},
		{
			name:   "target-state-stopped",
			record: TargetStateRecord("c1", TargetStopped),
			decode: func(b []byte) (any, error) { return DecodeTargetState(b) },
			want:   TargetStopped,
		},
		{
			name:   "restart-connector",
			record: RestartRecord(RestartRequest{Connector: "c1", IncludeTasks: true}),
			decode: func(b []byte) (any, error) { return DecodeRestart("c1", b) },
			want:   RestartRequest{Connector: "c1", IncludeTasks: true},
		},
		{
			name:   "tasks-fencing",
			record: TaskCountRecord("eos-src", 3),
			decode: func(b []byte) (any, error) { return DecodeTaskCount(b) },
			want:   3,
		},
		{
			name:   "session-key",
			record: SessionKeyRecord(sessionKey),
			decode: func(b []byte) (any, error) { return DecodeSessionKey(b) },
			want:   SessionKey{Key: sessionKey.Key, Algorithm: "HmacSHA256", Created: time.UnixMilli(1716220000000).UTC()},
		},
		{
			name:   "logger-cluster",
			record: LoggerLevelRecord("org.apache.kafka.connect", "DEBUG"),
			decode: func(b []byte) (any, error) { return DecodeLoggerLevel(b) },
			want:   "DEBUG",
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

func TestTombstones(t *testing.T) {
	tests := []struct {
		name string
		rec  Record
		key  string
	}{
		{name: "connector", rec: ConnectorTombstone("a-b"), key: "connector-a-b"},
		{name: "target-state", rec: TargetStateTombstone("a-b"), key: "target-state-a-b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.rec.Key != tt.key || tt.rec.Value != nil {
				t.Errorf("got %q=%q, want %q=nil", tt.rec.Key, tt.rec.Value, tt.key)
			}
		})
	}
}
