package cdc

import (
	"unsafe"

	"github.com/gonnect/gonnect/internal/ifacebox"
	"github.com/gonnect/gonnect/schemas"
)

// Boxes turns int64s, float64s and strings into interface values whose data lives in
// slabs of boxSlab values, instead of one heap allocation per value: a row of a CDC
// hot path (snapshot read, binlog insert) boxes a dozen such values into its structs,
// and the allocator and the collector were a third of its CPU.
//
// A box is exactly the interface value the compiler builds around a heap copy of the
// value (same type word, a data word pointing at the value), so consumers cannot tell
// the difference. Each slab slot is written once, before it is boxed, and never again:
// Go treats an interface's dynamic value as immutable. A slab stays alive while any
// of its boxes does (a few KiB per boxSlab values).
//
// The zero value is ready to use; a nil *Boxes boxes the ordinary way. A Boxes is used
// by one goroutine at a time.
type Boxes struct {
	i64   []int64
	f64   []float64
	str   []string
	dec   []schemas.Decimal
	bytes []byte // string contents (StringOf)
	ints  []smallInt
	// records and structs of Records (see recordslab.go)
	recs    []oneRecord
	structs schemas.StructSlab
}

// boxSlab is how many values one slab holds.
const boxSlab = 256

var (
	int64Type   = ifacebox.TypeOf(int64(0))
	float64Type = ifacebox.TypeOf(float64(0))
	stringType  = ifacebox.TypeOf("")
	decimalType = ifacebox.TypeOf(schemas.Decimal{})
)

// boxBytes is the size of one slab of string contents; longer strings get their own.
const boxBytes = 16 << 10

// box stores v in the next free slot of *slab (a new slab of boxSlab values when it
// is used up) and returns the interface of type typ around that slot.
func box[T any](slab *[]T, typ ifacebox.Type, v T) any {
	if len(*slab) == 0 {
		*slab = make([]T, boxSlab)
	}
	p := &(*slab)[0]
	*p = v
	*slab = (*slab)[1:]
	return ifacebox.At(typ, unsafe.Pointer(p))
}

// Int64 returns v as an any.
func (b *Boxes) Int64(v int64) any {
	if b == nil || (v >= 0 && v < 256) { // the runtime boxes small values without allocating
		return v
	}
	return box(&b.i64, int64Type, v)
}

// Float64 returns v as an any.
func (b *Boxes) Float64(v float64) any {
	if b == nil {
		return v
	}
	return box(&b.f64, float64Type, v)
}

// String returns s as an any.
func (b *Boxes) String(s string) any {
	if b == nil || s == "" {
		return s
	}
	return box(&b.str, stringType, s)
}

// StringOf returns a string with p's bytes as an any; p is not retained.
func (b *Boxes) StringOf(p []byte) any {
	if b == nil {
		return string(p)
	}
	return b.String(b.Text(p))
}

// Text returns a string with p's bytes, cut from a slab of string contents; p is not
// retained.
func (b *Boxes) Text(p []byte) string {
	if b == nil || len(p) == 0 || len(p) > boxBytes/8 {
		return string(p)
	}
	if len(b.bytes) < len(p) {
		b.bytes = make([]byte, boxBytes)
	}
	n := copy(b.bytes, p)
	s := unsafe.String(unsafe.SliceData(b.bytes), n)
	b.bytes = b.bytes[n:]
	return s
}

// Decimal returns d as an any.
func (b *Boxes) Decimal(d schemas.Decimal) any {
	if b == nil {
		return d
	}
	return box(&b.dec, decimalType, d)
}
