package worker

import (
	"sync"
	"unsafe"

	"github.com/twmb/franz-go/pkg/kgo"
)

// sinkRecordPool is the kgo.PoolRecords of a sink task's consumer: the slabs kgo
// decodes fetched records into come back once the task has converted every record of
// a slab (deliver recycles each record once converted), instead of being allocated
// (and zeroed, and collected) for every fetched batch. A SinkRecord never points into
// a kgo.Record (sinkBatch copies what it keeps: headers of keys and values, the
// coordinates), so recycling does not touch what a SinkTask was given. The fetched
// bytes those records point at are not pooled (no PoolDecompressBytes): they stay
// valid for as long as anything references them.
//
// kgo calls GetRecords from its fetch goroutines and PutRecords from Record.Recycle
// on the task goroutine; both are safe for concurrent use. The pool keeps at most
// sinkRecordPoolBytes of slabs: more than the fetches in flight between kgo's fetch
// goroutine and the task, however records are batched, and a bound on what an idle
// task holds.
type sinkRecordPool struct {
	mu    sync.Mutex     // guards free and bytes
	free  [][]kgo.Record // slabs, zeroed by Record.Recycle
	bytes int            // capacity of free, in bytes
}

// sinkRecordPoolBytes bounds the slabs a pool keeps (8 MiB: about 50,000 records).
const sinkRecordPoolBytes = 8 << 20

var recordBytes = int(unsafe.Sizeof(kgo.Record{}))

// GetRecords returns a kept slab of capacity at least n, or nil (kgo then allocates).
func (p *sinkRecordPool) GetRecords(n int) []kgo.Record {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.free) - 1; i >= 0; i-- {
		if s := p.free[i]; cap(s) >= n {
			last := len(p.free) - 1
			p.free[i], p.free[last] = p.free[last], nil
			p.free = p.free[:last]
			p.bytes -= cap(s) * recordBytes
			return s[:0]
		}
	}
	return nil
}

// PutRecords keeps a slab whose records have all been recycled, unless that would
// take the pool past its bound: then the slab is left to the collector.
func (p *sinkRecordPool) PutRecords(s []kgo.Record) {
	size := cap(s) * recordBytes
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bytes+size > sinkRecordPoolBytes {
		return
	}
	p.free = append(p.free, s)
	p.bytes += size
}
