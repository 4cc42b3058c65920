// Command sink is the sink pipeline benchmark of issue 7: N records (~200 bytes) are
// loaded into a topic of a kfake broker running in its own process, then consumed by
// a no-op sink connector through the real worker runtime (a distributed worker in its
// own process, ByteArrayConverter for keys and values) and by a franz-go group
// consumer that only counts, both from the same topic in the same run. Each side
// reports its own active window (first record to last) and CPU time over it. It
// prints records/s, CPU-seconds per million records and peak RSS, and the
// worker/peer ratios. It asserts nothing.
package main

import (
	"context"
	"encoding/json"
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
		peer.ConsumeRole:   peer.Consume,
	})
	records := flag.Int64("records", 1_000_000, "records in the topic")
	payload := flag.Int("payload", 200, "value size in bytes")
	modes := flag.String("modes", "shared,pinned", "CPU modes to run: shared, pinned")
	rounds := flag.Int("rounds", 2, "runs per side (alternating peer and worker); the best of each side is reported, since the host is shared")
	prof := flag.String("profile", "", "write the worker's CPU and allocation profiles to PREFIX-<mode>-<run>.{cpu,heap}.pprof")
	flag.Parse()
	profilePrefix = *prof
	harness.Main("sink", func(ctx context.Context, dir string) error {
		ms, err := harness.ParseModes(*modes)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if err := compare(ctx, dir, m.Name, m.Broker, m.Client, *rounds, *records, *payload); err != nil {
				return err
			}
		}
		return nil
	})
}

const topic = "bench"

// profilePrefix is the -profile flag.
var profilePrefix string

func compare(ctx context.Context, dir, mode, brokerCPUs, clientCPUs string, rounds int, n int64, payload int) error {
	fmt.Printf("sink [%s]: %d records, %d-byte values, %d-byte keys, best of %d runs per side\n", mode, n, payload, benchconn.KeyBytes, rounds)
	br, err := harness.StartBroker(brokerCPUs, dir, "broker-"+mode)
	if err != nil {
		return err
	}
	defer br.Kill()
	if err := load(ctx, dir, mode, br.Addr, n, payload); err != nil {
		return fmt.Errorf("loading the topic: %w", err)
	}
	took := func(r benchconn.SinkReport) time.Duration { return time.Duration(r.EndNs - r.StartNs) }
	var p, w benchconn.SinkReport
	var rt benchworker.RuntimeReport
	for i := 0; i < max(rounds, 1); i++ {
		run := fmt.Sprintf("%s-%d", mode, i)
		pi, err := runPeer(ctx, dir, run, clientCPUs, br.Addr, n)
		if err != nil {
			return fmt.Errorf("franz-go peer: %w", err)
		}
		wi, err := runWorker(ctx, dir, run, clientCPUs, br.Addr, n)
		if err != nil {
			return fmt.Errorf("worker: %w", err)
		}
		fmt.Printf("    run %d: worker %v (%.2f CPU-s), franz-go %v (%.2f CPU-s)\n", i+1, took(wi).Round(time.Millisecond), float64(wi.CPUNs)/1e9,
			took(pi).Round(time.Millisecond), float64(pi.CPUNs)/1e9)
		if i == 0 || took(pi) < took(p) {
			p = pi
		}
		if i == 0 || took(wi) < took(w) {
			w, rt = wi, lastRuntime
		}
	}
	bench := "sink/" + mode
	rate := func(r benchconn.SinkReport) float64 { return float64(r.Records) / took(r).Seconds() }
	perM := func(r benchconn.SinkReport) float64 { return float64(r.CPUNs) / 1e9 * 1e6 / float64(r.Records) }
	for _, r := range []harness.Result{
		{Bench: bench, Metric: "records/s (worker, no-op sink)", Value: rate(w), Unit: "rec/s", Ref: "franz-go", RefValue: rate(p), Target: "ratio ≥ 0.8"},
		{Bench: bench, Metric: "CPU-s per 1M records (worker)", Value: perM(w), Unit: "CPU-s", Ref: "franz-go", RefValue: perM(p), Target: "lower is better"},
		{Bench: bench, Metric: "peak RSS (worker)", Value: harness.MB(w.PeakRSS), Unit: "MB", Ref: "franz-go", RefValue: harness.MB(p.PeakRSS), Target: "-"},
		{Bench: bench, Metric: "heap allocated per record (worker)", Value: float64(rt.AllocBytes) / float64(n), Unit: "B", Target: "-",
			Note: fmt.Sprintf("%.3f objects per record; whole worker life", float64(rt.AllocObject)/float64(n))},
		{Bench: bench, Metric: "GC pause p99 (worker)", Value: harness.Ms(rt.PauseP99), Unit: "ms", Target: "-",
			Note: fmt.Sprintf("%d GC cycles, longest pause ≤ %.2f ms", rt.GCCycles, harness.Ms(rt.PauseMax))},
	} {
		r.Print()
	}
	return nil
}

// load creates the topic and fills it with n records from a franz-go producer child.
func load(ctx context.Context, dir, mode, broker string, n int64, payload int) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(broker))
	if err != nil {
		return err
	}
	defer cl.Close()
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, 1, 1, nil, topic); err != nil {
		return err
	}
	pp, err := harness.Spawn(dir, "load-"+mode, peer.ProduceRole, broker, topic, strconv.FormatInt(n, 10), strconv.Itoa(payload))
	if err != nil {
		return err
	}
	defer pp.Kill()
	_, err = pp.NextEvent("produced", 5*time.Minute)
	return err
}

func report(p *harness.Proc) (benchconn.SinkReport, error) {
	var r benchconn.SinkReport
	ev, err := p.NextEvent("sink-done", 5*time.Minute)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(ev), &r); err != nil {
		return r, fmt.Errorf("%s report %q: %w", p.Name, ev, err)
	}
	return r, nil
}

func runPeer(ctx context.Context, dir, mode, cpus, broker string, n int64) (benchconn.SinkReport, error) {
	pp, err := harness.SpawnOn(cpus, dir, "peer-"+mode, peer.ConsumeRole, broker, topic, strconv.FormatInt(n, 10), "peer-"+mode)
	if err != nil {
		return benchconn.SinkReport{}, err
	}
	defer pp.Kill()
	return report(pp)
}

func runWorker(ctx context.Context, dir, mode, cpus, broker string, n int64) (benchconn.SinkReport, error) {
	if profilePrefix != "" {
		os.Setenv(benchworker.ProfileEnv, profilePrefix+"-"+mode)
		defer os.Unsetenv(benchworker.ProfileEnv)
	}
	wp, url, err := benchworker.StartReady(ctx, cpus, dir, "worker-"+mode, harness.Props(broker, "bench-sink-"+mode))
	if err != nil {
		return benchconn.SinkReport{}, err
	}
	defer wp.Stop(10 * time.Second)
	const byteArray = "org.apache.kafka.connect.converters.ByteArrayConverter"
	if _, _, err := harness.CallOK(ctx, "POST", url+"/connectors", map[string]any{"name": "noop-" + mode, "config": map[string]string{
		"connector.class": benchconn.SinkClass, "tasks.max": "1", "topics": topic, "expect": strconv.FormatInt(n, 10),
		"key.converter": byteArray, "value.converter": byteArray,
	}}); err != nil {
		return benchconn.SinkReport{}, err
	}
	rep, err := report(wp)
	if err != nil {
		return rep, err
	}
	wp.Stop(10 * time.Second)
	rt, err := benchworker.Runtime(wp)
	lastRuntime = rt
	return rep, err
}

// lastRuntime is the runtime report of the latest worker run.
var lastRuntime benchworker.RuntimeReport
