package offsets

import (
	"context"
	"sync"
)

// MemoryStore is a Store held in memory, for tests and for workers that need no
// durability. The zero value is not usable; call NewMemoryStore.
type MemoryStore struct {
	mu   sync.Mutex // guards data
	data table
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore, safe for concurrent use.
func NewMemoryStore() *MemoryStore { return &MemoryStore{data: make(table)} }

// Get returns copies of the stored offsets (nil where none). It never blocks.
func (s *MemoryStore) Get(_ context.Context, connector string, ps []Partition) ([]Offset, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data.get(connector, ps)
}

// Set stores copies of the entries in order; a nil Offset removes the partition. An
// entry that cannot be encoded as Java would fails the call before anything changes.
func (s *MemoryStore) Set(_ context.Context, connector string, es []Entry) error {
	enc, err := encodeEntries(connector, es)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range enc {
		s.data.put(connector, e.id, e.Entry)
	}
	return nil
}

// Partitions lists the connector's partitions with a stored offset, in no order.
func (s *MemoryStore) Partitions(_ context.Context, connector string) ([]Partition, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data.partitions(connector), nil
}
