package avro_test

import (
	"testing"

	"github.com/gonnect/gonnect/schemas/avro/avrobench"
)

// BenchmarkEncodeEnvelope and BenchmarkHambaStructBaseline run in the same
// process so their ratio is measured on the same machine state (target ≤ 2.5×).
func BenchmarkEncodeEnvelope(b *testing.B) { avrobench.EncodeEnvelope(b) }

func BenchmarkHambaStructBaseline(b *testing.B) { avrobench.HambaStructBaseline(b) }

// TestBenchFixtureEncodesLikeHamba checks the benchmark compares equal work: both
// encoders must produce the same bytes for the fixture.
func TestBenchFixtureEncodesLikeHamba(t *testing.T) {
	f, err := avrobench.NewFixture()
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}
