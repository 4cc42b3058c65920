package worker

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/converters"
)

// countSink is a sink task that only counts what Put hands it (and the bytes of
// []byte and string keys and values, so the records are really read).
type countSink struct{ records, bytes int64 }

func (s *countSink) Start(context.Context, connectors.Config, connectors.SinkTaskContext) error {
	return nil
}

func (s *countSink) Put(_ context.Context, rs []*connectors.SinkRecord) error {
	for _, r := range rs {
		s.records++
		for _, v := range [2]any{r.Key, r.Value} {
			switch x := v.(type) {
			case []byte:
				s.bytes += int64(len(x))
			case string:
				s.bytes += int64(len(x))
			}
		}
	}
	return nil
}

func (s *countSink) Flush(context.Context, map[connectors.TopicPartition]int64) error { return nil }
func (s *countSink) Stop(context.Context) error                                       { return nil }

// newDeliverTask is a sink task runtime with the given converters and no consumer:
// enough for deliver, which is what a poll's records go through.
func newDeliverTask(task connectors.SinkTask, key, value schemas.Converter) *sinkTask {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return &sinkTask{id: TaskID{"bench", 0}, task: task, keyConv: key, valueConv: value,
		tol: &tolerance{log: log, c: &toleranceCounters{}}, log: log, metrics: &taskMetrics{},
		consumed: map[connectors.TopicPartition]int64{}, paused: map[connectors.TopicPartition]bool{}}
}

// benchFetch is one poll's worth of records from one partition of topic "bench":
// 10-byte keys, 200-byte values, 7-digit offsets from base.
func benchFetch(n int, base int64) kgo.Fetches {
	recs := make([]*kgo.Record, n)
	ts := time.UnixMilli(1_700_000_000_000)
	for i := range recs {
		key := []byte("key-000000")
		key[len(key)-1] += byte(i % 10)
		// A 200-byte JSON string: the same bytes are valid text for every converter.
		val := make([]byte, 200)
		val[0], val[len(val)-1] = '"', '"'
		for j := 1; j < len(val)-1; j++ {
			val[j] = 'a' + byte((i+j)%26)
		}
		recs[i] = &kgo.Record{Topic: "bench", Partition: 3, Offset: base + int64(i), Key: key, Value: val, Timestamp: ts}
	}
	return kgo.Fetches{{Topics: []kgo.FetchTopic{{Topic: "bench", Partitions: []kgo.FetchPartition{{Partition: 3, Records: recs}}}}}}
}

// BenchmarkSinkDeliver measures the sink runtime per record between the consumer
// and Put: building the SinkRecords, converting keys and values, positions, offsets
// and metrics. One op is one poll of 1000 records; allocs/rec and B/rec are the
// figures that do not depend on the machine.
func BenchmarkSinkDeliver(b *testing.B) {
	const perPoll = 1000
	for _, bc := range []struct {
		name       string
		key, value schemas.Converter
		borrow     bool // the task borrows its records (connectors.SinkRecordBorrower)
	}{
		{name: "bytearray", key: &schemas.ByteArrayConverter{}, value: &schemas.ByteArrayConverter{}},
		{name: "bytearray/borrowed", key: &schemas.ByteArrayConverter{}, value: &schemas.ByteArrayConverter{}, borrow: true},
		{name: "string", key: &schemas.StringConverter{}, value: &schemas.StringConverter{}},
		{name: "json", key: &schemas.StringConverter{}, value: nil}, // JsonConverter, schemas.enable=false
	} {
		b.Run(bc.name, func(b *testing.B) {
			if bc.value == nil {
				c, err := converters.New(context.Background(), converters.JSONClass, map[string]string{"schemas.enable": "false"}, false)
				if err != nil {
					b.Fatal(err)
				}
				bc.value = c
			}
			sink := &countSink{}
			st := newDeliverTask(sink, bc.key, bc.value)
			st.batch.reuse = bc.borrow
			fs := benchFetch(perPoll, 1_000_000)
			ctx := context.Background()
			b.ReportAllocs()
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			b.ResetTimer()
			for b.Loop() {
				if err := st.deliver(ctx, fs); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			runtime.ReadMemStats(&m1)
			recs := float64(sink.records)
			if recs != float64(b.N*perPoll) {
				b.Fatalf("sink saw %v records, want %d", recs, b.N*perPoll)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/recs, "ns/rec")
			b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/recs, "allocs/rec")
			b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/recs, "B/rec")
		})
	}
}
