package schemas

import (
	"runtime"
	"testing"
)

// TestStructSlab checks that structs cut from a slab are empty, independent of each
// other (setting one never shows in another, across slab boundaries and a
// collection), and that oversized requests and a nil slab fall back to NewStructs.
func TestStructSlab(t *testing.T) {
	small := StructBuilder().Name("small").Field("a", Int64Schema).Field("b", StringSchema).Schema()
	wide := StructBuilder().Name("wide")
	for i := range structSlabSlots / 2 {
		wide.Field("f"+string(rune('a'+i%26))+string(rune('a'+i/26)), Int64Schema)
	}
	tests := []struct {
		name string
		slab *StructSlab
		ss   []*Schema
	}{
		{name: "three small per call", slab: &StructSlab{}, ss: []*Schema{small, small, small}},
		{name: "wider than a slab allows", slab: &StructSlab{}, ss: []*Schema{small, wide.Schema()}},
		{name: "nil slab", ss: []*Schema{small, small}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const calls = 3 * structSlabStructs
			var all []*Struct
			for c := range calls {
				out := make([]*Struct, len(tc.ss))
				tc.slab.NewStructs(out, tc.ss)
				for i, st := range out {
					if st.Schema() != tc.ss[i] || len(st.values) != len(tc.ss[i].Fields) || cap(st.values) != len(st.values) {
						t.Fatalf("call %d struct %d: schema %p, %d values (cap %d)", c, i, st.Schema(), len(st.values), cap(st.values))
					}
					for f, v := range st.values {
						if v != nil {
							t.Fatalf("call %d struct %d field %d is %v before it was set", c, i, f, v)
						}
					}
					for f := range st.values {
						st.SetIndex(f, int64(c*1000+i*100+f))
					}
					all = append(all, st)
				}
			}
			runtime.GC()
			k := 0
			for c := range calls {
				for i := range tc.ss {
					st := all[k]
					k++
					for f, v := range st.values {
						if want := int64(c*1000 + i*100 + f); v != want {
							t.Fatalf("call %d struct %d field %d = %v, want %d: a slot was handed out twice", c, i, f, v, want)
						}
					}
				}
			}
		})
	}
}

// TestStructSlabAllocations checks what StructSlab is for: no allocation per call once
// a slab is there.
func TestStructSlabAllocations(t *testing.T) {
	s := StructBuilder().Name("s").Field("a", Int64Schema).Field("b", StringSchema).Schema()
	var slab StructSlab
	out := make([]*Struct, 2)
	ss := []*Schema{s, s}
	allocs := testing.AllocsPerRun(structSlabStructs*4, func() { slab.NewStructs(out, ss) })
	if allocs > 0.05 {
		t.Fatalf("%.2f allocations per call, want about 2/%d", allocs, structSlabStructs/2)
	}
}
