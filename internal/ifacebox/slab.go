package ifacebox

import "unsafe"

// Slab boxes values of T in place in slabs of SlabLen values: one allocation per slab
// instead of one per value. Each slot is written once, before it is boxed, and never
// again; a slab stays alive while any of its boxes does. T must not be pointer-shaped
// nor an interface type (see the package comment). The zero value is ready to use; a
// Slab is used by one goroutine at a time.
type Slab[T any] struct {
	free []T
	typ  Type
}

// SlabLen is how many values one slab holds.
const SlabLen = 256

// Box returns v as an interface whose data word points into the slab.
func (s *Slab[T]) Box(v T) any {
	if len(s.free) == 0 {
		if s.typ.p == nil {
			var zero T
			s.typ = TypeOf(zero)
		}
		s.free = make([]T, SlabLen)
	}
	p := &s.free[0]
	*p = v
	s.free = s.free[1:]
	return At(s.typ, unsafe.Pointer(p))
}
