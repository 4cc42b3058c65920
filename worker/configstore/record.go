// Package configstore keeps the cluster's connector configurations on Kafka Connect's
// config topic (config.storage.topic): the record codecs, byte-identical to the Java
// worker's; the read/apply algorithm that turns the log into an immutable ClusterState;
// and the ConfigStore with a Kafka implementation and a memory one for tests.
package configstore

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Key prefixes of the config topic, as the Java worker writes them.
const (
	ConnectorPrefix   = "connector-"
	TargetStatePrefix = "target-state-"
	TaskPrefix        = "task-"
	CommitPrefix      = "commit-"
	RestartPrefix     = "restart-connector-"
	TaskCountPrefix   = "tasks-fencing-"
	LoggerPrefix      = "logger-cluster-"
	SessionKeyKey     = "session-key"
)

// Record is one config-topic record: a plain UTF-8 key (not JSON) and a JSON value. A
// nil Value is a tombstone.
type Record struct {
	Key   string
	Value []byte
}

// TaskID names one task of a connector.
type TaskID struct {
	Connector string
	Task      int
}

// String returns the Java form "<connector>-<task>".
func (id TaskID) String() string { return id.Connector + "-" + strconv.Itoa(id.Task) }

// KeyKind says which record type a key belongs to.
type KeyKind int

// The record types of the config topic.
const (
	KindUnknown KeyKind = iota
	KindConnector
	KindTargetState
	KindTask
	KindCommit
	KindRestart
	KindTaskCount
	KindSessionKey
	KindLoggerLevel
)

var kindNames = [...]string{"unknown", "connector", "target-state", "task", "commit", "restart", "tasks-fencing", "session-key", "logger-level"}

// String names the kind for logs.
func (k KeyKind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "KeyKind(" + strconv.Itoa(int(k)) + ")"
	}
	return kindNames[k]
}

// Key is a parsed config-topic key.
type Key struct {
	Kind      KeyKind
	Connector string // every kind except session-key and logger-level
	Task      int    // KindTask only
	Namespace string // KindLoggerLevel only
}

// ErrUnknownKey is wrapped by ParseKey for a key with no known prefix.
var ErrUnknownKey = errors.New("unknown config record key")

// ParseKey classifies a config-topic key. The prefixes are tried in the Java worker's
// order, which matters because they overlap: target-state- before connector-
// (restart-connector- and connector- do not collide because of the order either), and
// task- is not a prefix of tasks-fencing-. A task key is split on '-': the last segment
// is the task number and the ones between the prefix and it, re-joined, the connector
// name, so connector names may contain '-'. Empty connector names are rejected.
func ParseKey(key string) (Key, error) {
	name := func(prefix string, kind KeyKind) (Key, error) {
		n := key[len(prefix):]
		if n == "" {
			return Key{}, fmt.Errorf("config record key %q: empty connector name", key)
		}
		return Key{Kind: kind, Connector: n}, nil
	}
	switch {
	case strings.HasPrefix(key, TargetStatePrefix):
		return name(TargetStatePrefix, KindTargetState)
	case strings.HasPrefix(key, ConnectorPrefix):
		return name(ConnectorPrefix, KindConnector)
	case strings.HasPrefix(key, TaskPrefix):
		id, err := parseTaskKey(key)
		if err != nil {
			return Key{}, err
		}
		return Key{Kind: KindTask, Connector: id.Connector, Task: id.Task}, nil
	case strings.HasPrefix(key, CommitPrefix):
		return name(CommitPrefix, KindCommit)
	case strings.HasPrefix(key, RestartPrefix):
		return name(RestartPrefix, KindRestart)
	case strings.HasPrefix(key, TaskCountPrefix):
		return name(TaskCountPrefix, KindTaskCount)
	case key == SessionKeyKey:
		return Key{Kind: KindSessionKey}, nil
	case strings.HasPrefix(key, LoggerPrefix):
		ns := key[len(LoggerPrefix):]
		if ns == "" {
			return Key{}, fmt.Errorf("config record key %q: empty logger namespace", key)
		}
		return Key{Kind: KindLoggerLevel, Namespace: ns}, nil
	}
	return Key{}, fmt.Errorf("%w %q", ErrUnknownKey, key)
}

// parseTaskKey parses "task-<connector>-<n>".
func parseTaskKey(key string) (TaskID, error) {
	i := strings.LastIndexByte(key, '-')
	if i < len(TaskPrefix) {
		return TaskID{}, fmt.Errorf("task config key %q: no task number", key)
	}
	conn, num := key[len(TaskPrefix):i], key[i+1:]
	if conn == "" {
		return TaskID{}, fmt.Errorf("task config key %q: empty connector name", key)
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > 1<<31-1 {
		return TaskID{}, fmt.Errorf("task config key %q: task number %q is not a non-negative 32-bit integer", key, num)
	}
	return TaskID{Connector: conn, Task: n}, nil
}

// ConnectorKey returns "connector-<name>".
func ConnectorKey(name string) string { return ConnectorPrefix + name }

// TargetStateKey returns "target-state-<name>".
func TargetStateKey(name string) string { return TargetStatePrefix + name }

// TaskKey returns "task-<connector>-<n>".
func TaskKey(id TaskID) string { return TaskPrefix + id.String() }

// CommitKey returns "commit-<name>".
func CommitKey(name string) string { return CommitPrefix + name }

// RestartKey returns "restart-connector-<name>".
func RestartKey(name string) string { return RestartPrefix + name }

// TaskCountKey returns "tasks-fencing-<name>".
func TaskCountKey(name string) string { return TaskCountPrefix + name }

// LoggerKey returns "logger-cluster-<namespace>".
func LoggerKey(namespace string) string { return LoggerPrefix + namespace }
