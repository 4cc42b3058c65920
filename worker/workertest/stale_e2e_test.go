package workertest

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// fetchPartition holds the internal-topic reads of one worker. Every kafkalog reader
// has its own client and so its own fetch session (KIP-227) per broker: sessions
// seen before the worker starts belong to the others, sessions first seen after it
// starts are its own. While holding, those fetches are answered empty.
type fetchPartition struct {
	mu      sync.Mutex // guards the fields below (set by the test, read by the control)
	known   map[int32]bool
	mine    map[int32]bool
	armed   bool
	holding bool
	held    int
}

// partitionNextWorker installs the Fetch control. Call observe long enough for every
// existing reader to have fetched (kgo long-polls at most 5 s), then arm before
// starting the worker to partition.
func partitionNextWorker(c *Cluster) *fetchPartition {
	p := &fetchPartition{known: map[int32]bool{}, mine: map[int32]bool{}}
	c.Kafka.ControlKey(int16(kmsg.Fetch), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.Kafka.KeepControl()
		req := r.(*kmsg.FetchRequest)
		id := req.SessionID
		if id == 0 {
			return nil, nil, false
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		switch {
		case !p.armed:
			p.known[id] = true
		case !p.known[id]:
			p.mine[id] = true
		}
		if !p.holding || !p.mine[id] {
			return nil, nil, false
		}
		// Answer "nothing new" and ask the client to back off, without touching the
		// broker's state: the worker's reads make no progress while held.
		p.held++
		resp := req.ResponseKind().(*kmsg.FetchResponse)
		resp.Version = req.Version
		resp.SessionID = id
		resp.ThrottleMillis = 200
		return resp, nil, true
	})
	return p
}

func (p *fetchPartition) arm() {
	p.mu.Lock()
	p.armed = true
	p.mu.Unlock()
}

func (p *fetchPartition) hold() {
	p.mu.Lock()
	p.holding = true
	p.mu.Unlock()
}

func (p *fetchPartition) heldCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.held
}

func (p *fetchPartition) releaseAll() {
	p.mu.Lock()
	p.holding = false
	p.mu.Unlock()
}

// TestStaleWorkerCatchesUp partitions one worker's reads of the internal topics (its
// fetches are held by kfake) while a connector is created on the leader, so the
// worker rejoins the group with a stale config offset; once its reads flow again it
// catches up: it serves the new connector and runs its share of the tasks.
func TestStaleWorkerCatchesUp(t *testing.T) {
	// A short worker.sync.timeout.ms: the stale worker gives up reading sooner and
	// rejoins, so the scenario plays out in a few rounds.
	c := NewCluster(t, 2, WithProp("worker.sync.timeout.ms", "1000"))
	leader, _ := leaderAndFollowers(t, c.Workers())
	p := partitionNextWorker(c)
	// Every reader of the existing workers long-polls within kgo's 5 s max wait.
	deadline := time.Now().Add(6 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond) // observing fetches for a fixed window
	}
	p.arm()
	stale := c.StartWorker()
	waitSettled(t, c.Workers())
	p.hold()
	Eventually(t, 10*time.Second, "the worker's fetches held", func() bool { return p.heldCount() > 0 })

	other := c.Workers()[1]
	epoch := metricValue(t, other.URL, "kafka_connect_worker_rebalance_epoch")
	mustWrite(t, http.MethodPut, leader.URL+"/connectors/late/config", seqConfig("late", 3), 201, nil)
	// The others complete a rebalance for the new connector; the partitioned worker
	// takes part with its stale config offset, cannot read up to the assignment's and
	// keeps rejoining.
	waitBody(t, other.URL+"/connectors", `["late"]`)
	Eventually(t, 30*time.Second, "a rebalance after the new connector", func() bool {
		return metricValue(t, other.URL, "kafka_connect_worker_rebalance_epoch") > epoch
	})
	if code, b := call(t, http.MethodGet, stale.URL+"/connectors/late/config", nil); code != 404 {
		t.Fatalf("partitioned worker already serves the connector: %d %s", code, b)
	}
	p.releaseAll()

	waitBody(t, stale.URL+"/connectors", `["late"]`)
	Eventually(t, 30*time.Second, "a task of late RUNNING on the worker that was stale", func() bool {
		s, ok := getStatus(stale.URL, "late")
		if !ok || !allRunning(s, 3) {
			return false
		}
		for _, tk := range s.Tasks {
			if tk.WorkerID == stale.ID() {
				return true
			}
		}
		return false
	})
	var cfg map[string]string
	mustCall(t, http.MethodGet, stale.URL+"/connectors/late/config", nil, 200, &cfg)
	if b, _ := json.Marshal(cfg); cfg["tasks.max"] != "3" {
		t.Fatalf("config on the caught-up worker: %s", b)
	}
	checkNoGaps(t, consumeSeqs(t, c, "late", 3, 50))
}
