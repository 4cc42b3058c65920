package configstore

import (
	"io"
	"log/slog"
	"reflect"
	"testing"

	"github.com/gonnect/gonnect/connectors"
)

func raw(key, value string) Record { return Record{Key: key, Value: []byte(value)} }

func tomb(key string) Record { return Record{Key: key} }

// replay applies recs at offsets 0.. to a fresh applier and returns its snapshot and
// the updates. started says whether start-up had finished before the first record.
func replay(started bool, recs ...Record) (ClusterState, []Update) {
	a := newApplier(slog.New(slog.NewTextHandler(io.Discard, nil)))
	a.started = started
	var us []Update
	for i, r := range recs {
		us = append(us, a.apply(int64(i), r.Key, r.Value)...)
	}
	return a.snapshot(), us
}

func kinds(us []Update) []UpdateKind {
	var out []UpdateKind
	for _, u := range us {
		out = append(out, u.Kind)
	}
	return out
}

func TestApply(t *testing.T) {
	cfg := connectors.Config{"connector.class": "X"}
	tests := []struct {
		name    string
		started bool
		recs    []Record
		check   func(t *testing.T, s ClusterState, us []Update)
	}{
		{
			name: "empty log",
			check: func(t *testing.T, s ClusterState, us []Update) {
				if s.Offset() != -1 || len(s.Connectors()) != 0 || len(us) != 0 {
					t.Fatalf("offset %d connectors %v updates %v", s.Offset(), s.Connectors(), us)
				}
			},
		},
		{
			name:    "connector defaults to STARTED and offset is last+1",
			started: true,
			recs:    []Record{ConnectorConfigRecord("a", cfg)},
			check: func(t *testing.T, s ClusterState, us []Update) {
				if st, _ := s.TargetState("a"); st != TargetStarted || s.Offset() != 1 {
					t.Fatalf("state %v offset %d", st, s.Offset())
				}
				if len(us) != 1 || us[0].Kind != ConnectorAdded || us[0].Offset != 1 || us[0].BeforeStart {
					t.Fatalf("updates %+v", us)
				}
			},
		},
		{
			name: "initial state kept for a connector not yet created",
			recs: []Record{TargetStateRecord("a", TargetStopped), ConnectorConfigRecord("a", cfg)},
			check: func(t *testing.T, s ClusterState, us []Update) {
				if st, _ := s.TargetState("a"); st != TargetStopped {
					t.Fatalf("state %v", st)
				}
				if got := kinds(us); !reflect.DeepEqual(got, []UpdateKind{ConnectorAdded}) {
					t.Fatalf("updates %v (a target state before the config triggers none)", got)
				}
				if !us[0].BeforeStart {
					t.Fatal("update read before start-up not flagged")
				}
			},
		},
		{
			name: "config change and target state change",
			recs: []Record{ConnectorConfigRecord("a", cfg), ConnectorConfigRecord("a", connectors.Config{"x": "y"}),
				TargetStateRecord("a", TargetPaused), TargetStateRecord("a", TargetPaused)},
			check: func(t *testing.T, s ClusterState, us []Update) {
				want := []UpdateKind{ConnectorAdded, ConnectorChanged, TargetStateChanged}
				if got := kinds(us); !reflect.DeepEqual(got, want) {
					t.Fatalf("updates %v, want %v (an unchanged state is silent)", got, want)
				}
				if c, _ := s.ConnectorConfig("a"); c["x"] != "y" {
					t.Fatalf("config %v", c)
				}
			},
		},
		{
			name: "complete commit applies staged tasks",
			recs: []Record{ConnectorConfigRecord("a", cfg),
				TaskConfigRecord(TaskID{"a", 1}, connectors.Config{"t": "1"}),
				TaskConfigRecord(TaskID{"a", 0}, connectors.Config{"t": "0"}),
				CommitRecord("a", 2)},
			check: func(t *testing.T, s ClusterState, us []Update) {
				got := s.TaskConfigs("a")
				want := []connectors.Config{{"t": "0"}, {"t": "1"}}
				if !reflect.DeepEqual(got, want) || s.TaskCount("a") != 2 || s.IsInconsistent("a") {
					t.Fatalf("tasks %v count %d inconsistent %v", got, s.TaskCount("a"), s.IsInconsistent("a"))
				}
				last := us[len(us)-1]
				if last.Kind != TaskConfigsCommitted || len(last.Tasks) != 2 || last.Inconsistent {
					t.Fatalf("update %+v", last)
				}
				if gen, ok := s.TaskConfigGeneration("a"); !ok || gen != 0 {
					t.Fatalf("generation %d %v", gen, ok)
				}
				if !s.PendingFencing("a") {
					t.Fatal("commit should leave the connector pending fencing")
				}
			},
		},
		{
			name: "staged tasks are not visible before the commit",
			recs: []Record{ConnectorConfigRecord("a", cfg), TaskConfigRecord(TaskID{"a", 0}, cfg)},
			check: func(t *testing.T, s ClusterState, us []Update) {
				if _, ok := s.TaskConfig(TaskID{"a", 0}); ok || s.TaskCount("a") != 0 {
					t.Fatal("staged task config applied without commit")
				}
			},
		},
		{
			name: "compacted incomplete set marks inconsistent, next complete commit clears it",
			recs: []Record{ConnectorConfigRecord("a", cfg),
				TaskConfigRecord(TaskID{"a", 1}, cfg),
				CommitRecord("a", 2),
				TaskConfigRecord(TaskID{"a", 0}, cfg),
				TaskConfigRecord(TaskID{"a", 1}, cfg)},
			check: func(t *testing.T, s ClusterState, us []Update) {
				if !s.IsInconsistent("a") || s.Tasks("a") != nil || s.TaskCount("a") != 2 {
					t.Fatalf("inconsistent %v tasks %v", s.IsInconsistent("a"), s.Tasks("a"))
				}
				if u := us[len(us)-1]; !u.Inconsistent || len(u.Tasks) != 0 {
					t.Fatalf("update %+v", u)
				}
				// The staging was cleared at the commit: these two need their own commit.
				s2, _ := replay(false, ConnectorConfigRecord("a", cfg), TaskConfigRecord(TaskID{"a", 1}, cfg),
					CommitRecord("a", 2), TaskConfigRecord(TaskID{"a", 0}, cfg), TaskConfigRecord(TaskID{"a", 1}, cfg), CommitRecord("a", 2))
				if s2.IsInconsistent("a") || len(s2.Tasks("a")) != 2 {
					t.Fatalf("after complete commit: inconsistent %v tasks %v", s2.IsInconsistent("a"), s2.Tasks("a"))
				}
			},
		},
		{
			name: "stale higher task ids are allowed",
			recs: []Record{ConnectorConfigRecord("a", cfg),
				TaskConfigRecord(TaskID{"a", 2}, cfg), TaskConfigRecord(TaskID{"a", 0}, cfg), CommitRecord("a", 1)},
			check: func(t *testing.T, s ClusterState, us []Update) {
				if s.IsInconsistent("a") || len(s.Tasks("a")) != 1 {
					t.Fatalf("inconsistent %v tasks %v", s.IsInconsistent("a"), s.Tasks("a"))
				}
			},
		},
		{
			name: "commit for a deleted and compacted connector is ignored",
			recs: []Record{TaskConfigRecord(TaskID{"gone", 0}, cfg), CommitRecord("gone", 1)},
			check: func(t *testing.T, s ClusterState, us []Update) {
				if s.Contains("gone") || s.TaskCount("gone") != 0 || len(us) != 0 || s.Offset() != 2 {
					t.Fatalf("connectors %v count %d updates %v", s.Connectors(), s.TaskCount("gone"), us)
				}
				// The staging was dropped: a later config plus commit 0 must not revive it.
				s2, _ := replay(false, TaskConfigRecord(TaskID{"gone", 0}, cfg), CommitRecord("gone", 1),
					ConnectorConfigRecord("gone", cfg), CommitRecord("gone", 1))
				if !s2.IsInconsistent("gone") {
					t.Fatal("staged config survived the ignored commit")
				}
			},
		},
		{
			name: "delete removes everything but keeps the target state until its tombstone",
			recs: []Record{ConnectorConfigRecord("a", cfg), TaskConfigRecord(TaskID{"a", 0}, cfg), CommitRecord("a", 1),
				TargetStateRecord("a", TargetPaused), ConnectorTombstone("a")},
			check: func(t *testing.T, s ClusterState, us []Update) {
				if s.Contains("a") || s.TaskCount("a") != 0 || len(s.TaskConfigs("a")) != 0 {
					t.Fatal("connector data left after delete")
				}
				if st, ok := s.TargetState("a"); !ok || st != TargetPaused {
					t.Fatalf("target state %v %v", st, ok)
				}
				if us[len(us)-1].Kind != ConnectorRemoved {
					t.Fatalf("last update %v", us[len(us)-1].Kind)
				}
			},
		},
		{
			name: "target state tombstone resets to STARTED while the config exists",
			recs: []Record{ConnectorConfigRecord("a", cfg), TargetStateRecord("a", TargetPaused), TargetStateTombstone("a"),
				TargetStateRecord("b", TargetPaused), TargetStateTombstone("b")},
			check: func(t *testing.T, s ClusterState, us []Update) {
				if st, _ := s.TargetState("a"); st != TargetStarted {
					t.Fatalf("a: %v", st)
				}
				if _, ok := s.TargetState("b"); ok {
					t.Fatal("b: target state left after tombstone")
				}
			},
		},
		{
			name: "tombstone of an unknown connector is silent",
			recs: []Record{ConnectorTombstone("never")},
			check: func(t *testing.T, s ClusterState, us []Update) {
				if len(us) != 0 {
					t.Fatalf("updates %v", us)
				}
			},
		},
		{
			name: "restart and logger records before start-up are ignored",
			recs: []Record{RestartRecord(RestartRequest{Connector: "a"}), LoggerLevelRecord("x", "DEBUG")},
			check: func(t *testing.T, s ClusterState, us []Update) {
				if len(s.RestartRequests()) != 0 || len(s.LoggerLevels()) != 0 {
					t.Fatalf("restarts %v levels %v", s.RestartRequests(), s.LoggerLevels())
				}
				if len(us) != 2 || !us[0].BeforeStart || !us[1].BeforeStart {
					t.Fatalf("updates %+v", us)
				}
			},
		},
		{
			name:    "restart and logger records after start-up",
			started: true,
			recs: []Record{RestartRecord(RestartRequest{Connector: "a", OnlyFailed: true}), LoggerLevelRecord("x", "DEBUG"),
				RestartRecord(RestartRequest{Connector: "a", IncludeTasks: true})},
			check: func(t *testing.T, s ClusterState, us []Update) {
				want := []RestartRequest{{Connector: "a", IncludeTasks: true}}
				if !reflect.DeepEqual(s.RestartRequests(), want) || s.LoggerLevels()["x"] != "DEBUG" {
					t.Fatalf("restarts %v levels %v", s.RestartRequests(), s.LoggerLevels())
				}
				if us[1].Namespace != "x" || us[1].Level != "DEBUG" || us[0].Restart.OnlyFailed != true {
					t.Fatalf("updates %+v", us)
				}
			},
		},
		{
			name: "session key and fencing records",
			recs: []Record{raw("session-key", `{"key":"YWJj","algorithm":"HmacSHA256","creation-timestamp":5}`),
				ConnectorConfigRecord("a", cfg), CommitRecord("a", 0), TaskCountRecord("a", 0)},
			check: func(t *testing.T, s ClusterState, us []Update) {
				k, ok := s.SessionKey()
				if !ok || string(k.Key) != "abc" || k.Created.UnixMilli() != 5 {
					t.Fatalf("session key %v %v", k, ok)
				}
				if n, ok := s.TaskCountRecord("a"); !ok || n != 0 || s.PendingFencing("a") {
					t.Fatalf("task count %d %v pending %v", n, ok, s.PendingFencing("a"))
				}
			},
		},
		{
			name: "garbage is skipped, not fatal",
			recs: []Record{
				raw("connector-a", `{"properties":{"connector.class":"X"}}`),
				raw("connector-a", `not json`),               // offset not advanced, like Java
				raw("connector-a", `{"properties":"x"}`),     // wrong type
				raw("connector-a", `{"properties":{"n":1}}`), // non-string property
				raw("target-state-a", `{"state":"BOGUS"}`),   // unknown state
				raw("task-a-x", `{"properties":{}}`),         // bad key
				tomb("task-a-0"),                             // null task config
				raw("commit-a", `{"tasks":"one"}`),           // wrong type
				raw("session-key", `null`),                   // null session key
				raw("logger-cluster-x", `{"level":1}`),       // wrong type
				raw("restart-connector-a", `"yes"`),          // not an object
				raw("some-other-key", `{}`),                  // unknown prefix
				{Key: "connector-b", Value: []byte{}},        // empty, not a tombstone
				raw("tasks-fencing-a", `{"task-count":1.5}`), // not an integer
			},
			check: func(t *testing.T, s ClusterState, us []Update) {
				c, ok := s.ConnectorConfig("a")
				if !ok || c["connector.class"] != "X" || s.Contains("b") {
					t.Fatalf("config %v %v connectors %v", c, ok, s.Connectors())
				}
				if st, _ := s.TargetState("a"); st != TargetStarted {
					t.Fatalf("state %v", st)
				}
				if _, ok := s.SessionKey(); ok {
					t.Fatal("null session key applied")
				}
				// Records 1 and 12 were not JSON: the offset comes from record 13.
				if s.Offset() != 14 || len(us) != 1 {
					t.Fatalf("offset %d updates %v", s.Offset(), kinds(us))
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, us := replay(tt.started, tt.recs...)
			tt.check(t, s, us)
		})
	}
}

func TestSnapshotIsImmutable(t *testing.T) {
	a := newApplier(slog.New(slog.NewTextHandler(io.Discard, nil)))
	a.apply(0, "connector-a", ConnectorConfigRecord("a", connectors.Config{"k": "v"}).Value)
	s := a.snapshot()
	c, _ := s.ConnectorConfig("a")
	c["k"] = "changed"
	a.apply(1, "connector-a", ConnectorConfigRecord("a", connectors.Config{"k": "v2"}).Value)
	a.apply(2, "connector-b", ConnectorConfigRecord("b", nil).Value)
	if c2, _ := s.ConnectorConfig("a"); c2["k"] != "v" || s.Contains("b") || s.Offset() != 1 {
		t.Fatalf("snapshot changed: %v %v offset %d", c2, s.Connectors(), s.Offset())
	}
}
