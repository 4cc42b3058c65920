package configstore

import (
	"io"
	"log/slog"
	"testing"

	"github.com/gonnect/gonnect/connectors"
)

func TestMemoryContract(t *testing.T) {
	testContract(t, func(t *testing.T) contractHarness {
		m := NewMemory(MemoryLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		t.Cleanup(m.Close)
		return contractHarness{store: m, records: func(*testing.T) []Record { return m.Records() }}
	})
}

func TestMemoryClosed(t *testing.T) {
	m := NewMemory()
	m.Close()
	if _, ok := <-m.Updates(); ok {
		t.Fatal("updates channel open after Close")
	}
	if err := m.PutTargetState(t.Context(), "a", TargetPaused); err == nil {
		t.Fatal("write after Close succeeded")
	}
}

func TestMemorySharedTopic(t *testing.T) {
	ctx := t.Context()
	topic := NewMemoryTopic()
	a := NewMemory(MemoryOnTopic(topic), MemoryLogger(quiet()))
	t.Cleanup(a.Close)
	if err := a.PutConnectorConfig(ctx, "c", connectors.Config{"k": "v"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.PutRestartRequest(ctx, RestartRequest{Connector: "c"}); err != nil {
		t.Fatal(err)
	}
	// b joins later: what is on the topic is its start-up history.
	b := NewMemory(MemoryOnTopic(topic), MemoryLogger(quiet()))
	t.Cleanup(b.Close)
	if !b.Snapshot().Contains("c") || len(b.Snapshot().RestartRequests()) != 0 {
		t.Fatalf("b at start: %v restarts %v", b.Snapshot().Connectors(), b.Snapshot().RestartRequests())
	}
	if u := nextUpdate(t, b.Updates()); u.Kind != ConnectorAdded || !u.BeforeStart {
		t.Fatalf("first update of b: %+v", u)
	}
	if err := b.PutTargetState(ctx, "c", TargetPaused); err != nil {
		t.Fatal(err)
	}
	if err := a.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := a.Snapshot().TargetState("c"); st != TargetPaused || a.Snapshot().Offset() != b.Snapshot().Offset() {
		t.Fatalf("a after refresh: %v offset %d/%d", st, a.Snapshot().Offset(), b.Snapshot().Offset())
	}
}
