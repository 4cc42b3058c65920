package herder

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/converters"
	"github.com/gonnect/gonnect/worker"
	"github.com/gonnect/gonnect/worker/configstore"
	"github.com/gonnect/gonnect/worker/group"
	"github.com/gonnect/gonnect/worker/statusstore"
)

// callLog is a Membership that records the herder's Rejoin and CancelRejoin calls.
type callLog struct {
	mu    sync.Mutex
	calls []string
}

func (c *callLog) Run(ctx context.Context) error { <-ctx.Done(); return nil }
func (c *callLog) Rejoin()                       { c.add("rejoin") }
func (c *callLog) CancelRejoin()                 { c.add("cancel") }
func (c *callLog) add(s string)                  { c.mu.Lock(); c.calls = append(c.calls, s); c.mu.Unlock() }
func (c *callLog) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = nil
	return out
}

// TestAssignmentAnswersPendingRejoin: a rebalance this worker requested for a config
// change is withdrawn when an assignment at (or past) that config offset arrives,
// since the assignment answers it (before, the queued request cost the group a
// second round, waiting a heartbeat interval for the other members); an assignment
// behind the config this worker has read asks for a new round instead.
func TestAssignmentAnswersPendingRejoin(t *testing.T) {
	reg := connectors.NewRegistry()
	w, err := worker.New(worker.Deps{Registry: reg, Offsets: offsets.NewMemoryStore(), Status: nopListener{},
		Converter: func(ctx context.Context, cl string, cfg map[string]string, k bool, _ time.Duration) (schemas.Converter, error) {
			return converters.New(ctx, cl, cfg, k)
		}}, worker.Settings{WorkerID: "w1:8083"})
	if err != nil {
		t.Fatal(err)
	}
	store := configstore.NewMemory()
	h := New(Config{WorkerID: "w1:8083", URL: "http://w1:8083/", WorkerSyncTimeout: 3 * time.Second},
		w, store, NewStatusWriter(statusstore.NewMemory(), "w1:8083", nil), offsets.NewMemoryStore(), reg, nil, nil)
	m := &callLog{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = h.Run(ctx, m); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	waitCalls := func(want ...string) {
		t.Helper()
		var got []string
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			got = append(got, m.take()...)
			if slices.Equal(got, want) {
				return
			}
			time.Sleep(5 * time.Millisecond) // polling a call log against a deadline
		}
		t.Fatalf("membership calls %v, want %v", got, want)
	}

	// A connector is created: the herder reads it and asks for a rebalance.
	if err := store.PutConnectorConfig(ctx, "c1", connectors.Config{"connector.class": "none"}, nil); err != nil {
		t.Fatal(err)
	}
	waitCalls("rejoin")
	off := store.Snapshot().Offset()

	// An assignment computed before that record: the herder catches up and, finding
	// the config past the assignment's, asks for another round; nothing is withdrawn.
	h.GroupAssigned(ctx, group.Assignment{Leader: "m1", LeaderURL: "http://w1:8083/", ConfigOffset: off - 1}, 2, "m1", group.ProtocolSessioned)
	waitCalls("rejoin")

	// The assignment of that round covers the record: the pending request is
	// withdrawn.
	h.GroupAssigned(ctx, group.Assignment{Leader: "m1", LeaderURL: "http://w1:8083/", ConfigOffset: off}, 3, "m1", group.ProtocolSessioned)
	waitCalls("cancel")
}

type nopListener struct{}

func (nopListener) ConnectorState(string, worker.State, error)   {}
func (nopListener) TaskState(worker.TaskID, worker.State, error) {}
