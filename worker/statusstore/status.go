// Package statusstore keeps connector, task and topic statuses on Kafka Connect's
// status topic (status.storage.topic): the record codecs, byte-identical to the Java
// worker's; the read rules (stale UNASSIGNED ignored, tombstones); the generation rule
// for safe writes; and the StatusStore with Kafka and memory implementations.
package statusstore

import (
	"fmt"
	"strconv"
	"time"
)

// State is a connector's or task's state as shown by GET /connectors/{c}/status.
type State string

// The states. DESTROYED is internal: putting it writes a tombstone and it is never
// stored as a value.
const (
	StateUnassigned State = "UNASSIGNED"
	StateRunning    State = "RUNNING"
	StatePaused     State = "PAUSED"
	StateFailed     State = "FAILED"
	StateRestarting State = "RESTARTING"
	StateStopped    State = "STOPPED"
	StateDestroyed  State = "DESTROYED"
)

// Valid reports whether s is one of the states, DESTROYED included.
func (s State) Valid() bool {
	switch s {
	case StateUnassigned, StateRunning, StatePaused, StateFailed, StateRestarting, StateStopped, StateDestroyed:
		return true
	}
	return false
}

// ConnectorStatus is the status of a connector instance.
type ConnectorStatus struct {
	Connector  string
	State      State
	Trace      string // the failure's stack trace for FAILED; "" is written as null
	WorkerID   string // host:port of the worker that wrote it
	Generation int32  // group generation of the worker that wrote it
}

// TaskID names one task of a connector.
type TaskID struct {
	Connector string
	Task      int
}

// String returns the Java form "<connector>-<task>".
func (id TaskID) String() string { return id.Connector + "-" + strconv.Itoa(id.Task) }

// TaskStatus is the status of a task.
type TaskStatus struct {
	ID         TaskID
	State      State
	Trace      string
	WorkerID   string
	Generation int32
}

// TopicStatus records that a connector's task used a topic (KIP-558), for
// GET /connectors/{c}/topics.
type TopicStatus struct {
	Topic      string
	Connector  string
	Task       int
	Discovered time.Time // millisecond precision on the wire
}

// status is what connector and task statuses share on the wire.
type status struct {
	State      State
	Trace      string
	WorkerID   string
	Generation int32
}

func (c ConnectorStatus) wire() status { return status{c.State, c.Trace, c.WorkerID, c.Generation} }
func (t TaskStatus) wire() status      { return status{t.State, t.Trace, t.WorkerID, t.Generation} }

func (s status) String() string {
	return fmt.Sprintf("%s (worker %s, generation %d)", s.State, s.WorkerID, s.Generation)
}

// canOverwrite is the safe-write rule: a write replaces cur only when there is no
// current status, it came from the same worker, or the new generation is not older.
func canOverwrite(cur *status, next status) bool {
	return cur == nil || cur.WorkerID == next.WorkerID || cur.Generation <= next.Generation
}
