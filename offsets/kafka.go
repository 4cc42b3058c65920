package offsets

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/gonnect/gonnect/offsets/kafkalog"
	"github.com/twmb/franz-go/pkg/kgo"
)

// KafkaStore is the distributed-mode Store on the offsets topic
// (offset.storage.topic), byte-compatible with Kafka Connect's Java worker: keys
// ["<connector>",{partition}], values the offset JSON, tombstones for resets, keys
// partitioned by murmur2. Every record of the topic is read into memory; records
// whose key or value cannot be parsed are skipped with a warning, whoever wrote them.
//
// It is safe for concurrent use once Start has returned.
type KafkaStore struct {
	log    *kafkalog.Log
	logger *slog.Logger

	mu   sync.Mutex // guards data, written by the log's consuming goroutine
	data table
}

var _ Store = (*KafkaStore)(nil)

// KafkaOpt configures a KafkaStore.
type KafkaOpt func(*kafkaOptions)

type kafkaOptions struct {
	logger  *slog.Logger
	logOpts []kafkalog.Opt
}

// WithKafkaLogger sets the logger for skipped records. Default slog.Default().
func WithKafkaLogger(l *slog.Logger) KafkaOpt { return func(o *kafkaOptions) { o.logger = l } }

// WithLogOpts passes options to the underlying kafkalog.Log, e.g.
// kafkalog.WithClientOpts(kgo.ClientID(groupID+"-offsets")). A kafkalog.WithConsume
// here is overridden: the store consumes the topic itself.
func WithLogOpts(opts ...kafkalog.Opt) KafkaOpt {
	return func(o *kafkaOptions) { o.logOpts = append(o.logOpts, opts...) }
}

// NewKafkaStore returns a store on topic, reading and writing through a
// kafkalog.Log built from cl's options (cl is neither used nor closed). The topic
// must exist (see kafkalog.EnsureTopic). Call Start before use and Close after.
func NewKafkaStore(cl *kgo.Client, topic string, opts ...KafkaOpt) (*KafkaStore, error) {
	var o kafkaOptions
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.Default()
	}
	s := &KafkaStore{logger: o.logger.With("topic", topic), data: make(table)}
	logOpts := append(append([]kafkalog.Opt{kafkalog.WithLogger(o.logger)}, o.logOpts...), kafkalog.WithConsume(s.apply))
	l, err := kafkalog.New(cl, topic, logOpts...)
	if err != nil {
		return nil, fmt.Errorf("offsets store: %w", err)
	}
	s.log = l
	return s, nil
}

// Start reads the offsets topic to its end. It blocks; ctx bounds the initial read.
func (s *KafkaStore) Start(ctx context.Context) error { return s.log.Start(ctx) }

// Close stops reading and writing; see kafkalog.Log.Close.
func (s *KafkaStore) Close() { s.log.Close() }

// apply is the consume callback: it runs on the log's goroutine, in offset order.
func (s *KafkaStore) apply(r *kgo.Record) {
	connector, p, err := DecodeKey(r.Key)
	if err != nil {
		s.logger.Warn("skipping offsets record with an unreadable key",
			"partition", r.Partition, "offset", r.Offset, "error", err)
		return
	}
	o, err := DecodeValue(r.Value)
	if err != nil {
		s.logger.Warn("skipping offsets record with an unreadable value", "connector", connector,
			"partition", r.Partition, "offset", r.Offset, "error", err)
		return
	}
	id, err := partitionID(connector, p)
	if err != nil { // cannot happen for decoded JSON; kept so a bug is visible
		s.logger.Warn("skipping offsets record", "connector", connector, "offset", r.Offset, "error", err)
		return
	}
	s.mu.Lock()
	s.data.put(connector, id, Entry{Partition: p, Offset: o})
	s.mu.Unlock()
}

// Get reads the topic to its end, then returns copies of the latest offsets (nil
// where none). It blocks until then or until ctx is done.
func (s *KafkaStore) Get(ctx context.Context, connector string, ps []Partition) ([]Offset, error) {
	if err := s.log.ReadToEnd(ctx); err != nil {
		return nil, fmt.Errorf("reading offsets: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data.get(connector, ps)
}

// Set writes one record per entry, in order (a nil Offset writes a tombstone), and
// returns once all are acknowledged by all in-sync replicas. The records become
// visible to Get once consumed, which Get waits for. An entry that cannot be encoded
// fails the call before anything is written. When ctx ends first, Set returns its
// error and some records may still be written.
func (s *KafkaStore) Set(ctx context.Context, connector string, es []Entry) error {
	enc, err := encodeEntries(connector, es)
	if err != nil {
		return err
	}
	results := make(chan error, len(enc))
	for _, e := range enc {
		s.log.SendAsync([]byte(e.id), e.value, func(err error) { results <- err })
	}
	var first error
	failed := 0
	for range enc {
		select {
		case err := <-results:
			if err != nil {
				failed++
				if first == nil {
					first = err
				}
			}
		case <-ctx.Done():
			return fmt.Errorf("writing offsets of connector %q: %w", connector, ctx.Err())
		}
	}
	if first != nil {
		return fmt.Errorf("writing offsets of connector %q: %d of %d records failed: %w", connector, failed, len(enc), first)
	}
	return nil
}

// Partitions reads the topic to its end and lists the connector's partitions with a
// stored offset, in no order.
func (s *KafkaStore) Partitions(ctx context.Context, connector string) ([]Partition, error) {
	if err := s.log.ReadToEnd(ctx); err != nil {
		return nil, fmt.Errorf("reading offsets: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data.partitions(connector), nil
}
