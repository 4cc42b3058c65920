package mysql

import (
	"unsafe"

	"github.com/gonnect/gonnect/internal/ifacebox"
)

// snapBatch is up to rowBatch snapshot rows and the memory they were copied into that
// dies with them: the rows' value slices, and the text (and its string headers) of
// the columns whose values Records never keeps (cdc.TableSchema.Scratch: DECIMAL,
// DATETIME and TIMESTAMP turned into new values). Text that records keep (character
// columns) is cut from the copier's own arenas, never from a batch.
//
// A batch goes from a reader to the converter and back through a batchPool once the
// converter is done with all its rows, so the next rows are copied into the same
// memory instead of new allocations (the collector's work per row shrinks with it).
// Whoever holds a batch owns it: one goroutine at a time.
type snapBatch struct {
	rows [][]any
	vals []any    // unused part of the value arena
	text []byte   // unused part of the scratch text arena
	strs []string // unused part of the scratch string headers

	valsAll []any
	textAll []byte
	strsAll []string
}

// scratchText is the size of a batch's scratch text arena; when a batch's scratch text
// does not fit, the rest goes to the copier's arenas (correct, only not reused).
const scratchText = 16 << 10

// reset empties b for rows of ncols columns, keeping its memory.
func (b *snapBatch) reset(ncols int) {
	if len(b.valsAll) < ncols*rowBatch {
		b.valsAll = make([]any, ncols*rowBatch)
		b.strsAll = make([]string, ncols*rowBatch)
	}
	if b.textAll == nil {
		b.textAll = make([]byte, scratchText)
	}
	b.rows = b.rows[:0]
	b.vals, b.text, b.strs = b.valsAll, b.textAll, b.strsAll
}

// row returns the next row's n value slots (nil when the arena is used up).
func (b *snapBatch) row(n int) []any {
	if len(b.vals) < n {
		return nil
	}
	r := b.vals[:n:n]
	b.vals = b.vals[n:]
	return r
}

var stringType = ifacebox.TypeOf("")

// scratchString returns p's bytes as a string interface whose bytes and header live in
// b, or false when b's scratch arenas are used up.
func (b *snapBatch) scratchString(p []byte) (any, bool) {
	if len(b.text) < len(p) || len(b.strs) == 0 {
		return nil, false
	}
	n := copy(b.text, p)
	s := &b.strs[0]
	*s = unsafe.String(unsafe.SliceData(b.text), n)
	b.text, b.strs = b.text[n:], b.strs[1:]
	return ifacebox.At(stringType, unsafe.Pointer(s)), true
}

// batchPool hands batches back from the converter to the readers. Get and put never
// block; a batch that does not fit is left to the collector.
type batchPool chan *snapBatch

func newBatchPool() batchPool { return make(batchPool, aheadBatches+2) }

// get returns a free batch, reset for rows of ncols columns.
func (p batchPool) get(ncols int) *snapBatch {
	var b *snapBatch
	select {
	case b = <-p:
	default:
		b = new(snapBatch)
	}
	b.reset(ncols)
	return b
}

// poisonFreed, set only by tests, overwrites a batch's memory as soon as it is put
// back, so that a row or value still in use after its batch was freed shows as corrupt
// instead of passing by luck of timing.
var poisonFreed bool

// put returns b to the pool; its rows and every value cut from its arenas must no
// longer be used by anyone.
func (p batchPool) put(b *snapBatch) {
	if b == nil {
		return
	}
	if poisonFreed {
		for i := range b.valsAll {
			b.valsAll[i] = "poisoned"
		}
		for i := range b.strsAll {
			b.strsAll[i] = "poisoned"
		}
		for i := range b.textAll {
			b.textAll[i] = 'X'
		}
	}
	select {
	case p <- b:
	default:
	}
}
