package herder

import (
	"testing"

	"github.com/gonnect/gonnect/worker"
	"github.com/gonnect/gonnect/worker/statusstore"
)

// An abandoned task (StopTasks timed out) reports its state after shutdown closed the
// StatusWriter: that must not panic the process.
func TestStatusWriteAfterClose(t *testing.T) {
	sw := NewStatusWriter(statusstore.NewMemory(), "w1", nil)
	sw.Close()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("status write after Close panicked: %v", p)
		}
	}()
	sw.TaskState(worker.TaskID{Connector: "c", Task: 0}, worker.Failed, nil, false)
}
