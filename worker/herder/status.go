package herder

import (
	"context"

	"github.com/gonnect/gonnect/worker"
	"github.com/gonnect/gonnect/worker/configstore"
)

// Status is one connector or task status as the status topic holds it.
type Status struct {
	State      string
	Trace      string
	WorkerID   string
	Generation int32
}

// StatusStore is what the herder needs of the status topic. Writes are asynchronous
// (statuses are advisory and eventually consistent, as in Java); safe writes follow the
// generation rule of connect.md §2.5.
type StatusStore interface {
	// SetGeneration sets the group generation stamped on later writes.
	SetGeneration(gen int32)
	ConnectorState(name string, s worker.State, err error, safe bool)
	TaskState(id worker.TaskID, s worker.State, err error, safe bool)
	Connector(name string) (Status, bool)
	Task(id worker.TaskID) (Status, bool)
	// Tasks returns the task statuses of a connector by task id.
	Tasks(name string) map[int]Status
	Topics(name string) []string
	ResetTopics(ctx context.Context, name string) error
	// CleanUp tombstones the statuses of deleted connectors and of tasks beyond each
	// connector's task count (leader only, after each rebalance).
	CleanUp(ctx context.Context, s configstore.ClusterState)
}
