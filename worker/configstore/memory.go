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
// would, and they are applied when read back. It has no start-up history, so it counts
// as started from the beginning.
type Memory struct {
	*store
	mem *memoryLog
}

var _ ConfigStore = (*Memory)(nil)

// MemoryOpt configures NewMemory.
type MemoryOpt func(*memoryConfig)

type memoryConfig struct{ log *slog.Logger }

// MemoryLogger sets the logger; the default is slog.Default().
func MemoryLogger(l *slog.Logger) MemoryOpt { return func(c *memoryConfig) { c.log = l } }

// NewMemory returns an empty store. Close it to release the updates goroutine.
func NewMemory(opts ...MemoryOpt) *Memory {
	cfg := memoryConfig{log: slog.Default()}
	for _, o := range opts {
		o(&cfg)
	}
	s := newStore(cfg.log)
	s.markStarted()
	m := &memoryLog{apply: s.apply}
	s.rlog = m
	return &Memory{store: s, mem: m}
}

// Records returns a copy of every record written so far, in log order (offset = index).
func (m *Memory) Records() []Record {
	m.mem.mu.Lock()
	defer m.mem.mu.Unlock()
	return slices.Clone(m.mem.recs)
}

// Close closes the Updates channel. Further writes return ErrClosed.
func (m *Memory) Close() {
	m.mem.mu.Lock()
	m.mem.closed = true
	m.mem.mu.Unlock()
	m.updates.close()
}

// memoryLog is an append-only record slice read by one store.
type memoryLog struct {
	apply func(offset int64, key string, value []byte)

	mu     sync.Mutex // guards recs, read, closed; held while applying so reads stay in order
	recs   []Record
	read   int
	closed bool
}

func (m *memoryLog) send(ctx context.Context, recs ...Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	for _, r := range recs {
		r.Value = slices.Clone(r.Value)
		m.recs = append(m.recs, r)
	}
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
	for ; m.read < len(m.recs); m.read++ {
		r := m.recs[m.read]
		m.apply(int64(m.read), r.Key, r.Value)
	}
	return nil
}
