package statusstore

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
	if err := m.PutTask(t.Context(), TaskStatus{ID: TaskID{"c", 0}, State: StateRunning}); err == nil {
		t.Fatal("write after Close succeeded")
	}
}
