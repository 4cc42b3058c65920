package workertest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// topicReader reads a SequenceSource topic from the start and keeps, per task, every
// sequence number in the order read.
type topicReader struct {
	t    *testing.T
	cl   *kgo.Client
	seen map[string][]int64
}

func newTopicReader(t *testing.T, c *Cluster, topic string) *topicReader {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.Kafka.ListenAddrs()...), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return &topicReader{t: t, cl: cl, seen: map[string][]int64{}}
}

// until reads until cond holds on what was read so far, or fails the test after 30s.
func (r *topicReader) until(what string, cond func(seen map[string][]int64) bool) map[string][]int64 {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for !cond(r.seen) {
		fs := r.cl.PollFetches(ctx)
		if ctx.Err() != nil {
			r.t.Fatalf("timed out reading until %s; last seqs %v", what, lastOf(r.seen))
		}
		fs.EachRecord(func(rec *kgo.Record) {
			task, n, _ := strings.Cut(string(rec.Value), ":")
			v, err := strconv.ParseInt(n, 10, 64)
			if err != nil {
				r.t.Errorf("record %q is not <task>:<seq>", rec.Value)
			}
			r.seen[task] = append(r.seen[task], v)
		})
	}
	return r.seen
}

// grow reads until each of tasks 0..tasks-1 has at least n records more than when
// called, or fails the test after 30s.
func (r *topicReader) grow(tasks, n int) {
	r.t.Helper()
	marks := map[string]int{}
	for k, v := range r.seen {
		marks[k] = len(v)
	}
	r.until(fmt.Sprintf("%d more records from each of %d tasks", n, tasks), func(seen map[string][]int64) bool {
		for i := 0; i < tasks; i++ {
			if len(seen[strconv.Itoa(i)]) < marks[strconv.Itoa(i)]+n {
				return false
			}
		}
		return true
	})
}

func contains(seqs []int64, v int64) bool {
	for _, s := range seqs {
		if s == v {
			return true
		}
	}
	return false
}

// TestOffsetsAPIOnCluster drives KIP-875 on a real cluster: offsets cannot be changed
// while the connector runs (400 with Connect's message); stop → GET shows the
// committed offset → PATCH moves it → resume → the task continues right after the
// patched offset; stop → DELETE → resume → the task starts again from zero.
func TestOffsetsAPIOnCluster(t *testing.T) {
	c := NewCluster(t, 2)
	url := c.Workers()[1].URL
	conn := url + "/connectors/offs"
	Eventually(t, 20*time.Second, "create", func() bool {
		code, _ := call(t, http.MethodPut, conn+"/config", seqConfig("offs", 1))
		return code == 201
	})
	waitRunning(t, url, "offs", 1)
	rd := newTopicReader(t, c, "offs")
	rd.until("30 records", func(s map[string][]int64) bool { return len(s["0"]) >= 30 })

	notStopped := "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/offs/stop' endpoint"
	patch := map[string]any{"offsets": []any{map[string]any{"partition": map[string]any{"task": "0"}, "offset": map[string]any{"seq": 5000}}}}
	for _, tc := range []struct {
		name   string
		method string
		body   any
	}{
		{name: "patch while running", method: http.MethodPatch, body: patch},
		{name: "delete while running", method: http.MethodDelete},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, b := call(t, tc.method, conn+"/offsets", tc.body)
			if code != 400 {
				t.Fatalf("status %d %s, want 400", code, b)
			}
			if e := decodeError(t, b); e.ErrorCode != 400 || e.Message != notStopped {
				t.Fatalf("error %+v", e)
			}
		})
	}

	stop := func() {
		t.Helper()
		Eventually(t, 20*time.Second, "stop accepted", func() bool {
			code, _ := call(t, http.MethodPut, conn+"/stop", nil)
			return code == 204
		})
		Eventually(t, 20*time.Second, "STOPPED", func() bool {
			s, ok := getStatus(url, "offs")
			return ok && s.Connector.State == "STOPPED" && len(s.Tasks) == 0
		})
	}
	stop()
	// Everything the task produced before stopping was committed at stop.
	committed := offsetOf(t, url, "offs", "0")
	if committed < 29 {
		t.Fatalf("committed seq %v after 30+ records", committed)
	}
	rd.until("the committed record", func(s map[string][]int64) bool { return contains(s["0"], int64(committed)) })
	mustWrite(t, http.MethodPatch, conn+"/offsets", patch, 200, nil)
	if got := offsetOf(t, url, "offs", "0"); got != 5000 {
		t.Fatalf("GET offsets after PATCH: seq %v, want 5000", got)
	}
	mustWrite(t, http.MethodPut, conn+"/resume", nil, 202, nil)
	waitRunning(t, url, "offs", 1)
	seen := rd.until("records after the patched offset", func(s map[string][]int64) bool { return contains(s["0"], 5010) })
	for _, v := range seen["0"] {
		if v > int64(committed) && v < 5001 {
			t.Fatalf("seq %d read: the task did not resume at the patched offset (committed %v)", v, committed)
		}
	}

	stop()
	last := offsetOf(t, url, "offs", "0")
	rd.until("the last committed record", func(s map[string][]int64) bool { return contains(s["0"], int64(last)) })
	mustWrite(t, http.MethodDelete, conn+"/offsets", nil, 200, nil)
	if got := offsetOf(t, url, "offs", "0"); got != -1 {
		t.Fatalf("GET offsets after DELETE still has seq %v", got)
	}
	before := len(seen["0"])
	mustWrite(t, http.MethodPut, conn+"/resume", nil, 202, nil)
	waitRunning(t, url, "offs", 1)
	rd.until("seq 0 again after the reset", func(s map[string][]int64) bool {
		return len(s["0"]) > before && contains(s["0"][before:], 0)
	})
	if first := rd.seen["0"][before]; first != 0 {
		t.Fatalf("after the reset the task started at seq %d, want 0", first)
	}
}
