package statusstore

import (
	"io"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/offsets/kafkalog"
)

const testTopic = "connect-status"

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

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

func startKafka(t *testing.T, cl *kgo.Client, partitions int32) *Kafka {
	t.Helper()
	k, err := NewKafka(cl, testTopic, KafkaPartitions(partitions), KafkaReplicationFactor(1), KafkaLogger(quiet()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	if err := k.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	return k
}

// rawRecord is a record as read from the topic, with its partition.
type rawRecord struct {
	Record
	Partition int32
}

// readTopic reads every partition of the raw topic from start to end, in partition
// then offset order.
func readTopic(t *testing.T, cl *kgo.Client) []rawRecord {
	t.Helper()
	ctx := ctxT(t)
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, testTopic)
	if err != nil {
		t.Fatal(err)
	}
	starts, err := kadm.NewClient(cl).ListStartOffsets(ctx, testTopic)
	if err != nil {
		t.Fatal(err)
	}
	remaining := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) {
		if s, _ := starts.Lookup(o.Topic, o.Partition); s.Offset < o.Offset {
			remaining[o.Partition] = o.Offset
		}
	})
	c, err := kgo.NewClient(append(cl.Opts(), kgo.ConsumeTopics(testTopic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	byPart := map[int32][]rawRecord{}
	for len(remaining) > 0 {
		fs := c.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("reading %s: %v", testTopic, err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			byPart[r.Partition] = append(byPart[r.Partition], rawRecord{Record{string(r.Key), r.Value}, r.Partition})
			if r.Offset+1 >= remaining[r.Partition] {
				delete(remaining, r.Partition)
			}
		})
	}
	var out []rawRecord
	for p := range int32(64) {
		out = append(out, byPart[p]...)
	}
	return out
}

func TestKafkaContract(t *testing.T) {
	testContract(t, func(t *testing.T) contractHarness {
		_, cl := newKafkaCluster(t)
		k := startKafka(t, cl, 1)
		return contractHarness{store: k, records: func(t *testing.T) []Record {
			var out []Record
			for _, r := range readTopic(t, cl) {
				out = append(out, r.Record)
			}
			return out
		}}
	})
}

// statuses is everything a store shows for the connectors in names.
type statuses struct {
	Connectors map[string]ConnectorStatus
	Tasks      map[string][]TaskStatus
	Topics     map[string][]TopicStatus
}

func view(s StatusStore) statuses {
	v := statuses{map[string]ConnectorStatus{}, map[string][]TaskStatus{}, map[string][]TopicStatus{}}
	for _, n := range s.Connectors() {
		if c, ok := s.Connector(n); ok {
			v.Connectors[n] = c
		}
		v.Tasks[n] = s.Tasks(n)
		if ts := s.Topics(n); len(ts) > 0 {
			v.Topics[n] = ts
		}
	}
	return v
}

func TestKafkaPartitionedTopicSharedAndCompacted(t *testing.T) {
	c, cl := newKafkaCluster(t)
	a, b := startKafka(t, cl, 5), startKafka(t, cl, 5)
	ctx := ctxT(t)
	for i, name := range []string{"alpha", "beta-1", "gamma-two"} {
		must(t, a.PutConnector(ctx, ConnectorStatus{Connector: name, State: StateRunning, WorkerID: "a:8083", Generation: 1}))
		for task := range 3 {
			must(t, b.PutTask(ctx, TaskStatus{ID: TaskID{name, task}, State: StateRunning, WorkerID: "b:8083", Generation: 1}))
		}
		must(t, a.PutTopic(ctx, TopicStatus{Topic: "out-" + name, Connector: name, Task: i, Discovered: time.UnixMilli(int64(i))}))
	}
	// Overwrites and deletions that compaction will fold away.
	must(t, b.PutTask(ctx, TaskStatus{ID: TaskID{"alpha", 0}, State: StateFailed, Trace: "x", WorkerID: "b:8083", Generation: 2}))
	must(t, a.PutConnector(ctx, ConnectorStatus{Connector: "beta-1", State: StatePaused, WorkerID: "a:8083", Generation: 2}))
	must(t, a.Refresh(ctx))
	must(t, a.DeleteConnector(ctx, "gamma-two"))
	must(t, a.DeleteTopics(ctx, "gamma-two"))
	must(t, a.Refresh(ctx))
	must(t, b.Refresh(ctx))

	va, vb := view(a), view(b)
	if !reflect.DeepEqual(va, vb) {
		t.Fatalf("stores differ:\n a %+v\n b %+v", va, vb)
	}
	if len(va.Connectors) != 2 || va.Tasks["alpha"][0].State != StateFailed || va.Connectors["beta-1"].State != StatePaused {
		t.Fatalf("unexpected view %+v", va)
	}

	before := readTopic(t, cl)
	for _, r := range before {
		if want := kafkalog.PartitionFor([]byte(r.Key), 5); r.Partition != want {
			t.Errorf("%s in partition %d, Java's partitioner picks %d", r.Key, r.Partition, want)
		}
	}
	c.Compact()
	if after := readTopic(t, cl); len(after) >= len(before) {
		t.Fatalf("compaction removed nothing: %d -> %d records", len(before), len(after))
	}
	fresh := startKafka(t, cl, 5)
	if vf := view(fresh); !reflect.DeepEqual(vf, va) {
		t.Fatalf("fresh reader after compaction:\n got %+v\nwant %+v", vf, va)
	}
}

func TestKafkaSkipsGarbage(t *testing.T) {
	_, cl := newKafkaCluster(t)
	first := startKafka(t, cl, 1)
	ctx := ctxT(t)
	must(t, first.PutConnector(ctx, ConnectorStatus{Connector: "c", State: StateRunning, WorkerID: "w", Generation: 1}))
	for _, r := range []Record{
		{Key: "status-connector-c", Value: []byte(`{"state":"BROKEN"`)},
		{Key: "status-task-c-zero", Value: []byte(`{}`)},
		{Key: "status-topic-nosep", Value: []byte(`{}`)},
		{Key: "unrelated", Value: []byte(`[]`)},
		{Key: "status-task-c-0", Value: []byte(`{"state":"RUNNING","trace":null,"worker_id":"w","generation":1}`)},
	} {
		if err := cl.ProduceSync(ctx, &kgo.Record{Topic: testTopic, Key: []byte(r.Key), Value: r.Value}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	second := startKafka(t, cl, 1)
	if s, ok := second.Connector("c"); !ok || s.State != StateRunning {
		t.Fatalf("connector status %+v %v", s, ok)
	}
	if ts := second.Tasks("c"); len(ts) != 1 || ts[0].State != StateRunning {
		t.Fatalf("tasks %+v", ts)
	}
}

func TestKafkaNotStartedAndClosed(t *testing.T) {
	_, cl := newKafkaCluster(t)
	k, err := NewKafka(cl, testTopic, KafkaReplicationFactor(1), KafkaLogger(quiet()))
	if err != nil {
		t.Fatal(err)
	}
	if err := k.PutTask(ctxT(t), TaskStatus{ID: TaskID{"c", 0}, State: StateRunning}); err == nil {
		t.Fatal("write before Start succeeded")
	}
	k.Close()
	k.Close()
	if err := k.Start(ctxT(t)); err == nil {
		t.Fatal("Start after Close succeeded")
	}
	if err := k.Refresh(ctxT(t)); err == nil {
		t.Fatal("Refresh after Close succeeded")
	}
}
