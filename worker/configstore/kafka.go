package configstore

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

// Kafka is the ConfigStore on the config topic (config.storage.topic). One goroutine,
// kafkalog's, consumes the topic from the beginning and applies every record; writers
// produce with acks=all and read back to the end.
type Kafka struct {
	*store
	life *topiclog.Lifecycle
}

var _ ConfigStore = (*Kafka)(nil)

// KafkaOpt configures NewKafka.
type KafkaOpt func(*kafkaConfig)

type kafkaConfig struct {
	log      *slog.Logger
	rf       int16
	configs  map[string]string
	logOpts  []kafkalog.Opt
	readComm bool
}

// KafkaLogger sets the logger; the default is slog.Default().
func KafkaLogger(l *slog.Logger) KafkaOpt { return func(c *kafkaConfig) { c.log = l } }

// KafkaReplicationFactor is the replication factor used when Start creates the topic.
// Default 3, as Java's config.storage.replication.factor; -1 is the broker default.
func KafkaReplicationFactor(rf int16) KafkaOpt { return func(c *kafkaConfig) { c.rf = rf } }

// KafkaTopicConfigs are extra topic configs for creation (Java's config.storage.<cfg>
// settings, e.g. min.insync.replicas). A cleanup.policy is ignored: always compact.
func KafkaTopicConfigs(m map[string]string) KafkaOpt {
	return func(c *kafkaConfig) { c.configs = maps.Clone(m) }
}

// KafkaReadCommitted reads only committed records, as Java does when
// exactly.once.source.support is enabled. Default off.
func KafkaReadCommitted() KafkaOpt { return func(c *kafkaConfig) { c.readComm = true } }

// KafkaLogOpts passes options to the underlying kafkalog.Log (e.g. client ids).
func KafkaLogOpts(opts ...kafkalog.Opt) KafkaOpt {
	return func(c *kafkaConfig) { c.logOpts = append(c.logOpts, opts...) }
}

// NewKafka returns a store on topic. cl supplies the connection options (kafkalog
// makes its own client from cl.Opts(); cl is also used for admin requests and is not
// closed). Nothing is read or created until Start.
func NewKafka(cl *kgo.Client, topic string, opts ...KafkaOpt) (*Kafka, error) {
	cfg := kafkaConfig{log: slog.Default(), rf: 3}
	for _, o := range opts {
		o(&cfg)
	}
	s := newStore(cfg.log.With("topic", topic))
	logOpts := append([]kafkalog.Opt{
		kafkalog.WithLogger(cfg.log),
		kafkalog.WithConsume(func(r *kgo.Record) { s.apply(r.Offset, string(r.Key), r.Value) }),
	}, cfg.logOpts...)
	if cfg.readComm {
		logOpts = append(logOpts, kafkalog.WithReadCommitted())
	}
	life, err := topiclog.New(cl, kafkalog.TopicSpec{
		Name: topic, WorkerProperty: "config.storage.topic", Purpose: "connector configurations",
		Partitions: 1, ReplicationFactor: cfg.rf, Configs: cfg.configs, SinglePartition: true, Logger: cfg.log,
	}, logOpts...)
	if err != nil {
		s.updates.close()
		return nil, fmt.Errorf("config store: %w", err)
	}
	s.rlog = notStarted{}
	return &Kafka{store: s, life: life}, nil
}

// Start creates the topic when missing (compacted, one partition) or checks it (must
// be compacted with exactly one partition), then reads it to the end. Records read up
// to then are start-up history: their Updates carry BeforeStart, and restart requests
// and logger levels among them are ignored. It blocks until done or ctx ends; call it
// once, before any other method except Snapshot and Updates.
func (k *Kafka) Start(ctx context.Context) error {
	l, err := k.life.Start(ctx)
	if err != nil {
		return fmt.Errorf("config store: %w", err)
	}
	k.rlogSet(kafkaRecordLog{l})
	k.markStarted()
	k.log.Info("config store started", "offset", k.Snapshot().Offset())
	return nil
}

// Close stops reading, waits briefly for writes in flight, and closes Updates.
// Further calls return errors. Idempotent.
func (k *Kafka) Close() {
	if k.life.Close() {
		k.rlogSet(notStarted{closed: true})
		k.updates.close()
	}
}

// notStarted is the record log of a Kafka store before Start and after Close.
type notStarted struct{ closed bool }

func (n notStarted) err() error {
	if n.closed {
		return ErrClosed
	}
	return errors.New("config store not started")
}

func (n notStarted) send(context.Context, ...Record) error { return n.err() }
func (n notStarted) readToEnd(context.Context) error       { return n.err() }

// kafkaRecordLog adapts kafkalog.Log to recordLog.
type kafkaRecordLog struct{ l *kafkalog.Log }

// send produces recs in order without waiting between them (as Java's producer
// pipelines them) and returns once all are acknowledged or one failed.
func (k kafkaRecordLog) send(ctx context.Context, recs ...Record) error {
	if len(recs) == 1 {
		return k.l.Send(ctx, []byte(recs[0].Key), recs[0].Value)
	}
	errs := make(chan error, len(recs))
	for _, r := range recs {
		k.l.SendAsync([]byte(r.Key), r.Value, func(err error) { errs <- err })
	}
	var first error
	for range recs {
		select {
		case err := <-errs:
			if err != nil && first == nil {
				first = err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return first
}

func (k kafkaRecordLog) readToEnd(ctx context.Context) error { return k.l.ReadToEnd(ctx) }
