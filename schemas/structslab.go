package schemas

// StructSlab hands out empty structs whose headers and value slots are cut from slabs
// shared by many calls, instead of the two allocations per call of NewStructs: a CDC
// hot path builds a record's key, value, source and envelope structs for every row,
// and those allocations (and the size-class rounding of each) were a large share of
// its allocator and collector work.
//
// A slab stays alive while any struct cut from it does (at most structSlabSlots value
// slots, a few dozen rows' worth), so use it for structs that are released in about
// the order they were made, as a connector's records are. Slots are handed out once
// and never reused. The zero value is ready to use; a nil *StructSlab allocates as
// NewStructs does. A StructSlab is used by one goroutine at a time.
type StructSlab struct {
	sts  []Struct
	vals []any
}

// The slab sizes: struct headers per slab and value slots per slab. A request for more
// slots than a slab holds gets its own allocation.
const (
	structSlabStructs = 128
	structSlabSlots   = 1024
)

// NewStructs sets out[i] to an empty struct of schema ss[i] (each a STRUCT schema), for
// i below the shorter of the two lengths, as the package's NewStructs does. It does not
// retain out or ss.
func (a *StructSlab) NewStructs(out []*Struct, ss []*Schema) {
	n := min(len(out), len(ss))
	slots := 0
	for _, s := range ss[:n] {
		slots += len(s.Fields)
	}
	if a == nil || n > structSlabStructs || slots > structSlabSlots/4 {
		NewStructs(out, ss)
		return
	}
	if len(a.sts) < n {
		a.sts = make([]Struct, structSlabStructs)
	}
	if len(a.vals) < slots {
		a.vals = make([]any, structSlabSlots)
	}
	for i, s := range ss[:n] {
		k := len(s.Fields)
		st := &a.sts[i]
		st.schema, st.values = s, a.vals[:k:k]
		a.vals = a.vals[k:]
		out[i] = st
	}
	a.sts = a.sts[n:]
}
