package workertest

import (
	"net/http"
	"testing"
	"time"
)

// TestTasksMaxChangeReconfiguresTasks changes tasks.max with PUT config on a follower:
// the connector is restarted where it runs, publishes new task configs, and the task
// set grows (the new tasks run and produce) and then shrinks (the extra tasks stop,
// their statuses go away).
func TestTasksMaxChangeReconfiguresTasks(t *testing.T) {
	c := NewCluster(t, 2)
	_, followers := leaderAndFollowers(t, c.Workers())
	url := followers[0].URL
	mustWrite(t, http.MethodPut, url+"/connectors/grow/config", seqConfig("grow", 1), 201, nil)
	waitRunning(t, url, "grow", 1)
	steps := []struct {
		name  string
		tasks int
	}{
		{name: "grow to 3", tasks: 3},
		{name: "shrink to 1", tasks: 1},
	}
	rd := newTopicReader(t, c, "grow")
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			mustWrite(t, http.MethodPut, url+"/connectors/grow/config", seqConfig("grow", s.tasks), 200, nil)
			waitRunning(t, url, "grow", s.tasks)
			var tasks []map[string]any
			mustCall(t, http.MethodGet, url+"/connectors/grow/tasks", nil, 200, &tasks)
			if len(tasks) != s.tasks {
				t.Fatalf("GET tasks lists %d tasks, want %d", len(tasks), s.tasks)
			}
			// Every task of the new set produces.
			rd.grow(s.tasks, 20)
		})
	}
	// The tasks that were removed stopped: their sequences no longer grow.
	settled := map[string]int{}
	Eventually(t, 20*time.Second, "tasks 1 and 2 stopped producing", func() bool {
		rd.grow(1, 10)
		same := len(rd.seen["1"]) == settled["1"] && len(rd.seen["2"]) == settled["2"]
		settled["1"], settled["2"] = len(rd.seen["1"]), len(rd.seen["2"])
		return same
	})
	checkNoGaps(t, rd.seen)
}
