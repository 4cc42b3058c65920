package configstore

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
)

// contractHarness is what one implementation gives the shared contract suite.
type contractHarness struct {
	store ConfigStore
	// records returns every record on the underlying log, in order.
	records func(t *testing.T) []Record
}

// testContract runs the behaviour every ConfigStore must have against fresh stores
// from open. Memory and Kafka both run it.
func testContract(t *testing.T, open func(t *testing.T) contractHarness) {
	t.Run("write sequences", func(t *testing.T) { testWriteSequences(t, open(t)) })
	t.Run("snapshot follows writes", func(t *testing.T) { testSnapshotFollowsWrites(t, open(t)) })
	t.Run("updates", func(t *testing.T) { testUpdates(t, open(t)) })
	t.Run("invalid arguments", func(t *testing.T) { testInvalidArguments(t, open(t)) })
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func testWriteSequences(t *testing.T, h contractHarness) {
	ctx := ctxT(t)
	cfg := connectors.Config{"connector.class": "FileStreamSource", "name": "c"}
	task := func(i string) connectors.Config { return connectors.Config{"task": i} }
	paused := TargetPaused
	key := SessionKey{Key: []byte("k3y"), Algorithm: "HmacSHA256", Created: time.UnixMilli(1716220000000)}
	tests := []struct {
		name string
		op   func() error
		want []Record
	}{
		{name: "create", op: func() error { return h.store.PutConnectorConfig(ctx, "c", cfg, nil) },
			want: []Record{ConnectorConfigRecord("c", cfg)}},
		{name: "create with initial state", op: func() error { return h.store.PutConnectorConfig(ctx, "d-1", cfg, &paused) },
			want: []Record{TargetStateRecord("d-1", TargetPaused), ConnectorConfigRecord("d-1", cfg)}},
		{name: "task reconfiguration", op: func() error {
			return h.store.PutTaskConfigs(ctx, "c", []connectors.Config{task("0"), task("1")})
		}, want: []Record{TaskConfigRecord(TaskID{"c", 0}, task("0")), TaskConfigRecord(TaskID{"c", 1}, task("1")), CommitRecord("c", 2)}},
		{name: "stop", op: func() error {
			if err := h.store.PutTaskConfigs(ctx, "c", nil); err != nil {
				return err
			}
			return h.store.PutTargetState(ctx, "c", TargetStopped)
		}, want: []Record{CommitRecord("c", 0), TargetStateRecord("c", TargetStopped)}},
		{name: "resume", op: func() error { return h.store.PutTargetState(ctx, "c", TargetStarted) },
			want: []Record{TargetStateRecord("c", TargetStarted)}},
		{name: "restart", op: func() error {
			return h.store.PutRestartRequest(ctx, RestartRequest{Connector: "c", IncludeTasks: true, OnlyFailed: true})
		}, want: []Record{RestartRecord(RestartRequest{Connector: "c", IncludeTasks: true, OnlyFailed: true})}},
		{name: "fencing", op: func() error { return h.store.PutTaskCount(ctx, "c", 0) },
			want: []Record{TaskCountRecord("c", 0)}},
		{name: "session key", op: func() error { return h.store.PutSessionKey(ctx, key) },
			want: []Record{SessionKeyRecord(key)}},
		{name: "cluster log level", op: func() error { return h.store.PutLoggerLevel(ctx, "org.apache.kafka", "TRACE") },
			want: []Record{LoggerLevelRecord("org.apache.kafka", "TRACE")}},
		{name: "delete", op: func() error { return h.store.DeleteConnectorConfig(ctx, "c") },
			want: []Record{ConnectorTombstone("c"), TargetStateTombstone("c")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(h.records(t))
			if err := tt.op(); err != nil {
				t.Fatal(err)
			}
			got := h.records(t)[before:]
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("records:\n got %s\nwant %s", fmtRecords(got), fmtRecords(tt.want))
			}
		})
	}
}

func fmtRecords(rs []Record) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString("\n  " + r.Key + " = ")
		if r.Value == nil {
			b.WriteString("<null>")
		} else {
			b.Write(r.Value)
		}
	}
	return b.String()
}

func testSnapshotFollowsWrites(t *testing.T, h contractHarness) {
	ctx := ctxT(t)
	s := h.store
	start := s.Snapshot().Offset()
	stopped := TargetStopped
	if err := s.PutConnectorConfig(ctx, "my-conn", connectors.Config{"a": "1"}, &stopped); err != nil {
		t.Fatal(err)
	}
	snap := s.Snapshot()
	if st, _ := snap.TargetState("my-conn"); st != TargetStopped || !snap.Contains("my-conn") {
		t.Fatalf("after create: state %v connectors %v", st, snap.Connectors())
	}
	if snap.Offset() != start+2 && !(start == -1 && snap.Offset() == 2) {
		t.Fatalf("offset %d after 2 records from %d", snap.Offset(), start)
	}
	if err := s.PutTaskConfigs(ctx, "my-conn", []connectors.Config{{"t": "0"}}); err != nil {
		t.Fatal(err)
	}
	if got := s.Snapshot().TaskConfigs("my-conn"); !reflect.DeepEqual(got, []connectors.Config{{"t": "0"}}) {
		t.Fatalf("task configs %v", got)
	}
	if err := s.PutTargetState(ctx, "my-conn", TargetPaused); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Snapshot().TargetState("my-conn"); st != TargetPaused {
		t.Fatalf("state %v", st)
	}
	if err := s.PutRestartRequest(ctx, RestartRequest{Connector: "my-conn", OnlyFailed: true}); err != nil {
		t.Fatal(err)
	}
	if got := s.Snapshot().RestartRequests(); !reflect.DeepEqual(got, []RestartRequest{{Connector: "my-conn", OnlyFailed: true}}) {
		t.Fatalf("restart requests %v", got)
	}
	if err := s.PutLoggerLevel(ctx, "root", "WARN"); err != nil {
		t.Fatal(err)
	}
	if got := s.Snapshot().LoggerLevels()["root"]; got != "WARN" {
		t.Fatalf("logger level %q", got)
	}
	if err := s.DeleteConnectorConfig(ctx, "my-conn"); err != nil {
		t.Fatal(err)
	}
	snap = s.Snapshot()
	if snap.Contains("my-conn") || snap.TaskCount("my-conn") != 0 || len(snap.RestartRequests()) != 0 {
		t.Fatalf("after delete: %v count %d", snap.Connectors(), snap.TaskCount("my-conn"))
	}
	if _, ok := snap.TargetState("my-conn"); ok {
		t.Fatal("target state left after delete")
	}
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
}

// nextUpdate waits for the next update, failing the test at the deadline.
func nextUpdate(t *testing.T, ch <-chan Update) Update {
	t.Helper()
	select {
	case u, ok := <-ch:
		if !ok {
			t.Fatal("updates channel closed")
		}
		return u
	case <-time.After(10 * time.Second):
		t.Fatal("no update within 10s")
	}
	return Update{}
}

func testUpdates(t *testing.T, h contractHarness) {
	ctx := ctxT(t)
	s := h.store
	// Write everything first without draining: the store must not block on its reader.
	if err := s.PutConnectorConfig(ctx, "u", connectors.Config{"a": "1"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.PutConnectorConfig(ctx, "u", connectors.Config{"a": "2"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.PutTaskConfigs(ctx, "u", []connectors.Config{{"t": "0"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutTargetState(ctx, "u", TargetPaused); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRestartRequest(ctx, RestartRequest{Connector: "u", IncludeTasks: true}); err != nil {
		t.Fatal(err)
	}
	key := SessionKey{Key: []byte("secret"), Algorithm: "HmacSHA256", Created: time.UnixMilli(42)}
	if err := s.PutSessionKey(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := s.PutLoggerLevel(ctx, "ns", "INFO"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteConnectorConfig(ctx, "u"); err != nil {
		t.Fatal(err)
	}
	want := []Update{
		{Kind: ConnectorAdded, Connector: "u"},
		{Kind: ConnectorChanged, Connector: "u"},
		{Kind: TaskConfigsCommitted, Connector: "u", Tasks: []TaskID{{"u", 0}}},
		{Kind: TargetStateChanged, Connector: "u", TargetState: TargetPaused},
		{Kind: RestartRequested, Connector: "u", Restart: RestartRequest{Connector: "u", IncludeTasks: true}},
		{Kind: SessionKeyChanged, SessionKey: SessionKey{Key: []byte("secret"), Algorithm: "HmacSHA256", Created: time.UnixMilli(42).UTC()}},
		{Kind: LoggerLevelChanged, Namespace: "ns", Level: "INFO"},
		{Kind: ConnectorRemoved, Connector: "u"},
	}
	var prev int64 = -1
	for i, w := range want {
		u := nextUpdate(t, s.Updates())
		if u.BeforeStart {
			t.Errorf("update %d flagged BeforeStart after start-up", i)
		}
		if u.Offset <= prev {
			t.Errorf("update %d offset %d not after %d", i, u.Offset, prev)
		}
		prev = u.Offset
		u.Offset, u.BeforeStart = 0, false
		if !reflect.DeepEqual(u, w) {
			t.Errorf("update %d:\n got %+v\nwant %+v", i, u, w)
		}
	}
	// The target-state tombstone after the connector tombstone is silent.
	if prev != s.Snapshot().Offset()-1 {
		t.Errorf("last update offset %d, snapshot offset %d", prev, s.Snapshot().Offset())
	}
}

func testInvalidArguments(t *testing.T, h contractHarness) {
	ctx := ctxT(t)
	bogus := TargetState("RUNNING")
	tests := []struct {
		name    string
		op      func() error
		wantErr string
	}{
		{name: "empty name", op: func() error { return h.store.PutConnectorConfig(ctx, "", nil, nil) }, wantErr: "connector name is empty"},
		{name: "bad initial state", op: func() error { return h.store.PutConnectorConfig(ctx, "x", nil, &bogus) }, wantErr: `invalid target state "RUNNING"`},
		{name: "bad target state", op: func() error { return h.store.PutTargetState(ctx, "x", bogus) }, wantErr: `invalid target state "RUNNING"`},
		{name: "empty restart", op: func() error { return h.store.PutRestartRequest(ctx, RestartRequest{}) }, wantErr: "connector name is empty"},
		{name: "empty session key", op: func() error { return h.store.PutSessionKey(ctx, SessionKey{}) }, wantErr: "key and algorithm are required"},
		{name: "negative count", op: func() error { return h.store.PutTaskCount(ctx, "x", -1) }, wantErr: "negative task count"},
		{name: "cancelled", op: func() error {
			c, cancel := context.WithCancel(ctx)
			cancel()
			return h.store.PutConnectorConfig(c, "x", nil, nil)
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
