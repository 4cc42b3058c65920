package worker

import (
	"context"
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
)

type failPutConn struct{ connectors.Sink }

func (failPutConn) ConfigDef() *connectors.ConfigDef { return connectors.NewConfigDef() }
func (failPutConn) Start(context.Context, connectors.Config, connectors.ConnectorContext) error {
	return nil
}
func (failPutConn) TaskConfigs(int) ([]connectors.Config, error) { return []connectors.Config{{}}, nil }
func (failPutConn) Stop(context.Context) error                   { return nil }

type failPutTask struct{}

func (failPutTask) Start(context.Context, connectors.Config, connectors.SinkTaskContext) error {
	return nil
}
func (failPutTask) Put(context.Context, []*connectors.SinkRecord) error {
	return errors.New("downstream rejected the batch")
}
func (failPutTask) Flush(context.Context, map[connectors.TopicPartition]int64) error { return nil }
func (failPutTask) Stop(context.Context) error                                       { return nil }

// TestSinkPutFailureCommitsNothing: a sink whose Put fails must not commit the
// consumer offsets of the batch it never accepted (Java updates currentOffsets only
// after put returns).
func TestSinkPutFailureCommitsNothing(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pcl, _ := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.AllowAutoTopicCreation())
	defer pcl.Close()
	for _, v := range []string{"a", "b", "c"} {
		if err := pcl.ProduceSync(context.Background(), &kgo.Record{Topic: "in", Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	reg := connectors.NewRegistry()
	reg.Add(&connectors.Plugin{Class: "FailPut", NewConnector: func() connectors.Connector { return failPutConn{} },
		NewSinkTask: func() connectors.SinkTask { return failPutTask{} }})
	st := newStatusLog()
	w := newTestWorker(t, reg, offsets.NewMemoryStore(), st, c.ListenAddrs())
	id := TaskID{"failput", 0}
	if err := w.StartTask(id, connectors.Config{"connector.class": "FailPut", "topics": "in"}, connectors.Config{}, TargetStarted); err != nil {
		t.Fatal(err)
	}
	eventually(t, "task FAILED", func() bool { return st.last(id) == Failed })
	w.StopTasks([]TaskID{id})
	adm := kadm.NewClient(pcl)
	os, err := adm.FetchOffsets(context.Background(), "connect-failput")
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := os.Lookup("in", 0); ok && o.At > 0 {
		t.Fatalf("committed offset %d for records Put rejected: they are lost on restart", o.At)
	}
}
