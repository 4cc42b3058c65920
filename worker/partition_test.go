package worker

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
)

type partConn struct{ connectors.Source }

func (partConn) ConfigDef() *connectors.ConfigDef { return connectors.NewConfigDef() }
func (partConn) Start(context.Context, connectors.Config, connectors.ConnectorContext) error {
	return nil
}
func (partConn) TaskConfigs(int) ([]connectors.Config, error) { return []connectors.Config{{}}, nil }
func (partConn) Stop(context.Context) error                   { return nil }

type partTask struct{ sent bool }

func (*partTask) Start(context.Context, connectors.Config, connectors.TaskContext) error { return nil }
func (t *partTask) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	if t.sent {
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
		return nil, nil
	}
	t.sent = true
	var out []*connectors.SourceRecord
	for i := 0; i < 10; i++ {
		p := int32(2)
		out = append(out, &connectors.SourceRecord{Record: connectors.Record{Topic: "parts", KafkaPartition: &p, Value: "v"}})
	}
	return out, nil
}
func (*partTask) Stop(context.Context) error { return nil }

// A SourceRecord's KafkaPartition must be honoured (Java's ProducerRecord partition);
// Debezium-style schema-change and heartbeat records rely on it.
func TestSourceKafkaPartitionHonoured(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(3))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reg := connectors.NewRegistry()
	reg.Add(&connectors.Plugin{Class: "Part", NewConnector: func() connectors.Connector { return partConn{} },
		NewSourceTask: func() connectors.SourceTask { return &partTask{} }})
	w := newTestWorker(t, reg, offsets.NewMemoryStore(), newStatusLog(), c.ListenAddrs())
	id := TaskID{"part", 0}
	if err := w.StartTask(id, connectors.Config{"connector.class": "Part"}, connectors.Config{}, TargetStarted); err != nil {
		t.Fatal(err)
	}
	defer w.StopTasks([]TaskID{id})
	cl, _ := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumeTopics("parts"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	defer cl.Close()
	got := map[int32]int{}
	n := 0
	eventually(t, "10 records", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) { got[r.Partition]++; n++ })
		return n >= 10
	})
	if got[2] != 10 {
		t.Fatalf("records per partition = %v, want all 10 in partition 2", got)
	}
}
