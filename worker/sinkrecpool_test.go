package worker

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/converters"
)

// TestSinkRecycledFetchesKeepRecords: a sink task's consumer (sinkConsumerOpts, on a
// kfake broker) decodes fetches into pooled record slabs that deliver recycles, and
// later fetches are decoded into the same memory; every SinkRecord a task kept from
// any poll still carries exactly what was produced (key, value, header, coordinates,
// position) after all of them, whichever converter built it.
func TestSinkRecycledFetchesKeepRecords(t *testing.T) {
	hdr, err := converters.NewHeader(context.Background(), converters.SimpleHeaderClass, nil)
	if err != nil {
		t.Fatal(err)
	}
	const perPartition = 1500
	for _, tc := range []struct {
		name       string
		key, value schemas.Converter
	}{
		{name: "bytearray", key: &schemas.ByteArrayConverter{}, value: &schemas.ByteArrayConverter{}},
		{name: "string", key: &schemas.StringConverter{}, value: &schemas.StringConverter{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "recycle"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			produceNumbered(ctx, t, c.ListenAddrs(), perPartition)

			id := TaskID{"recycle-" + tc.name, 0}
			opts, err := sinkConsumerOpts(id, connectors.Config{"topics": "recycle"})
			if err != nil {
				t.Fatal(err)
			}
			// Small fetches: many polls, each decoded into slabs recycled by the
			// previous ones.
			opts = append(opts, kgo.SeedBrokers(c.ListenAddrs()...), kgo.FetchMaxBytes(8<<10), kgo.FetchMaxPartitionBytes(4<<10))
			cl, err := kgo.NewClient(opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()

			var kept []*connectors.SinkRecord
			st := newDeliverTask(&captureSink{put: func(rs []*connectors.SinkRecord) { kept = append(kept, rs...) }}, tc.key, tc.value)
			st.hdrConv = hdr
			seen := map[*kgo.Record]bool{}
			var polls, reused int
			for len(kept) < 2*perPartition {
				fs := cl.PollFetches(ctx)
				if err := fs.Err0(); err != nil {
					t.Fatalf("after %d records: %v", len(kept), err)
				}
				fs.EachRecord(func(r *kgo.Record) {
					if seen[r] {
						reused++
					}
					seen[r] = true
				})
				// Once deliver returns, the fetch goroutine may already be decoding
				// into the recycled records: the test reads none of them again.
				err := st.deliver(ctx, fs)
				cl.AllowRebalance() // as the task loop does (BlockRebalanceOnPoll)
				if err != nil {
					t.Fatal(err)
				}
				polls++
				runtime.GC()
			}
			if reused == 0 {
				t.Fatalf("%d polls decoded %d records into fresh memory only: no slab was recycled", polls, len(seen))
			}
			runtime.GC()
			next := map[int32]int64{}
			for i, r := range kept {
				p := *r.KafkaPartition
				o := next[p]
				next[p]++
				key, val := fmt.Sprintf("key-%d-%d", p, o), fmt.Sprintf("value-%d-%d", p, o)
				if tc.name == "bytearray" {
					checkEqual(t, i, "key", r.Key, []byte(key))
					checkEqual(t, i, "value", r.Value, []byte(val))
				} else {
					checkEqual(t, i, "key", r.Key, key)
					checkEqual(t, i, "value", r.Value, val)
				}
				if r.Topic != "recycle" || r.OriginalTopic != "recycle" || r.OriginalPartition != p || r.KafkaOffset != o || r.OriginalOffset != o ||
					r.Position != fmt.Sprintf("recycle-%d-%d", p, o) {
					t.Fatalf("record %d: coordinates %s %d/%d %d/%d %q, want partition %d offset %d", i, r.Topic, p, r.OriginalPartition,
						r.KafkaOffset, r.OriginalOffset, r.Position, p, o)
				}
				if len(r.Headers) != 1 || r.Headers[0].Key != "seq" || r.Headers[0].Value != fmt.Sprintf("%d-%d", p, o) {
					t.Fatalf("record %d: headers %+v, want seq=%d-%d", i, r.Headers, p, o)
				}
			}
			t.Logf("%d records in %d polls; %d decoded into recycled record memory", len(kept), polls, reused)
		})
	}
}

func checkEqual(t *testing.T, i int, what string, got, want any) {
	t.Helper()
	if fmt.Sprintf("%T %q", got, got) != fmt.Sprintf("%T %q", want, want) {
		t.Fatalf("record %d: %s %T %q, want %T %q", i, what, got, got, want, want)
	}
}

// produceNumbered writes n records to each of the two partitions of topic "recycle",
// key-<p>-<o>, value-<p>-<o> with a header seq=<p>-<o>, in batches of 50.
func produceNumbered(ctx context.Context, t *testing.T, addrs []string, n int) {
	t.Helper()
	pr, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	for o := 0; o < n; o += 50 {
		var rs []*kgo.Record
		for p := range int32(2) {
			for i := o; i < min(o+50, n); i++ {
				rs = append(rs, &kgo.Record{Topic: "recycle", Partition: p, Key: fmt.Appendf(nil, "key-%d-%d", p, i),
					Value: fmt.Appendf(nil, "value-%d-%d", p, i), Headers: []kgo.RecordHeader{{Key: "seq", Value: fmt.Appendf(nil, "%d-%d", p, i)}}})
			}
		}
		if err := pr.ProduceSync(ctx, rs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSinkRecordPool: GetRecords hands back a kept slab large enough for the batch
// (or nil), and the pool never keeps more than sinkRecordPoolBytes of slabs.
func TestSinkRecordPool(t *testing.T) {
	perMiB := (1 << 20) / recordBytes
	for _, tc := range []struct {
		name     string
		put      []int // slab capacities, in records
		get      int
		wantCap  int // 0: nil
		wantKept int // slabs kept after the get
	}{
		{name: "empty pool", get: 10},
		{name: "too small", put: []int{5}, get: 10, wantKept: 1},
		{name: "large enough", put: []int{5, 20, 8}, get: 10, wantCap: 20, wantKept: 2},
		{name: "latest fit first", put: []int{40, 30}, get: 10, wantCap: 30, wantKept: 1},
		{name: "bounded", put: []int{4 * perMiB, 4 * perMiB, perMiB}, get: perMiB, wantCap: 4 * perMiB, wantKept: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p sinkRecordPool
			for _, n := range tc.put {
				p.PutRecords(make([]kgo.Record, n))
			}
			if p.bytes > sinkRecordPoolBytes {
				t.Fatalf("pool keeps %d bytes, bound %d", p.bytes, sinkRecordPoolBytes)
			}
			s := p.GetRecords(tc.get)
			if cap(s) != tc.wantCap || len(s) != 0 || (tc.wantCap == 0) != (s == nil) {
				t.Fatalf("GetRecords(%d) = len %d cap %d, want cap %d", tc.get, len(s), cap(s), tc.wantCap)
			}
			if len(p.free) != tc.wantKept {
				t.Fatalf("%d slabs kept, want %d", len(p.free), tc.wantKept)
			}
		})
	}
}
