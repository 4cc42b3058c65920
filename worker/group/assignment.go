package group

import (
	"cmp"
	"fmt"
	"strconv"
)

// ConnectorTask is the task id that stands for the connector instance itself
// in a ConnectorAssignment's task list.
const ConnectorTask int32 = -1

// Assignment error codes carried in the SyncGroup assignment.
const (
	ErrorNone           int16 = 0
	ErrorConfigMismatch int16 = 1 // the leader's config snapshot is behind a member's; everyone reads to end and rejoins
)

// TaskID names one task of a connector.
type TaskID struct {
	Connector string
	Task      int32
}

// String renders the id the way Connect logs it: "<connector>-<task>".
func (t TaskID) String() string { return t.Connector + "-" + strconv.Itoa(int(t.Task)) }

func compareTaskID(a, b TaskID) int {
	if c := cmp.Compare(a.Connector, b.Connector); c != 0 {
		return c
	}
	return cmp.Compare(a.Task, b.Task)
}

// Assignment is a Connect SyncGroup assignment (v0, v1 and v2 share it).
//
// On the wire, connectors and tasks are grouped per connector with the
// sentinel task id -1 for the connector instance; in memory they are split,
// as Java's ConnectAssignment does. Revoked and Delay exist only from v1 on
// and are dropped when a v0 assignment is encoded.
type Assignment struct {
	Version      int16  // 0 (eager), 1 (compatible) or 2 (sessioned)
	Error        int16  // ErrorNone or ErrorConfigMismatch
	Leader       string // the leader's group member id
	LeaderURL    string // the leader's advertised REST URL
	ConfigOffset int64  // config-topic offset the assignment was computed at
	Connectors   []string
	Tasks        []TaskID
	// RevokedConnectors and RevokedTasks are what the member must stop (v1+).
	RevokedConnectors []string
	RevokedTasks      []TaskID
	Delay             int32 // ms until the member should rejoin for a delayed rebalance (v1+); 0 = none
}

// Failed reports whether the leader could not produce an assignment.
func (a *Assignment) Failed() bool { return a.Error != ErrorNone }

// Empty reports whether a assigns and revokes nothing.
func (a *Assignment) Empty() bool {
	return len(a.Connectors) == 0 && len(a.Tasks) == 0 && len(a.RevokedConnectors) == 0 && len(a.RevokedTasks) == 0
}

// MarshalBinary encodes a with its Version's layout (connect.md §3.2): v0
// without revoked and delay; v1/v2 always write the assignment and revoked
// arrays (empty, never null, as Java does). Entries appear in the order of
// first mention: connectors first, then tasks, each connector's sentinel
// before its task ids. It fails on a negative version or a string longer
// than the protocol allows.
func (a Assignment) MarshalBinary() ([]byte, error) {
	if a.Version < 0 {
		return nil, fmt.Errorf("assignment version %d: must not be negative", a.Version)
	}
	w := &writer{b: make([]byte, 0, 64)}
	w.int16(a.Version)
	w.int16(a.Error)
	w.string("leader", a.Leader)
	w.string("leader-url", a.LeaderURL)
	w.int64(a.ConfigOffset)
	writeConnectorAssignments(w, "assignment", a.Connectors, a.Tasks)
	if a.Version >= 1 {
		writeConnectorAssignments(w, "revoked", a.RevokedConnectors, a.RevokedTasks)
		w.int32(a.Delay)
	}
	return w.b, w.err
}

type connectorTasks struct {
	connector string
	tasks     []int32
}

func groupByConnector(connectors []string, tasks []TaskID) []connectorTasks {
	var out []connectorTasks
	idx := make(map[string]int, len(connectors))
	add := func(c string, t int32) {
		i, ok := idx[c]
		if !ok {
			i = len(out)
			idx[c] = i
			out = append(out, connectorTasks{connector: c})
		}
		out[i].tasks = append(out[i].tasks, t)
	}
	for _, c := range connectors {
		add(c, ConnectorTask)
	}
	for _, t := range tasks {
		add(t.Connector, t.Task)
	}
	return out
}

func writeConnectorAssignments(w *writer, field string, connectors []string, tasks []TaskID) {
	entries := groupByConnector(connectors, tasks)
	w.int32(int32(len(entries)))
	for _, e := range entries {
		w.string(field+".connector", e.connector)
		w.int32(int32(len(e.tasks)))
		for _, t := range e.tasks {
			w.int32(t)
		}
	}
}

// DecodeAssignment decodes a SyncGroup assignment of any version with the
// tolerant v1 schema: fields missing at the end of the payload take their
// defaults (no revoked items, delay 0), so v0 payloads decode too; trailing
// bytes from newer versions are ignored. A negative version, a payload that
// ends inside a field, or a negative length is an error naming the field and
// byte position. It never panics.
func DecodeAssignment(b []byte) (Assignment, error) {
	var a Assignment
	r := &reader{b: b}
	var err error
	if a.Version, err = r.int16("version"); err != nil {
		return a, fmt.Errorf("decoding connect assignment: %w", err)
	}
	if a.Version < 0 {
		return a, fmt.Errorf("decoding connect assignment: unsupported version %d", a.Version)
	}
	if err := decodeAssignmentBody(r, &a); err != nil {
		return a, fmt.Errorf("decoding connect assignment v%d: %w", a.Version, err)
	}
	return a, nil
}

func decodeAssignmentBody(r *reader, a *Assignment) error {
	var err error
	if a.Error, err = r.int16("error"); err != nil {
		return err
	}
	if a.Leader, err = r.string("leader"); err != nil {
		return err
	}
	if a.LeaderURL, err = r.string("leader-url"); err != nil {
		return err
	}
	if a.ConfigOffset, err = r.int64("config-offset"); err != nil {
		return err
	}
	if r.remaining() == 0 {
		return nil
	}
	if a.Connectors, a.Tasks, err = readConnectorAssignments(r, "assignment"); err != nil {
		return err
	}
	if r.remaining() == 0 {
		return nil
	}
	if a.RevokedConnectors, a.RevokedTasks, err = readConnectorAssignments(r, "revoked"); err != nil {
		return err
	}
	if r.remaining() == 0 {
		return nil
	}
	a.Delay, err = r.int32("delay")
	return err
}

// minConnectorAssignment is the smallest ConnectorAssignment: an empty
// connector name and an empty task array.
const minConnectorAssignment = 2 + 4

func readConnectorAssignments(r *reader, field string) ([]string, []TaskID, error) {
	n, err := r.arrayLen(field, true, minConnectorAssignment)
	if err != nil || n <= 0 {
		return nil, nil, err
	}
	var connectors []string
	var tasks []TaskID
	for i := range n {
		c, err := r.string(fmt.Sprintf("%s[%d].connector", field, i))
		if err != nil {
			return nil, nil, err
		}
		tf := fmt.Sprintf("%s[%d].tasks", field, i)
		m, err := r.arrayLen(tf, false, 4)
		if err != nil {
			return nil, nil, err
		}
		for range m {
			t, err := r.int32(tf)
			if err != nil {
				return nil, nil, err
			}
			if t == ConnectorTask {
				connectors = append(connectors, c)
			} else {
				tasks = append(tasks, TaskID{Connector: c, Task: t})
			}
		}
	}
	return connectors, tasks, nil
}
