package worker

import (
	"context"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// nilRecordTask returns a batch with a nil record at index 1, then idles.
type nilRecordTask struct{ sent bool }

func (*nilRecordTask) Start(context.Context, connectors.Config, connectors.TaskContext) error {
	return nil
}

func (t *nilRecordTask) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	if t.sent {
		<-ctx.Done()
		return nil, nil
	}
	t.sent = true
	ok := &connectors.SourceRecord{SourcePartition: offsets.Partition{"p": "n"}, SourceOffset: offsets.Offset{"i": int64(0)},
		Record: connectors.Record{Topic: "nil-out", ValueSchema: schemas.StringSchema, Value: "v"}}
	return []*connectors.SourceRecord{ok, nil}, nil
}

func (*nilRecordTask) Stop(context.Context) error { return nil }

// TestNilSourceRecordFailsTaskNotWorker: a nil record in a polled batch is bad
// connector output: it fails the task with an error naming its position in the
// batch, and the worker process survives.
func TestNilSourceRecordFailsTaskNotWorker(t *testing.T) {
	tests := []struct {
		name string
		want string // in the FAILED task's error
	}{
		{name: "nil record at index 1", want: "index 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
			if err != nil {
				t.Fatal(err)
			}
			defer k.Close()
			reg := connectors.NewRegistry()
			reg.Add(&connectors.Plugin{Class: "test.NilRecord", NewConnector: func() connectors.Connector { return nil },
				NewSourceTask: func() connectors.SourceTask { return &nilRecordTask{} }})
			st := newStatusLog()
			w := newTestWorker(t, reg, offsets.NewMemoryStore(), st, k.ListenAddrs())
			id := TaskID{"nilrec", 0}
			if err := w.StartTask(id, connectors.Config{"connector.class": "test.NilRecord"}, connectors.Config{}, TargetStarted); err != nil {
				t.Fatal(err)
			}
			defer w.StopTasks([]TaskID{id})
			eventually(t, "task FAILED", func() bool { return st.last(id) == Failed })
			st.mu.Lock()
			err = st.errs[id]
			st.mu.Unlock()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one naming %q", err, tc.want)
			}
		})
	}
}
