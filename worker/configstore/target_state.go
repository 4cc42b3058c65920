package configstore

import (
	"fmt"

	"github.com/gonnect/gonnect/worker/configstore/jsonwire"
)

// TargetState is the state a connector and its tasks are asked to be in.
type TargetState string

// The target states. STOPPED (Kafka 3.5, KIP-875) is unknown to older workers.
const (
	TargetStarted TargetState = "STARTED"
	TargetPaused  TargetState = "PAUSED"
	TargetStopped TargetState = "STOPPED"
)

// Valid reports whether s is one of the three target states.
func (s TargetState) Valid() bool {
	return s == TargetStarted || s == TargetPaused || s == TargetStopped
}

// ParseTargetState parses a target state name (exact, upper case, as Java's valueOf).
func ParseTargetState(s string) (TargetState, error) {
	if t := TargetState(s); t.Valid() {
		return t, nil
	}
	return "", fmt.Errorf("invalid target state %q: want STARTED, PAUSED or STOPPED", s)
}

// TargetStateRecord is target-state-<name> = {"state":...,"state.v2":...}. The "state"
// field downgrades STOPPED to PAUSED for workers older than Kafka 3.5, which only read
// that field.
func TargetStateRecord(name string, s TargetState) Record {
	legacy := s
	if s == TargetStopped {
		legacy = TargetPaused
	}
	var o jsonwire.Object
	o.String("state", string(legacy))
	v2 := string(s)
	o.OptionalString("state.v2", &v2)
	return Record{Key: TargetStateKey(name), Value: o.Bytes()}
}

// TargetStateTombstone is target-state-<name> = null, written when a connector is deleted.
func TargetStateTombstone(name string) Record { return Record{Key: TargetStateKey(name)} }

// DecodeTargetState reads a target-state value: "state.v2" when present and a string,
// else "state" (all that workers before 3.5 wrote).
func DecodeTargetState(b []byte) (TargetState, error) {
	v, err := jsonwire.Decode(b)
	if err != nil {
		return "", err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return "", fmt.Errorf("value should be an object but is %s", jsonwire.TypeName(v))
	}
	raw, ok := m["state.v2"].(string)
	if !ok {
		// Absent, null or of the wrong type: fall back on the older field.
		if raw, ok = m["state"].(string); !ok {
			return "", fmt.Errorf("'state' field should be a string but is %s", jsonwire.TypeName(m["state"]))
		}
	}
	return ParseTargetState(raw)
}
