package configstore

import (
	"io"
	"log/slog"
	"testing"
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
