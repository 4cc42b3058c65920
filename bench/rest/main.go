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
	flag.Parse()
	harness.Main("rest", func(ctx context.Context, dir string) error {
		return run(ctx, dir, *bin, *conns, *gets, *puts)
	})
}

const bench = "rest"

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
	fmt.Printf("rest: 3 workers (%s), creating %d FileStreamSource connectors...\n", bin, conns)
	start := time.Now()
	if err := createAll(ctx, dir, nodes, conns); err != nil {
		return err
	}
	if _, err := harness.Until(ctx, 3*time.Minute, 100*time.Millisecond, "every connector RUNNING", func() (bool, error) {
		sts, err := harness.AllStatuses(ctx, nodes[0].URL)
		if err != nil || len(sts) < conns {
			return false, nil
		}
		for _, s := range sts {
			if !s.Running() {
				return false, nil
			}
		}
		return true, nil
	}); err != nil {
		return err
	}
	took := time.Since(start)
	harness.Result{Bench: bench, Metric: "create connectors until all RUNNING", Value: float64(conns) / took.Seconds(), Unit: "conn/s", Target: "-",
		Note: fmt.Sprintf("%d connectors in %v, 4 PUTs in flight, 409s retried", conns, took.Round(time.Millisecond))}.Print()

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
	fwd, direct, err := putConfigs(ctx, dir, leader, followers[0], nputs, conns)
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
			Note: fmt.Sprintf("%d PUTs each; 409 answers: %d via follower, %d to leader", nputs, fwd.retries, direct.retries)}.Print()
	}
	return nil
}

// createAll creates n connectors, four requests at a time spread over the workers,
// retrying a 409 (rebalance under way) every 20 ms for at most a minute each.
func createAll(ctx context.Context, dir string, nodes []*harness.Node, n int) error {
	file := dir + "/input.txt"
	if err := os.WriteFile(file, []byte("a line\n"), 0o600); err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n && errs[g] == nil; i += 4 {
				_, _, errs[g] = put(ctx, nodes[i%len(nodes)].URL, name(i), config(file, "rest-"+strconv.Itoa(i), 100))
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
// 20 ms for at most a minute. It returns the latency of the attempt that succeeded
// and how many 409s came before it.
func put(ctx context.Context, base, conn string, cfg map[string]string) (last time.Duration, retries int, err error) {
	_, err = harness.Until(ctx, time.Minute, 20*time.Millisecond, "PUT "+conn, func() (bool, error) {
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
// straight at the leader, one request at a time.
func putConfigs(ctx context.Context, dir string, leader, follower *harness.Node, n, conns int) (fwd, direct puts, err error) {
	file := dir + "/input.txt"
	for i := 0; i < 2*n; i++ {
		target, m := follower, &fwd
		if i%2 == 1 {
			target, m = leader, &direct
		}
		c := i % conns
		start := time.Now()
		last, retries, err := put(ctx, target.URL, name(c), config(file, "rest-"+strconv.Itoa(c), 200+i))
		if err != nil {
			return fwd, direct, err
		}
		m.total = append(m.total, time.Since(start))
		m.last = append(m.last, last)
		m.retries += retries
	}
	return fwd, direct, nil
}
