// Package offsets stores source offsets the way Kafka Connect does: keys
// ["<connector>",{partition}] in Java's exact JSON bytes, values the offset map.
package offsets

import "context"

// Partition identifies a source partition, e.g. {"server":"db1"} or {"filename":"/in.txt"}.
// Values are strings, numbers (int64 or float64 after a round trip), booleans or nil.
type Partition = map[string]any

// Offset is a position within a source partition, e.g. {"file":"binlog.000003","pos":4711}.
type Offset = map[string]any

// Lazy is an offset a source task renders only when the runtime needs the map: for
// the one record per partition whose offset is committed at a flush, or for an error
// message. A task whose every record moves the offset (a binlog reader, say) hands a
// small value implementing Lazy instead of building a map per record, and the runtime
// builds one map per partition and flush. Offset must return the same map contents
// every time it is called and must be safe to call from any goroutine. A nil map means
// the record has nothing to commit, as a nil SourceOffset does: it never resets the
// stored offset.
type Lazy interface {
	Offset() Offset
}

// Entry pairs a partition with its offset. A nil Offset is a tombstone: the stored
// offset is removed (an offset reset).
type Entry struct {
	Partition Partition
	Offset    Offset
}

// Store is where committed source offsets live: the offsets topic in distributed mode,
// a file in standalone mode, memory in tests.
//
// Implementations are safe for concurrent use.
type Store interface {
	// Get returns one offset per partition (nil where none is stored). It reads
	// through to the backing store first, so it sees every write acknowledged before it
	// was called, whichever worker wrote it.
	Get(ctx context.Context, connector string, ps []Partition) ([]Offset, error)
	// Set writes the entries and returns once they are durable. Entries of one call
	// are applied in order.
	Set(ctx context.Context, connector string, es []Entry) error
	// Partitions lists the partitions with a stored (non-tombstoned) offset, for
	// GET /connectors/{c}/offsets.
	Partitions(ctx context.Context, connector string) ([]Partition, error)
}
