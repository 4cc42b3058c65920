package statusstore

import (
	"fmt"
	"math"

	"github.com/gonnect/gonnect/worker/configstore/jsonwire"
)

// ConnectorRecord is status-connector-<name> = {"state","trace","worker_id","generation"},
// or a tombstone for DESTROYED.
func ConnectorRecord(s ConnectorStatus) Record {
	return Record{Key: ConnectorKey(s.Connector), Value: encodeStatus(s.wire())}
}

// TaskRecord is status-task-<connector>-<n> with the same value shape, or a tombstone
// for DESTROYED.
func TaskRecord(s TaskStatus) Record {
	return Record{Key: TaskKey(s.ID), Value: encodeStatus(s.wire())}
}

// encodeStatus writes STATUS_SCHEMA_V0 in field order; trace is an explicit null when
// empty. DESTROYED gives nil, a tombstone.
func encodeStatus(s status) []byte {
	if s.State == StateDestroyed {
		return nil
	}
	var o jsonwire.Object
	o.String("state", string(s.State))
	var trace *string
	if s.Trace != "" {
		trace = &s.Trace
	}
	o.OptionalString("trace", trace)
	o.String("worker_id", s.WorkerID)
	o.Int("generation", int64(s.Generation))
	return o.Bytes()
}

// DecodeConnectorStatus reads a connector status value.
func DecodeConnectorStatus(name string, b []byte) (ConnectorStatus, error) {
	s, err := decodeStatus(b)
	if err != nil {
		return ConnectorStatus{}, err
	}
	return ConnectorStatus{Connector: name, State: s.State, Trace: s.Trace, WorkerID: s.WorkerID, Generation: s.Generation}, nil
}

// DecodeTaskStatus reads a task status value.
func DecodeTaskStatus(id TaskID, b []byte) (TaskStatus, error) {
	s, err := decodeStatus(b)
	if err != nil {
		return TaskStatus{}, err
	}
	return TaskStatus{ID: id, State: s.State, Trace: s.Trace, WorkerID: s.WorkerID, Generation: s.Generation}, nil
}

// decodeStatus reads the shared status value. As in Java, state must name a state,
// generation must be an integer, and trace and worker_id must be strings when present.
// DESTROYED is never written as a value, so a record holding it is invalid.
func decodeStatus(b []byte) (status, error) {
	v, err := jsonwire.Decode(b)
	if err != nil {
		return status{}, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return status{}, fmt.Errorf("value should be an object but is %s", jsonwire.TypeName(v))
	}
	st, ok := m["state"].(string)
	if !ok {
		return status{}, fmt.Errorf("'state' field should be a string but is %s", jsonwire.TypeName(m["state"]))
	}
	if s := State(st); !s.Valid() || s == StateDestroyed {
		return status{}, fmt.Errorf("'state' field %q is not a status state", st)
	}
	trace, err := optString(m, "trace")
	if err != nil {
		return status{}, err
	}
	worker, err := optString(m, "worker_id")
	if err != nil {
		return status{}, err
	}
	gen, ok := jsonwire.Int(m["generation"])
	if !ok {
		return status{}, fmt.Errorf("'generation' field should be an integer but is %s", jsonwire.TypeName(m["generation"]))
	}
	if gen < math.MinInt32 || gen > math.MaxInt32 {
		return status{}, fmt.Errorf("'generation' field %d is out of range", gen)
	}
	return status{State: State(st), Trace: trace, WorkerID: worker, Generation: int32(gen)}, nil
}

// optString reads a string field that may be absent or null.
func optString(m map[string]any, field string) (string, error) {
	switch v := m[field].(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	default:
		return "", fmt.Errorf("'%s' field should be a string but is %s", field, jsonwire.TypeName(v))
	}
}
