package workertest

import (
	"net/http"
	"testing"

	"github.com/gonnect/gonnect/connectors/connectortest"
)

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
		c.StartWorkerWith(reg)
	}
	url := c.Workers()[0].URL
	// The wanted task count is process-wide: start from one task whatever an earlier
	// run of this test (go test -count=N) left.
	connectortest.SetDynamicTasks("dyn", 1)
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
