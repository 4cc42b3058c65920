package herder

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gonnect/gonnect/rest/entities"
)

// TestWriteWaitsForRebalance: a write that arrives while this worker is rebalancing is
// held until the rebalance settles and then runs, as Java's herder holds queued
// requests while its member rejoins; it is not answered with a 409 the caller must
// retry.
func TestWriteWaitsForRebalance(t *testing.T) {
	h, _ := standalone(t)
	ctx := context.Background()
	eventually(t, "leadership", func() bool { return h.getView().leader })
	h.updateView(func(v *view) { v.rebalancing = true })

	done := make(chan error, 1)
	go func() {
		_, _, err := h.PutConnectorConfig(ctx, "held", map[string]string{"name": "held", "connector.class": "FileStreamSource", "file": "/dev/null", "topic": "t"}, false, nil)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("write answered during the rebalance: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if _, err := h.ConnectorConfig(ctx, "held"); err == nil {
		t.Fatal("connector written while the rebalance was unresolved")
	}
	h.updateView(func(v *view) { v.rebalancing = false })
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("write after the rebalance settled: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("write still waiting after the rebalance settled")
	}
	if _, err := h.ConnectorConfig(ctx, "held"); err != nil {
		t.Fatalf("connector not written: %v", err)
	}
}

// TestWriteDuringEndlessRebalanceIs409: when the rebalance outlasts the request's
// deadline, the answer is Connect's 409, and nothing was written.
func TestWriteDuringEndlessRebalanceIs409(t *testing.T) {
	h, _ := standalone(t)
	eventually(t, "leadership", func() bool { return h.getView().leader })
	h.updateView(func(v *view) { v.rebalancing = true })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, _, err := h.PutConnectorConfig(ctx, "never", map[string]string{"name": "never", "connector.class": "FileStreamSource", "file": "/dev/null", "topic": "t"}, false, nil)
	if !errors.Is(err, entities.ErrRebalanceNeeded) {
		t.Fatalf("write during an endless rebalance: %v, want the 409 rebalance error", err)
	}
	h.updateView(func(v *view) { v.rebalancing = false })
	if _, err := h.ConnectorConfig(context.Background(), "never"); err == nil {
		t.Fatal("a refused write reached the config topic")
	}
}

// TestWriteWaitsForFirstAssignment: a worker that has not had its first assignment
// (no leader known) holds a write until it knows the leader, instead of answering
// Connect's "no known leader URL" 409 at once.
func TestWriteWaitsForFirstAssignment(t *testing.T) {
	h, _ := standalone(t)
	ctx := context.Background()
	eventually(t, "leadership", func() bool { return h.getView().leader })
	h.updateView(func(v *view) { v.leader, v.leaderURL = false, "" })

	done := make(chan error, 1)
	go func() {
		_, _, err := h.PutConnectorConfig(ctx, "early", map[string]string{"name": "early", "connector.class": "FileStreamSource", "file": "/dev/null", "topic": "t"}, false, nil)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("write answered before a leader was known: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	h.updateView(func(v *view) { v.leader = true })
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("write once the leader is known: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("write still waiting after the leader became known")
	}
}
