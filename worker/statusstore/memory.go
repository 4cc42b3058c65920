package statusstore

import (
	"context"
	"log/slog"
	"slices"
	"sync"
)

// Memory is a StatusStore without Kafka, for herder unit tests and standalone mode. It
// runs the same codecs and read rules as the Kafka store; a write is read back at once.
type Memory struct {
	*store
	mem *memoryLog
}

var _ StatusStore = (*Memory)(nil)

// MemoryOpt configures NewMemory.
type MemoryOpt func(*memoryConfig)

type memoryConfig struct{ log *slog.Logger }

// MemoryLogger sets the logger; the default is slog.Default().
func MemoryLogger(l *slog.Logger) MemoryOpt { return func(c *memoryConfig) { c.log = l } }

// NewMemory returns an empty store.
func NewMemory(opts ...MemoryOpt) *Memory {
	cfg := memoryConfig{log: slog.Default()}
	for _, o := range opts {
		o(&cfg)
	}
	s := newStore(cfg.log)
	m := &memoryLog{apply: s.apply}
	s.setLog(m)
	return &Memory{store: s, mem: m}
}

// Records returns a copy of every record written so far, in order.
func (m *Memory) Records() []Record {
	m.mem.mu.Lock()
	defer m.mem.mu.Unlock()
	return slices.Clone(m.mem.recs)
}

// Close makes further writes fail with ErrClosed.
func (m *Memory) Close() {
	m.mem.mu.Lock()
	m.mem.closed = true
	m.mem.mu.Unlock()
}

// memoryLog is an append-only record slice, applied as it is written.
type memoryLog struct {
	apply func(key string, value []byte)

	mu     sync.Mutex // guards recs and closed; held while applying so order is kept
	recs   []Record
	closed bool
}

func (m *memoryLog) send(ctx context.Context, r Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	r.Value = slices.Clone(r.Value)
	m.recs = append(m.recs, r)
	m.apply(r.Key, r.Value)
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
	return nil
}
