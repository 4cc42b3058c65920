package transforms

import (
	"testing"

	"github.com/gonnect/gonnect/connectors"

	"github.com/gonnect/gonnect/schemas/jsonconv"
	"github.com/gonnect/gonnect/transforms/transformstest"
)

// The two benchmarks measure the same per-record source pipeline (build a Debezium
// envelope, serialize key and value with JsonConverter, schemas enabled) with and
// without the unwrap → ReplaceField → RegexRouter chain. One op is one change event.

func benchPipeline(b *testing.B, withChain bool) {
	w := transformstest.NewWorkload()
	var chain transformstest.Applier
	if withChain {
		c, err := NewChain(transformstest.ChainConfig())
		if err != nil {
			b.Fatal(err)
		}
		chain = c
	}
	key := jsonconv.New(jsonconv.Config{SchemasEnable: true, ReplaceNullWithDefault: true})
	value := jsonconv.New(jsonconv.Config{SchemasEnable: true, ReplaceNullWithDefault: true})
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := w.Pipeline(0, int64(b.N), chain, key, value); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkNoTransforms(b *testing.B) { benchPipeline(b, false) }

func BenchmarkChainUnwrapReplaceRegex(b *testing.B) { benchPipeline(b, true) }

// BenchmarkChainOnly is the chain's own cost per change, without building or
// serializing (the records are prebuilt).
func BenchmarkChainOnly(b *testing.B) {
	w := transformstest.NewWorkload()
	c, err := NewChain(transformstest.ChainConfig())
	if err != nil {
		b.Fatal(err)
	}
	const n = 1024
	recs := make([][]*connectors.Record, n)
	for i := range recs {
		recs[i] = w.Records(int64(i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range recs[i%n] {
			if _, err := c.Apply(r); err != nil {
				b.Fatal(err)
			}
		}
	}
}
