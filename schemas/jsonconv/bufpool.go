package jsonconv

import "sync"

// The output pool recycles FromConnect results handed back with ReleaseBuffer. A
// source task converts and produces a stream of same-shaped records and releases each
// once Kafka acknowledged it: with schemas.enable the envelopes are kilobytes each,
// and recycling them keeps the heap at what the producer holds instead of a multiple
// of it (W3 with JsonConverter peaked at 194 MB RSS before, its garbage a few hundred
// MB/s).
//
// Results of minPooledOut to maxPooledOut bytes are pooled, in classes of
// outClassBytes by capacity (a class hands out a buffer of its capacity for any length
// in its range: at most an eighth spare, as the allocator's own size classes); smaller
// results are allocated at their exact length, as before. Free buffers total at most
// maxFreeOut bytes, so a burst does not pin memory for good.
const (
	outClassBytes = 256
	minPooledOut  = 2048
	maxPooledOut  = 64 << 10
	maxFreeOut    = 4 << 20
)

type outPool struct {
	mu      sync.Mutex
	free    [maxPooledOut / outClassBytes][][]byte
	freeLen int // bytes in free
}

var outBuffers outPool

// get returns a buffer of length n, recycled when one of its class is free.
func (p *outPool) get(n int) []byte {
	if n < minPooledOut || n > maxPooledOut {
		return make([]byte, n)
	}
	c := (n - 1) / outClassBytes
	p.mu.Lock()
	if l := len(p.free[c]); l > 0 {
		b := p.free[c][l-1]
		p.free[c][l-1] = nil
		p.free[c] = p.free[c][:l-1]
		p.freeLen -= cap(b)
		p.mu.Unlock()
		return b[:n]
	}
	p.mu.Unlock()
	return make([]byte, n, (c+1)*outClassBytes)
}

// put keeps b for reuse when it is a buffer of a class and there is room.
func (p *outPool) put(b []byte) {
	c := cap(b)
	if c < minPooledOut || c > maxPooledOut || c%outClassBytes != 0 {
		return // not one of get's buffers
	}
	p.mu.Lock()
	if p.freeLen+c <= maxFreeOut {
		p.free[c/outClassBytes-1] = append(p.free[c/outClassBytes-1], b[:0])
		p.freeLen += c
	}
	p.mu.Unlock()
}

// ReleaseBuffer hands back a FromConnect result the caller is done with (see
// schemas.BufferReleaser).
func (c *Converter) ReleaseBuffer(b []byte) { outBuffers.put(b) }
