package worker

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/converters"
)

// borrowSink copies every record Put hands it and notes where each one lived; it
// keeps the pointers themselves only when it does not borrow its records.
type borrowSink struct {
	countSink
	borrow bool
	mu     sync.Mutex // guards the fields below (the worker test reads them)
	addrs  map[uintptr]bool
	reused int
	copies []connectors.SinkRecord
	kept   []*connectors.SinkRecord
}

func (s *borrowSink) BorrowsRecords() bool { return s.borrow }

func (s *borrowSink) Put(_ context.Context, rs []*connectors.SinkRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.addrs == nil {
		s.addrs = map[uintptr]bool{}
	}
	for _, r := range rs {
		a := uintptr(unsafe.Pointer(r))
		if s.addrs[a] {
			s.reused++
		}
		s.addrs[a] = true
		s.copies = append(s.copies, *r)
		if !s.borrow {
			s.kept = append(s.kept, r)
		}
	}
	return nil
}

// snapshot returns the copies, how many records reused a slot and how many slots
// there were.
func (s *borrowSink) snapshot() (copies []connectors.SinkRecord, reused, slots int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]connectors.SinkRecord(nil), s.copies...), s.reused, len(s.addrs)
}

// TestSinkBorrowedRecords: records of a task that borrows them (SinkRecordBorrower)
// are written into the slots of earlier polls once Put returned, and each Put still
// sees exactly its own records (no key, header or value left over from a slot's
// previous record); a task that does not borrow never sees a slot twice, and what it
// kept is intact after every later poll.
func TestSinkBorrowedRecords(t *testing.T) {
	hdr, err := converters.NewHeader(context.Background(), converters.SimpleHeaderClass, nil)
	if err != nil {
		t.Fatal(err)
	}
	const polls, perPoll = 6, 300 // more than one chunk of slots per poll
	for _, tc := range []struct {
		name   string
		borrow bool
	}{
		{name: "borrows", borrow: true},
		{name: "keeps", borrow: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sink := &borrowSink{borrow: tc.borrow}
			st := newDeliverTask(sink, &schemas.StringConverter{}, &schemas.StringConverter{})
			st.hdrConv = hdr
			st.batch.reuse = tc.borrow // as run sets it after Start
			for p := range polls {
				if err := st.deliver(context.Background(), borrowFetch(p, perPoll)); err != nil {
					t.Fatal(err)
				}
			}
			copies, reused, slots := sink.snapshot()
			if len(copies) != polls*perPoll {
				t.Fatalf("Put saw %d records, want %d", len(copies), polls*perPoll)
			}
			for i, r := range copies {
				checkBorrowed(t, i, r, i/perPoll, i%perPoll)
			}
			// A poll's records fit in two chunks of slots, which every later
			// poll reuses.
			if tc.borrow && (slots > 2*slotChunk || reused != len(copies)-slots) {
				t.Fatalf("%d records in %d slots (%d reused), want at most %d slots", len(copies), slots, reused, 2*slotChunk)
			}
			if !tc.borrow {
				if reused != 0 {
					t.Fatalf("a task that keeps its records saw %d slots twice", reused)
				}
				for i, r := range sink.kept {
					if !reflect.DeepEqual(*r, copies[i]) {
						t.Fatalf("kept record %d changed after later polls:\n got %+v\nwant %+v", i, *r, copies[i])
					}
				}
			}
		})
	}
}

// borrowFetch is poll p: n records of partition 0 at offsets p*n..., valued
// v-<p>-<i>; even polls carry a key and a header, odd polls neither.
func borrowFetch(p, n int) kgo.Fetches {
	recs := make([]*kgo.Record, n)
	for i := range recs {
		r := &kgo.Record{Topic: "b", Partition: 0, Offset: int64(p*n + i), Value: fmt.Appendf(nil, "v-%d-%d", p, i)}
		if p%2 == 0 {
			r.Key = fmt.Appendf(nil, "k-%d-%d", p, i)
			r.Headers = []kgo.RecordHeader{{Key: "h", Value: fmt.Appendf(nil, "%d", i)}}
		}
		recs[i] = r
	}
	return kgo.Fetches{{Topics: []kgo.FetchTopic{{Topic: "b", Partitions: []kgo.FetchPartition{{Partition: 0, Records: recs}}}}}}
}

func checkBorrowed(t *testing.T, i int, r connectors.SinkRecord, p, j int) {
	t.Helper()
	off := int64(i) // poll p starts at offset p*perPoll
	if r.Value != fmt.Sprintf("v-%d-%d", p, j) || r.KafkaOffset != off || r.Position != fmt.Sprintf("b-0-%d", off) || *r.KafkaPartition != 0 {
		t.Fatalf("record %d: value %v offset %d position %q, want v-%d-%d at %d", i, r.Value, r.KafkaOffset, r.Position, p, j, off)
	}
	if p%2 == 0 {
		if r.Key != fmt.Sprintf("k-%d-%d", p, j) || len(r.Headers) != 1 || r.Headers[0].Key != "h" {
			t.Fatalf("record %d: key %v headers %+v, want k-%d-%d and header h", i, r.Key, r.Headers, p, j)
		}
	} else if r.Key != nil || r.Headers != nil {
		t.Fatalf("record %d: key %v headers %+v left over from an earlier record", i, r.Key, r.Headers)
	}
}

// TestSinkBorrowerThroughWorker: the task loop asks a started task whether it
// borrows its records, and then reuses their slots across polls on a real consumer.
func TestSinkBorrowerThroughWorker(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sink := &borrowSink{borrow: true}
	reg := connectors.NewRegistry()
	reg.Add(&connectors.Plugin{Class: "Borrow", NewConnector: func() connectors.Connector { return failPutConn{} },
		NewSinkTask: func() connectors.SinkTask { return sink }})
	w := newTestWorker(t, reg, offsets.NewMemoryStore(), newStatusLog(), c.ListenAddrs())
	id := TaskID{"borrow", 0}
	if err := w.StartTask(id, connectors.Config{"connector.class": "Borrow", "topics": "b"}, connectors.Config{}, TargetStarted); err != nil {
		t.Fatal(err)
	}
	defer w.StopTasks([]TaskID{id})
	pcl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer pcl.Close()
	const rounds, n = 3, 100
	for p := range rounds {
		var rs []*kgo.Record
		for i := range n {
			rs = append(rs, &kgo.Record{Topic: "b", Value: fmt.Appendf(nil, "v-%d-%d", p, i)})
		}
		if err := pcl.ProduceSync(ctx, rs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
		// The next round is produced only once this one was put: separate polls.
		eventually(t, fmt.Sprintf("round %d put", p), func() bool { cs, _, _ := sink.snapshot(); return len(cs) >= (p+1)*n })
	}
	copies, reused, _ := sink.snapshot()
	for i, r := range copies {
		if want := fmt.Sprintf("v-%d-%d", i/n, i%n); r.Value != want || r.KafkaOffset != int64(i) {
			t.Fatalf("record %d: value %v at offset %d, want %s at %d", i, r.Value, r.KafkaOffset, want, i)
		}
	}
	if reused == 0 {
		t.Fatalf("%d records in %d rounds and no slot reused", len(copies), rounds)
	}
}
