package statusstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/offsets/kafkalog"
	"github.com/gonnect/gonnect/worker/configstore/topiclog"
)

// Kafka is the StatusStore on the status topic (status.storage.topic). kafkalog's
// goroutine consumes every partition from the beginning into the local copy; writes
// go to the partition Java's partitioner picks for the key.
type Kafka struct {
	*store
	life *topiclog.Lifecycle
}

var _ StatusStore = (*Kafka)(nil)

// KafkaOpt configures NewKafka.
type KafkaOpt func(*kafkaConfig)

type kafkaConfig struct {
	log        *slog.Logger
	partitions int32
	rf         int16
	configs    map[string]string
	logOpts    []kafkalog.Opt
}

// KafkaLogger sets the logger; the default is slog.Default().
func KafkaLogger(l *slog.Logger) KafkaOpt { return func(c *kafkaConfig) { c.log = l } }

// KafkaPartitions is the partition count used when Start creates the topic. Default
// 5, as Java's status.storage.partitions; -1 is the broker default.
func KafkaPartitions(n int32) KafkaOpt { return func(c *kafkaConfig) { c.partitions = n } }

// KafkaReplicationFactor is the replication factor used when Start creates the topic.
// Default 3, as Java's status.storage.replication.factor; -1 is the broker default.
func KafkaReplicationFactor(rf int16) KafkaOpt { return func(c *kafkaConfig) { c.rf = rf } }

// KafkaTopicConfigs are extra topic configs for creation (Java's status.storage.<cfg>
// settings). A cleanup.policy is ignored: always compact.
func KafkaTopicConfigs(m map[string]string) KafkaOpt {
	return func(c *kafkaConfig) { c.configs = maps.Clone(m) }
}

// KafkaLogOpts passes options to the underlying kafkalog.Log (e.g. client ids).
func KafkaLogOpts(opts ...kafkalog.Opt) KafkaOpt {
	return func(c *kafkaConfig) { c.logOpts = append(c.logOpts, opts...) }
}

// NewKafka returns a store on topic. cl supplies connection options (kafkalog makes
// its own client from cl.Opts()) and serves admin requests; it is not closed. Nothing
// is read or created until Start.
func NewKafka(cl *kgo.Client, topic string, opts ...KafkaOpt) (*Kafka, error) {
	cfg := kafkaConfig{log: slog.Default(), partitions: 5, rf: 3}
	for _, o := range opts {
		o(&cfg)
	}
	s := newStore(cfg.log.With("topic", topic))
	s.setLog(notStarted{})
	life, err := topiclog.New(cl, kafkalog.TopicSpec{
		Name: topic, WorkerProperty: "status.storage.topic", Purpose: "connector and task statuses",
		Partitions: cfg.partitions, ReplicationFactor: cfg.rf, Configs: cfg.configs, Logger: cfg.log,
	}, append([]kafkalog.Opt{
		kafkalog.WithLogger(cfg.log),
		kafkalog.WithConsume(func(r *kgo.Record) { s.apply(string(r.Key), r.Value) }),
	}, cfg.logOpts...)...)
	if err != nil {
		return nil, fmt.Errorf("status store: %w", err)
	}
	return &Kafka{store: s, life: life}, nil
}

// Start creates the topic when missing (compacted) or checks that it is compacted,
// then reads it to the end so reads see the latest statuses. It blocks until done or
// ctx ends; call it once, before the other methods.
func (k *Kafka) Start(ctx context.Context) error {
	l, err := k.life.Start(ctx)
	if err != nil {
		return fmt.Errorf("status store: %w", err)
	}
	k.setLog(kafkaRecordLog{l})
	return nil
}

// Close stops reading after waiting briefly for writes in flight. Idempotent.
func (k *Kafka) Close() {
	if k.life.Close() {
		k.setLog(notStarted{closed: true})
	}
}

// notStarted is the record log of a Kafka store before Start and after Close.
type notStarted struct{ closed bool }

func (n notStarted) err() error {
	if n.closed {
		return ErrClosed
	}
	return errors.New("status store not started")
}

func (n notStarted) send(context.Context, Record) error { return n.err() }
func (n notStarted) readToEnd(context.Context) error    { return n.err() }

// kafkaRecordLog adapts kafkalog.Log to recordLog.
type kafkaRecordLog struct{ l *kafkalog.Log }

func (k kafkaRecordLog) send(ctx context.Context, r Record) error {
	return k.l.Send(ctx, []byte(r.Key), r.Value)
}

func (k kafkaRecordLog) readToEnd(ctx context.Context) error { return k.l.ReadToEnd(ctx) }
