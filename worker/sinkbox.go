package worker

import "unsafe"

// Boxing a []byte or a string into an interface copies its header (24 or 16 bytes)
// to the heap: one allocation per key and per value of every sink record, since
// connectors.Record holds them as any. boxBytes and boxString instead make an
// interface whose data word points at a header that already lives in a sink batch's
// slab, which is exactly the interface value the compiler would have built around a
// heap copy of it. The header must never be written again once boxed: Go treats an
// interface's dynamic value as immutable.

// eface is the layout of an empty interface: its dynamic type, then a pointer to its
// value (for types that are not pointer-shaped, as slices and strings are not).
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// typeOf returns the type word of v.
func typeOf(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

var (
	bytesType  = typeOf([]byte(nil))
	stringType = typeOf("")
)

// boxBytes returns *p as an any without copying the slice header.
func boxBytes(p *[]byte) any {
	var v any
	*(*eface)(unsafe.Pointer(&v)) = eface{typ: bytesType, data: unsafe.Pointer(p)}
	return v
}

// boxString returns *p as an any without copying the string header.
func boxString(p *string) any {
	var v any
	*(*eface)(unsafe.Pointer(&v)) = eface{typ: stringType, data: unsafe.Pointer(p)}
	return v
}
