package configstore

import (
	"log/slog"
	"maps"
	"slices"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/worker/configstore/jsonwire"
)

// applier is the read side of the config topic: connect.md §2.3 "Read/apply
// algorithm", as KafkaConfigBackingStore's consume callback does it. It is not safe for
// concurrent use; its owner serialises apply and snapshot.
type applier struct {
	log     *slog.Logger
	started bool // start-up finished: restart requests and logger levels now count

	offset           int64
	configs          map[string]connectors.Config
	targets          map[string]TargetState
	taskCounts       map[string]int
	taskConfigs      map[TaskID]connectors.Config
	staged           map[string]map[int]connectors.Config
	taskGenerations  map[string]int
	taskCountRecords map[string]int
	pendingFencing   map[string]bool
	inconsistent     map[string]bool
	sessionKey       *SessionKey
	restarts         map[string]RestartRequest
	loggerLevels     map[string]string
}

func newApplier(log *slog.Logger) *applier {
	return &applier{
		log:              log,
		offset:           -1,
		configs:          map[string]connectors.Config{},
		targets:          map[string]TargetState{},
		taskCounts:       map[string]int{},
		taskConfigs:      map[TaskID]connectors.Config{},
		staged:           map[string]map[int]connectors.Config{},
		taskGenerations:  map[string]int{},
		taskCountRecords: map[string]int{},
		pendingFencing:   map[string]bool{},
		inconsistent:     map[string]bool{},
		restarts:         map[string]RestartRequest{},
		loggerLevels:     map[string]string{},
	}
}

// snapshot copies the state into an immutable ClusterState. Config maps are shared:
// the applier replaces them and never mutates one in place.
func (a *applier) snapshot() ClusterState {
	var sk *SessionKey
	if a.sessionKey != nil {
		k := *a.sessionKey
		sk = &k
	}
	return ClusterState{
		offset:           a.offset,
		configs:          maps.Clone(a.configs),
		targets:          maps.Clone(a.targets),
		taskCounts:       maps.Clone(a.taskCounts),
		taskConfigs:      maps.Clone(a.taskConfigs),
		taskGenerations:  maps.Clone(a.taskGenerations),
		taskCountRecords: maps.Clone(a.taskCountRecords),
		pendingFencing:   maps.Clone(a.pendingFencing),
		inconsistent:     maps.Clone(a.inconsistent),
		sessionKey:       sk,
		restarts:         maps.Clone(a.restarts),
		loggerLevels:     maps.Clone(a.loggerLevels),
	}
}

// apply applies the record read at offset and returns the updates it causes. Garbage
// (invalid JSON, wrong types, unknown keys) is logged and skipped, never fatal. As in
// Java, a value that is not JSON at all does not advance the config offset; any other
// record does.
func (a *applier) apply(offset int64, key string, value []byte) []Update {
	if value != nil {
		if _, err := jsonwire.Decode(value); err != nil {
			a.log.Error("config topic: skipping record whose value is not JSON", "key", key, "offset", offset, "error", err)
			return nil
		}
	}
	a.offset = offset + 1
	k, err := ParseKey(key)
	if err != nil {
		a.log.Error("config topic: discarding record with invalid key", "key", key, "offset", offset, "error", err)
		return nil
	}
	switch k.Kind {
	case KindConnector:
		return a.connector(k.Connector, value)
	case KindTargetState:
		return a.targetState(k.Connector, value)
	case KindTask:
		a.task(TaskID{Connector: k.Connector, Task: k.Task}, value)
	case KindCommit:
		return a.commit(k.Connector, value)
	case KindRestart:
		return a.restart(k.Connector, value)
	case KindTaskCount:
		a.taskCount(k.Connector, value)
	case KindSessionKey:
		return a.sessionKeyRecord(value)
	case KindLoggerLevel:
		return a.loggerLevel(k.Namespace, value)
	}
	return nil
}

func (a *applier) update(u Update) []Update {
	u.Offset = a.offset
	u.BeforeStart = !a.started
	return []Update{u}
}

func (a *applier) invalid(kind KeyKind, name string, err error) {
	a.log.Error("config topic: ignoring invalid record", "kind", kind.String(), "connector", name, "offset", a.offset-1, "error", err)
}

func (a *applier) connector(name string, value []byte) []Update {
	if value == nil {
		_, existed := a.configs[name]
		a.removeConnector(name)
		if !existed {
			return nil
		}
		a.log.Info("config topic: connector removed", "connector", name)
		return a.update(Update{Kind: ConnectorRemoved, Connector: name})
	}
	cfg, err := DecodeProperties(value)
	if err != nil {
		a.invalid(KindConnector, name, err)
		return nil
	}
	_, existed := a.configs[name]
	a.configs[name] = cfg
	if _, ok := a.targets[name]; !ok {
		a.targets[name] = TargetStarted
	}
	kind := ConnectorAdded
	if existed {
		kind = ConnectorChanged
	}
	return a.update(Update{Kind: kind, Connector: name})
}

// removeConnector forgets everything about a connector except its target state (which
// has its own tombstone) and its task-config generation counter.
func (a *applier) removeConnector(name string) {
	delete(a.configs, name)
	delete(a.taskCounts, name)
	delete(a.staged, name)
	delete(a.inconsistent, name)
	delete(a.restarts, name)
	for id := range a.taskConfigs {
		if id.Connector == name {
			delete(a.taskConfigs, id)
		}
	}
}

func (a *applier) targetState(name string, value []byte) []Update {
	_, exists := a.configs[name]
	if value == nil {
		delete(a.targets, name)
		if exists {
			// Every connector always has a target state.
			a.targets[name] = TargetStarted
		}
		return nil
	}
	s, err := DecodeTargetState(value)
	if err != nil {
		a.invalid(KindTargetState, name, err)
		return nil
	}
	prev, had := a.targets[name]
	a.targets[name] = s
	// A state for a connector not yet created (initial_state) is kept silently.
	if !exists || (had && prev == s) {
		return nil
	}
	return a.update(Update{Kind: TargetStateChanged, Connector: name, TargetState: s})
}

func (a *applier) task(id TaskID, value []byte) {
	if value == nil {
		a.log.Error("config topic: ignoring null task config", "connector", id.Connector, "task", id.Task)
		return
	}
	cfg, err := DecodeProperties(value)
	if err != nil {
		a.invalid(KindTask, id.Connector, err)
		return
	}
	st := a.staged[id.Connector]
	if st == nil {
		st = map[int]connectors.Config{}
		a.staged[id.Connector] = st
	}
	st[id.Task] = cfg
}

func (a *applier) commit(name string, value []byte) []Update {
	if _, ok := a.configs[name]; !ok {
		// Deleted, and compaction has since removed its config and tombstone.
		a.removeConnector(name)
		a.log.Debug("config topic: ignoring task commit for unknown connector", "connector", name)
		return nil
	}
	n, err := DecodeCommit(value)
	if err != nil {
		a.invalid(KindCommit, name, err)
		return nil
	}
	staged := a.staged[name]
	delete(a.staged, name)
	u := Update{Kind: TaskConfigsCommitted, Connector: name}
	if !complete(staged, n) {
		a.log.Warn("config topic: incomplete task configs at commit, connector is inconsistent",
			"connector", name, "tasks", n, "staged", len(staged))
		a.inconsistent[name] = true
		u.Inconsistent = true
	} else {
		if staged != nil {
			for _, t := range slices.Sorted(maps.Keys(staged)) {
				id := TaskID{Connector: name, Task: t}
				a.taskConfigs[id] = staged[t]
				u.Tasks = append(u.Tasks, id)
			}
			if g, ok := a.taskGenerations[name]; ok {
				a.taskGenerations[name] = g + 1
			} else {
				a.taskGenerations[name] = 0
			}
		}
		delete(a.inconsistent, name)
	}
	a.taskCounts[name] = n
	a.pendingFencing[name] = true
	return a.update(u)
}

// complete reports whether staged holds task ids 0..n-1. Higher ids are allowed:
// compaction can leave stale configs of tasks that no longer exist.
func complete(staged map[int]connectors.Config, n int) bool {
	for i := range n {
		if _, ok := staged[i]; !ok {
			return false
		}
	}
	return true
}

func (a *applier) restart(name string, value []byte) []Update {
	r, defaulted, err := decodeRestart(name, value)
	if err != nil {
		a.invalid(KindRestart, name, err)
		return nil
	}
	if len(defaulted) > 0 {
		a.log.Warn("config topic: restart request fields missing or not boolean, using false", "connector", name, "fields", defaulted)
	}
	if a.started {
		a.restarts[name] = r
	}
	return a.update(Update{Kind: RestartRequested, Connector: name, Restart: r})
}

func (a *applier) taskCount(name string, value []byte) {
	n, err := DecodeTaskCount(value)
	if err != nil {
		a.invalid(KindTaskCount, name, err)
		return
	}
	a.taskCountRecords[name] = n
	delete(a.pendingFencing, name)
}

func (a *applier) sessionKeyRecord(value []byte) []Update {
	k, err := DecodeSessionKey(value)
	if err != nil {
		a.invalid(KindSessionKey, "", err)
		return nil
	}
	a.sessionKey = &k
	return a.update(Update{Kind: SessionKeyChanged, SessionKey: k})
}

func (a *applier) loggerLevel(ns string, value []byte) []Update {
	level, err := DecodeLoggerLevel(value)
	if err != nil {
		a.log.Error("config topic: ignoring invalid logger level", "namespace", ns, "offset", a.offset-1, "error", err)
		return nil
	}
	if a.started {
		a.loggerLevels[ns] = level
	}
	return a.update(Update{Kind: LoggerLevelChanged, Namespace: ns, Level: level})
}
