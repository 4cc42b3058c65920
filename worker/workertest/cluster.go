// Package workertest runs in-process clusters of distributed Gonnect workers on a
// kfake Kafka, for end-to-end tests through the public REST API.
package workertest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/connectortest"
	"github.com/gonnect/gonnect/connectors/filestream"
	"github.com/gonnect/gonnect/schemas/converters"
	"github.com/gonnect/gonnect/transforms"
	"github.com/gonnect/gonnect/worker/distributed"
	"github.com/gonnect/gonnect/worker/workerconfig"
)

// Cluster is a kfake Kafka and N workers sharing one group.
type Cluster struct {
	t       *testing.T
	Kafka   *kfake.Cluster
	props   map[string]string
	workers []*Worker
}

// Worker is one member of the cluster.
type Worker struct {
	Index  int
	URL    string // http://127.0.0.1:port
	w      *distributed.Worker
	cancel context.CancelFunc
	done   chan error
}

// Opt adjusts the worker properties.
type Opt func(map[string]string)

// WithProp sets a worker property for every worker.
func WithProp(k, v string) Opt { return func(m map[string]string) { m[k] = v } }

// NewCluster starts a three-broker kfake cluster and n workers, and waits until every
// worker's /health is healthy. Everything stops at test cleanup.
func NewCluster(t *testing.T, n int, opts ...Opt) *Cluster {
	t.Helper()
	k, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(3),
		kfake.GroupMinSessionTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	c := &Cluster{t: t, Kafka: k, props: map[string]string{
		"bootstrap.servers":                 strings.Join(k.ListenAddrs(), ","),
		"group.id":                          "test-cluster",
		"config.storage.topic":              "connect-configs",
		"offset.storage.topic":              "connect-offsets",
		"status.storage.topic":              "connect-status",
		"key.converter":                     "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":                   "org.apache.kafka.connect.storage.StringConverter",
		"offset.flush.interval.ms":          "200",
		"session.timeout.ms":                "1000",
		"heartbeat.interval.ms":             "100",
		"rebalance.timeout.ms":              "5000",
		"scheduled.rebalance.max.delay.ms":  "0",
		"task.shutdown.graceful.timeout.ms": "2000",
	}}
	for _, o := range opts {
		o(c.props)
	}
	t.Cleanup(c.Close)
	for i := 0; i < n; i++ {
		c.StartWorker()
	}
	return c
}

// Registry is the plugin set test workers carry.
func Registry() *connectors.Registry {
	reg := connectors.NewRegistry()
	reg.Add(filestream.SourcePlugin())
	reg.Add(filestream.SinkPlugin())
	reg.Add(connectortest.SequencePlugin())
	transforms.Register(reg)
	converters.Register(reg)
	return reg
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// StartWorker adds a worker with Registry()'s plugins and waits for it to be healthy.
func (c *Cluster) StartWorker() *Worker {
	c.t.Helper()
	return c.StartWorkerWith(Registry())
}

// StartWorkerWith adds a worker carrying the plugins of reg and waits for it to be
// healthy.
func (c *Cluster) StartWorkerWith(reg *connectors.Registry) *Worker {
	c.t.Helper()
	port := freePort(c.t)
	p := map[string]string{}
	for k, v := range c.props {
		p[k] = v
	}
	p["listeners"] = "http://127.0.0.1:" + strconv.Itoa(port)
	cfg, _, err := workerconfig.Parse(p, workerconfig.Distributed)
	if err != nil {
		c.t.Fatalf("worker config: %v", err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{c.t}, &slog.HandlerOptions{Level: slog.LevelInfo})).With("w", len(c.workers))
	}
	ctx, cancel := context.WithCancel(context.Background())
	w, err := distributed.New(ctx, cfg, reg, distributed.Info{Version: "3.9.0", Commit: "test"}, log)
	if err != nil {
		cancel()
		c.t.Fatalf("starting worker: %v", err)
	}
	wk := &Worker{Index: len(c.workers), URL: "http://127.0.0.1:" + strconv.Itoa(port), w: w, cancel: cancel, done: make(chan error, 1)}
	go func() { wk.done <- w.Run(ctx) }()
	c.workers = append(c.workers, wk)
	Eventually(c.t, 20*time.Second, "worker healthy", func() bool {
		resp, err := http.Get(wk.URL + "/health")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return wk
}

// Workers returns the workers started so far (stopped ones included).
func (c *Cluster) Workers() []*Worker { return c.workers }

// Stop shuts a worker down cleanly (tasks stopped, offsets committed, LeaveGroup).
func (w *Worker) Stop() {
	if w.cancel == nil {
		return
	}
	w.cancel()
	<-w.done
	w.cancel = nil
}

// Crash stops a worker without leaving the group: its Kafka connection is cut first,
// so the coordinator notices only when the session times out.
func (w *Worker) Crash() {
	if w.cancel == nil {
		return
	}
	w.w.Crash()
	w.cancel()
	<-w.done
	w.cancel = nil
}

// ID is the worker id other workers report in statuses.
func (w *Worker) ID() string { return w.w.ID() }

// Close stops every worker and the Kafka cluster.
func (c *Cluster) Close() {
	var wg sync.WaitGroup
	for _, w := range c.workers {
		wg.Add(1)
		go func(w *Worker) { defer wg.Done(); w.Stop() }(w)
	}
	wg.Wait()
	c.Kafka.Close()
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// Eventually polls cond until it holds or the timeout passes.
func Eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond) // polling against a deadline
	}
}

var _ = fmt.Sprint
