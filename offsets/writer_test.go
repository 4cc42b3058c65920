package offsets

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// gatedStore is a MemoryStore whose Set waits for a gate, to hold a flush open.
type gatedStore struct {
	*MemoryStore
	entered chan struct{}
	gate    chan struct{}
}

func (g *gatedStore) Set(ctx context.Context, c string, es []Entry) error {
	close(g.entered)
	<-g.gate
	return g.MemoryStore.Set(ctx, c, es)
}

func TestWriterFlush(t *testing.T) {
	ctx := testCtx(t)
	store := NewMemoryStore()
	w := NewWriter(store, "c")
	if err := w.Flush(ctx); err != nil {
		t.Fatalf("empty flush: %v", err)
	}
	for i := range 3 {
		if err := w.Put(Partition{"p": "a"}, Offset{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.PutAll([]Entry{{Partition: Partition{"p": "b"}, Offset: Offset{"n": 9}}}); err != nil {
		t.Fatal(err)
	}
	if w.Buffered() != 2 {
		t.Fatalf("buffered %d, want 2 partitions", w.Buffered())
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := store.Get(ctx, "c", []Partition{{"p": "a"}, {"p": "b"}})
	if !reflect.DeepEqual(got, []Offset{{"n": int64(2)}, {"n": int64(9)}}) {
		t.Fatalf("stored %v", got)
	}
	if w.Buffered() != 0 {
		t.Fatal("a successful flush must empty the buffer")
	}
	if err := w.Put(Partition{"p": "a"}, Offset{"bad": make(chan int)}); err == nil || !strings.Contains(err.Error(), "offset.bad") {
		t.Fatalf("Put of an unencodable offset: %v", err)
	}
	if err := w.Put(nil, Offset{"n": 1}); err == nil {
		t.Fatal("Put with nil partition accepted")
	}
}

func TestWriterOneFlushAtATime(t *testing.T) {
	ctx := testCtx(t)
	store := &gatedStore{MemoryStore: NewMemoryStore(), entered: make(chan struct{}), gate: make(chan struct{})}
	w := NewWriter(store, "c")
	_ = w.Put(Partition{"p": "a"}, Offset{"n": 1})
	done := make(chan error)
	go func() { done <- w.Flush(ctx) }()
	<-store.entered
	// Puts during a flush go to the next one.
	_ = w.Put(Partition{"p": "a"}, Offset{"n": 2})
	if err := w.Flush(ctx); !errors.Is(err, ErrFlushInProgress) {
		t.Fatalf("second Flush: %v, want ErrFlushInProgress", err)
	}
	close(store.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if w.Buffered() != 1 {
		t.Fatalf("buffered %d, want the offset put during the flush", w.Buffered())
	}
}

// TestWriterRetriesAfterKafkaFailure fails produce requests on a real (kfake)
// offsets topic and checks the next flush writes the kept snapshot, with newer
// offsets winning over it.
func TestWriterRetriesAfterKafkaFailure(t *testing.T) {
	env := newKafkaEnv(t)
	store := env.store(t, nil)
	w := NewWriter(store, "c")
	ctx := testCtx(t)

	var failing atomic.Bool
	failing.Store(true)
	env.cluster.ControlKey(int16(kmsg.Produce), func(req kmsg.Request) (kmsg.Response, error, bool) {
		env.cluster.KeepControl()
		if !failing.Load() {
			return nil, nil, false // the broker handles it normally
		}
		resp := req.ResponseKind().(*kmsg.ProduceResponse)
		for _, rt := range req.(*kmsg.ProduceRequest).Topics {
			st := kmsg.NewProduceResponseTopic()
			st.Topic, st.TopicID = rt.Topic, rt.TopicID
			for _, rp := range rt.Partitions {
				sp := kmsg.NewProduceResponseTopicPartition()
				sp.Partition = rp.Partition
				sp.ErrorCode = kerr.PolicyViolation.Code // not retriable
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	_ = w.Put(Partition{"p": "a"}, Offset{"n": 1})
	_ = w.Put(Partition{"p": "b"}, Offset{"n": 1})
	if err := w.Flush(ctx); err == nil || !strings.Contains(err.Error(), "POLICY_VIOLATION") {
		t.Fatalf("flush against failing broker: %v", err)
	}
	if w.Buffered() != 2 {
		t.Fatalf("buffered %d after a failed flush, want 2", w.Buffered())
	}
	failing.Store(false)
	_ = w.Put(Partition{"p": "a"}, Offset{"n": 2}) // newer than the failed snapshot
	if err := w.Flush(ctx); err != nil {
		t.Fatalf("flush after recovery: %v", err)
	}
	got, err := store.Get(ctx, "c", []Partition{{"p": "a"}, {"p": "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []Offset{{"n": int64(2)}, {"n": int64(1)}}) {
		t.Fatalf("stored %v, want a=2 (newer) and b=1 (retried)", got)
	}
}
