package cdc

import (
	"math"
	"math/big"
	"runtime"
	"strconv"
	"testing"

	"github.com/gonnect/gonnect/schemas"
)

// TestBoxes checks that slab boxes are the interface values ordinary boxing makes
// (type switches, ==, %v), that later boxes never disturb earlier ones (across slab
// boundaries and a collection), and that a nil *Boxes boxes the ordinary way.
func TestBoxes(t *testing.T) {
	tests := []struct {
		name string
		box  func(b *Boxes, i int) any
		want func(i int) any
	}{
		{name: "int64", box: func(b *Boxes, i int) any { return b.Int64(int64(i) * 1_000_003) }, want: func(i int) any { return int64(i) * 1_000_003 }},
		{name: "negative int64", box: func(b *Boxes, i int) any { return b.Int64(-int64(i) - 1) }, want: func(i int) any { return -int64(i) - 1 }},
		{name: "min int64", box: func(b *Boxes, i int) any { return b.Int64(math.MinInt64 + int64(i)) }, want: func(i int) any { return math.MinInt64 + int64(i) }},
		{name: "float64", box: func(b *Boxes, i int) any { return b.Float64(float64(i) / 7) }, want: func(i int) any { return float64(i) / 7 }},
		{name: "string", box: func(b *Boxes, i int) any { return b.String("row-" + strconv.Itoa(i)) }, want: func(i int) any { return "row-" + strconv.Itoa(i) }},
		{name: "empty string", box: func(b *Boxes, i int) any { return b.String("") }, want: func(i int) any { return "" }},
		{name: "string of bytes", box: func(b *Boxes, i int) any {
			p := []byte("2024-01-02T03:04:05." + strconv.Itoa(i) + "Z")
			v := b.StringOf(p)
			copy(p, "XXXX") // the box must not share p
			return v
		}, want: func(i int) any { return "2024-01-02T03:04:05." + strconv.Itoa(i) + "Z" }},
		{name: "long string of bytes", box: func(b *Boxes, i int) any { return b.StringOf(make([]byte, 3000+i)) }, want: func(i int) any { return string(make([]byte, 3000+i)) }},
		{name: "decimal", box: func(b *Boxes, i int) any {
			return b.Decimal(schemas.Decimal{Unscaled: big.NewInt(int64(i) * 101), Scale: 2})
		},
			want: func(i int) any { return schemas.Decimal{Unscaled: big.NewInt(int64(i) * 101), Scale: 2} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, b := range []*Boxes{{}, nil} {
				const n = 3*boxSlab + 7
				got := make([]any, n)
				for i := range got {
					got[i] = tc.box(b, i)
				}
				runtime.GC()
				for i, g := range got {
					w := tc.want(i)
					if d, ok := w.(schemas.Decimal); ok {
						gd, ok := g.(schemas.Decimal)
						if !ok || gd.Scale != d.Scale || gd.Unscaled.Cmp(d.Unscaled) != 0 {
							t.Fatalf("box %d = %#v, want %v", i, g, d)
						}
						continue
					}
					if g != w {
						t.Fatalf("box %d = %#v (%T), want %#v (%T)", i, g, g, w, w)
					}
				}
			}
		})
	}
}

// TestBoxesAllocations checks what Boxes is for: slab boxes cost no allocation per
// value once a slab is there.
func TestBoxesAllocations(t *testing.T) {
	var b Boxes
	var sink any
	allocs := testing.AllocsPerRun(boxSlab*4, func() {
		sink = b.Int64(1 << 40)
		sink = b.Float64(0.5)
		sink = b.String("x")
		sink = b.StringOf([]byte("2024-01-02"))
	})
	_ = sink
	if allocs > 0.05 {
		t.Fatalf("%.2f allocations per four boxes, want about 4/%d", allocs, boxSlab)
	}
}

// TestBoxesBigInt checks that slab big integers are ordinary, independent big.Ints:
// each keeps its value while later ones are cut (across slabs and a collection), and
// arithmetic on one never shows in its neighbours.
func TestBoxesBigInt(t *testing.T) {
	tests := []struct {
		name string
		v    func(i int) int64
	}{
		{name: "positive", v: func(i int) int64 { return int64(i) * 1_000_000_007 }},
		{name: "negative", v: func(i int) int64 { return -int64(i) - 1 }},
		{name: "extremes", v: func(i int) int64 {
			if i%2 == 0 {
				return math.MinInt64 + int64(i)
			}
			return math.MaxInt64 - int64(i)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, b := range []*Boxes{{}, nil} {
				const n = 3*boxSlab + 7
				got := make([]*big.Int, n)
				for i := range got {
					got[i] = b.BigInt(tc.v(i))
				}
				got[1].Mul(got[1], big.NewInt(1<<40)) // grows past its slot: must not touch got[2]
				runtime.GC()
				for i, g := range got {
					want := big.NewInt(tc.v(i))
					if i == 1 {
						want.Mul(want, big.NewInt(1<<40))
					}
					if g.Cmp(want) != 0 {
						t.Fatalf("big int %d = %s, want %s", i, g, want)
					}
				}
			}
		})
	}
}
