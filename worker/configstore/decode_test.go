package configstore

import (
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
		{name: "connector", key: "connector-a", want: Key{Kind: KindConnector, Connector: "a"}},
		{name: "connector with dashes", key: "connector-my-db-src", want: Key{Kind: KindConnector, Connector: "my-db-src"}},
		{name: "connector named like a prefix", key: "connector-target-state-x", want: Key{Kind: KindConnector, Connector: "target-state-x"}},
		{name: "target state before connector", key: "target-state-connector-x", want: Key{Kind: KindTargetState, Connector: "connector-x"}},
		{name: "task", key: "task-a-0", want: Key{Kind: KindTask, Connector: "a", Task: 0}},
		{name: "task with dashes", key: "task-my-db-src-12", want: Key{Kind: KindTask, Connector: "my-db-src", Task: 12}},
		{name: "task with double dash", key: "task-a--b-1", want: Key{Kind: KindTask, Connector: "a--b", Task: 1}},
		{name: "task not fencing", key: "tasks-fencing-a-b", want: Key{Kind: KindTaskCount, Connector: "a-b"}},
		{name: "commit", key: "commit-a-b", want: Key{Kind: KindCommit, Connector: "a-b"}},
		{name: "restart", key: "restart-connector-a-b", want: Key{Kind: KindRestart, Connector: "a-b"}},
		{name: "session key", key: "session-key", want: Key{Kind: KindSessionKey}},
		{name: "logger", key: "logger-cluster-org.apache.kafka", want: Key{Kind: KindLoggerLevel, Namespace: "org.apache.kafka"}},
		{name: "task without number", key: "task-a", wantErr: "task number"},
		{name: "task trailing dash", key: "task-a-", wantErr: "task number"},
		{name: "task non-numeric", key: "task-a-b", wantErr: "task number"},
		{name: "task overflow", key: "task-a-99999999999", wantErr: "task number"},
		{name: "task empty connector", key: "task--0", wantErr: "empty connector name"},
		{name: "task only number", key: "task-0", wantErr: "no task number"},
		{name: "empty connector", key: "connector-", wantErr: "empty connector name"},
		{name: "session key prefix only", key: "session-key-x", wantErr: "unknown config record key"},
		{name: "unknown", key: "something-else", wantErr: "unknown config record key"},
		{name: "empty key", key: "", wantErr: "unknown config record key"},
		{name: "logger empty namespace", key: "logger-cluster-", wantErr: "empty logger namespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseKey(tt.key)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseKey(%q) = %+v, %v; want error containing %q", tt.key, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseKey(%q) = %+v, %v; want %+v", tt.key, got, err, tt.want)
			}
		})
	}
}

func TestDecodeTargetState(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		want    TargetState
		wantErr string
	}{
		{name: "old worker paused", value: `{"state":"PAUSED"}`, want: TargetPaused},
		{name: "old worker started", value: `{"state":"STARTED"}`, want: TargetStarted},
		{name: "v2 wins", value: `{"state":"PAUSED","state.v2":"STOPPED"}`, want: TargetStopped},
		{name: "v2 null falls back", value: `{"state":"PAUSED","state.v2":null}`, want: TargetPaused},
		{name: "v2 wrong type falls back", value: `{"state":"PAUSED","state.v2":7}`, want: TargetPaused},
		{name: "trailing content ignored like Jackson", value: `{"state":"PAUSED"} junk`, want: TargetPaused},
		{name: "unknown state", value: `{"state":"RUNNING"}`, wantErr: `invalid target state "RUNNING"`},
		{name: "lower case", value: `{"state":"paused"}`, wantErr: "invalid target state"},
		{name: "state missing", value: `{}`, wantErr: "'state' field should be a string but is null"},
		{name: "state wrong type", value: `{"state":true}`, wantErr: "'state' field should be a string but is boolean"},
		{name: "not an object", value: `["PAUSED"]`, wantErr: "value should be an object but is array"},
		{name: "not JSON", value: `{"state":`, wantErr: "invalid JSON"},
		{name: "empty", value: ``, wantErr: "empty value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeTargetState([]byte(tt.value))
			checkDecode(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func checkDecode[T comparable](t *testing.T, got T, err error, want T, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("got %v, %v; want error containing %q", got, err, wantErr)
		}
		return
	}
	if err != nil || got != want {
		t.Fatalf("got %v, %v; want %v", got, err, want)
	}
}

func TestDecodeProperties(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		wantLen int
		wantErr string
	}{
		{name: "ok", value: `{"properties":{"a":"1","b":"2"}}`, wantLen: 2},
		{name: "null property dropped", value: `{"properties":{"a":"1","b":null}}`, wantLen: 1},
		{name: "number property", value: `{"properties":{"a":1}}`, wantErr: `'properties' entry "a" should be a string but is number`},
		{name: "properties missing", value: `{"props":{}}`, wantErr: "'properties' field should be an object but is null"},
		{name: "properties a string", value: `{"properties":"a=1"}`, wantErr: "'properties' field should be an object but is string"},
		{name: "number value", value: `42`, wantErr: "value should be an object but is number"},
		{name: "null literal", value: `null`, wantErr: "value should be an object but is null"},
		{name: "broken", value: `{"properties":{`, wantErr: "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeProperties([]byte(tt.value))
			checkDecode(t, len(got), err, tt.wantLen, tt.wantErr)
		})
	}
}

func TestDecodeCounts(t *testing.T) {
	tests := []struct {
		name    string
		decode  func([]byte) (int, error)
		value   string
		want    int
		wantErr string
	}{
		{name: "commit", decode: DecodeCommit, value: `{"tasks":2}`, want: 2},
		{name: "commit zero", decode: DecodeCommit, value: `{"tasks":0}`, want: 0},
		{name: "commit float", decode: DecodeCommit, value: `{"tasks":2.0}`, wantErr: "'tasks' field should be an integer but is number"},
		{name: "commit string", decode: DecodeCommit, value: `{"tasks":"2"}`, wantErr: "'tasks' field should be an integer but is string"},
		{name: "commit negative", decode: DecodeCommit, value: `{"tasks":-1}`, wantErr: "out of range"},
		{name: "commit huge", decode: DecodeCommit, value: `{"tasks":3000000000}`, wantErr: "out of range"},
		{name: "commit tombstone", decode: DecodeCommit, value: `null`, wantErr: "should be an object but is null"},
		{name: "fencing", decode: DecodeTaskCount, value: `{"task-count":4}`, want: 4},
		{name: "fencing wrong field", decode: DecodeTaskCount, value: `{"tasks":4}`, wantErr: "'task-count' field should be an integer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.decode([]byte(tt.value))
			checkDecode(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestDecodeRestart(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		want    RestartRequest
		wantErr string
	}{
		{name: "both set", value: `{"include-tasks":true,"only-failed":true}`, want: RestartRequest{Connector: "c", IncludeTasks: true, OnlyFailed: true}},
		{name: "missing fields default false", value: `{}`, want: RestartRequest{Connector: "c"}},
		{name: "non-boolean defaults false", value: `{"include-tasks":"true","only-failed":1}`, want: RestartRequest{Connector: "c"}},
		{name: "null value", value: `null`, wantErr: "value should be an object but is null"},
		{name: "array", value: `[true]`, wantErr: "value should be an object but is array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeRestart("c", []byte(tt.value))
			checkDecode(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestDecodeSessionKey(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		wantKey string
		wantErr string
	}{
		{name: "padded", value: `{"key":"YWJj","algorithm":"HmacSHA256","creation-timestamp":1}`, wantKey: "abc"},
		{name: "unpadded accepted like Java", value: `{"key":"YWI","algorithm":"HmacSHA256","creation-timestamp":1}`, wantKey: "ab"},
		{name: "timestamp float", value: `{"key":"YWJj","algorithm":"HmacSHA256","creation-timestamp":1.5}`, wantErr: "'creation-timestamp' field should be a 64-bit integer but is number"},
		{name: "timestamp string", value: `{"key":"YWJj","algorithm":"HmacSHA256","creation-timestamp":"1"}`, wantErr: "'creation-timestamp' field should be a 64-bit integer but is string"},
		{name: "key not base64", value: `{"key":"!!","algorithm":"HmacSHA256","creation-timestamp":1}`, wantErr: "'key' field is not base64"},
		{name: "key missing", value: `{"algorithm":"HmacSHA256","creation-timestamp":1}`, wantErr: "'key' field should be a string"},
		{name: "algorithm number", value: `{"key":"YWJj","algorithm":5,"creation-timestamp":1}`, wantErr: "'algorithm' field should be a string but is number"},
		{name: "null", value: `null`, wantErr: "value should be an object but is null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeSessionKey([]byte(tt.value))
			checkDecode(t, string(got.Key), err, tt.wantKey, tt.wantErr)
		})
	}
}

func TestDecodeLoggerLevel(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		want    string
		wantErr string
	}{
		{name: "ok", value: `{"level":"WARN"}`, want: "WARN"},
		{name: "missing", value: `{}`, wantErr: "'level' field should be a string but is null"},
		{name: "wrong type", value: `{"level":3}`, wantErr: "'level' field should be a string but is number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeLoggerLevel([]byte(tt.value))
			checkDecode(t, got, err, tt.want, tt.wantErr)
		})
	}
}
