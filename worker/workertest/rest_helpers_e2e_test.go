package workertest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// call sends a JSON request (body nil: none) and returns the status code and the raw
// response body. It fails the test only on a transport error.
func call(t *testing.T, method, url string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, url, err)
	}
	return resp.StatusCode, b
}

// mustCall is call that fails the test unless the status is want, and decodes the
// body into out when out is not nil.
func mustCall(t *testing.T, method, url string, body any, want int, out any) {
	t.Helper()
	code, b := call(t, method, url, body)
	if code != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, url, code, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decoding %s: %v", method, url, b, err)
		}
	}
}

// errorBody is Connect's error entity.
type errorBody struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

func decodeError(t *testing.T, b []byte) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body %s: %v", b, err)
	}
	return e
}

// metricValue reads one unlabelled gauge from a worker's /metrics (-1 when absent).
func metricValue(t *testing.T, url, name string) float64 {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			var v float64
			if err := json.Unmarshal([]byte(strings.TrimSpace(rest)), &v); err == nil {
				return v
			}
		}
	}
	return -1
}

// leaderAndFollowers waits until exactly one running worker reports itself leader and
// returns it and the other running workers.
func leaderAndFollowers(t *testing.T, ws []*Worker) (*Worker, []*Worker) {
	t.Helper()
	var leader *Worker
	var followers []*Worker
	Eventually(t, 30*time.Second, "one leader", func() bool {
		leader, followers = nil, nil
		for _, w := range ws {
			switch metricValue(t, w.URL, "kafka_connect_worker_rebalance_leader") {
			case 1:
				if leader != nil {
					return false
				}
				leader = w
			case 0:
				followers = append(followers, w)
			default:
				return false
			}
		}
		return leader != nil && len(followers) == len(ws)-1
	})
	return leader, followers
}

// seqConfig is a SequenceSource config writing to topic.
func seqConfig(topic string, tasks int, extra ...string) map[string]string {
	cfg := map[string]string{
		"connector.class": "io.gonnect.test.SequenceSourceConnector", "topic": topic,
		"tasks.max": itoa(tasks), "batch.size": "5", "poll.interval.ms": "5",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		cfg[extra[i]] = extra[i+1]
	}
	return cfg
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// waitRunning waits until the connector and n tasks are RUNNING as url reports them.
func waitRunning(t *testing.T, url, name string, n int) status {
	t.Helper()
	var st status
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, _ = getStatus(url, name)
		if allRunning(st, n) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s RUNNING with %d tasks; last status %+v", name, n, st)
		}
		time.Sleep(50 * time.Millisecond) // polling against a deadline
	}
}

// waitBody polls GET url until its body (trimmed) is want, or fails with the last body.
func waitBody(t *testing.T, url, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, b := call(t, http.MethodGet, url, nil)
		if string(bytes.TrimSpace(b)) == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s = %s, want %s", url, b, want)
		}
		time.Sleep(50 * time.Millisecond) // polling against a deadline
	}
}

// mustWrite is mustCall for writes, retried while the cluster answers 409 (a
// rebalance after the previous change), as every Connect client does.
func mustWrite(t *testing.T, method, url string, body any, want int, out any) {
	t.Helper()
	var code int
	var b []byte
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, b = call(t, method, url, body)
		if code != 409 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond) // polling against a deadline
	}
	if code != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, url, code, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decoding %s: %v", method, url, b, err)
		}
	}
}

// waitSettled waits until no running worker reports a rebalance in progress.
func waitSettled(t *testing.T, ws []*Worker) {
	t.Helper()
	Eventually(t, 20*time.Second, "no rebalance in progress", func() bool {
		for _, w := range ws {
			if metricValue(t, w.URL, "kafka_connect_worker_rebalance_rebalancing") != 0 {
				return false
			}
		}
		return true
	})
}
