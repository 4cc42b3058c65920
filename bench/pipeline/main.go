// Command pipeline is the source pipeline benchmark of issue 2 and
// shared/spec/benchmarks.md §11.4: a synthetic source connector emitting N records of
// ~200 bytes through the real worker runtime (a distributed worker in its own
// process) into a kfake broker in its own process, against franz-go producing the
// same number of pre-encoded records of the same sizes with the same settings
// (acks=all, idempotent, no compression, linger 0) to a fresh broker in the same run.
// It prints records/s, MB/s, CPU-seconds per million records and peak RSS of each
// side, and the worker/peer ratios. It asserts nothing.
//
// Both CPU modes of the spec are run: shared (no pinning) and pinned (the worker or
// the peer alone on CPU 1, the broker on CPU 0).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/bench/internal/benchconn"
	"github.com/gonnect/gonnect/bench/internal/benchworker"
	"github.com/gonnect/gonnect/bench/internal/harness"
	"github.com/gonnect/gonnect/bench/internal/peer"
)

func main() {
	harness.Dispatch(map[string]harness.Role{
		harness.BrokerRole: harness.RunBroker,
		benchworker.Role:   benchworker.Run,
		peer.ProduceRole:   peer.Produce,
	})
	records := flag.Int64("records", 1_000_000, "records per run")
	payload := flag.Int("payload", 200, "value size in bytes")
	batch := flag.Int("batch", 1000, "records per source poll")
	modes := flag.String("modes", "shared,pinned", "CPU modes to run: shared, pinned")
	lz4 := flag.Bool("lz4", true, "also compare with lz4 compression on both sides (shared mode)")
	rounds := flag.Int("rounds", 3, "runs per side (alternating peer and worker); the best of each side is reported, since the host is shared")
	flag.StringVar(&flushMs, "flush-ms", "1000", "offset.flush.interval.ms of the worker")
	prof := flag.String("profile", "", "write the worker's CPU and allocation profiles to PREFIX-<mode>.{cpu,heap}.pprof")
	flag.BoolVar(&timeline, "timeline", false, "print each run's progress every 250 ms")
	flag.Parse()
	profilePrefix = *prof
	harness.Main("pipeline", func(ctx context.Context, dir string) error {
		ms, err := harness.ParseModes(*modes)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if err := compare(ctx, dir, m, "none", *rounds, *records, *payload, *batch); err != nil {
				return err
			}
		}
		if *lz4 {
			return compare(ctx, dir, harness.Mode{Name: "shared"}, "lz4", *rounds, *records, *payload, *batch)
		}
		return nil
	})
}

// profilePrefix is the -profile flag; flushMs the -flush-ms flag.
var profilePrefix, flushMs string

// side is one measured run.
type side struct {
	win       window
	brokerCPU time.Duration
	rt        benchworker.RuntimeReport // worker runs only
}

// compare runs the peer and the worker rounds times each, alternating, with the given
// compression.type on both sides, and prints the best run of each.
func compare(ctx context.Context, dir string, m harness.Mode, codec string, rounds int, n int64, payload, batch int) error {
	name := m.Name
	if codec != "none" {
		name += "+" + codec
	}
	fmt.Printf("pipeline [%s]: %d records, %d-byte values, %d-byte keys, compression %s, best of %d runs per side, offset.flush.interval.ms=%s\n",
		name, n, payload, benchconn.KeyBytes, codec, rounds, flushMs)
	var p, w side
	for i := 0; i < max(rounds, 1); i++ {
		run := fmt.Sprintf("%s-%d", name, i)
		pi, err := runPeer(ctx, dir, run, m, codec, n, payload)
		if err != nil {
			return fmt.Errorf("franz-go peer: %w", err)
		}
		wi, err := runWorker(ctx, dir, run, m, codec, n, payload, batch)
		if err != nil {
			return fmt.Errorf("worker: %w", err)
		}
		fmt.Printf("    run %d: worker %v (%.2f CPU-s), franz-go %v (%.2f CPU-s)\n", i+1, wi.win.took.Round(time.Millisecond), wi.win.cpu[0].Seconds(),
			pi.win.took.Round(time.Millisecond), pi.win.cpu[0].Seconds())
		if i == 0 || pi.win.took < p.win.took {
			p = pi
		}
		if i == 0 || wi.win.took < w.win.took {
			w = wi
		}
	}
	bench := "pipeline/" + name
	rate := func(s side) float64 { return float64(n) / s.win.took.Seconds() }
	perM := func(d time.Duration) float64 { return d.Seconds() * 1e6 / float64(n) }
	mbps := func(s side) float64 {
		return float64(n*int64(payload+benchconn.KeyBytes)) / s.win.took.Seconds() / (1 << 20)
	}
	for _, r := range []harness.Result{
		{Bench: bench, Metric: "records/s (worker)", Value: rate(w), Unit: "rec/s", Ref: "franz-go", RefValue: rate(p), Target: "ratio ≥ 0.8"},
		{Bench: bench, Metric: "MB/s keys+values (worker)", Value: mbps(w), Unit: "MB/s", Ref: "franz-go", RefValue: mbps(p), Target: "-"},
		{Bench: bench, Metric: "CPU-s per 1M records (worker)", Value: perM(w.win.cpu[0]), Unit: "CPU-s", Ref: "franz-go", RefValue: perM(p.win.cpu[0]), Target: "lower is better; ≤ 8 CPU-s"},
		{Bench: bench, Metric: "peak RSS (worker)", Value: harness.MB(w.win.peak[0]), Unit: "MB", Ref: "franz-go", RefValue: harness.MB(p.win.peak[0]), Target: "≤ 150 MB"},
		{Bench: bench, Metric: "broker CPU-s per 1M (worker run)", Value: perM(w.brokerCPU), Unit: "CPU-s", Ref: "franz-go run", RefValue: perM(p.brokerCPU),
			Target: "-", Note: fmt.Sprintf("broker busy %.0f%% / %.0f%% of the window: near 100%% means kfake is the ceiling",
				100*w.brokerCPU.Seconds()/w.win.took.Seconds(), 100*p.brokerCPU.Seconds()/p.win.took.Seconds())},
		{Bench: bench, Metric: "heap allocated per record (worker)", Value: float64(w.rt.AllocBytes) / float64(n), Unit: "B", Target: "-",
			Note: fmt.Sprintf("%.1f objects per record; whole worker life", float64(w.rt.AllocObject)/float64(n))},
		{Bench: bench, Metric: "GC pause p99 (worker)", Value: harness.Ms(w.rt.PauseP99), Unit: "ms", Target: "-",
			Note: fmt.Sprintf("%d GC cycles, longest pause ≤ %.2f ms", w.rt.GCCycles, harness.Ms(w.rt.PauseMax))},
	} {
		r.Print()
	}
	return nil
}

// newClient connects the observer to the broker and creates the benchmark topic (one
// partition), so both sides write to an existing topic and the observer knows its
// leader before the first record.
func newClient(ctx context.Context, broker string) (*kgo.Client, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(broker))
	if err != nil {
		return nil, err
	}
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, 1, 1, nil, topic); err != nil {
		cl.Close()
		return nil, fmt.Errorf("creating topic %s: %w", topic, err)
	}
	if _, err := endOffset(ctx, cl, topic); err != nil {
		cl.Close()
		return nil, err
	}
	return cl, nil
}

// topic is where both sides write.
const topic = "bench"

// freshBroker starts a broker for one run and connects the observer to it; done
// closes both.
func freshBroker(ctx context.Context, dir, name, cpus string) (br *harness.Broker, cl *kgo.Client, done func(), err error) {
	if br, err = harness.StartBroker(cpus, dir, name); err != nil {
		return nil, nil, nil, err
	}
	if cl, err = newClient(ctx, br.Addr); err != nil {
		br.Kill()
		return nil, nil, nil, err
	}
	return br, cl, func() { cl.Close(); br.Kill() }, nil
}

func runPeer(ctx context.Context, dir, run string, m harness.Mode, codec string, n int64, payload int) (side, error) {
	br, cl, done, err := freshBroker(ctx, dir, "broker-peer-"+run, m.Broker)
	if err != nil {
		return side{}, err
	}
	defer done()
	pp, err := harness.SpawnOn(m.Client, dir, "peer-"+run, peer.ProduceRole, br.Addr, topic, strconv.FormatInt(n, 10), strconv.Itoa(payload), codec)
	if err != nil {
		return side{}, err
	}
	defer pp.Kill()
	win, err := watch(ctx, cl, topic, n, 5*time.Minute, pp, br.Proc)
	if err != nil {
		return side{}, err
	}
	return side{win: win, brokerCPU: win.cpu[1]}, nil
}

func runWorker(ctx context.Context, dir, run string, m harness.Mode, codec string, n int64, payload, batch int) (side, error) {
	br, cl, done, err := freshBroker(ctx, dir, "broker-worker-"+run, m.Broker)
	if err != nil {
		return side{}, err
	}
	defer done()
	if profilePrefix != "" {
		os.Setenv(benchworker.ProfileEnv, profilePrefix+"-"+run)
		defer os.Unsetenv(benchworker.ProfileEnv)
	}
	props := harness.Props(br.Addr, "bench-pipeline")
	props["offset.flush.interval.ms"] = flushMs
	props["producer.compression.type"] = codec
	wp, url, err := benchworker.StartReady(ctx, m.Client, dir, "worker-"+run, props)
	if err != nil {
		return side{}, err
	}
	defer wp.Stop(10 * time.Second)
	if _, _, err := harness.CallOK(ctx, "POST", url+"/connectors", map[string]any{"name": "pipeline", "config": map[string]string{
		"connector.class": benchconn.SourceClass, "tasks.max": "1", "topic": topic,
		"records": strconv.FormatInt(n, 10), "payload.bytes": strconv.Itoa(payload), "batch.size": strconv.Itoa(batch),
	}}); err != nil {
		return side{}, err
	}
	win, err := watch(ctx, cl, topic, n, 5*time.Minute, wp, br.Proc)
	if err != nil {
		return side{}, err
	}
	wp.Stop(10 * time.Second)
	rt, err := benchworker.Runtime(wp)
	if err != nil {
		return side{}, err
	}
	return side{win: win, brokerCPU: win.cpu[1], rt: rt}, nil
}
