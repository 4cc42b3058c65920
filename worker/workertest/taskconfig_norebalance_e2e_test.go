package workertest

import (
	"net/http"
	"testing"
)

// TestSameTaskCountConfigChangeRestartsTasksWithoutRebalance: changing a connector's
// config so that its task configs change but their number does not (here the topic)
// restarts every task with its new config where it runs, without a rebalance: no
// worker's completed-rebalance count moves, and every task writes to the new topic.
func TestSameTaskCountConfigChangeRestartsTasksWithoutRebalance(t *testing.T) {
	c := NewCluster(t, 2)
	leaderAndFollowers(t, c.Workers())
	url := c.Workers()[0].URL
	mustWrite(t, http.MethodPut, url+"/connectors/move/config", seqConfig("before-move", 2), 201, nil)
	waitRunning(t, url, "move", 2)
	newTopicReader(t, c, "before-move").grow(2, 5)
	waitSettled(t, c.Workers())

	rebalances := func() []float64 {
		var out []float64
		for _, w := range c.Workers() {
			out = append(out, metricValue(t, w.URL, "kafka_connect_worker_rebalance_completed_rebalances_total"))
		}
		return out
	}
	before := rebalances()

	mustWrite(t, http.MethodPut, url+"/connectors/move/config", seqConfig("after-move", 2), 200, nil)
	after := newTopicReader(t, c, "after-move")
	after.grow(2, 5) // both tasks run with the new topic

	got := rebalances()
	for i := range before {
		if got[i] != before[i] {
			t.Errorf("worker %d completed %v rebalances, %v before the config change; want none", i, got[i], before[i])
		}
	}
	st := waitRunning(t, url, "move", 2)
	t.Logf("tasks on %v", st.Tasks)
}
