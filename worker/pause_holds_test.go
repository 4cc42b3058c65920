package worker

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// gatedTask returns batch A from its first Poll and batch B from its second, which
// blocks until release is closed; it counts the records Kafka acknowledged.
type gatedTask struct {
	release chan struct{}
	polls   int
	acked   *atomic.Int64
}

func (*gatedTask) Start(context.Context, connectors.Config, connectors.TaskContext) error { return nil }
func (*gatedTask) Stop(context.Context) error                                             { return nil }

func (g *gatedTask) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	g.polls++
	switch g.polls {
	case 1:
	case 2:
		select {
		case <-g.release:
		case <-ctx.Done():
			return nil, nil
		}
	default:
		<-ctx.Done()
		return nil, nil
	}
	var out []*connectors.SourceRecord
	for i := range 5 {
		n := int64(g.polls*100 + i)
		out = append(out, &connectors.SourceRecord{SourcePartition: offsets.Partition{"p": "gated"}, SourceOffset: offsets.Offset{"n": n},
			Record: connectors.Record{Topic: "gated", ValueSchema: schemas.StringSchema, Value: strconv.FormatInt(n, 10)}})
	}
	return out, nil
}

func (g *gatedTask) CommitRecord(_ context.Context, _ *connectors.SourceRecord, md *connectors.RecordMetadata) error {
	if md != nil {
		g.acked.Add(1)
	}
	return nil
}

// TestPausedTaskProducesNothing: once a task is PAUSED, records its Poll returns
// afterwards are held, not produced, until it is resumed (Java's PAUSED: nothing more
// reaches Kafka). Before, the send loop kept producing what the poller handed over.
func TestPausedTaskProducesNothing(t *testing.T) {
	acked := &atomic.Int64{}
	release := make(chan struct{})
	w, st, _, id := startSourceTask(t, "gated", nil, func() connectors.SourceTask {
		return &gatedTask{release: release, acked: acked}
	})
	eventually(t, "batch A in Kafka", func() bool { return acked.Load() == 5 })

	w.SetTaskTarget(id, TargetPaused)
	eventually(t, "task PAUSED", func() bool { return st.last(id) == Paused })
	close(release) // Poll now returns batch B, after the pause

	// Nothing may reach Kafka while paused; a send would be acknowledged within
	// milliseconds on kfake.
	deadline := time.Now().Add(300 * time.Millisecond)
	for time.Now().Before(deadline) {
		if n := acked.Load(); n != 5 {
			t.Fatalf("%d records acknowledged while PAUSED, want the 5 sent before the pause", n)
		}
		time.Sleep(10 * time.Millisecond) // observing a window in which nothing may happen
	}

	w.SetTaskTarget(id, TargetStarted)
	eventually(t, "task RUNNING", func() bool { return st.last(id) == Running })
	eventually(t, "batch B in Kafka after the resume", func() bool { return acked.Load() == 10 })
}
