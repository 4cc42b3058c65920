// Command avro runs the Avro encode benchmark of issue 4: Gonnect's AvroConverter
// encoding a 10-column Debezium envelope (cache warm) against hamba/avro encoding a
// Go struct of the same shape, in the same run, and prints the ratio (target ≤ 2.5×).
package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/gonnect/gonnect/schemas/avro/avrobench"
)

const target = 2.5

func main() {
	testing.Init()
	// fail fast if the two encoders do not do the same work
	f, err := avrobench.NewFixture()
	if err != nil {
		fmt.Fprintln(os.Stderr, "avro bench:", err)
		os.Exit(1)
	}
	f.Close()
	ours := testing.Benchmark(avrobench.EncodeEnvelope)
	base := testing.Benchmark(avrobench.HambaStructBaseline)
	ratio := float64(ours.NsPerOp()) / float64(base.NsPerOp())
	fmt.Printf("%-32s %10d ns/op %6d allocs/op %6d B/op\n", "gonnect AvroConverter envelope", ours.NsPerOp(), ours.AllocsPerOp(), ours.AllocedBytesPerOp())
	fmt.Printf("%-32s %10d ns/op %6d allocs/op %6d B/op\n", "hamba/avro struct baseline", base.NsPerOp(), base.AllocsPerOp(), base.AllocedBytesPerOp())
	verdict := "ok"
	if ratio > target {
		verdict = "ABOVE TARGET"
	}
	fmt.Printf("ratio %.2fx (target <= %.1fx): %s\n", ratio, target, verdict)
}
