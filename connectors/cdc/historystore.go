package cdc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// HistoryStore is where the schema history lives (Debezium's SchemaHistory).
type HistoryStore interface {
	// Record appends one record and returns once it is durable.
	Record(ctx context.Context, r *HistoryRecord) error
	// Recover calls fn for every stored record, oldest first, and returns after the last
	// record stored before Recover was called.
	Recover(ctx context.Context, fn func(*HistoryRecord) error) error
	// Exists reports whether any record is stored.
	Exists(ctx context.Context) (bool, error)
}

// MemoryHistory is an in-memory HistoryStore, safe for concurrent use; for tests and
// Debezium's MemorySchemaHistory.
type MemoryHistory struct {
	mu   sync.Mutex // guards recs
	recs [][]byte
}

// Record stores r as its JSON text.
func (m *MemoryHistory) Record(_ context.Context, r *HistoryRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.recs = append(m.recs, b)
	m.mu.Unlock()
	return nil
}

// Recover replays the stored records (MySQL id form).
func (m *MemoryHistory) Recover(_ context.Context, fn func(*HistoryRecord) error) error {
	m.mu.Lock()
	recs := append([][]byte(nil), m.recs...)
	m.mu.Unlock()
	for _, b := range recs {
		r, err := UnmarshalHistoryRecord(b, true)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// Exists reports whether any record is stored.
func (m *MemoryHistory) Exists(context.Context) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.recs) > 0, nil
}

// Raw returns the stored JSON texts, for tests.
func (m *MemoryHistory) Raw() [][]byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([][]byte(nil), m.recs...)
}

// KafkaHistory is Debezium's KafkaSchemaHistory: one single-partition topic with
// cleanup.policy=delete and infinite retention, one JSON text value per DDL, null keys.
// Safe for concurrent use.
type KafkaHistory struct {
	cl           *kgo.Client
	topic        string
	catalogFirst bool
}

// NewKafkaHistory returns a history on topic using cl (which the caller owns and
// closes). catalogFirst selects how two-part table ids are read (true for MySQL).
func NewKafkaHistory(cl *kgo.Client, topic string, catalogFirst bool) (*KafkaHistory, error) {
	if topic == "" {
		return nil, errors.New("schema.history.internal.kafka.topic must be set")
	}
	return &KafkaHistory{cl: cl, topic: topic, catalogFirst: catalogFirst}, nil
}

// EnsureTopic creates the topic when missing (1 partition, delete policy, infinite
// retention) and checks that an existing one has exactly one partition.
func (k *KafkaHistory) EnsureTopic(ctx context.Context, replication int16) error {
	adm := kadm.NewClient(k.cl)
	retention := "-1"
	policy := "delete"
	resp, err := adm.CreateTopic(ctx, 1, replication, map[string]*string{
		"cleanup.policy": &policy, "retention.ms": &retention, "retention.bytes": &retention,
	}, k.topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("creating schema history topic %s: %w", k.topic, err)
	}
	td, err := adm.ListTopics(ctx, k.topic)
	if err != nil {
		return fmt.Errorf("describing schema history topic %s: %w", k.topic, err)
	}
	if d, ok := td[k.topic]; ok && d.Err == nil && len(d.Partitions) != 1 {
		return fmt.Errorf("schema history topic %s has %d partitions; it must have exactly 1", k.topic, len(d.Partitions))
	}
	return nil
}

// Record produces r synchronously to partition 0.
func (k *KafkaHistory) Record(ctx context.Context, r *HistoryRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	rec := &kgo.Record{Topic: k.topic, Partition: 0, Value: b}
	if err := k.cl.ProduceSync(ctx, rec).FirstErr(); err != nil {
		return fmt.Errorf("writing schema history record to %s: %w", k.topic, err)
	}
	return nil
}

func (k *KafkaHistory) end(ctx context.Context) (start, end int64, err error) {
	adm := kadm.NewClient(k.cl)
	ends, err := adm.ListEndOffsets(ctx, k.topic)
	if err != nil {
		return 0, 0, fmt.Errorf("reading end offset of %s: %w", k.topic, err)
	}
	starts, err := adm.ListStartOffsets(ctx, k.topic)
	if err != nil {
		return 0, 0, fmt.Errorf("reading start offset of %s: %w", k.topic, err)
	}
	e, ok := ends.Lookup(k.topic, 0)
	if !ok || errors.Is(e.Err, kerr.UnknownTopicOrPartition) {
		return 0, 0, nil
	}
	if e.Err != nil {
		return 0, 0, e.Err
	}
	s, _ := starts.Lookup(k.topic, 0)
	return s.Offset, e.Offset, nil
}

// Exists reports whether the topic holds any record.
func (k *KafkaHistory) Exists(ctx context.Context) (bool, error) {
	s, e, err := k.end(ctx)
	return e > s, err
}

// Recover reads the topic from the beginning to the end offset seen at the start, with
// a private consumer, and calls fn for each record.
func (k *KafkaHistory) Recover(ctx context.Context, fn func(*HistoryRecord) error) error {
	start, end, err := k.end(ctx)
	if err != nil || end <= start {
		return err
	}
	opts := k.cl.Opts()
	opts = append(opts, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{
		k.topic: {0: kgo.NewOffset().AtStart()},
	}))
	cons, err := kgo.NewClient(opts...)
	if err != nil {
		return err
	}
	defer cons.Close()
	for {
		fctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		fs := cons.PollFetches(fctx)
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		for _, fe := range fs.Errors() {
			if !errors.Is(fe.Err, context.DeadlineExceeded) {
				return fmt.Errorf("reading schema history topic %s: %w", k.topic, fe.Err)
			}
		}
		var ferr error
		done := false
		fs.EachRecord(func(rec *kgo.Record) {
			if ferr != nil || done {
				return
			}
			hr, err := UnmarshalHistoryRecord(rec.Value, k.catalogFirst)
			if err != nil {
				ferr = fmt.Errorf("schema history %s offset %d: %w", k.topic, rec.Offset, err)
				return
			}
			if err := fn(hr); err != nil {
				ferr = err
				return
			}
			if rec.Offset+1 >= end {
				done = true
			}
		})
		if ferr != nil {
			return ferr
		}
		if done {
			return nil
		}
	}
}
