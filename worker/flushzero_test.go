package worker

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// TestZeroFlushIntervalCommits: offset.flush.interval.ms=0 (allowed by the config)
// flushes as often as possible; it must neither crash the task's loop nor stop offsets
// from being committed.
func TestZeroFlushIntervalCommits(t *testing.T) {
	k, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	reg := connectors.NewRegistry()
	part := offsets.Partition{"p": "zero"}
	reg.Add(&connectors.Plugin{Class: "test.Zero", NewConnector: func() connectors.Connector { return nil },
		NewSourceTask: func() connectors.SourceTask {
			return &onceTask{recs: []*connectors.SourceRecord{{SourcePartition: part, SourceOffset: offsets.Offset{"n": int64(7)},
				Record: connectors.Record{Topic: "zero", ValueSchema: schemas.StringSchema, Value: "v"}}}}
		}})
	store := offsets.NewMemoryStore()
	st := newStatusLog()
	w := newTestWorker(t, reg, store, st, k.ListenAddrs())
	w.set.FlushInterval = 0
	id := TaskID{"zero", 0}
	if err := w.StartTask(id, connectors.Config{"connector.class": "test.Zero"}, connectors.Config{}, TargetStarted); err != nil {
		t.Fatal(err)
	}
	defer w.StopTasks([]TaskID{id})
	eventually(t, "offset committed with a zero flush interval", func() bool {
		got, err := store.Get(context.Background(), "zero", []offsets.Partition{part})
		return err == nil && len(got) == 1 && got[0] != nil && got[0]["n"] == int64(7)
	})
	if s := st.last(id); s != Running {
		t.Fatalf("task state %v, want RUNNING", s)
	}
}
