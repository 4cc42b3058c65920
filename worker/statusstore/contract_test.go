package statusstore

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

// contractHarness is what one implementation gives the shared contract suite.
type contractHarness struct {
	store StatusStore
	// records returns every record on the underlying log, in order (a one-partition
	// topic for Kafka, so the order is total).
	records func(t *testing.T) []Record
}

// testContract runs the behaviour every StatusStore must have against fresh stores
// from open. Memory and Kafka both run it.
func testContract(t *testing.T, open func(t *testing.T) contractHarness) {
	t.Run("reads follow writes", func(t *testing.T) { testReads(t, open(t)) })
	t.Run("records written", func(t *testing.T) { testRecordsWritten(t, open(t)) })
	t.Run("safe writes", func(t *testing.T) { testSafeWrites(t, open(t)) })
	t.Run("invalid arguments", func(t *testing.T) { testInvalidArguments(t, open(t)) })
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testReads(t *testing.T, h contractHarness) {
	ctx := ctxT(t)
	s := h.store
	conn := ConnectorStatus{Connector: "c-1", State: StateRunning, WorkerID: "w1:8083", Generation: 3}
	t0 := TaskStatus{ID: TaskID{"c-1", 0}, State: StateRunning, WorkerID: "w1:8083", Generation: 3}
	t1 := TaskStatus{ID: TaskID{"c-1", 1}, State: StateFailed, Trace: "boom\n\tat x", WorkerID: "w2:8083", Generation: 3}
	topic := TopicStatus{Topic: "out", Connector: "c-1", Task: 1, Discovered: time.UnixMilli(1000).UTC()}
	must(t, s.PutConnector(ctx, conn))
	must(t, s.PutTask(ctx, t1))
	must(t, s.PutTask(ctx, t0))
	must(t, s.PutTask(ctx, TaskStatus{ID: TaskID{"other", 0}, State: StatePaused, WorkerID: "w1:8083"}))
	must(t, s.PutTopic(ctx, topic))
	must(t, s.Refresh(ctx))

	if got, ok := s.Connector("c-1"); !ok || got != conn {
		t.Errorf("Connector = %+v, %v", got, ok)
	}
	if got := s.Tasks("c-1"); !reflect.DeepEqual(got, []TaskStatus{t0, t1}) {
		t.Errorf("Tasks = %+v", got)
	}
	if got, ok := s.Task(TaskID{"c-1", 1}); !ok || got != t1 {
		t.Errorf("Task = %+v, %v", got, ok)
	}
	if got := s.Topics("c-1"); !reflect.DeepEqual(got, []TopicStatus{topic}) {
		t.Errorf("Topics = %+v", got)
	}
	if got := s.Connectors(); !reflect.DeepEqual(got, []string{"c-1", "other"}) {
		t.Errorf("Connectors = %v", got)
	}

	must(t, s.PutTask(ctx, TaskStatus{ID: TaskID{"c-1", 1}, State: StateDestroyed}))
	must(t, s.DeleteTopics(ctx, "c-1"))
	must(t, s.Refresh(ctx))
	if got := s.Tasks("c-1"); !reflect.DeepEqual(got, []TaskStatus{t0}) {
		t.Errorf("Tasks after DESTROYED = %+v", got)
	}
	if got := s.Topics("c-1"); len(got) != 0 {
		t.Errorf("Topics after delete = %+v", got)
	}
	must(t, s.DeleteConnector(ctx, "c-1"))
	must(t, s.Refresh(ctx))
	if _, ok := s.Connector("c-1"); ok || len(s.Tasks("c-1")) != 0 {
		t.Errorf("connector statuses left after DeleteConnector: %v", s.Tasks("c-1"))
	}
	if got := s.Connectors(); !reflect.DeepEqual(got, []string{"other"}) {
		t.Errorf("Connectors = %v", got)
	}
}

func testRecordsWritten(t *testing.T, h contractHarness) {
	ctx := ctxT(t)
	s := h.store
	conn := ConnectorStatus{Connector: "c", State: StateRunning, WorkerID: "w:8083", Generation: 1}
	task := TaskStatus{ID: TaskID{"c", 0}, State: StateRunning, WorkerID: "w:8083", Generation: 1}
	topic := TopicStatus{Topic: "t", Connector: "c", Task: 0, Discovered: time.UnixMilli(7)}
	tests := []struct {
		name string
		op   func() error
		want []Record
	}{
		{name: "connector", op: func() error { return s.PutConnector(ctx, conn) }, want: []Record{ConnectorRecord(conn)}},
		{name: "task", op: func() error { return s.PutTask(ctx, task) }, want: []Record{TaskRecord(task)}},
		{name: "topic", op: func() error { return s.PutTopic(ctx, topic) }, want: []Record{TopicRecord(topic)}},
		{name: "destroyed connector", op: func() error {
			return s.PutConnector(ctx, ConnectorStatus{Connector: "x", State: StateDestroyed, WorkerID: "w", Generation: 1})
		}, want: []Record{{Key: "status-connector-x"}}},
		{name: "delete task", op: func() error { return s.DeleteTask(ctx, TaskID{"x", 3}) }, want: []Record{{Key: "status-task-x-3"}}},
		{name: "delete topics", op: func() error {
			if err := s.Refresh(ctx); err != nil {
				return err
			}
			return s.DeleteTopics(ctx, "c")
		}, want: []Record{{Key: "status-topic-t:connector-c"}}},
		{name: "delete connector", op: func() error { return s.DeleteConnector(ctx, "c") },
			want: []Record{{Key: "status-connector-c"}, {Key: "status-task-c-0"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(h.records(t))
			must(t, tt.op())
			got := h.records(t)[before:]
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("records:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func testSafeWrites(t *testing.T, h contractHarness) {
	ctx := ctxT(t)
	s := h.store
	id := TaskID{"safe", 0}
	task := func(st State, worker string, gen int32) TaskStatus {
		return TaskStatus{ID: id, State: st, WorkerID: worker, Generation: gen}
	}
	conn := func(st State, worker string, gen int32) ConnectorStatus {
		return ConnectorStatus{Connector: "safe", State: st, WorkerID: worker, Generation: gen}
	}
	tests := []struct {
		name      string
		op        func() error
		wantWrite bool
	}{
		{name: "no previous value", op: func() error { return s.PutTaskSafe(ctx, task(StateRunning, "a", 5)) }, wantWrite: true},
		{name: "other worker older generation", op: func() error { return s.PutTaskSafe(ctx, task(StateUnassigned, "b", 4)) }},
		{name: "other worker same generation", op: func() error { return s.PutTaskSafe(ctx, task(StatePaused, "b", 5)) }, wantWrite: true},
		{name: "same worker older generation", op: func() error { return s.PutTaskSafe(ctx, task(StateRunning, "b", 1)) }, wantWrite: true},
		{name: "plain put ignores generations", op: func() error { return s.PutTask(ctx, task(StateFailed, "c", 0)) }, wantWrite: true},
		{name: "connector no previous", op: func() error { return s.PutConnectorSafe(ctx, conn(StateRunning, "a", 9)) }, wantWrite: true},
		{name: "connector other worker older", op: func() error { return s.PutConnectorSafe(ctx, conn(StateUnassigned, "b", 8)) }},
		{name: "connector other worker newer", op: func() error { return s.PutConnectorSafe(ctx, conn(StateUnassigned, "b", 10)) }, wantWrite: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			must(t, s.Refresh(ctx)) // the rule uses the statuses read so far
			before := len(h.records(t))
			must(t, tt.op())
			if wrote := len(h.records(t)) > before; wrote != tt.wantWrite {
				t.Fatalf("wrote = %v, want %v", wrote, tt.wantWrite)
			}
		})
	}
}

func testInvalidArguments(t *testing.T, h contractHarness) {
	ctx := ctxT(t)
	s := h.store
	tests := []struct {
		name    string
		op      func() error
		wantErr string
	}{
		{name: "unknown state", op: func() error {
			return s.PutConnector(ctx, ConnectorStatus{Connector: "c", State: "running"})
		}, wantErr: `invalid status state "running"`},
		{name: "empty connector", op: func() error { return s.PutConnector(ctx, ConnectorStatus{State: StateRunning}) }, wantErr: "empty connector name"},
		{name: "negative task", op: func() error {
			return s.PutTaskSafe(ctx, TaskStatus{ID: TaskID{"c", -1}, State: StateRunning})
		}, wantErr: "invalid task id"},
		{name: "topic without name", op: func() error { return s.PutTopic(ctx, TopicStatus{Connector: "c"}) }, wantErr: "must be set"},
		{name: "cancelled", op: func() error {
			c, cancel := context.WithCancel(ctx)
			cancel()
			return s.PutTask(c, TaskStatus{ID: TaskID{"c", 0}, State: StateRunning})
		}, wantErr: "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(h.records(t))
			err := tt.op()
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if n := len(h.records(t)); n != before {
				t.Fatalf("%d records written by a rejected call", n-before)
			}
		})
	}
}
