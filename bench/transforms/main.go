// Command transforms measures the CPU cost per record of the transform chain
// unwrap → ReplaceField → RegexRouter over Debezium MySQL envelopes against the same
// source pipeline without transforms, in one run (make bench). It prints CPU
// nanoseconds per record (process user+system time from getrusage) and the overhead
// ratio; the target is ≤ 20 %. It asserts nothing.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas/jsonconv"
	"github.com/gonnect/gonnect/transforms"
	"github.com/gonnect/gonnect/transforms/transformstest"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	n := flag.Int64("records", 100_000, "change events per round")
	rounds := flag.Int("rounds", 5, "rounds per variant, interleaved")
	flag.Parse()

	chain, err := transforms.NewChain(transformstest.ChainConfig())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := transformstest.NewWorkload()
	newConv := func() *jsonconv.Converter {
		return jsonconv.New(jsonconv.Config{SchemasEnable: true, ReplaceNullWithDefault: true})
	}
	kNone, vNone, kChain, vChain := newConv(), newConv(), newConv(), newConv()

	run := func(c transformstest.Applier, k, v *jsonconv.Converter) time.Duration {
		runtime.GC()
		start := cpuTime()
		if _, err := w.Pipeline(0, *n, c, k, v); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return cpuTime() - start
	}
	// Warm up caches (schema renderings, derived schemas) on both paths.
	run(nil, kNone, vNone)
	run(chain, kChain, vChain)

	var none, with time.Duration
	for i := 0; i < *rounds; i++ {
		none += run(nil, kNone, vNone)
		with += run(chain, kChain, vChain)
	}

	// The chain's own cost, on prebuilt records.
	pre := make([][]*connectors.Record, 4096)
	for i := range pre {
		pre[i] = w.Records(int64(i))
	}
	runtime.GC()
	start := cpuTime()
	total := *n * int64(*rounds)
	for i := int64(0); i < total; i++ {
		for _, r := range pre[i%int64(len(pre))] {
			if _, err := chain.Apply(r); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
	}
	only := cpuTime() - start

	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(total) }
	fmt.Printf("records (change events): %d x %d rounds, GOMAXPROCS=%d\n", *n, *rounds, runtime.GOMAXPROCS(0))
	fmt.Printf("no transforms            %8.0f CPU ns/record  (build envelope + JsonConverter key/value)\n", per(none))
	fmt.Printf("unwrap+ReplaceField+Regex%8.0f CPU ns/record  (same pipeline with the chain)\n", per(with))
	fmt.Printf("chain alone              %8.0f CPU ns/record  (prebuilt records)\n", per(only))
	fmt.Printf("overhead (with-none)/none: %+.1f %%   chain alone / no-transform pipeline: %.1f %%   target <= 20 %%\n",
		100*(per(with)-per(none))/per(none), 100*per(only)/per(none))
}
