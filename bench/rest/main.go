// Command rest is the REST benchmark of issue 3: three `gonnect distributed`
// processes (bin/gonnect) against a kfake broker in its own process, with 200
// FileStreamSource connectors. It prints p50/p99 latency of
// GET /connectors?expand=status (sent round-robin to every worker) and of
// PUT /connectors/{c}/config sent to a follower (forwarded to the leader). Each is
// shown as a ratio against a floor measured in the same run: GET / on the same
// workers for the listing, and the same PUT sent straight to the leader for the
// forwarded write. It asserts nothing.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gonnect/gonnect/bench/internal/harness"
)

func main() {
	harness.Dispatch(map[string]harness.Role{harness.BrokerRole: harness.RunBroker})
	bin := flag.String("gonnect", "bin/gonnect", "the gonnect binary (go build -o bin/gonnect ./cmd/gonnect)")
	conns := flag.Int("connectors", 200, "FileStreamSource connectors (one task each)")
	gets := flag.Int("gets", 300, "GET requests per measured route")
	puts := flag.Int("puts", 100, "PUT requests per measured target (follower, leader)")
	flag.DurationVar(&settle, "settle", 150*time.Second, "longest wait from the first create until every connector is RUNNING")
	flag.DurationVar(&putBudget, "put-budget", 60*time.Second, "longest time spent on the PUT measurements")
	flag.Parse()
	harness.Main("rest", func(ctx context.Context, dir string) error {
		return run(ctx, dir, *bin, *conns, *gets, *puts)
	})
}

const bench = "rest"

// settle and putBudget bound the phases (flags -settle and -put-budget).
var settle, putBudget time.Duration

func run(ctx context.Context, dir, bin string, conns, gets, nputs int) error {
	br, err := harness.StartBroker("", dir, "broker")
	if err != nil {
		return err
	}
	defer br.Kill()
	props := harness.Props(br.Addr, "bench-rest")
	var nodes []*harness.Node
	for i := 0; i < 3; i++ {
		n, err := harness.StartBinary(ctx, bin, dir, "worker-"+strconv.Itoa(i), props)
		if err != nil {
			return err
		}
		defer n.Kill()
		nodes = append(nodes, n)
	}
	fmt.Printf("rest: 3 workers (%s), creating %d FileStreamSource connectors (at most %v until all RUNNING)...\n", bin, conns, settle)
	start := time.Now()
	deadline := start.Add(settle)
	if err := createAll(ctx, dir, nodes, conns, deadline); err != nil {
		return err
	}
	created := time.Since(start)
	running := 0
	_, err = harness.Until(ctx, time.Until(deadline), 100*time.Millisecond, "every connector RUNNING", func() (bool, error) {
		sts, err := harness.AllStatuses(ctx, nodes[0].URL)
		if err != nil {
			return false, nil
		}
		running = 0
		for _, s := range sts {
			if s.Running() {
				running++
			}
		}
		return running == conns, nil
	})
	took := time.Since(start)
	if err != nil {
		// The latencies are still worth measuring with every connector created; the
		// shortfall is reported.
		fmt.Printf("  only %d of %d connectors RUNNING after %v; measuring anyway\n", running, conns, took.Round(time.Millisecond))
	}
	harness.Result{Bench: bench, Metric: "connectors RUNNING / s from first create", Value: float64(running) / took.Seconds(), Unit: "conn/s", Target: "-",
		Note: fmt.Sprintf("%d of %d RUNNING after %v (all created after %v; 2 PUTs in flight, 409s retried)",
			running, conns, took.Round(time.Millisecond), created.Round(time.Millisecond))}.Print()

	floor, err := sample(ctx, nodes, gets, "GET", "/", nil)
	if err != nil {
		return err
	}
	list, err := sample(ctx, nodes, gets, "GET", "/connectors?expand=status", nil)
	if err != nil {
		return err
	}
	for _, p := range []float64{50, 99} {
		harness.Result{Bench: bench, Metric: fmt.Sprintf("GET /connectors?expand=status p%.0f", p), Value: harness.Ms(harness.Percentile(list, p)), Unit: "ms",
			Ref: "GET / p" + strconv.Itoa(int(p)), RefValue: harness.Ms(harness.Percentile(floor, p)), Target: "-",
			Note: fmt.Sprintf("%d connectors, %d requests round-robin over 3 workers", conns, len(list))}.Print()
	}
	leader, followers, err := findLeader(ctx, nodes)
	if err != nil {
		return err
	}
	fwd, direct, err := putConfigs(ctx, dir, leader, followers[0], nputs, conns, time.Now().Add(putBudget))
	if err != nil {
		return err
	}
	for _, p := range []float64{50, 99} {
		ps := strconv.Itoa(int(p))
		harness.Result{Bench: bench, Metric: "PUT config via follower p" + ps, Value: harness.Ms(harness.Percentile(fwd.last, p)), Unit: "ms",
			Ref: "PUT to leader p" + ps, RefValue: harness.Ms(harness.Percentile(direct.last, p)), Target: "-",
			Note: "the attempt that got 200"}.Print()
		harness.Result{Bench: bench, Metric: "PUT config via follower p" + ps + " incl. 409 retries", Value: harness.Ms(harness.Percentile(fwd.total, p)), Unit: "ms",
			Ref: "PUT to leader p" + ps, RefValue: harness.Ms(harness.Percentile(direct.total, p)), Target: "-",
			Note: fmt.Sprintf("%d/%d PUTs each; 409 answers: %d via follower, %d to leader", len(fwd.total), len(direct.total), fwd.retries, direct.retries)}.Print()
	}
	return nil
}

// createAll creates n connectors, two requests at a time spread over the workers,
// retrying a 409 (rebalance under way) every 50 ms, until deadline.
func createAll(ctx context.Context, dir string, nodes []*harness.Node, n int, deadline time.Time) error {
	file := dir + "/input.txt"
	if err := os.WriteFile(file, []byte("a line\n"), 0o600); err != nil {
		return err
	}
	const inFlight = 2
	var wg sync.WaitGroup
	errs := make([]error, inFlight)
	for g := 0; g < inFlight; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n && errs[g] == nil; i += inFlight {
				_, _, errs[g] = put(ctx, nodes[i%len(nodes)].URL, name(i), config(file, "rest-"+strconv.Itoa(i), 100), deadline)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func name(i int) string { return fmt.Sprintf("rest-%03d", i) }

func config(file, topic string, batch int) map[string]string {
	return map[string]string{"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector", "tasks.max": "1",
		"file": file, "topic": topic, "batch.size": strconv.Itoa(batch)}
}

// put sends PUT /connectors/{c}/config (create or update) to base, retrying 409 every
// 50 ms until deadline. It returns the latency of the attempt that succeeded and how
// many 409s came before it.
func put(ctx context.Context, base, conn string, cfg map[string]string, deadline time.Time) (last time.Duration, retries int, err error) {
	_, err = harness.Until(ctx, time.Until(deadline), 50*time.Millisecond, "PUT "+conn, func() (bool, error) {
		code, b, d, err := harness.Call(ctx, "PUT", base+"/connectors/"+conn+"/config", cfg)
		switch {
		case err != nil:
			return false, err
		case code == 409:
			retries++
			return false, nil
		case code != 200 && code != 201:
			return false, fmt.Errorf("HTTP %d: %s", code, b)
		}
		last = d
		return true, nil
	})
	return last, retries, err
}

// sample sends n requests round-robin over the nodes, one at a time, after a warm-up
// of one request per node, and returns the latencies.
func sample(ctx context.Context, nodes []*harness.Node, n int, method, path string, body any) ([]time.Duration, error) {
	for _, nd := range nodes {
		if _, _, err := harness.CallOK(ctx, method, nd.URL+path, body); err != nil {
			return nil, err
		}
	}
	out := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		_, d, err := harness.CallOK(ctx, method, nodes[i%len(nodes)].URL+path, body)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// findLeader reads kafka_connect_worker_rebalance_leader from each worker's /metrics.
func findLeader(ctx context.Context, nodes []*harness.Node) (*harness.Node, []*harness.Node, error) {
	var leader *harness.Node
	var followers []*harness.Node
	for _, n := range nodes {
		b, _, err := harness.CallOK(ctx, "GET", n.URL+"/metrics", nil)
		if err != nil {
			return nil, nil, err
		}
		if strings.Contains(string(b), "\nkafka_connect_worker_rebalance_leader 1\n") {
			leader = n
		} else {
			followers = append(followers, n)
		}
	}
	if leader == nil || len(followers) == 0 {
		return nil, nil, errors.New("no single leader found in kafka_connect_worker_rebalance_leader")
	}
	return leader, followers, nil
}

// puts is what putConfigs measured for one target.
type puts struct {
	total   []time.Duration // first attempt to the 200, 409 retries included
	last    []time.Duration // the successful attempt alone
	retries int             // 409 answers
}

// putConfigs updates connectors' batch.size alternately through a follower and
// straight at the leader, one request at a time, until 2n are done or deadline
// passes (then it returns what it measured).
func putConfigs(ctx context.Context, dir string, leader, follower *harness.Node, n, conns int, deadline time.Time) (fwd, direct puts, err error) {
	file := dir + "/input.txt"
	for i := 0; i < 2*n && time.Now().Before(deadline); i++ {
		target, m := follower, &fwd
		if i%2 == 1 {
			target, m = leader, &direct
		}
		c := i % conns
		start := time.Now()
		last, retries, err := put(ctx, target.URL, name(c), config(file, "rest-"+strconv.Itoa(c), 200+i), deadline)
		if err != nil {
			if time.Now().After(deadline) {
				fmt.Printf("  PUT phase stopped at its %v budget\n", putBudget)
				return fwd, direct, nil
			}
			return fwd, direct, err
		}
		m.total = append(m.total, time.Since(start))
		m.last = append(m.last, last)
		m.retries += retries
	}
	return fwd, direct, nil
}
