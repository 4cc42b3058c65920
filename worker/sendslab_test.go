package worker

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// TestSlabPoolReusesSettledSlabs: a slab comes back from its pool once every armed
// slot was released, all zero, and not before.
func TestSlabPoolReusesSettledSlabs(t *testing.T) {
	p := newSlabPool()
	s := p.get(8)
	for i := range s.slots {
		s.slots[i].kr.Topic = "t"
		s.slots[i].kr.Headers = []kgo.RecordHeader{{Key: "h"}}
		s.slots[i].skip = true
	}
	s.arm(6) // slots 6 and 7: a batch cut short by an error; cleared by arm
	for i := range 5 {
		s.slots[i].release()
	}
	if other := p.get(8); other == s {
		t.Fatal("a slab with an unreleased slot was handed out again")
	}
	s.slots[5].release()
	again := p.get(8)
	if again != s {
		t.Fatal("a fully released slab was not reused")
	}
	for i, slot := range again.slots {
		if slot.kr.Topic != "" || slot.kr.Headers != nil || slot.skip || slot.slab != nil {
			t.Fatalf("reused slot %d is not zero: %+v", i, slot)
		}
	}
	// Far too large for a one-record poll: not reused, so one trickle does not pin it.
	again.arm(8)
	for i := range again.slots {
		again.slots[i].release()
	}
	if small := p.get(1); small == again {
		t.Fatal("an 8-slot slab was reused for a 1-record poll")
	}
}

// variedTask returns polls of random sizes whose records differ in every field a
// reused send slot could leak into a later record: headers, an explicit partition,
// a timestamp, the topic, and records a transform-free skip cannot drop.
type variedTask struct {
	total int
	next  int
	rng   *rand.Rand
	mu    sync.Mutex
}

func (*variedTask) Start(context.Context, connectors.Config, connectors.TaskContext) error {
	return nil
}
func (*variedTask) Stop(context.Context) error { return nil }

// variedStamp is the explicit timestamp of record n, when it has one.
func variedStamp(n int) time.Time { return time.UnixMilli(1_600_000_000_000 + int64(n)) }

func (v *variedTask) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.next >= v.total {
		<-ctx.Done()
		return nil, nil
	}
	n := min(1+v.rng.IntN(300), v.total-v.next)
	out := make([]*connectors.SourceRecord, n)
	part := offsets.Partition{"p": "varied"}
	for i := range out {
		id := v.next
		v.next++
		r := &connectors.SourceRecord{SourcePartition: part, SourceOffset: offsets.Offset{"n": int64(id)},
			Record: connectors.Record{Topic: "varied-" + strconv.Itoa(id%2), KeySchema: schemas.StringSchema, Key: "k" + strconv.Itoa(id),
				ValueSchema: schemas.StringSchema, Value: strconv.Itoa(id)}}
		if id%3 == 0 {
			r.Headers = connectors.Headers{{Key: "h", Schema: schemas.StringSchema, Value: "v" + strconv.Itoa(id)}}
		}
		if id%5 == 0 {
			p := int32(2)
			r.KafkaPartition = &p
		}
		if id%7 == 0 {
			r.Timestamp = variedStamp(id)
		}
		out[i] = r
	}
	return out, nil
}

// TestReusedSendSlotsLeakNothing sends records of many polls of random sizes through
// the real task loop (send slots reused across polls) and checks every record in
// Kafka carries exactly its own headers, partition and timestamp, and that the last
// offset is committed.
func TestReusedSendSlotsLeakNothing(t *testing.T) {
	const total = 20000
	k, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(3))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	reg := connectors.NewRegistry()
	reg.Add(&connectors.Plugin{Class: "test.varied", NewConnector: func() connectors.Connector { return nil },
		NewSourceTask: func() connectors.SourceTask { return &variedTask{total: total, rng: rand.New(rand.NewPCG(1, 2))} }})
	store := offsets.NewMemoryStore()
	w := newTestWorker(t, reg, store, newStatusLog(), k.ListenAddrs())
	id := TaskID{"varied", 0}
	cfg := connectors.Config{"connector.class": "test.varied", "key.converter": "org.apache.kafka.connect.storage.StringConverter",
		"value.converter": "org.apache.kafka.connect.storage.StringConverter"}
	if err := w.StartTask(id, cfg, connectors.Config{}, TargetStarted); err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(k.ListenAddrs()...), kgo.ConsumeTopics("varied-0", "varied-1"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.MetadataMinAge(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	seen := make([]bool, total)
	for got := 0; got < total; {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consumed %d of %d records", got, total)
		}
		var bad error
		fs.EachRecord(func(r *kgo.Record) {
			if bad != nil {
				return
			}
			n, err := strconv.Atoi(string(r.Value))
			if err != nil || n < 0 || n >= total || seen[n] {
				bad = fmt.Errorf("record %q at %s/%d@%d: unknown or repeated", r.Value, r.Topic, r.Partition, r.Offset)
				return
			}
			seen[n] = true
			got++
			bad = checkVaried(n, r)
		})
		if bad != nil {
			t.Fatal(bad)
		}
	}
	w.StopTasks([]TaskID{id})
	offs, err := store.Get(context.Background(), "varied", []offsets.Partition{{"p": "varied"}})
	if err != nil {
		t.Fatal(err)
	}
	if o := offs[0]; o == nil || fmt.Sprint(o["n"]) != strconv.Itoa(total-1) {
		t.Fatalf("committed offset %v, want n=%d", o, total-1)
	}
}

// checkVaried compares record n as consumed with what variedTask gave it.
func checkVaried(n int, r *kgo.Record) error {
	if want := "varied-" + strconv.Itoa(n%2); r.Topic != want || string(r.Key) != "k"+strconv.Itoa(n) {
		return fmt.Errorf("record %d: topic %s key %q", n, r.Topic, r.Key)
	}
	wantHeaders := 0
	if n%3 == 0 {
		wantHeaders = 1
	}
	if len(r.Headers) != wantHeaders || wantHeaders == 1 && (r.Headers[0].Key != "h" || string(r.Headers[0].Value) != "v"+strconv.Itoa(n)) {
		return fmt.Errorf("record %d: headers %+v, want %d of its own", n, r.Headers, wantHeaders)
	}
	if n%5 == 0 && r.Partition != 2 {
		return fmt.Errorf("record %d: partition %d, want its explicit 2", n, r.Partition)
	}
	if stamped := r.Timestamp.Equal(variedStamp(n)); (n%7 == 0) != stamped {
		return fmt.Errorf("record %d: timestamp %v (explicit %v: %v)", n, r.Timestamp, n%7 == 0, stamped)
	}
	return nil
}
