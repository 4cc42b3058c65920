package jsonconv

import "sync"

// maxPooledScratch is the largest scratch buffer kept for reuse: a rare huge record
// does not keep its buffer alive in the pool.
const maxPooledScratch = 1 << 20

// scratch is a reusable render buffer. FromConnect renders a record into one and
// copies the result out at its exact length: the copy replaces the zeroing a fresh
// buffer would need, and unlike a buffer sized from a guess (or grown by append) the
// record keeps no spare capacity alive while it waits in a producer's buffer.
type scratch struct{ b []byte }

var scratchPool = sync.Pool{New: func() any { return &scratch{b: make([]byte, 0, 4096)} }}

// getScratch takes a scratch buffer from the pool. Safe for concurrent use.
func getScratch() *scratch { return scratchPool.Get().(*scratch) }

// put returns the scratch buffer to the pool, keeping b (the grown buffer, or nil
// after an error) when it is worth keeping.
func (s *scratch) put(b []byte) {
	if b != nil && cap(b) >= cap(s.b) {
		s.b = b[:0]
	}
	if cap(s.b) > maxPooledScratch {
		return
	}
	scratchPool.Put(s)
}
