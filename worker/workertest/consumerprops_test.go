package workertest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// TestConsumerPropertiesReachSinkTasks: the worker's consumer.* properties configure
// its sink tasks' consumers (they were once built from the producer-role settings):
// with consumer.isolation.level=read_committed, the record of an aborted transaction
// never reaches the FileStreamSink, the record after it does.
func TestConsumerPropertiesReachSinkTasks(t *testing.T) {
	c := NewCluster(t, 1, WithProp("consumer.isolation.level", "read_committed"))
	ctx := context.Background()
	txn, err := kgo.NewClient(kgo.SeedBrokers(c.Kafka.ListenAddrs()...), kgo.TransactionalID("t1"), kgo.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Close()
	if err := txn.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	rec := &kgo.Record{Topic: "txn", Partition: 0, Value: []byte("aborted")}
	if err := txn.ProduceSync(ctx, rec).FirstErr(); err != nil {
		t.Fatal(err)
	}
	if err := txn.EndTransaction(ctx, kgo.TryAbort); err != nil {
		t.Fatal(err)
	}
	plain, err := kgo.NewClient(kgo.SeedBrokers(c.Kafka.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if err := plain.ProduceSync(ctx, &kgo.Record{Topic: "txn", Partition: rec.Partition, Value: []byte("after")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.txt")
	if code := put(t, c.Workers()[0].URL+"/connectors/txn-sink/config", map[string]string{
		"connector.class": "FileStreamSink", "topics": "txn", "file": out,
	}); code != 201 {
		t.Fatalf("PUT config: %d", code)
	}
	var got string
	Eventually(t, 20*time.Second, "the record after the aborted transaction in the sink file", func() bool {
		b, _ := os.ReadFile(out)
		got = strings.Join(strings.Fields(string(b)), ",")
		return strings.HasSuffix(got, "after")
	})
	if got != "after" {
		t.Fatalf("sink file has %q, want only %q (the aborted record must not reach a read_committed consumer)", got, "after")
	}
}
