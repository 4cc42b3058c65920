package configstore

import (
	"maps"
	"slices"

	"github.com/gonnect/gonnect/connectors"
)

// ClusterState is an immutable snapshot of the config topic as read up to Offset. It
// is a value: accessors return copies, so it is safe to share between goroutines and
// to keep while the store moves on. The zero value is the state before any record
// (Offset -1).
type ClusterState struct {
	offset           int64
	configs          map[string]connectors.Config
	targets          map[string]TargetState
	taskCounts       map[string]int
	taskConfigs      map[TaskID]connectors.Config
	taskGenerations  map[string]int
	taskCountRecords map[string]int
	pendingFencing   map[string]bool
	inconsistent     map[string]bool
	sessionKey       *SessionKey
	restarts         map[string]RestartRequest
	loggerLevels     map[string]string
}

// Offset is the config offset: the offset of the last record read plus one, -1 before
// any. It is the number exchanged in group metadata and assignments.
func (s ClusterState) Offset() int64 {
	if s.configs == nil {
		return -1
	}
	return s.offset
}

// Connectors lists the connectors that have a config, sorted by name.
func (s ClusterState) Connectors() []string {
	return slices.Sorted(maps.Keys(s.configs))
}

// Contains reports whether the connector has a config.
func (s ClusterState) Contains(name string) bool {
	_, ok := s.configs[name]
	return ok
}

// ConnectorConfig returns a copy of the connector's raw config.
func (s ClusterState) ConnectorConfig(name string) (connectors.Config, bool) {
	c, ok := s.configs[name]
	if !ok {
		return nil, false
	}
	return c.Clone(), true
}

// TargetState returns the connector's target state. It is also known for a connector
// whose config has not been read yet (a create with initial_state writes the state
// first).
func (s ClusterState) TargetState(name string) (TargetState, bool) {
	t, ok := s.targets[name]
	return t, ok
}

// TaskCount is the task count of the connector's last commit record (0 if none).
func (s ClusterState) TaskCount(name string) int { return s.taskCounts[name] }

// Tasks lists the connector's task ids 0..TaskCount-1, or nil when its task configs
// are inconsistent (see Inconsistent) and must not be used.
func (s ClusterState) Tasks(name string) []TaskID {
	if s.inconsistent[name] {
		return nil
	}
	n := s.taskCounts[name]
	ids := make([]TaskID, 0, n)
	for i := range n {
		ids = append(ids, TaskID{Connector: name, Task: i})
	}
	return ids
}

// TaskConfig returns a copy of one applied task config.
func (s ClusterState) TaskConfig(id TaskID) (connectors.Config, bool) {
	c, ok := s.taskConfigs[id]
	if !ok {
		return nil, false
	}
	return c.Clone(), true
}

// TaskConfigs returns copies of the connector's applied task configs in task order, or
// nil when it has no consistent set.
func (s ClusterState) TaskConfigs(name string) []connectors.Config {
	ids := s.Tasks(name)
	if len(ids) == 0 {
		return nil
	}
	out := make([]connectors.Config, 0, len(ids))
	for _, id := range ids {
		c, ok := s.taskConfigs[id]
		if !ok {
			return nil
		}
		out = append(out, c.Clone())
	}
	return out
}

// TaskConfigGeneration counts the consistent task-config commits applied for the
// connector since this store started reading (0 for the first). ok is false before any.
func (s ClusterState) TaskConfigGeneration(name string) (gen int, ok bool) {
	gen, ok = s.taskGenerations[name]
	return gen, ok
}

// Inconsistent lists, sorted, the connectors whose last commit record did not find a
// complete set of staged task configs (usually compaction after a leader died while
// writing). The herder must have the connector regenerate and rewrite its task configs.
func (s ClusterState) Inconsistent() []string {
	return slices.Sorted(maps.Keys(s.inconsistent))
}

// IsInconsistent reports whether name is in Inconsistent.
func (s ClusterState) IsInconsistent(name string) bool { return s.inconsistent[name] }

// TaskCountRecord returns the count of the connector's last tasks-fencing record.
func (s ClusterState) TaskCountRecord(name string) (int, bool) {
	n, ok := s.taskCountRecords[name]
	return n, ok
}

// PendingFencing reports whether task configs were committed after the connector's
// last tasks-fencing record (exactly-once source: its tasks need fencing first).
func (s ClusterState) PendingFencing(name string) bool { return s.pendingFencing[name] }

// SessionKey returns the last session key read.
func (s ClusterState) SessionKey() (SessionKey, bool) {
	if s.sessionKey == nil {
		return SessionKey{}, false
	}
	k := *s.sessionKey
	k.Key = slices.Clone(k.Key)
	return k, true
}

// RestartRequests returns the latest restart request per connector read after the
// store finished start-up, sorted by connector. Requests read during start-up are
// history and never listed. The store does not act on them; the herder does.
func (s ClusterState) RestartRequests() []RestartRequest {
	out := make([]RestartRequest, 0, len(s.restarts))
	for _, name := range slices.Sorted(maps.Keys(s.restarts)) {
		out = append(out, s.restarts[name])
	}
	return out
}

// LoggerLevels returns the latest cluster-wide level per logger namespace read after
// the store finished start-up (earlier ones are ignored, as by the Java worker).
func (s ClusterState) LoggerLevels() map[string]string {
	return maps.Clone(s.loggerLevels)
}
