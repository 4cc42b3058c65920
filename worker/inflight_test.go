package worker

import (
	"context"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

const inflightRecords = 200

var inflightSchema = schemas.StructBuilder().Name("inflight.Value").Field("seq", schemas.Int32Schema).Field("text", schemas.StringSchema).Schema()

// onePollTask returns one poll of inflightRecords records, each value a struct whose
// collection is counted, then waits. With committer set it also records its
// CommitRecord calls.
type onePollTask struct {
	collected *atomic.Int64
	mu        sync.Mutex
	polled    []*connectors.SourceRecord // kept only by the committer variant
	committed []*connectors.SourceRecord
	mds       []*connectors.RecordMetadata
	keep      bool
	done      bool
}

func (*onePollTask) Start(context.Context, connectors.Config, connectors.TaskContext) error {
	return nil
}
func (*onePollTask) Stop(context.Context) error { return nil }

func (t *onePollTask) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	t.mu.Lock()
	done := t.done
	t.done = true
	t.mu.Unlock()
	if done {
		<-ctx.Done()
		return nil, nil
	}
	recs := make([]*connectors.SourceRecord, inflightRecords)
	for i := range recs {
		v := schemas.NewStruct(inflightSchema).Set("seq", int32(i)).Set("text", "row "+strconv.Itoa(i))
		runtime.AddCleanup(v, func(c *atomic.Int64) { c.Add(1) }, t.collected)
		recs[i] = &connectors.SourceRecord{SourcePartition: offsets.Partition{"p": "0"}, SourceOffset: offsets.Offset{"i": i},
			Record: connectors.Record{Topic: "inflight", KeySchema: schemas.StringSchema, Key: strconv.Itoa(i),
				ValueSchema: inflightSchema, Value: v}}
	}
	if t.keep {
		t.mu.Lock()
		t.polled = append([]*connectors.SourceRecord(nil), recs...)
		t.mu.Unlock()
	}
	return recs, nil
}

// committingTask is onePollTask with CommitRecord.
type committingTask struct{ *onePollTask }

func (t committingTask) CommitRecord(_ context.Context, r *connectors.SourceRecord, md *connectors.RecordMetadata) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.committed = append(t.committed, r)
	t.mds = append(t.mds, md)
	return nil
}

// startInflight runs task on a worker against a kfake cluster whose produce requests
// wait until release is closed.
func startInflight(t *testing.T, task connectors.SourceTask) (release func(), brokers []string) {
	k, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	gate := make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(gate) }) }
	t.Cleanup(release)
	k.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		k.KeepControl()
		k.SleepControl(func() { <-gate })
		return nil, nil, false
	})
	reg := connectors.NewRegistry()
	reg.Add(&connectors.Plugin{Class: "test.inflight", NewConnector: func() connectors.Connector { return nil },
		NewSourceTask: func() connectors.SourceTask { return task }})
	w := newTestWorker(t, reg, offsets.NewMemoryStore(), newStatusLog(), k.ListenAddrs())
	id := TaskID{"inflight", 0}
	cfg := connectors.Config{"connector.class": "test.inflight",
		"key.converter":   "org.apache.kafka.connect.storage.StringConverter",
		"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false"}
	if err := w.StartTask(id, cfg, connectors.Config{}, TargetStarted); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.StopTasks([]TaskID{id}) })
	return release, k.ListenAddrs()
}

// readInflight reads the topic until every record arrived, each once with its own value.
func readInflight(t *testing.T, brokers []string) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics("inflight"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	seen := map[string]bool{}
	for len(seen) < inflightRecords {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read %d of %d records", len(seen), inflightRecords)
		}
		fs.EachRecord(func(r *kgo.Record) {
			i, _ := strconv.Atoi(string(r.Key))
			if want := `{"seq":` + strconv.Itoa(i) + `,"text":"row ` + strconv.Itoa(i) + `"}`; string(r.Value) != want {
				t.Fatalf("record %s: %s, want %s", r.Key, r.Value, want)
			}
			seen[string(r.Key)] = true
		})
	}
}

// TestInFlightRecordsReleased: once converted, a record waiting for Kafka's
// acknowledgement no longer keeps its key and value structs alive (only their
// converted bytes and its offset), for a task that does not take CommitRecord calls.
func TestInFlightRecordsReleased(t *testing.T) {
	var collected atomic.Int64
	release, brokers := startInflight(t, &onePollTask{collected: &collected})
	deadline := time.Now().Add(20 * time.Second)
	for collected.Load() < inflightRecords {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d converted values were collected while their records were in flight", collected.Load(), inflightRecords)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	release()
	readInflight(t, brokers)
}

// TestCommitRecordGetsItsRecord: a task that takes CommitRecord calls gets, for each
// acknowledged record, the very record it polled (value intact) with its metadata.
func TestCommitRecordGetsItsRecord(t *testing.T) {
	var collected atomic.Int64
	task := &onePollTask{collected: &collected, keep: true}
	release, brokers := startInflight(t, committingTask{task})
	release()
	readInflight(t, brokers)
	deadline := time.Now().Add(20 * time.Second)
	for {
		task.mu.Lock()
		n := len(task.committed)
		task.mu.Unlock()
		if n == inflightRecords {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d records committed", n, inflightRecords)
		}
		time.Sleep(10 * time.Millisecond)
	}
	task.mu.Lock()
	defer task.mu.Unlock()
	byKey := map[string]*connectors.SourceRecord{}
	for _, r := range task.polled {
		byKey[r.Key.(string)] = r
	}
	for i, r := range task.committed {
		if byKey[r.Key.(string)] != r {
			t.Fatalf("CommitRecord %d got a record that was not polled: %+v", i, r)
		}
		v := r.Value.(*schemas.Struct)
		if v.Get("text") != "row "+r.Key.(string) {
			t.Fatalf("CommitRecord %d: value %v", i, v)
		}
		if md := task.mds[i]; md == nil || md.Topic != "inflight" || md.Offset < 0 {
			t.Fatalf("CommitRecord %d: metadata %+v", i, md)
		}
	}
}
