package workertest

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestFollowerWritesLandOnLeader sends every leader-only write to a follower of a
// three-worker cluster and checks that it took effect (the follower cannot write, so
// it was forwarded), that the answer is the leader's (status code and body), and that
// a request already forwarded twice is refused with Connect's 409.
func TestFollowerWritesLandOnLeader(t *testing.T) {
	c := NewCluster(t, 3)
	leader, followers := leaderAndFollowers(t, c.Workers())
	f := followers[0]
	base := f.URL + "/connectors"
	steps := []struct {
		name   string
		method string
		path   string
		body   any
		want   int
		check  func(t *testing.T, body []byte) // runs against the leader's view
	}{
		{name: "create", method: http.MethodPost, path: "", want: 201,
			body: map[string]any{"name": "fw", "config": seqConfig("fw", 1), "initial_state": "RUNNING"},
			check: func(t *testing.T, _ []byte) {
				waitRunning(t, leader.URL, "fw", 1)
			}},
		{name: "replace config", method: http.MethodPut, path: "/fw/config", want: 200, body: seqConfig("fw", 2),
			check: func(t *testing.T, _ []byte) {
				var cfg map[string]string
				mustCall(t, http.MethodGet, leader.URL+"/connectors/fw/config", nil, 200, &cfg)
				if cfg["tasks.max"] != "2" {
					t.Fatalf("leader sees tasks.max %q, want 2", cfg["tasks.max"])
				}
				waitRunning(t, leader.URL, "fw", 2)
			}},
		{name: "stop", method: http.MethodPut, path: "/fw/stop", want: 204,
			check: func(t *testing.T, _ []byte) {
				Eventually(t, 20*time.Second, "STOPPED with no tasks", func() bool {
					s, ok := getStatus(leader.URL, "fw")
					return ok && s.Connector.State == "STOPPED" && len(s.Tasks) == 0
				})
			}},
		{name: "alter offsets", method: http.MethodPatch, path: "/fw/offsets", want: 200,
			body: map[string]any{"offsets": []any{map[string]any{"partition": map[string]any{"task": "0"}, "offset": map[string]any{"seq": 41}}}},
			check: func(t *testing.T, body []byte) {
				if want := `{"message":"The offsets for this connector have been altered successfully"}`; string(bytes.TrimSpace(body)) != want {
					t.Fatalf("body %s, want %s", body, want)
				}
				if got := offsetOf(t, leader.URL, "fw", "0"); got != 41 {
					t.Fatalf("leader reads seq %v, want 41", got)
				}
			}},
		{name: "reset offsets", method: http.MethodDelete, path: "/fw/offsets", want: 200,
			check: func(t *testing.T, body []byte) {
				if want := `{"message":"The offsets for this connector have been reset successfully"}`; string(bytes.TrimSpace(body)) != want {
					t.Fatalf("body %s, want %s", body, want)
				}
				if got := offsetOf(t, leader.URL, "fw", "0"); got != -1 {
					t.Fatalf("leader still reads seq %v after reset", got)
				}
			}},
		{name: "delete", method: http.MethodDelete, path: "/fw", want: 204,
			check: func(t *testing.T, _ []byte) {
				Eventually(t, 20*time.Second, "connector gone on the leader", func() bool {
					code, _ := call(t, http.MethodGet, leader.URL+"/connectors/fw", nil)
					return code == 404
				})
			}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			var code int
			var body []byte
			// A rebalance triggered by the previous step may still be settling: clients
			// retry 409s, and so does this test, against a deadline.
			Eventually(t, 20*time.Second, s.name+" not answered 409", func() bool {
				code, body = call(t, s.method, base+s.path, s.body)
				return code != 409
			})
			if code != s.want {
				t.Fatalf("%s %s on a follower: %d %s, want %d", s.method, s.path, code, body, s.want)
			}
			s.check(t, body)
		})
	}

	t.Run("third hop refused", func(t *testing.T) {
		waitSettled(t, c.Workers())
		code, body := call(t, http.MethodPost, base+"?forward=false", map[string]any{"name": "hop", "config": seqConfig("hop", 1)})
		if code != 409 {
			t.Fatalf("status %d %s, want 409", code, body)
		}
		if e := decodeError(t, body); e.ErrorCode != 409 || e.Message != "Cannot complete request because of a conflicting operation (e.g. worker rebalance)" {
			t.Fatalf("error %+v", e)
		}
		if code, _ := call(t, http.MethodGet, leader.URL+"/connectors/hop", nil); code != 404 {
			t.Fatalf("refused request created the connector anyway (%d)", code)
		}
	})
}

// offsetOf returns the seq offset stored for a SequenceSource task (-1: none).
func offsetOf(t *testing.T, url, connector, task string) float64 {
	t.Helper()
	var offs struct {
		Offsets []struct {
			Partition map[string]any `json:"partition"`
			Offset    map[string]any `json:"offset"`
		} `json:"offsets"`
	}
	mustCall(t, http.MethodGet, url+"/connectors/"+connector+"/offsets", nil, 200, &offs)
	for _, o := range offs.Offsets {
		if o.Partition["task"] == task {
			v, _ := o.Offset["seq"].(float64)
			return v
		}
	}
	return -1
}

// TestWriteDuringRebalanceWaits holds a rebalance open (kfake keeps one existing
// member's JoinGroup until released, so the group waits in PreparingRebalance) and
// checks that a write sent meanwhile is held, not refused, and completes with 201 once
// the rebalance does, as Java's herder holds requests while its member rejoins.
func TestWriteDuringRebalanceWaits(t *testing.T) {
	c := NewCluster(t, 2)
	leaderAndFollowers(t, c.Workers())
	members := map[string]bool{}
	for _, m := range c.Kafka.GroupInfo("test-cluster").Members {
		members[m.MemberID] = true
	}
	release := make(chan struct{})
	held := make(chan struct{})
	var holding bool // touched only by control functions, which kfake runs serially
	c.Kafka.ControlKey(int16(kmsg.JoinGroup), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.Kafka.KeepControl()
		req := r.(*kmsg.JoinGroupRequest)
		if holding || req.Group != "test-cluster" || !members[req.MemberID] {
			return nil, nil, false
		}
		holding = true
		close(held)
		c.Kafka.SleepControl(func() {
			select {
			case <-release:
			case <-time.After(4 * time.Second): // below rebalance.timeout.ms
			}
		})
		return nil, nil, false
	})
	c.StartWorker() // a third worker joining starts a rebalance
	select {
	case <-held:
	case <-time.After(20 * time.Second):
		t.Fatal("no existing member rejoined")
	}
	// Each existing worker learns of the rebalance at its next heartbeat.
	for _, w := range c.Workers()[:2] {
		Eventually(t, 10*time.Second, "worker "+w.URL+" rebalancing", func() bool {
			return metricValue(t, w.URL, "kafka_connect_worker_rebalance_rebalancing") == 1
		})
	}
	type answer struct {
		code int
		body []byte
	}
	done := make(chan answer, 1)
	go func() {
		code, b := call(t, http.MethodPost, c.Workers()[0].URL+"/connectors", map[string]any{"name": "during", "config": seqConfig("during", 1)})
		done <- answer{code, b}
	}()
	select {
	case a := <-done:
		t.Fatalf("write answered while the rebalance was held: %d %s", a.code, a.body)
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	select {
	case a := <-done:
		if a.code != 201 {
			t.Fatalf("write after the rebalance: %d %s, want 201", a.code, a.body)
		}
	case <-time.After(45 * time.Second):
		t.Fatal("write still held 45 s after the rebalance was released")
	}
	waitRunning(t, c.Workers()[0].URL, "during", 1)
}

// TestStrimziCreateOrUpdate replays how Strimzi's operator reconciles a connector:
// GET config (404) → POST with initial_state; later GET config, compare with the
// desired config plus name, and PUT it; an unchanged PUT is a 200 that writes nothing
// to the config topic and restarts nothing.
func TestStrimziCreateOrUpdate(t *testing.T) {
	c := NewCluster(t, 2)
	w := c.Workers()[1]
	desired := seqConfig("strimzi", 2)
	if code, body := call(t, http.MethodGet, w.URL+"/connectors/strimzi/config", nil); code != 404 {
		t.Fatalf("GET config of a missing connector: %d %s", code, body)
	} else if e := decodeError(t, body); e.Message != "Connector strimzi not found" {
		t.Fatalf("404 message %q", e.Message)
	}
	Eventually(t, 20*time.Second, "create", func() bool {
		code, _ := call(t, http.MethodPost, w.URL+"/connectors", map[string]any{"name": "strimzi", "config": desired, "initial_state": "PAUSED"})
		return code == 201
	})
	Eventually(t, 30*time.Second, "PAUSED", func() bool {
		s, ok := getStatus(w.URL, "strimzi")
		return ok && s.Connector.State == "PAUSED" && len(s.Tasks) == 2 && s.Tasks[0].State == "PAUSED" && s.Tasks[1].State == "PAUSED"
	})
	mustWrite(t, http.MethodPut, w.URL+"/connectors/strimzi/resume", nil, 202, nil)
	before := waitRunning(t, w.URL, "strimzi", 2)

	var got map[string]string
	mustCall(t, http.MethodGet, w.URL+"/connectors/strimzi/config", nil, 200, &got)
	want := maps.Clone(desired)
	want["name"] = "strimzi"
	if !maps.Equal(got, want) {
		t.Fatalf("GET config = %v, want exactly %v", got, want)
	}
	end := configTopicEnd(t, c)
	var tasksBefore []map[string]any
	mustCall(t, http.MethodGet, w.URL+"/connectors/strimzi/tasks", nil, 200, &tasksBefore)
	mustWrite(t, http.MethodPut, w.URL+"/connectors/strimzi/config", got, 200, nil)
	mustWrite(t, http.MethodPut, w.URL+"/connectors/strimzi/config", desired, 200, nil)
	if after := configTopicEnd(t, c); after != end {
		t.Fatalf("an unchanged PUT wrote %d config records", after-end)
	}
	var tasksAfter []map[string]any
	mustCall(t, http.MethodGet, w.URL+"/connectors/strimzi/tasks", nil, 200, &tasksAfter)
	if len(tasksAfter) != len(tasksBefore) {
		t.Fatalf("tasks changed: %v → %v", tasksBefore, tasksAfter)
	}
	after, _ := getStatus(w.URL, "strimzi")
	if !allRunning(after, 2) || after.Tasks[0].WorkerID != before.Tasks[0].WorkerID || after.Tasks[1].WorkerID != before.Tasks[1].WorkerID {
		t.Fatalf("status changed after an unchanged PUT: %+v → %+v", before, after)
	}
}

// configTopicEnd is the end offset of the config topic.
func configTopicEnd(t *testing.T, c *Cluster) int64 {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.Kafka.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(context.Background(), "connect-configs")
	if err != nil {
		t.Fatal(err)
	}
	o, ok := ends.Lookup("connect-configs", 0)
	if !ok || o.Err != nil {
		t.Fatalf("config topic end: %v", o.Err)
	}
	return o.Offset
}

// TestListExpandStatusAndInfo is what monitoring scripts and UIs call:
// GET /connectors?expand=status&expand=info, on a follower.
func TestListExpandStatusAndInfo(t *testing.T) {
	c := NewCluster(t, 2)
	for _, n := range []string{"ea", "eb"} {
		Eventually(t, 20*time.Second, "create "+n, func() bool {
			code, _ := call(t, http.MethodPut, c.Workers()[0].URL+"/connectors/"+n+"/config", seqConfig(n, 1))
			return code == 201
		})
	}
	w := c.Workers()[1]
	waitRunning(t, w.URL, "ea", 1)
	waitRunning(t, w.URL, "eb", 1)
	tests := []struct {
		name       string
		query      string
		wantStatus bool
		wantInfo   bool
	}{
		{name: "both", query: "?expand=status&expand=info", wantStatus: true, wantInfo: true},
		{name: "status", query: "?expand=status", wantStatus: true},
		{name: "info", query: "?expand=info", wantInfo: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got map[string]map[string]json.RawMessage
			mustCall(t, http.MethodGet, w.URL+"/connectors"+tc.query, nil, 200, &got)
			if names := slices.Sorted(maps.Keys(got)); !slices.Equal(names, []string{"ea", "eb"}) {
				t.Fatalf("connectors %v", names)
			}
			for name, e := range got {
				_, hasS := e["status"]
				_, hasI := e["info"]
				if hasS != tc.wantStatus || hasI != tc.wantInfo || len(e) != btoi(hasS)+btoi(hasI) {
					t.Fatalf("%s: keys %v", name, slices.Collect(maps.Keys(e)))
				}
				if hasS {
					var s status
					if err := json.Unmarshal(e["status"], &s); err != nil || !allRunning(s, 1) {
						t.Fatalf("%s status %s", name, e["status"])
					}
				}
				if hasI {
					var info struct {
						Name   string            `json:"name"`
						Config map[string]string `json:"config"`
						Tasks  []struct {
							Connector string `json:"connector"`
							Task      int    `json:"task"`
						} `json:"tasks"`
						Type string `json:"type"`
					}
					if err := json.Unmarshal(e["info"], &info); err != nil {
						t.Fatal(err)
					}
					if info.Name != name || info.Config["topic"] != name || info.Type != "source" || len(info.Tasks) != 1 || info.Tasks[0].Connector != name {
						t.Fatalf("%s info %s", name, e["info"])
					}
				}
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestRestartOnlyFailedTasks fails a connector's tasks on purpose (kfake answers their
// produce requests with TOPIC_AUTHORIZATION_FAILED), then does what operators' scripts
// do: POST /connectors/{c}/restart?includeTasks=true&onlyFailed=true on a follower →
// 202 with the failed tasks shown RESTARTING and the running connector left alone;
// with the fault gone the tasks come back RUNNING. A healthy connector is untouched.
func TestRestartOnlyFailedTasks(t *testing.T) {
	c := NewCluster(t, 2)
	_, followers := leaderAndFollowers(t, c.Workers())
	w := followers[0]
	mustWrite(t, http.MethodPut, w.URL+"/connectors/healthy/config", seqConfig("healthy", 2), 201, nil)
	waitRunning(t, w.URL, "healthy", 2)
	fault := c.Kafka.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "denied", Err: kerr.TopicAuthorizationFailed, Count: -1})
	mustWrite(t, http.MethodPut, w.URL+"/connectors/denied/config", seqConfig("denied", 2), 201, nil)
	Eventually(t, 30*time.Second, "both tasks FAILED", func() bool {
		s, ok := getStatus(w.URL, "denied")
		return ok && s.Connector.State == "RUNNING" && len(s.Tasks) == 2 && s.Tasks[0].State == "FAILED" && s.Tasks[1].State == "FAILED"
	})
	// Once the group is settled nothing restarts the failed tasks but the request below.
	waitSettled(t, c.Workers())
	healthy := waitRunning(t, w.URL, "healthy", 2)
	fault.Remove()

	var plan struct {
		Name      string `json:"name"`
		Connector struct {
			State string `json:"state"`
		} `json:"connector"`
		Tasks []struct {
			ID    int    `json:"id"`
			State string `json:"state"`
		} `json:"tasks"`
	}
	var code int
	var body []byte
	Eventually(t, 20*time.Second, "restart accepted", func() bool {
		code, body = call(t, http.MethodPost, w.URL+"/connectors/denied/restart?includeTasks=true&onlyFailed=true", nil)
		return code != 409
	})
	if code != 202 {
		t.Fatalf("restart: %d %s", code, body)
	}
	if err := json.Unmarshal(body, &plan); err != nil {
		t.Fatal(err)
	}
	if plan.Name != "denied" || plan.Connector.State != "RUNNING" || len(plan.Tasks) != 2 || plan.Tasks[0].State != "RESTARTING" || plan.Tasks[1].State != "RESTARTING" {
		t.Fatalf("plan %s", body)
	}
	waitRunning(t, w.URL, "denied", 2)
	seen := consumeSeqs(t, c, "denied", 2, 50)
	checkNoGaps(t, seen)
	if s, _ := getStatus(w.URL, "healthy"); !allRunning(s, 2) || s.Tasks[0].WorkerID != healthy.Tasks[0].WorkerID {
		t.Fatalf("healthy connector disturbed: %+v", s)
	}
}

// TestConnectorTopicsTracked checks KIP-558 topic tracking: after records flowed,
// GET /connectors/{c}/topics on every worker names the topic the tasks wrote to; PUT
// .../topics/reset empties it.
func TestConnectorTopicsTracked(t *testing.T) {
	c := NewCluster(t, 2)
	w := c.Workers()[0]
	Eventually(t, 20*time.Second, "create", func() bool {
		code, _ := call(t, http.MethodPut, w.URL+"/connectors/tracked/config", seqConfig("tracked-topic", 2, "limit", "20"))
		return code == 201
	})
	consumeSeqs(t, c, "tracked-topic", 2, 19)
	for _, wk := range c.Workers() {
		waitBody(t, wk.URL+"/connectors/tracked/topics", `{"tracked":{"topics":["tracked-topic"]}}`)
	}
	mustCall(t, http.MethodPut, w.URL+"/connectors/tracked/stop", nil, 204, nil)
	Eventually(t, 20*time.Second, "STOPPED", func() bool { s, _ := getStatus(w.URL, "tracked"); return s.Connector.State == "STOPPED" })
	mustCall(t, http.MethodPut, w.URL+"/connectors/tracked/topics/reset", nil, 202, nil)
	waitBody(t, c.Workers()[1].URL+"/connectors/tracked/topics", `{"tracked":{"topics":[]}}`)
}
