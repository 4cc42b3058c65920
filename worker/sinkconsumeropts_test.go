package worker

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/filestream"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/converters"
)

// TestSinkConsumerUsesConsumerOptions: a sink task's consumer is built from the
// consumer-role options (the worker's consumer.* settings), not the producers':
// with consumer.isolation.level=read_committed the records of an aborted
// transaction never reach the sink, while the producer-role options alone would
// deliver them.
func TestSinkConsumerUsesConsumerOptions(t *testing.T) {
	tests := []struct {
		name         string
		consumerOpts []kgo.Opt
		want         string
	}{
		{name: "read_committed", consumerOpts: []kgo.Opt{kgo.FetchIsolationLevel(kgo.ReadCommitted())}, want: "after"},
		{name: "read_uncommitted", want: "aborted,after"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx := context.Background()
			txn, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.TransactionalID("t1"), kgo.AllowAutoTopicCreation())
			if err != nil {
				t.Fatal(err)
			}
			defer txn.Close()
			if err := txn.BeginTransaction(); err != nil {
				t.Fatal(err)
			}
			if err := txn.ProduceSync(ctx, &kgo.Record{Topic: "txn", Value: []byte("aborted")}).FirstErr(); err != nil {
				t.Fatal(err)
			}
			if err := txn.EndTransaction(ctx, kgo.TryAbort); err != nil {
				t.Fatal(err)
			}
			plain, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
			if err != nil {
				t.Fatal(err)
			}
			defer plain.Close()
			if err := plain.ProduceSync(ctx, &kgo.Record{Topic: "txn", Value: []byte("after")}).FirstErr(); err != nil {
				t.Fatal(err)
			}

			reg := connectors.NewRegistry()
			reg.Add(filestream.SinkPlugin())
			w, err := New(Deps{
				Registry: reg, Offsets: offsets.NewMemoryStore(), Status: newStatusLog(),
				Converter: func(ctx context.Context, cl string, cfg map[string]string, k bool, _ time.Duration) (schemas.Converter, error) {
					return converters.New(ctx, cl, cfg, k)
				},
				HeaderConverter: converters.NewHeader,
				KafkaOpts:       []kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...)},
				ConsumerOpts:    append([]kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...)}, tc.consumerOpts...),
			}, Settings{WorkerID: "w1:8083", KeyConverter: "org.apache.kafka.connect.storage.StringConverter",
				ValueConverter: "org.apache.kafka.connect.storage.StringConverter", FlushInterval: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out.txt")
			id := TaskID{"sink", 0}
			if err := w.StartTask(id, connectors.Config{"connector.class": "FileStreamSink", "topics": "txn", "file": out},
				connectors.Config{"file": out}, TargetStarted); err != nil {
				t.Fatal(err)
			}
			defer w.StopTasks([]TaskID{id})
			var got string
			eventually(t, "the record after the transaction in the sink file", func() bool {
				b, _ := os.ReadFile(out)
				got = strings.Join(strings.Fields(string(b)), ",")
				return strings.HasSuffix(got, "after")
			})
			if got != tc.want {
				t.Fatalf("sink file has %q, want %q", got, tc.want)
			}
		})
	}
}
