package ifacebox

import (
	"math/big"
	"reflect"
	"testing"
	"unsafe"
)

type decimal struct {
	unscaled *big.Int
	scale    int32
}

// TestLayout: a value boxed in place is indistinguishable from the compiler's box of
// a copy: same dynamic type for a type switch and reflect, equal under ==
// (comparable types) and reflect.DeepEqual, and the data word points at the caller's
// memory, not a copy.
func TestLayout(t *testing.T) {
	i64, f64, s := int64(-1<<40), 2.5, "a string"
	b := []byte("bytes")
	d := decimal{big.NewInt(12345), 2}
	tests := []struct {
		name string
		p    unsafe.Pointer
		want any
	}{
		{name: "int64", p: unsafe.Pointer(&i64), want: i64},
		{name: "float64", p: unsafe.Pointer(&f64), want: f64},
		{name: "string", p: unsafe.Pointer(&s), want: s},
		{name: "bytes", p: unsafe.Pointer(&b), want: b},
		{name: "struct", p: unsafe.Pointer(&d), want: d},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := At(TypeOf(tc.want), tc.p)
			if reflect.TypeOf(got) != reflect.TypeOf(tc.want) || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("boxed %#v, want %#v", got, tc.want)
			}
			if reflect.TypeOf(tc.want).Comparable() && got != tc.want {
				t.Fatalf("boxed %#v != %#v", got, tc.want)
			}
			if data := (*eface)(unsafe.Pointer(&got)).data; data != tc.p {
				t.Fatal("the box points at a copy, not the caller's value")
			}
		})
	}
	switch v := At(TypeOf(int64(0)), unsafe.Pointer(&i64)).(type) {
	case int64:
		if v != i64 {
			t.Fatalf("type switch gave %d", v)
		}
	default:
		t.Fatalf("type switch: %T", v)
	}
}

// TestNoAllocation: boxing in place allocates nothing, where the compiler's box of
// the same value allocates.
func TestNoAllocation(t *testing.T) {
	vals := make([]int64, 64)
	typ := TypeOf(int64(0))
	var sink any
	if n := testing.AllocsPerRun(100, func() {
		for i := range vals {
			vals[i] = int64(i) << 20
			sink = At(typ, unsafe.Pointer(&vals[i]))
		}
	}); n != 0 {
		t.Fatalf("%v allocations per run, want 0", n)
	}
	_ = sink
}

// TestSlab: values boxed by a Slab equal the compiler's boxes, each keeps its own
// value after later boxes (no slot is written twice), and a slab is one allocation
// for SlabLen values.
func TestSlab(t *testing.T) {
	var s Slab[int64]
	var got []any
	for i := range 3 * SlabLen {
		got = append(got, s.Box(int64(i)<<20))
	}
	for i, v := range got {
		if v != any(int64(i)<<20) {
			t.Fatalf("box %d = %#v, want %d", i, v, int64(i)<<20)
		}
	}
	type pair struct {
		a int32
		b string
	}
	var ps Slab[pair]
	if v := ps.Box(pair{7, "x"}); !reflect.DeepEqual(v, any(pair{7, "x"})) {
		t.Fatalf("struct box = %#v", v)
	}
	var sink any
	allocs := testing.AllocsPerRun(10, func() {
		for i := range SlabLen {
			sink = s.Box(int64(i) << 30)
		}
	})
	if allocs > 1 {
		t.Fatalf("%v allocations per %d boxes, want at most 1", allocs, SlabLen)
	}
	_ = sink
}
