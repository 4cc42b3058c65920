package configstore

import (
	"context"
	"log/slog"
	"slices"
	"sync"
)

// Memory is a ConfigStore without Kafka, for herder unit tests and standalone use. It
// runs the same record codecs and apply algorithm as the Kafka store on an in-memory
// log, so its semantics are the same: every write produces the records the Java worker
// would, and they are applied when read back. Several Memory stores may share one
// MemoryTopic, like workers sharing the config topic; unlike the Kafka store, a Memory
// store reads only when asked (its own writes and Refresh), not in the background.
type Memory struct {
	*store
	mem *memoryLog
}

var _ ConfigStore = (*Memory)(nil)

// MemoryTopic is an in-memory config topic: an append-only record list that Memory
// stores read and write. Safe for concurrent use.
type MemoryTopic struct {
	mu   sync.Mutex // guards recs
	recs []Record
}

// NewMemoryTopic returns an empty topic.
func NewMemoryTopic() *MemoryTopic { return &MemoryTopic{} }

// Records returns a copy of every record written so far, in log order (offset = index).
func (t *MemoryTopic) Records() []Record {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.recs)
}

func (t *MemoryTopic) append(recs []Record) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, r := range recs {
		r.Value = slices.Clone(r.Value)
		t.recs = append(t.recs, r)
	}
}

// from returns the records from offset on.
func (t *MemoryTopic) from(offset int) []Record {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.recs[offset:len(t.recs):len(t.recs)]
}

// MemoryOpt configures NewMemory.
type MemoryOpt func(*memoryConfig)

type memoryConfig struct {
	log   *slog.Logger
	topic *MemoryTopic
}

// MemoryLogger sets the logger; the default is slog.Default().
func MemoryLogger(l *slog.Logger) MemoryOpt { return func(c *memoryConfig) { c.log = l } }

// MemoryOnTopic makes the store use t; the default is a topic of its own.
func MemoryOnTopic(t *MemoryTopic) MemoryOpt { return func(c *memoryConfig) { c.topic = t } }

// NewMemory returns a store that has read its topic to the end: what was already
// there is start-up history (Updates flagged BeforeStart). Close it to release the
// updates goroutine.
func NewMemory(opts ...MemoryOpt) *Memory {
	cfg := memoryConfig{log: slog.Default()}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.topic == nil {
		cfg.topic = NewMemoryTopic()
	}
	s := newStore(cfg.log)
	m := &memoryLog{topic: cfg.topic, apply: s.apply}
	s.rlog = m
	_ = m.readToEnd(context.Background())
	s.markStarted()
	return &Memory{store: s, mem: m}
}

// Records returns a copy of every record on the store's topic, in log order.
func (m *Memory) Records() []Record { return m.mem.topic.Records() }

// Close closes the Updates channel. Further calls return ErrClosed.
func (m *Memory) Close() {
	m.mem.mu.Lock()
	m.mem.closed = true
	m.mem.mu.Unlock()
	m.updates.close()
}

// memoryLog is one store's reader and writer on a MemoryTopic.
type memoryLog struct {
	topic *MemoryTopic
	apply func(offset int64, key string, value []byte)

	mu     sync.Mutex // guards read, closed; held while applying so reads stay in order
	read   int
	closed bool
}

func (m *memoryLog) send(ctx context.Context, recs ...Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	closed := m.closed
	m.mu.Unlock()
	if closed {
		return ErrClosed
	}
	m.topic.append(recs)
	return nil
}

func (m *memoryLog) readToEnd(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	for _, r := range m.topic.from(m.read) {
		m.apply(int64(m.read), r.Key, r.Value)
		m.read++
	}
	return nil
}
