package jsonconv

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/schemas"
)

// TestFromConnectExactSize pins that a result holds no spare capacity (pooled sizes:
// less than one pool class) and never
// shares memory with the converter's scratch or schema cache: a later conversion
// (of a longer and of a shorter record) leaves an earlier result intact.
func TestFromConnectExactSize(t *testing.T) {
	ctx := context.Background()
	s := schemas.StructBuilder().Name("t.Value").Field("a", schemas.StringSchema).Schema()
	rec := func(a string) *schemas.Struct { return schemas.NewStruct(s).Set("a", a) }
	schemaless := DefaultConfig()
	schemaless.SchemasEnable = false
	noCache := DefaultConfig()
	noCache.SchemasCacheSize = 0
	tests := []struct {
		name   string
		cfg    Config
		prefix string
	}{
		{name: "schemas", cfg: DefaultConfig(), prefix: `{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"a"}],"optional":false,"name":"t.Value"},"payload":`},
		{name: "schemas without cache", cfg: noCache, prefix: `{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"a"}],"optional":false,"name":"t.Value"},"payload":`},
		{name: "schemaless", cfg: schemaless},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New(tc.cfg)
			suffix := ""
			if tc.prefix != "" {
				suffix = "}"
			}
			var outs [][]byte
			var wants []string
			for _, a := range []string{"first", strings.Repeat("x", 10000), "y", strings.Repeat("z", 300)} {
				b, err := c.FromConnect(ctx, "t", s, rec(a))
				if err != nil {
					t.Fatal(err)
				}
				if spare := cap(b) - len(b); spare != 0 && (len(b) < minPooledOut || spare >= outClassBytes) {
					t.Errorf("value of %d bytes has capacity %d", len(b), cap(b))
				}
				outs = append(outs, b)
				wants = append(wants, tc.prefix+`{"a":"`+a+`"}`+suffix)
			}
			for i, b := range outs {
				if string(b) != wants[i] {
					t.Errorf("record %d changed after later conversions:\n got %.120s\nwant %.120s", i, b, wants[i])
				}
			}
		})
	}
}

// TestFromConnectErrorKeepsWorking pins that a failed conversion leaves the scratch
// pool usable: the next conversion is correct.
func TestFromConnectErrorKeepsWorking(t *testing.T) {
	ctx := context.Background()
	c := New(DefaultConfig())
	if _, err := c.FromConnect(ctx, "t", schemas.Int32Schema, "nope"); err == nil {
		t.Fatal("want an error for a string under an INT32 schema")
	}
	b, err := c.FromConnect(ctx, "t", schemas.Int32Schema, int32(7))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"schema":{"type":"int32","optional":false},"payload":7}`; string(b) != want {
		t.Fatalf("got %s, want %s", b, want)
	}
}

// TestInt64Bytes checks the allocation-free decimal encoding against
// schemas.DecimalBytes (Java's BigInteger.toByteArray) at every byte boundary.
func TestInt64Bytes(t *testing.T) {
	var xs []int64
	for shift := 0; shift < 64; shift++ {
		p := int64(1) << shift
		xs = append(xs, p-1, p, p+1, -p-1, -p, -p+1)
	}
	xs = append(xs, 0, math.MaxInt64, math.MinInt64, 471111, -471111)
	for _, x := range xs {
		var buf [8]byte
		got := int64Bytes(&buf, x)
		want := schemas.DecimalBytes(big.NewInt(x))
		if !bytes.Equal(got, want) {
			t.Errorf("%d: got % x, want % x", x, got, want)
		}
	}
}

// TestDecimalPaths pins that the int64 fast path and the big.Int path write the same
// text, for unscaled values inside and outside int64 and for a rescaled value.
func TestDecimalPaths(t *testing.T) {
	ctx := context.Background()
	plain := DefaultConfig()
	plain.SchemasEnable = false
	c := New(plain)
	s := schemas.DecimalSchema(2).Schema()
	huge, _ := new(big.Int).SetString("-123456789012345678901234567890", 10)
	tests := []struct {
		name string
		v    schemas.Decimal
		want *big.Int // unscaled at scale 2
	}{
		{name: "small positive", v: schemas.NewDecimal(158, 2), want: big.NewInt(158)},
		{name: "sign byte needed", v: schemas.NewDecimal(128, 2), want: big.NewInt(128)},
		{name: "negative", v: schemas.NewDecimal(-129, 2), want: big.NewInt(-129)},
		{name: "zero", v: schemas.NewDecimal(0, 2), want: big.NewInt(0)},
		{name: "beyond int64", v: schemas.Decimal{Unscaled: huge, Scale: 2}, want: huge},
		{name: "rescaled", v: schemas.NewDecimal(5, 1), want: big.NewInt(50)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := c.FromConnect(ctx, "t", s, tc.v)
			if err != nil {
				t.Fatal(err)
			}
			want := `"` + base64.StdEncoding.EncodeToString(schemas.DecimalBytes(tc.want)) + `"`
			if string(b) != want {
				t.Fatalf("got %s, want %s", b, want)
			}
		})
	}
}

// TestConcurrentUse converts from several goroutines at once through one converter
// (shared schema caches, pooled scratch buffers and parsers): every result must be
// the one a lone conversion gives. Run with -race.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	c := New(DefaultConfig())
	s, _ := envelopeRecord()
	type pair struct {
		v    *schemas.Struct
		want []byte
	}
	var pairs []pair
	for i := range 8 {
		_, v := envelopeRecord()
		v.Set("op", strings.Repeat("c", i*100+1))
		want, err := New(DefaultConfig()).FromConnect(ctx, "t", s, v)
		if err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, pair{v, want})
	}
	errs := make(chan error, len(pairs))
	for _, p := range pairs {
		go func() {
			for range 200 {
				got, err := c.FromConnect(ctx, "t", s, p.v)
				if err == nil && !bytes.Equal(got, p.want) {
					err = fmt.Errorf("FromConnect gave %.80s, want %.80s", got, p.want)
				}
				if err == nil {
					var back any
					_, back, err = c.ToConnect(ctx, "t", got)
					if err == nil && back.(*schemas.Struct).Raw(3) != p.v.Raw(3) {
						err = fmt.Errorf("ToConnect op %.20v, want %.20v", back.(*schemas.Struct).Raw(3), p.v.Raw(3))
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range pairs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// TestReleaseBufferRecycles: a released result's memory serves a later result of its
// class, results still held are never reused, and buffers that are not the pool's
// (too small, foreign) are ignored.
func TestReleaseBufferRecycles(t *testing.T) {
	ctx := context.Background()
	c := New(DefaultConfig())
	s := schemas.StructBuilder().Name("t.Value").Field("a", schemas.StringSchema).Schema()
	conv := func(a string) []byte {
		b, err := c.FromConnect(ctx, "t", s, schemas.NewStruct(s).Set("a", a))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var _ schemas.BufferReleaser = c
	held := conv(strings.Repeat("h", 5000))
	heldText := string(held)
	released := conv(strings.Repeat("r", 5000))
	c.ReleaseBuffer(released)
	reused := false
	var outs [][]byte
	for i := range 64 { // the pool is shared by every converter: others may take it first
		b := conv(strings.Repeat(string(rune('a'+i%26)), 5000+i%7))
		if &b[:1][0] == &released[:1][0] {
			reused = true
		}
		if &b[:1][0] == &held[:1][0] {
			t.Fatal("a result still held was handed out again")
		}
		outs = append(outs, b)
	}
	if !reused {
		t.Error("a released buffer of the same class was not reused")
	}
	if string(held) != heldText {
		t.Error("a held result changed")
	}
	for i, b := range outs {
		if want := strings.Repeat(string(rune('a'+i%26)), 5000+i%7); !strings.Contains(string(b), want) {
			t.Fatalf("result %d lost its contents", i)
		}
	}
	small := conv("tiny")
	c.ReleaseBuffer(small)
	c.ReleaseBuffer(make([]byte, 3000)) // not a class capacity: ignored
	if n := conv("tiny2"); &n[:1][0] == &small[:1][0] {
		t.Error("an exact-size small result was pooled")
	}
}
