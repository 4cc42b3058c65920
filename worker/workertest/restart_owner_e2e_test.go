package workertest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A task restart sent to the leader (or to a follower, which forwards it to the
// leader) for a task running on another worker must be forwarded to its owner (Java's
// NotAssignedException carries the owner URL); clients retrying 409 never succeed.
func TestTaskRestartViaLeaderReachesOwner(t *testing.T) {
	c := NewCluster(t, 2)
	leader, _ := leaderAndFollowers(t, c.Workers())
	mustWrite(t, http.MethodPut, leader.URL+"/connectors/rs/config", seqConfig("rs", 4), 201, nil)
	st := waitRunning(t, leader.URL, "rs", 4)
	waitSettled(t, c.Workers())
	leaderID := strings.TrimPrefix(leader.URL, "http://")
	task := -1
	for _, ts := range st.Tasks {
		if ts.WorkerID != leaderID {
			task = ts.ID
		}
	}
	if task < 0 {
		t.Fatalf("4 tasks on 2 workers all on the leader (the assignment is not balanced): %+v", st)
	}
	var code int
	var body []byte
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		code, body = call(t, http.MethodPost, fmt.Sprintf("%s/connectors/rs/tasks/%d/restart", leader.URL, task), nil)
		if code != 409 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if code != 204 {
		t.Fatalf("restart of task %d (owned by a follower) via the leader: %d %s", task, code, body)
	}
}
