package schemas

// NewStructs sets out[i] to an empty struct of schema ss[i] (each a STRUCT schema), for
// i below the shorter of the two lengths. The structs and their value slots are
// allocated together, two allocations in all instead of two per struct: use it for
// structs that live and die together, such as the key, value and envelope of one
// record (any one of them keeps the memory of all reachable). It does not retain out
// or ss.
func NewStructs(out []*Struct, ss []*Schema) {
	n := min(len(out), len(ss))
	if n == 0 {
		return
	}
	slots := 0
	for _, s := range ss[:n] {
		slots += len(s.Fields)
	}
	sts := make([]Struct, n)
	values := make([]any, slots)
	for i, s := range ss[:n] {
		k := len(s.Fields)
		sts[i] = Struct{schema: s, values: values[:k:k]}
		values = values[k:]
		out[i] = &sts[i]
	}
}
