package workertest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// put PUTs body and returns the status, retrying 409 (a rebalance under way, for
// example right after the workers start) as Strimzi and kcctl do.
func put(t *testing.T, url string, body any) int {
	t.Helper()
	b, _ := json.Marshal(body)
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodPut, url, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusConflict || time.Now().After(deadline) {
			return resp.StatusCode
		}
		time.Sleep(100 * time.Millisecond) // retrying a 409 against a deadline
	}
}

type status struct {
	Connector struct {
		State    string `json:"state"`
		WorkerID string `json:"worker_id"`
	} `json:"connector"`
	Tasks []struct {
		ID       int    `json:"id"`
		State    string `json:"state"`
		WorkerID string `json:"worker_id"`
	} `json:"tasks"`
}

func getStatus(url, name string) (status, bool) {
	var s status
	resp, err := http.Get(url + "/connectors/" + name + "/status")
	if err != nil {
		return s, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return s, false
	}
	return s, json.NewDecoder(resp.Body).Decode(&s) == nil
}

func allRunning(s status, n int) bool {
	if s.Connector.State != "RUNNING" || len(s.Tasks) != n {
		return false
	}
	for _, t := range s.Tasks {
		if t.State != "RUNNING" {
			return false
		}
	}
	return true
}

// consumeSeqs reads the topic from the start until every task has reached at least
// min, and returns per task the sequence numbers seen in order.
func consumeSeqs(t *testing.T, c *Cluster, topic string, tasks int, min int64) map[string][]int64 {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.Kafka.ListenAddrs()...), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	seen := map[string][]int64{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := func() bool {
		if len(seen) < tasks {
			return false
		}
		for _, s := range seen {
			if s[len(s)-1] < min {
				return false
			}
		}
		return true
	}
	for !done() {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("timed out consuming %s: reached %v", topic, lastOf(seen))
		}
		fs.EachRecord(func(r *kgo.Record) {
			task, n, _ := strings.Cut(string(r.Value), ":")
			v, _ := strconv.ParseInt(n, 10, 64)
			seen[task] = append(seen[task], v)
		})
	}
	return seen
}

func lastOf(m map[string][]int64) map[string]int64 {
	out := map[string]int64{}
	for k, v := range m {
		out[k] = v[len(v)-1]
	}
	return out
}

// checkNoGaps asserts that each task's sequence covers 0..max without a gap; repeats
// (redelivery after a crash) are allowed, never skips.
func checkNoGaps(t *testing.T, seen map[string][]int64) {
	t.Helper()
	for task, seqs := range seen {
		have := map[int64]bool{}
		var max int64
		for _, s := range seqs {
			have[s] = true
			if s > max {
				max = s
			}
		}
		for i := int64(0); i <= max; i++ {
			if !have[i] {
				t.Fatalf("task %s: record %d missing (max %d)", task, i, max)
			}
		}
	}
}

// TestTasksSpreadAndSurviveWorkerLoss creates a 3-task connector on a 3-worker
// cluster, checks the tasks spread over the workers, crashes the worker running task
// 0 without LeaveGroup, and checks that the task runs elsewhere after the session
// timeout and that its records continue from the committed offset with none missing.
func TestTasksSpreadAndSurviveWorkerLoss(t *testing.T) {
	c := NewCluster(t, 3)
	w0 := c.Workers()[0]
	code := put(t, w0.URL+"/connectors/seq/config", map[string]string{
		"connector.class": "io.gonnect.test.SequenceSourceConnector", "topic": "seq", "tasks.max": "3",
		"batch.size": "5", "poll.interval.ms": "5",
	})
	if code != 201 {
		t.Fatalf("create: %d", code)
	}
	var st status
	Eventually(t, 30*time.Second, "3 tasks RUNNING", func() bool { st, _ = getStatus(w0.URL, "seq"); return allRunning(st, 3) })
	owners := map[string]bool{}
	for _, tk := range st.Tasks {
		owners[tk.WorkerID] = true
	}
	if len(owners) != 3 {
		t.Fatalf("tasks not spread over 3 workers: %+v", st.Tasks)
	}
	consumeSeqs(t, c, "seq", 3, 50)

	var victim *Worker
	for _, w := range c.Workers() {
		if w.ID() == st.Tasks[0].WorkerID {
			victim = w
		}
	}
	victim.Crash()
	var survivor *Worker
	for _, w := range c.Workers() {
		if w != victim {
			survivor = w
			break
		}
	}
	Eventually(t, 30*time.Second, "task 0 running on a surviving worker", func() bool {
		s, ok := getStatus(survivor.URL, "seq")
		return ok && allRunning(s, 3) && s.Tasks[0].WorkerID != victim.ID()
	})
	seen := consumeSeqs(t, c, "seq", 3, 400)
	checkNoGaps(t, seen)
}

// TestRollingRestartLosesNothing restarts every worker in turn (clean stop, new
// worker) while a connector runs, then checks no record is missing.
func TestRollingRestartLosesNothing(t *testing.T) {
	c := NewCluster(t, 2)
	if code := put(t, c.Workers()[0].URL+"/connectors/roll/config", map[string]string{
		"connector.class": "io.gonnect.test.SequenceSourceConnector", "topic": "roll", "tasks.max": "2",
		"batch.size": "5", "poll.interval.ms": "5",
	}); code != 201 {
		t.Fatalf("create: %d", code)
	}
	Eventually(t, 30*time.Second, "running", func() bool { s, _ := getStatus(c.Workers()[0].URL, "roll"); return allRunning(s, 2) })
	for i := 0; i < 2; i++ {
		old := c.Workers()[i]
		nw := c.StartWorker()
		old.Stop()
		var last status
		for deadline := time.Now().Add(30 * time.Second); !allRunning(last, 2); {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for running after restart %d; last status %+v", i, last)
			}
			time.Sleep(20 * time.Millisecond) // polling against a deadline
			last, _ = getStatus(nw.URL, "roll")
		}
	}
	seen := consumeSeqs(t, c, "roll", 2, 300)
	checkNoGaps(t, seen)
}
