package workertest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/connectortest"
	"github.com/gonnect/gonnect/worker/distributed"
	"github.com/gonnect/gonnect/worker/workerconfig"
)

// startWorkerWith is StartWorker with a plugin registry of the test's choosing
// (cluster.go's StartWorker always uses Registry()).
func startWorkerWith(c *Cluster, reg *connectors.Registry) *Worker {
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

// TestConnectorRequestsTaskReconfiguration runs a connector that changes its task
// count at run time and calls RequestTaskReconfiguration (as a CDC connector does when
// it discovers tables): the owner regenerates task configs, publishes them through
// the leader (the signed internal endpoint when it is a follower), and the new task
// set runs across the cluster.
func TestConnectorRequestsTaskReconfiguration(t *testing.T) {
	c := NewCluster(t, 0)
	for i := 0; i < 3; i++ {
		reg := Registry()
		reg.Add(connectortest.DynamicSequencePlugin())
		startWorkerWith(c, reg)
	}
	url := c.Workers()[0].URL
	cfg := seqConfig("dyn", 4)
	cfg["connector.class"] = connectortest.DynamicClass
	mustWrite(t, http.MethodPut, url+"/connectors/dyn/config", cfg, 201, nil)
	waitRunning(t, url, "dyn", 1)
	rd := newTopicReader(t, c, "dyn")
	tests := []struct {
		name  string
		tasks int
		want  int // capped by tasks.max
	}{
		{name: "grow", tasks: 3, want: 3},
		{name: "beyond tasks.max", tasks: 6, want: 4},
		{name: "shrink", tasks: 2, want: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if n := connectortest.SetDynamicTasks("dyn", tc.tasks); n != 1 {
				t.Fatalf("%d running instances of the connector asked, want 1", n)
			}
			st := waitRunning(t, url, "dyn", tc.want)
			rd.grow(tc.want, 20)
			t.Logf("tasks on %v", st.Tasks)
		})
	}
	checkNoGaps(t, rd.seen)
}
