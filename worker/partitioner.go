package worker

import (
	"context"

	"github.com/twmb/franz-go/pkg/kgo"
)

type manualPartitionKey struct{}

// withManualPartition marks a record whose SourceRecord named a Kafka partition.
func withManualPartition(ctx context.Context) context.Context {
	return context.WithValue(ctx, manualPartitionKey{}, true)
}

// connectPartitioner honours a partition chosen by the connector and otherwise
// partitions as Java's default producer partitioner: murmur2 of the key for keyed
// records, sticky batches for unkeyed ones.
type connectPartitioner struct{ base kgo.Partitioner }

func newPartitioner() kgo.Partitioner {
	return connectPartitioner{base: kgo.StickyKeyPartitioner(nil)}
}

func (p connectPartitioner) ForTopic(topic string) kgo.TopicPartitioner {
	return topicPartitioner{base: p.base.ForTopic(topic)}
}

type topicPartitioner struct{ base kgo.TopicPartitioner }

func (t topicPartitioner) RequiresConsistency(r *kgo.Record) bool {
	return isManual(r) || t.base.RequiresConsistency(r)
}

func (t topicPartitioner) Partition(r *kgo.Record, n int) int {
	if isManual(r) {
		return int(r.Partition)
	}
	return t.base.Partition(r, n)
}

// OnNewBatch forwards to the sticky partitioner so unkeyed records keep batching.
func (t topicPartitioner) OnNewBatch() {
	if b, ok := t.base.(kgo.TopicPartitionerOnNewBatch); ok {
		b.OnNewBatch()
	}
}

func isManual(r *kgo.Record) bool {
	return r.Context != nil && r.Context.Value(manualPartitionKey{}) != nil
}
