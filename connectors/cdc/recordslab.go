package cdc

import (
	"math/big"
	"math/bits"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

// recordSlab is how many lone records one slab of Boxes holds.
const recordSlab = 64

// newStructs is schemas.NewStructs cutting from b's struct slab (nil b: the ordinary
// way).
func (b *Boxes) newStructs(out []*schemas.Struct, ss []*schemas.Schema) {
	if b == nil {
		schemas.NewStructs(out, ss)
		return
	}
	b.structs.NewStructs(out, ss)
}

// oneRecord is a lone record and the slice that holds it, allocated together.
type oneRecord struct {
	r connectors.SourceRecord
	s [1]*connectors.SourceRecord
}

// newOne returns an empty lone record, cut from b's slab of them (nil b: allocated on
// its own). Each slot is handed out once.
func (b *Boxes) newOne() *oneRecord {
	if b == nil {
		return new(oneRecord)
	}
	if len(b.recs) == 0 {
		b.recs = make([]oneRecord, recordSlab)
	}
	c := &b.recs[0]
	b.recs = b.recs[1:]
	return c
}

// smallInt is a big.Int and the one word of its magnitude, stored together.
type smallInt struct {
	i big.Int
	w [1]big.Word
}

// set makes c.i the value v, its magnitude in c.w, and returns it.
func (c *smallInt) set(v int64) *big.Int {
	if v == 0 {
		return &c.i
	}
	mag := uint64(v)
	if v < 0 {
		mag = uint64(-v) // also right for math.MinInt64
	}
	c.w[0] = big.Word(mag)
	c.i.SetBits(c.w[:])
	if v < 0 {
		c.i.Neg(&c.i)
	}
	return &c.i
}

// NewBigInt returns v as a new *big.Int in one allocation (big.NewInt makes two: the
// Int and its magnitude), two on 32-bit platforms.
func NewBigInt(v int64) *big.Int {
	if bits.UintSize < 64 {
		return big.NewInt(v)
	}
	return new(smallInt).set(v)
}

// BigInt returns v as a new *big.Int cut from a slab of them (nil b: NewBigInt). It is
// an ordinary big.Int: its magnitude lives in its own slot of the slab, which nothing
// else uses.
func (b *Boxes) BigInt(v int64) *big.Int {
	if b == nil || bits.UintSize < 64 {
		return NewBigInt(v)
	}
	if len(b.ints) == 0 {
		b.ints = make([]smallInt, boxSlab)
	}
	c := &b.ints[0]
	b.ints = b.ints[1:]
	return c.set(v)
}
