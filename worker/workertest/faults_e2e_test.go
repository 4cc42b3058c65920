package workertest

import (
	"bufio"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// labelledSum adds up the samples of a metric whose labels include connector="c".
func labelledSum(t *testing.T, url, name, connector string) float64 {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sum float64
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name+"{") || !strings.Contains(line, `connector="`+connector+`"`) {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		sum += v
	}
	return sum
}

// TestProduceErrorsRecoverWithNothingLost disturbs the tasks' produce path while a
// connector runs: partition leaders move between brokers (the old leader answers
// NOT_LEADER_FOR_PARTITION until the producer reloads metadata) and produce requests
// are answered REQUEST_TIMED_OUT after the write, as by a broker that timed out
// replicating. The tasks keep running and no sequence number is missing: a retry,
// never a loss. (Duplicates are allowed: after a timeout franz-go's idempotent
// producer bumps its epoch, so a batch the broker did append can be written again.)
func TestProduceErrorsRecoverWithNothingLost(t *testing.T) {
	c := NewCluster(t, 2)
	url := c.Workers()[0].URL
	mustWrite(t, http.MethodPut, url+"/connectors/flaky/config", seqConfig("flaky", 2), 201, nil)
	waitRunning(t, url, "flaky", 2)
	rd := newTopicReader(t, c, "flaky")
	rd.grow(2, 50)
	waitSettled(t, c.Workers())
	tests := []struct {
		name    string
		disturb func(t *testing.T)
	}{
		{name: "leaders move", disturb: func(t *testing.T) {
			for p := int32(0); p < 3; p++ {
				from := c.Kafka.LeaderFor("flaky", p)
				if err := c.Kafka.MoveTopicPartition("flaky", p, (from+1)%3); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{name: "timed out after append", disturb: func(t *testing.T) {
			h := c.Kafka.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "flaky", Err: kerr.RequestTimedOut, Count: 10})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := h.Wait(ctx, 10); err != nil {
				t.Fatalf("only %d of 10 faults hit", h.Hits())
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.disturb(t)
			rd.grow(2, 50)
		})
	}
	checkNoGaps(t, rd.seen)
	if s, _ := getStatus(url, "flaky"); !allRunning(s, 2) {
		t.Fatalf("status after the faults: %+v", s)
	}
}

// TestCoordinatorMoveDuringSteadyState moves the group coordinator (and every other
// coordinator) a few times while a connector runs: the workers find the new
// coordinator, the tasks end up running, and no record is missing.
func TestCoordinatorMoveDuringSteadyState(t *testing.T) {
	c := NewCluster(t, 3)
	url := c.Workers()[0].URL
	mustWrite(t, http.MethodPut, url+"/connectors/moving/config", seqConfig("moving", 3), 201, nil)
	waitRunning(t, url, "moving", 3)
	rd := newTopicReader(t, c, "moving")
	for i := 0; i < 3; i++ {
		before := c.Kafka.CoordinatorFor("test-cluster")
		for c.Kafka.CoordinatorFor("test-cluster") == before {
			c.Kafka.RehashCoordinators()
		}
		rd.grow(3, 50)
	}
	waitRunning(t, url, "moving", 3)
	checkNoGaps(t, rd.seen)
}

// TestRecordTooLargeUnderTolerance answers one produce request with MESSAGE_TOO_LARGE.
// With errors.tolerance=all the records of that request are skipped, logged and
// counted while the rest flows and the task keeps running; with the default
// (none) the task fails with the produce error in its trace.
func TestRecordTooLargeUnderTolerance(t *testing.T) {
	c := NewCluster(t, 1)
	url := c.Workers()[0].URL
	tests := []struct {
		name      string
		tolerance string
		wantFail  bool
	}{
		{name: "tolerance all", tolerance: "all"},
		{name: "tolerance none", tolerance: "none", wantFail: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := "big-" + tc.tolerance
			fault := c.Kafka.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: name, Err: kerr.MessageTooLarge, Count: 1})
			mustWrite(t, http.MethodPut, url+"/connectors/"+name+"/config",
				seqConfig(name, 1, "errors.tolerance", tc.tolerance, "errors.log.enable", "true"), 201, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := fault.Wait(ctx, 1); err != nil {
				t.Fatal("the fault was never hit")
			}
			if tc.wantFail {
				var st status
				Eventually(t, 20*time.Second, "task FAILED", func() bool {
					st, _ = getStatus(url, name)
					return len(st.Tasks) == 1 && st.Tasks[0].State == "FAILED"
				})
				var ts struct {
					Trace string `json:"trace"`
				}
				mustCall(t, http.MethodGet, url+"/connectors/"+name+"/tasks/0/status", nil, 200, &ts)
				if !strings.Contains(ts.Trace, "MESSAGE_TOO_LARGE") {
					t.Fatalf("trace does not name the produce error: %q", ts.Trace)
				}
				return
			}
			rd := newTopicReader(t, c, name)
			seen := rd.until("300 records", func(s map[string][]int64) bool { return len(s["0"]) >= 300 })
			have := map[int64]bool{}
			var max int64
			for _, s := range seen["0"] {
				have[s] = true
				max = maxInt(max, s)
			}
			missing := 0
			for i := int64(0); i <= max; i++ {
				if !have[i] {
					missing++
				}
			}
			if missing == 0 {
				t.Fatal("no record was skipped although a produce request failed")
			}
			Eventually(t, 10*time.Second, "skipped records counted", func() bool {
				return labelledSum(t, url, "kafka_connect_task_error_total_records_skipped", name) == float64(missing)
			})
			if s, _ := getStatus(url, name); !allRunning(s, 1) {
				t.Fatalf("status under tolerance all: %+v", s)
			}
		})
	}
}

func maxInt(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}
