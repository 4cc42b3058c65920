// Package ifacebox builds interface values around values that already live in memory
// the caller owns (a slab, a fetched record), instead of the heap copy the compiler
// makes when a non-pointer-shaped value (an int64, a float64, a string, a slice, a
// struct) is converted to an interface. Hot paths that box millions of values into
// Connect records use it to allocate per batch rather than per value.
//
// The interface is exactly the one the compiler would build around the copy: its type
// word and a data word pointing at the value. The rules that make it sound:
//   - the value must not be written again once boxed (Go treats an interface's dynamic
//     value as immutable: comparisons, maps and the runtime assume so);
//   - the memory must be Go heap or global memory (the data word keeps it alive);
//   - only for types that are not pointer-shaped (for pointers, maps, channels and
//     funcs the data word is the value itself: convert those normally).
//
// The layout of an empty interface (type word, then data word) has been stable since
// Go 1.0 and is relied on across the ecosystem; TestLayout pins it.
package ifacebox

import "unsafe"

// Type is the type word of a dynamic type, from TypeOf.
type Type struct{ p unsafe.Pointer }

// eface is the layout of an empty interface.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// TypeOf returns the type word of v's dynamic type (typically computed once, in a
// package variable, from a zero value: TypeOf(int64(0))).
func TypeOf(v any) Type { return Type{(*eface)(unsafe.Pointer(&v)).typ} }

// At returns the interface of dynamic type t whose value is *p; *p must be of type
// t and must never be written again (see the package comment).
func At(t Type, p unsafe.Pointer) any {
	var v any
	*(*eface)(unsafe.Pointer(&v)) = eface{typ: t.p, data: p}
	return v
}
