package jsonconv

import (
	"context"
	"testing"

	"github.com/gonnect/gonnect/schemas"
)

// TestSchemaCacheLRU pins schemas.cache.size as Java's LRUCache: the least recently
// used schema is evicted when a new one arrives at a full cache, a hit refreshes an
// entry, and a size of 0 caches nothing. A parsed schema is observed to be cached by
// getting the same pointer back for the same text.
func TestSchemaCacheLRU(t *testing.T) {
	ctx := context.Background()
	doc := func(typ string) []byte {
		return []byte(`{"schema":{"type":"` + typ + `","optional":true},"payload":null}`)
	}
	tests := []struct {
		name string
		size int
		// steps are schema types read in order; wantSame[i] says whether step i must
		// return the pointer an earlier read of the same type returned.
		steps    []string
		wantSame []bool
	}{
		{name: "hit refreshes, oldest evicted", size: 2,
			steps:    []string{"int8", "int16", "int8", "int32", "int8", "int16"},
			wantSame: []bool{false, false, true, false, true, false}},
		{name: "no hit, first in evicted", size: 2,
			steps:    []string{"int8", "int16", "int32", "int16", "int8"},
			wantSame: []bool{false, false, false, true, false}},
		{name: "size 0 caches nothing", size: 0,
			steps:    []string{"int8", "int8"},
			wantSame: []bool{false, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.SchemasCacheSize = tc.size
			c := New(cfg)
			last := map[string]*schemas.Schema{}
			for i, typ := range tc.steps {
				s, _, err := c.ToConnect(ctx, "t", doc(typ))
				if err != nil {
					t.Fatal(err)
				}
				if same := last[typ] == s; same != tc.wantSame[i] {
					t.Fatalf("step %d (%s): same pointer %v, want %v", i, typ, same, tc.wantSame[i])
				}
				last[typ] = s
			}
		})
	}
}

// TestEnvelopeCacheLRU pins the FromConnect side's bound: at most schemas.cache.size
// rendered schemas are kept, the least recently used evicted first.
func TestEnvelopeCacheLRU(t *testing.T) {
	ctx := context.Background()
	cfg := DefaultConfig()
	cfg.SchemasCacheSize = 2
	c := New(cfg)
	a, b, d := schemas.NewBuilder(schemas.Int8).Schema(), schemas.NewBuilder(schemas.Int16).Schema(), schemas.NewBuilder(schemas.Int32).Schema()
	vals := map[*schemas.Schema]any{a: int8(1), b: int16(2), d: int32(3)}
	for _, s := range []*schemas.Schema{a, b, a, d} {
		if _, err := c.FromConnect(ctx, "t", s, vals[s]); err != nil {
			t.Fatal(err)
		}
	}
	_, hasA := c.toJSON.items[a]
	_, hasB := c.toJSON.items[b]
	_, hasD := c.toJSON.items[d]
	if !hasA || hasB || !hasD || len(c.toJSON.items) != 2 {
		t.Fatalf("cached a=%v b=%v d=%v (%d entries), want a and d only", hasA, hasB, hasD, len(c.toJSON.items))
	}
}
