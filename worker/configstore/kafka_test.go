package configstore

import (
	"context"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
)

const testTopic = "connect-configs"

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newKafkaCluster starts a one-broker kfake cluster and a base client, closed at cleanup.
func newKafkaCluster(t *testing.T) (*kfake.Cluster, *kgo.Client) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatalf("kfake: %v", err)
	}
	t.Cleanup(c.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return c, cl
}

// startKafka starts a store on testTopic, closed at cleanup.
func startKafka(t *testing.T, cl *kgo.Client) *Kafka {
	t.Helper()
	k, err := NewKafka(cl, testTopic, KafkaReplicationFactor(1), KafkaLogger(quiet()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	if err := k.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	return k
}

// readTopic reads the raw topic from its start to its end with a plain consumer.
func readTopic(t *testing.T, cl *kgo.Client, topic string) []Record {
	t.Helper()
	ctx := ctxT(t)
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	end := ends[topic][0].Offset
	c, err := kgo.NewClient(append(cl.Opts(), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var out []Record
	next := int64(0)
	for next < end {
		fs := c.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("reading %s: got to offset %d of %d: %v", topic, next, end, err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			out = append(out, Record{Key: string(r.Key), Value: r.Value})
			next = r.Offset + 1
		})
	}
	return out
}

func TestKafkaContract(t *testing.T) {
	testContract(t, func(t *testing.T) contractHarness {
		_, cl := newKafkaCluster(t)
		k := startKafka(t, cl)
		return contractHarness{store: k, records: func(t *testing.T) []Record { return readTopic(t, cl, testTopic) }}
	})
}

// waitFor polls cond until it holds or 10s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling interval against the deadline
	}
}

func TestKafkaTwoStoresSeeEachOther(t *testing.T) {
	_, cl := newKafkaCluster(t)
	a, b := startKafka(t, cl), startKafka(t, cl)
	ctx := ctxT(t)
	if err := a.PutConnectorConfig(ctx, "from-a", connectors.Config{"k": "a"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.PutConnectorConfig(ctx, "from-b", connectors.Config{"k": "b"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.PutTaskConfigs(ctx, "from-a", []connectors.Config{{"t": "0"}}); err != nil {
		t.Fatal(err)
	}
	if err := a.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	sa, sb := a.Snapshot(), b.Snapshot()
	if !reflect.DeepEqual(sa, sb) {
		t.Fatalf("snapshots differ:\n a %+v\n b %+v", sa, sb)
	}
	if got := sa.Connectors(); !reflect.DeepEqual(got, []string{"from-a", "from-b"}) || len(sa.TaskConfigs("from-a")) != 1 {
		t.Fatalf("connectors %v tasks %v", got, sa.TaskConfigs("from-a"))
	}
	// a learns of b's writes through its updates too, without refreshing.
	seen := map[UpdateKind]bool{}
	for !seen[TaskConfigsCommitted] {
		u := nextUpdate(t, a.Updates())
		seen[u.Kind] = true
	}
}

func TestKafkaCompactionRebuildsSameState(t *testing.T) {
	c, cl := newKafkaCluster(t)
	w := startKafka(t, cl)
	ctx := ctxT(t)
	cfg := connectors.Config{"connector.class": "X"}
	steps := []func() error{
		func() error { return w.PutConnectorConfig(ctx, "keep", cfg, nil) },
		func() error {
			return w.PutTaskConfigs(ctx, "keep", []connectors.Config{{"t": "0"}, {"t": "1"}, {"t": "2"}})
		},
		func() error { return w.PutTaskConfigs(ctx, "keep", []connectors.Config{{"t": "0b"}}) }, // shrink: stale task-keep-1/2 remain
		func() error { return w.PutTargetState(ctx, "keep", TargetPaused) },
		func() error { return w.PutConnectorConfig(ctx, "gone", cfg, nil) },
		func() error { return w.PutTaskConfigs(ctx, "gone", []connectors.Config{{"t": "0"}}) },
		func() error { return w.DeleteConnectorConfig(ctx, "gone") },
		func() error {
			return w.PutSessionKey(ctx, SessionKey{Key: []byte("k"), Algorithm: "HmacSHA256", Created: time.UnixMilli(9)})
		},
		func() error { return w.PutConnectorConfig(ctx, "keep", connectors.Config{"connector.class": "Y"}, nil) },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	before := len(readTopic(t, cl, testTopic))
	c.Compact()
	after := readTopic(t, cl, testTopic)
	if len(after) >= before {
		t.Fatalf("compaction removed nothing: %d records before, %d after", before, len(after))
	}
	fresh := startKafka(t, cl)
	want, got := w.Snapshot(), fresh.Snapshot()
	for _, name := range []string{"keep", "gone"} {
		wc, _ := want.ConnectorConfig(name)
		gc, _ := got.ConnectorConfig(name)
		ws, _ := want.TargetState(name)
		gs, _ := got.TargetState(name)
		if !reflect.DeepEqual(wc, gc) || ws != gs || !reflect.DeepEqual(want.TaskConfigs(name), got.TaskConfigs(name)) ||
			want.TaskCount(name) != got.TaskCount(name) || got.IsInconsistent(name) {
			t.Errorf("%s: fresh reader differs: config %v/%v state %v/%v tasks %v/%v inconsistent %v",
				name, gc, wc, gs, ws, got.TaskConfigs(name), want.TaskConfigs(name), got.IsInconsistent(name))
		}
	}
	wk, _ := want.SessionKey()
	gk, _ := got.SessionKey()
	if !reflect.DeepEqual(wk, gk) || got.Offset() != want.Offset() {
		t.Errorf("session key %v/%v offset %d/%d", gk, wk, got.Offset(), want.Offset())
	}
}

// produceRaw writes records to the topic as another (possibly broken) worker would.
func produceRaw(t *testing.T, cl *kgo.Client, recs ...Record) {
	t.Helper()
	for _, r := range recs {
		kr := &kgo.Record{Topic: testTopic, Key: []byte(r.Key), Value: r.Value}
		if err := cl.ProduceSync(ctxT(t), kr).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestKafkaStartupHistory(t *testing.T) {
	_, cl := newKafkaCluster(t)
	first := startKafka(t, cl)
	ctx := ctxT(t)
	if err := first.PutConnectorConfig(ctx, "c", connectors.Config{"a": "1"}, nil); err != nil {
		t.Fatal(err)
	}
	// Written by others before the second store starts: garbage, a commit for a
	// connector deleted long ago, an old worker's target state, a restart request and
	// a log level, which the new store must not act on.
	produceRaw(t, cl,
		raw("connector-c", `{not json`),
		raw("task-deleted-0", `{"properties":{"a":"b"}}`),
		raw("commit-deleted", `{"tasks":1}`),
		raw("target-state-c", `{"state":"PAUSED"}`),
		raw("restart-connector-c", `{"include-tasks":true,"only-failed":false}`),
		raw("logger-cluster-org.x", `{"level":"DEBUG"}`),
		raw("mystery", `{}`),
	)
	second := startKafka(t, cl)
	s := second.Snapshot()
	if s.Contains("deleted") || s.TaskCount("deleted") != 0 {
		t.Fatalf("commit for a deleted connector applied: %v", s.Connectors())
	}
	if st, _ := s.TargetState("c"); st != TargetPaused {
		t.Fatalf("old worker's target state: %v", st)
	}
	if len(s.RestartRequests()) != 0 || len(s.LoggerLevels()) != 0 {
		t.Fatalf("start-up history applied: %v %v", s.RestartRequests(), s.LoggerLevels())
	}
	if s.Offset() != 8 {
		t.Fatalf("offset %d, want 8", s.Offset())
	}
	for {
		u := nextUpdate(t, second.Updates())
		if !u.BeforeStart {
			t.Fatalf("update %+v read during start-up not flagged", u)
		}
		if u.Kind == LoggerLevelChanged {
			break
		}
	}
	// After start-up the same records count.
	if err := first.PutRestartRequest(ctx, RestartRequest{Connector: "c"}); err != nil {
		t.Fatal(err)
	}
	u := nextUpdate(t, second.Updates())
	if u.Kind != RestartRequested || u.BeforeStart {
		t.Fatalf("update %+v", u)
	}
	waitFor(t, "restart request in snapshot", func() bool { return len(second.Snapshot().RestartRequests()) == 1 })
}

func TestKafkaRefusesMultiPartitionTopic(t *testing.T) {
	_, cl := newKafkaCluster(t)
	ctx := ctxT(t)
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, 2, 1, map[string]*string{"cleanup.policy": ptr("compact")}, testTopic); err != nil {
		t.Fatal(err)
	}
	k, err := NewKafka(cl, testTopic, KafkaReplicationFactor(1), KafkaLogger(quiet()))
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	err = k.Start(ctx)
	if err == nil || !strings.Contains(err.Error(), "config.storage.topic") || !strings.Contains(err.Error(), "2 partitions") {
		t.Fatalf("Start on a 2-partition topic: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestKafkaClosed(t *testing.T) {
	_, cl := newKafkaCluster(t)
	k := startKafka(t, cl)
	k.Close()
	k.Close()
	if _, ok := <-k.Updates(); ok {
		t.Fatal("updates open after Close")
	}
	if err := k.PutTargetState(context.Background(), "a", TargetPaused); err == nil {
		t.Fatal("write after Close succeeded")
	}
}
