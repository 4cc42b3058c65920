package statusstore

import (
	"io"
	"log/slog"
	"strings"
	"testing"
)

func TestParseKey(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		want    Key
		wantErr string
	}{
		{name: "connector", key: "status-connector-a", want: Key{Kind: KindConnector, Connector: "a"}},
		{name: "connector with dashes", key: "status-connector-a-b-1", want: Key{Kind: KindConnector, Connector: "a-b-1"}},
		{name: "task", key: "status-task-a-0", want: Key{Kind: KindTask, Connector: "a", Task: 0}},
		{name: "task with dashes", key: "status-task-my-db-src-7", want: Key{Kind: KindTask, Connector: "my-db-src", Task: 7}},
		{name: "topic", key: "status-topic-t.1:connector-c-1", want: Key{Kind: KindTopic, Topic: "t.1", Connector: "c-1"}},
		{name: "topic connector with colon", key: "status-topic-t:connector-a:b", want: Key{Kind: KindTopic, Topic: "t", Connector: "a:b"}},
		{name: "empty connector", key: "status-connector-", wantErr: "empty connector name"},
		{name: "task no number", key: "status-task-a", wantErr: "no task number"},
		{name: "task non-numeric", key: "status-task-a-x", wantErr: "task number"},
		{name: "task trailing dash", key: "status-task-a-", wantErr: "task number"},
		{name: "task empty connector", key: "status-task--1", wantErr: "empty connector name"},
		{name: "topic no separator", key: "status-topic-t", wantErr: "separator"},
		{name: "topic wrong separator", key: "status-topic-t:task-c", wantErr: "separator"},
		{name: "topic empty topic", key: "status-topic-:connector-c", wantErr: "empty topic or connector"},
		{name: "topic empty connector", key: "status-topic-t:connector-", wantErr: "empty topic or connector"},
		{name: "unknown", key: "status-other-x", wantErr: "unknown status record key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseKey(tt.key)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseKey(%q) = %+v, %v; want error %q", tt.key, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseKey(%q) = %+v, %v; want %+v", tt.key, got, err, tt.want)
			}
		})
	}
}

func TestDecodeStatus(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		want    status
		wantErr string
	}{
		{name: "full", value: `{"state":"PAUSED","trace":"t","worker_id":"w","generation":4}`, want: status{StatePaused, "t", "w", 4}},
		{name: "field order free", value: `{"generation":4,"worker_id":"w","state":"RESTARTING"}`, want: status{StateRestarting, "", "w", 4}},
		{name: "null worker", value: `{"state":"RUNNING","trace":null,"worker_id":null,"generation":1}`, want: status{StateRunning, "", "", 1}},
		{name: "unknown state", value: `{"state":"SLEEPING","generation":1}`, wantErr: `'state' field "SLEEPING" is not a status state`},
		{name: "destroyed never a value", value: `{"state":"DESTROYED","generation":1}`, wantErr: "is not a status state"},
		{name: "state missing", value: `{"generation":1}`, wantErr: "'state' field should be a string but is null"},
		{name: "generation float", value: `{"state":"RUNNING","generation":1.0}`, wantErr: "'generation' field should be an integer but is number"},
		{name: "generation missing", value: `{"state":"RUNNING"}`, wantErr: "'generation' field should be an integer but is null"},
		{name: "generation too big", value: `{"state":"RUNNING","generation":4294967296}`, wantErr: "out of range"},
		{name: "trace wrong type", value: `{"state":"FAILED","trace":[],"generation":1}`, wantErr: "'trace' field should be a string but is array"},
		{name: "worker wrong type", value: `{"state":"FAILED","worker_id":8083,"generation":1}`, wantErr: "'worker_id' field should be a string but is number"},
		{name: "not an object", value: `"RUNNING"`, wantErr: "value should be an object but is string"},
		{name: "not JSON", value: `{"state"`, wantErr: "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeStatus([]byte(tt.value))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %+v, %v; want error %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestDecodeTopicStatus(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		wantErr string
	}{
		{name: "ok", value: `{"topic":{"name":"t","connector":"c","task":1,"discoverTimestamp":5}}`},
		{name: "no inner", value: `{"name":"t"}`, wantErr: "'topic' field should be an object but is null"},
		{name: "task string", value: `{"topic":{"name":"t","connector":"c","task":"1","discoverTimestamp":5}}`, wantErr: "'topic.task' field"},
		{name: "timestamp float", value: `{"topic":{"name":"t","connector":"c","task":1,"discoverTimestamp":5.5}}`, wantErr: "'topic.discoverTimestamp' field"},
		{name: "name missing", value: `{"topic":{"connector":"c","task":1,"discoverTimestamp":5}}`, wantErr: "'topic.name' field"},
		{name: "connector number", value: `{"topic":{"name":"t","connector":1,"task":1,"discoverTimestamp":5}}`, wantErr: "'topic.connector' field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeTopicStatus([]byte(tt.value))
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func raw(key, value string) Record { return Record{Key: key, Value: []byte(value)} }

func TestCacheReadRules(t *testing.T) {
	running := func(gen int32, worker string) string {
		return string(TaskRecord(TaskStatus{ID: TaskID{"c", 0}, State: StateRunning, WorkerID: worker, Generation: gen}).Value)
	}
	unassigned := func(gen int32, worker string) string {
		return string(TaskRecord(TaskStatus{ID: TaskID{"c", 0}, State: StateUnassigned, WorkerID: worker, Generation: gen}).Value)
	}
	tests := []struct {
		name      string
		recs      []Record
		wantTask  State // "" = no status
		wantConn  State
		wantTopic int
	}{
		{name: "stale UNASSIGNED same generation ignored", recs: []Record{raw("status-task-c-0", running(5, "a")), raw("status-task-c-0", unassigned(5, "b"))}, wantTask: StateRunning},
		{name: "stale UNASSIGNED older generation ignored", recs: []Record{raw("status-task-c-0", running(5, "a")), raw("status-task-c-0", unassigned(4, "b"))}, wantTask: StateRunning},
		{name: "newer UNASSIGNED applied", recs: []Record{raw("status-task-c-0", running(5, "a")), raw("status-task-c-0", unassigned(6, "b"))}, wantTask: StateUnassigned},
		{name: "task tombstone removes", recs: []Record{raw("status-task-c-0", running(5, "a")), {Key: "status-task-c-0"}}},
		{name: "connector tombstone removes its tasks", recs: []Record{
			raw("status-connector-c", `{"state":"RUNNING","trace":null,"worker_id":"a","generation":1}`),
			raw("status-task-c-0", running(1, "a")), {Key: "status-connector-c"}}},
		{name: "garbage skipped", recs: []Record{
			raw("status-connector-c", `{"state":"RUNNING","trace":null,"worker_id":"a","generation":1}`),
			raw("status-connector-c", `{"state":"NOPE","generation":1}`),
			raw("status-connector-c", `nope`),
			raw("status-task-c-x", running(1, "a")),
			raw("status-topic-t", `{}`),
			raw("whatever", `{}`),
			raw("status-task-c-0", `{"state":"RUNNING","generation":"1"}`),
			{Key: "status-task-c-0", Value: []byte{}},
		}, wantConn: StateRunning},
		{name: "topic put and tombstone", recs: []Record{
			TopicRecord(TopicStatus{Topic: "t1", Connector: "c"}), TopicRecord(TopicStatus{Topic: "t2", Connector: "c"}),
			TopicTombstone("t1", "c")}, wantTopic: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCache(slog.New(slog.NewTextHandler(io.Discard, nil)))
			for _, r := range tt.recs {
				c.apply(r.Key, r.Value)
			}
			ts, _ := c.task(TaskID{"c", 0})
			cs, _ := c.connector("c")
			if ts.State != tt.wantTask || cs.State != tt.wantConn || len(c.topicList("c")) != tt.wantTopic {
				t.Fatalf("task %q connector %q topics %d; want %q %q %d", ts.State, cs.State, len(c.topicList("c")), tt.wantTask, tt.wantConn, tt.wantTopic)
			}
		})
	}
}
