// Package entities holds the JSON bodies of the Kafka Connect REST API, with the field
// names and omission rules of Apache Kafka Connect 3.9/4.x (connect.md §1.3.1), and the
// typed errors the herder returns, which package rest turns into HTTP statuses.
//
// The types are plain values: safe to copy, no methods with side effects. Slices that
// Java always renders as arrays are rendered as [] even when nil.
package entities

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// marshal encodes v as Jackson does: without escaping <, > and & (encoding/json's
// default HTML escaping would turn them into \u003c... inside config values).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// ServerInfo is the body of GET /.
type ServerInfo struct {
	Version        string `json:"version"`
	Commit         string `json:"commit"`
	KafkaClusterID string `json:"kafka_cluster_id"`
}

// Health is the body of GET /health (KIP-1017). Status is one of HealthStarting,
// HealthHealthy, HealthUnhealthy; rest answers 503, 200 and 500 respectively.
type Health struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// Health statuses.
const (
	HealthStarting  = "starting"
	HealthHealthy   = "healthy"
	HealthUnhealthy = "unhealthy"
)

// ConnectorType is "source", "sink" or "unknown" (lower case, as Java renders it).
type ConnectorType string

// Connector types.
const (
	TypeSource  ConnectorType = "source"
	TypeSink    ConnectorType = "sink"
	TypeUnknown ConnectorType = "unknown"
)

// TaskID names one task: {"connector":"c","task":0}.
type TaskID struct {
	Connector string `json:"connector"`
	Task      int    `json:"task"`
}

// String returns "<connector>-<task>", the form used in messages and config-topic keys.
func (id TaskID) String() string { return fmt.Sprintf("%s-%d", id.Connector, id.Task) }

// ConnectorInfo is the body of GET /connectors/{c} and of create/update responses.
// Config is the stored config, which always contains "name".
type ConnectorInfo struct {
	Name   string            `json:"name"`
	Config map[string]string `json:"config"`
	Tasks  []TaskID          `json:"tasks"`
	Type   ConnectorType     `json:"type"`
}

// MarshalJSON renders nil Config as {} and nil Tasks as [].
func (c ConnectorInfo) MarshalJSON() ([]byte, error) {
	type plain ConnectorInfo
	if c.Config == nil {
		c.Config = map[string]string{}
	}
	if c.Tasks == nil {
		c.Tasks = []TaskID{}
	}
	return marshal(plain(c))
}

// State is a connector or task state as shown by the status endpoints.
type State string

// States. StateStopped applies to connectors only.
const (
	StateUnassigned State = "UNASSIGNED"
	StateRunning    State = "RUNNING"
	StatePaused     State = "PAUSED"
	StateFailed     State = "FAILED"
	StateRestarting State = "RESTARTING"
	StateStopped    State = "STOPPED"
)

// ConnectorState is the "connector" member of ConnectorStateInfo. WorkerID is
// "<host>:<port>" without a scheme; Trace is omitted when empty.
type ConnectorState struct {
	State    State  `json:"state"`
	WorkerID string `json:"worker_id"`
	Trace    string `json:"trace,omitempty"`
}

// TaskState is one task's status (GET /connectors/{c}/tasks/{t}/status and the tasks
// of ConnectorStateInfo). Trace is omitted when empty.
type TaskState struct {
	ID       int    `json:"id"`
	State    State  `json:"state"`
	WorkerID string `json:"worker_id"`
	Trace    string `json:"trace,omitempty"`
}

// ConnectorStateInfo is the body of GET /connectors/{c}/status and of a 202 restart.
// Tasks are sorted by ID (the herder's job) and rendered as [] when nil.
type ConnectorStateInfo struct {
	Name      string         `json:"name"`
	Connector ConnectorState `json:"connector"`
	Tasks     []TaskState    `json:"tasks"`
	Type      ConnectorType  `json:"type"`
}

// MarshalJSON renders nil Tasks as [].
func (s ConnectorStateInfo) MarshalJSON() ([]byte, error) {
	type plain ConnectorStateInfo
	if s.Tasks == nil {
		s.Tasks = []TaskState{}
	}
	return marshal(plain(s))
}

// ConnectorExpanded is one value of GET /connectors?expand=...; each member is present
// only when its expansion was requested.
type ConnectorExpanded struct {
	Status *ConnectorStateInfo `json:"status,omitempty"`
	Info   *ConnectorInfo      `json:"info,omitempty"`
}

// TaskInfo is one element of GET /connectors/{c}/tasks.
type TaskInfo struct {
	ID     TaskID            `json:"id"`
	Config map[string]string `json:"config"`
}

// ConnectorTopics is the value in GET /connectors/{c}/topics: {"<c>":{"topics":[...]}}.
type ConnectorTopics struct {
	Topics []string `json:"topics"`
}

// MarshalJSON renders nil Topics as [].
func (t ConnectorTopics) MarshalJSON() ([]byte, error) {
	type plain ConnectorTopics
	if t.Topics == nil {
		t.Topics = []string{}
	}
	return marshal(plain(t))
}

// PluginInfo is one element of GET /connector-plugins. Type is sink, source,
// transformation, predicate, converter or header_converter; Version is omitted when
// empty or "undefined".
type PluginInfo struct {
	Class   string `json:"class"`
	Type    string `json:"type"`
	Version string `json:"version,omitempty"`
}

// MarshalJSON omits the version "undefined" as Java does.
func (p PluginInfo) MarshalJSON() ([]byte, error) {
	type plain PluginInfo
	if p.Version == "undefined" {
		p.Version = ""
	}
	return marshal(plain(p))
}

// Message is the body of offsets PATCH/DELETE responses.
type Message struct {
	Message string `json:"message"`
}

// ErrorMessage is the body of every error response.
type ErrorMessage struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// LoggerLevel is a logger's level as shown by /admin/loggers; LastModified is the
// epoch milliseconds of the last change through the REST API, null if never.
type LoggerLevel struct {
	Level        string `json:"level"`
	LastModified *int64 `json:"last_modified"`
}

// TargetState is the state a connector is asked to be in, as stored in the config
// topic: STARTED, PAUSED or STOPPED.
type TargetState string

// Target states.
const (
	TargetStarted TargetState = "STARTED"
	TargetPaused  TargetState = "PAUSED"
	TargetStopped TargetState = "STOPPED"
)

// CreateConnectorRequest is the body of POST /connectors. InitialState is RUNNING,
// PAUSED or STOPPED (case-insensitive), empty meaning RUNNING; see ParseInitialState.
type CreateConnectorRequest struct {
	Name         string            `json:"name"`
	Config       map[string]string `json:"config"`
	InitialState string            `json:"initial_state,omitempty"`
}

// ParseInitialState maps a create request's initial_state (KIP-980) to a target state:
// "" → nil (the default, STARTED), RUNNING → STARTED, PAUSED, STOPPED. Any other value
// is a BadRequestError.
func ParseInitialState(s string) (*TargetState, error) {
	var t TargetState
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "":
		return nil, nil
	case "RUNNING":
		t = TargetStarted
	case "PAUSED":
		t = TargetPaused
	case "STOPPED":
		t = TargetStopped
	default:
		return nil, &BadRequestError{Msg: fmt.Sprintf("Invalid initial state %s; must be one of RUNNING, PAUSED, STOPPED", s)}
	}
	return &t, nil
}
