package worker

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
)

// onceTask returns recs from its first Poll, then waits for ctx.
type onceTask struct {
	recs []*connectors.SourceRecord
	sent bool
}

func (*onceTask) Start(context.Context, connectors.Config, connectors.TaskContext) error {
	return nil
}

func (t *onceTask) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	if t.sent {
		<-ctx.Done()
		return nil, nil
	}
	t.sent = true
	return t.recs, nil
}

func (*onceTask) Stop(context.Context) error { return nil }

// startSourceTask runs task 0 of connector name, made by newTask, on a fresh kfake
// cluster with conn's keys added to the connector config; it is stopped at cleanup
// if the test has not stopped it.
func startSourceTask(t *testing.T, name string, conn connectors.Config, newTask func() connectors.SourceTask) (*Worker, *statusLog, offsets.Store, TaskID) {
	t.Helper()
	k, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	reg := connectors.NewRegistry()
	reg.Add(&connectors.Plugin{Class: "test." + name, NewConnector: func() connectors.Connector { return nil }, NewSourceTask: newTask})
	st := newStatusLog()
	store := offsets.NewMemoryStore()
	w := newTestWorker(t, reg, store, st, k.ListenAddrs())
	id := TaskID{name, 0}
	cfg := connectors.Config{"connector.class": "test." + name}
	for k, v := range conn {
		cfg[k] = v
	}
	if err := w.StartTask(id, cfg, connectors.Config{}, TargetStarted); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.StopTasks([]TaskID{id}) })
	return w, st, store, id
}

// failure waits for the task to be FAILED and returns the error it failed with.
func (s *statusLog) failure(t *testing.T, id TaskID) error {
	t.Helper()
	eventually(t, "task FAILED", func() bool { return s.last(id) == Failed })
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.errs[id]
}
