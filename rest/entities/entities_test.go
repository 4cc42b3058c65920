package entities

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestJSONShapes(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{name: "connector-info-empty-tasks", v: ConnectorInfo{Name: "c", Type: TypeSink},
			want: `{"name":"c","config":{},"tasks":[],"type":"sink"}`},
		{name: "state-trace-omitted", v: ConnectorStateInfo{Name: "c", Connector: ConnectorState{State: StateRunning, WorkerID: "h:8083"},
			Tasks: []TaskState{{ID: 0, State: StateFailed, WorkerID: "h:8083", Trace: "boom"}, {ID: 1, State: StateRunning, WorkerID: "h:8083"}}, Type: TypeSource},
			want: `{"name":"c","connector":{"state":"RUNNING","worker_id":"h:8083"},"tasks":[{"id":0,"state":"FAILED","worker_id":"h:8083","trace":"boom"},{"id":1,"state":"RUNNING","worker_id":"h:8083"}],"type":"source"}`},
		{name: "plugin-version-undefined-omitted", v: []PluginInfo{{Class: "a.B", Type: "sink", Version: "undefined"}, {Class: "a.C", Type: "source", Version: "3.9.0"}},
			want: `[{"class":"a.B","type":"sink"},{"class":"a.C","type":"source","version":"3.9.0"}]`},
		{name: "config-key-null-group-and-default", v: ConfigKeyInfo{Name: "k", Type: "STRING", Required: true, Importance: "HIGH", Width: "NONE", DisplayName: "k"},
			want: `{"name":"k","type":"STRING","required":true,"default_value":null,"importance":"HIGH","documentation":"","order":0,"width":"NONE","display_name":"k","dependents":[],"group":null}`},
		{name: "config-infos-empty", v: ConfigInfos{Name: "X"}, want: `{"name":"X","error_count":0,"groups":[],"configs":[]}`},
		{name: "config-value-null", v: ConfigInfo{Value: &ConfigValueInfo{Name: "k", Visible: true}},
			want: `{"definition":null,"value":{"name":"k","value":null,"recommended_values":[],"errors":[],"visible":true}}`},
		{name: "offsets", v: ConnectorOffsets{Offsets: []ConnectorOffset{{Partition: map[string]any{"server": "db1"}, Offset: nil}}},
			want: `{"offsets":[{"partition":{"server":"db1"},"offset":null}]}`},
		{name: "offsets-empty", v: ConnectorOffsets{}, want: `{"offsets":[]}`},
		{name: "topics-empty", v: map[string]ConnectorTopics{"c": {}}, want: `{"c":{"topics":[]}}`},
		{name: "logger-never-modified", v: LoggerLevel{Level: "INFO"}, want: `{"level":"INFO","last_modified":null}`},
		{name: "expanded-only-status", v: ConnectorExpanded{Status: &ConnectorStateInfo{Name: "c"}},
			want: `{"status":{"name":"c","connector":{"state":"","worker_id":""},"tasks":[],"type":""}}`},
		{name: "no-html-escaping", v: ConnectorInfo{Name: "c", Config: map[string]string{"regex": "<a&b>"}, Type: TypeSink},
			want: `{"name":"c","config":{"regex":"<a&b>"},"tasks":[],"type":"sink"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("got  %s\nwant %s", b, tc.want)
			}
		})
	}
}

func TestCreateRequestRoundTrip(t *testing.T) {
	var r CreateConnectorRequest
	in := `{"name":"c","config":{"connector.class":"X"},"initial_state":"PAUSED"}`
	if err := json.Unmarshal([]byte(in), &r); err != nil {
		t.Fatal(err)
	}
	st, err := ParseInitialState(r.InitialState)
	if err != nil || st == nil || *st != TargetPaused {
		t.Fatalf("initial state %v %v", st, err)
	}
	for _, tc := range []struct {
		in   string
		want *TargetState
		ok   bool
	}{{"", nil, true}, {"running", ptr(TargetStarted), true}, {"Stopped", ptr(TargetStopped), true}, {"SLEEPING", nil, false}} {
		got, err := ParseInitialState(tc.in)
		if (err == nil) != tc.ok || (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
			t.Errorf("ParseInitialState(%q) = %v, %v", tc.in, got, err)
		}
		var br *BadRequestError
		if !tc.ok && !errors.As(err, &br) {
			t.Errorf("ParseInitialState(%q) error %T, want *BadRequestError", tc.in, err)
		}
	}
}

func ptr(s TargetState) *TargetState { return &s }

func TestErrors(t *testing.T) {
	if err := ConnectorNotFound("c"); !errors.Is(err, ErrNotFound) || err.Error() != "Connector c not found" {
		t.Errorf("ConnectorNotFound: %v", err)
	}
	if err := ConnectorExists("c"); !errors.Is(err, ErrAlreadyExists) || err.Error() != "Connector c already exists" {
		t.Errorf("ConnectorExists: %v", err)
	}
	if (&StatusError{Status: 503, Msg: "x"}).Code() != 503 || (&StatusError{Status: 409, ErrorCode: 40901}).Code() != 40901 {
		t.Error("StatusError.Code")
	}
	var tgt RequestTarget = &NotLeaderError{LeaderURL: "http://l:8083/"}
	if tgt.ForwardURL() != "http://l:8083/" {
		t.Error("NotLeaderError.ForwardURL")
	}
	start := time.Date(2024, 10, 25, 3, 33, 1, 0, time.UTC)
	if got := (&TimeoutError{Stage: &Stage{Description: "x", Started: start}}).Error(); got != "Request timed out. The worker is currently x, which began at 2024-10-25T03:33:01Z." {
		t.Errorf("TimeoutError %q", got)
	}
}
