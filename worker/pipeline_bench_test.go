package worker

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// benchSource emits b.N records of 200-byte values in batches of 500, then idles.
type benchSource struct {
	n, next int64
	part    offsets.Partition
	value   string
	done    *atomic.Int64
}

func (s *benchSource) Start(context.Context, connectors.Config, connectors.TaskContext) error {
	return nil
}

func (s *benchSource) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	if s.next >= s.n {
		<-ctx.Done()
		return nil, nil
	}
	k := min(500, s.n-s.next)
	recs := make([]connectors.SourceRecord, k)
	out := make([]*connectors.SourceRecord, k)
	for i := range recs {
		recs[i] = connectors.SourceRecord{SourcePartition: s.part, SourceOffset: offsets.Offset{"seq": s.next},
			Record: connectors.Record{Topic: "bench", KeySchema: schemas.StringSchema, Key: strconv.FormatInt(s.next, 10),
				ValueSchema: schemas.StringSchema, Value: s.value}}
		out[i] = &recs[i]
		s.next++
	}
	return out, nil
}

func (s *benchSource) Stop(context.Context) error { return nil }

func (s *benchSource) CommitRecord(context.Context, *connectors.SourceRecord, *connectors.RecordMetadata) error {
	s.done.Add(1)
	return nil
}

// BenchmarkSourcePipeline measures the whole source path per record: poll, convert
// (StringConverter), track, produce to kfake with acks=all, acknowledge.
func BenchmarkSourcePipeline(b *testing.B) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "bench"))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	var done atomic.Int64
	src := &benchSource{n: int64(b.N), part: offsets.Partition{"p": "0"}, done: &done}
	for len(src.value) < 200 {
		src.value += "0123456789"
	}
	reg := connectors.NewRegistry()
	reg.Add(&connectors.Plugin{Class: "bench.Source", NewConnector: func() connectors.Connector { return nil },
		NewSourceTask: func() connectors.SourceTask { return src }})
	w := newTestWorker(b, reg, offsets.NewMemoryStore(), newStatusLog(), c.ListenAddrs())
	b.ResetTimer()
	b.ReportAllocs()
	if err := w.StartTask(TaskID{"bench", 0}, connectors.Config{"connector.class": "bench.Source"}, connectors.Config{}, TargetStarted); err != nil {
		b.Fatal(err)
	}
	for done.Load() < int64(b.N) {
		time.Sleep(time.Millisecond) // waiting for the acknowledgements of the last records
	}
	b.StopTimer()
	w.StopTasks([]TaskID{{"bench", 0}})
}
