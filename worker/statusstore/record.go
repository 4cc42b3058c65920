package statusstore

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Key prefixes of the status topic, as the Java worker writes them.
const (
	ConnectorPrefix = "status-connector-"
	TaskPrefix      = "status-task-"
	TopicPrefix     = "status-topic-"
	TopicSeparator  = ":connector-"
)

// Record is one status-topic record: a plain UTF-8 key and a JSON value, nil for a
// tombstone.
type Record struct {
	Key   string
	Value []byte
}

// KeyKind says which record type a key belongs to.
type KeyKind int

// The record types of the status topic.
const (
	KindUnknown KeyKind = iota
	KindConnector
	KindTask
	KindTopic
)

// Key is a parsed status-topic key.
type Key struct {
	Kind      KeyKind
	Connector string
	Task      int    // KindTask
	Topic     string // KindTopic
}

// ErrUnknownKey is wrapped by ParseKey for a key with no known prefix.
var ErrUnknownKey = errors.New("unknown status record key")

// ParseKey classifies a status-topic key. A task key is split at its last '-': the
// task number after it, the connector name (which may contain '-') before. A topic key
// is split at its first ':' (topic names cannot contain one), which must start
// ":connector-". Empty names are rejected.
func ParseKey(key string) (Key, error) {
	switch {
	case strings.HasPrefix(key, ConnectorPrefix):
		name := key[len(ConnectorPrefix):]
		if name == "" {
			return Key{}, fmt.Errorf("status record key %q: empty connector name", key)
		}
		return Key{Kind: KindConnector, Connector: name}, nil
	case strings.HasPrefix(key, TaskPrefix):
		rest := key[len(TaskPrefix):]
		i := strings.LastIndexByte(rest, '-')
		if i < 0 {
			return Key{}, fmt.Errorf("task status key %q: no task number", key)
		}
		if i == 0 {
			return Key{}, fmt.Errorf("task status key %q: empty connector name", key)
		}
		n, err := strconv.Atoi(rest[i+1:])
		if err != nil || n < 0 || n > 1<<31-1 {
			return Key{}, fmt.Errorf("task status key %q: task number %q is not a non-negative 32-bit integer", key, rest[i+1:])
		}
		return Key{Kind: KindTask, Connector: rest[:i], Task: n}, nil
	case strings.HasPrefix(key, TopicPrefix):
		rest := key[len(TopicPrefix):]
		i := strings.IndexByte(rest, ':')
		if i < 0 || !strings.HasPrefix(rest[i:], TopicSeparator) {
			return Key{}, fmt.Errorf("topic status key %q: no %q separator", key, TopicSeparator)
		}
		topic, conn := rest[:i], rest[i+len(TopicSeparator):]
		if topic == "" || conn == "" {
			return Key{}, fmt.Errorf("topic status key %q: empty topic or connector name", key)
		}
		return Key{Kind: KindTopic, Connector: conn, Topic: topic}, nil
	}
	return Key{}, fmt.Errorf("%w %q", ErrUnknownKey, key)
}

// ConnectorKey returns "status-connector-<name>".
func ConnectorKey(name string) string { return ConnectorPrefix + name }

// TaskKey returns "status-task-<connector>-<n>".
func TaskKey(id TaskID) string { return TaskPrefix + id.String() }

// TopicKey returns "status-topic-<topic>:connector-<connector>".
func TopicKey(topic, connector string) string {
	return TopicPrefix + topic + TopicSeparator + connector
}
