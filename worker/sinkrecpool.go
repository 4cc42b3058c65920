package worker

import (
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"
)

// sinkRecordPool is the kgo.PoolRecords of a sink task's consumer: the slabs kgo
// decodes fetched records into come back once the task has converted every record of
// a slab (deliver recycles each record after its poll), instead of being allocated
// (and zeroed, and collected) for every fetched batch. A SinkRecord never points into
// a kgo.Record (sinkBatch copies what it keeps: headers of keys and values, the
// coordinates), so recycling does not touch what a SinkTask was given. The fetched
// bytes those records point at are not pooled (no PoolDecompressBytes): they stay
// valid for as long as anything references them.
//
// kgo calls GetRecords from its fetch goroutines and PutRecords from Record.Recycle
// on the task goroutine; both are safe for concurrent use.
type sinkRecordPool struct {
	mu   sync.Mutex     // guards free
	free [][]kgo.Record // slabs, zeroed by Record.Recycle
}

// sinkRecordPoolMax bounds the slabs a pool keeps: a fetch response or two per
// partition is in flight between the fetch goroutine and the task.
const sinkRecordPoolMax = 32

// GetRecords returns a kept slab of capacity at least n, or nil (kgo then allocates).
func (p *sinkRecordPool) GetRecords(n int) []kgo.Record {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.free) - 1; i >= 0; i-- {
		if s := p.free[i]; cap(s) >= n {
			last := len(p.free) - 1
			p.free[i], p.free[last] = p.free[last], nil
			p.free = p.free[:last]
			return s[:0]
		}
	}
	return nil
}

// PutRecords keeps a slab whose records have all been recycled, unless the pool is
// full; then the smallest of the slabs and s is left to the collector.
func (p *sinkRecordPool) PutRecords(s []kgo.Record) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) < sinkRecordPoolMax {
		p.free = append(p.free, s)
		return
	}
	small := 0
	for i, f := range p.free {
		if cap(f) < cap(p.free[small]) {
			small = i
		}
	}
	if cap(s) > cap(p.free[small]) {
		p.free[small] = s
	}
}
