package configstore

import (
	"fmt"

	"github.com/gonnect/gonnect/worker/configstore/jsonwire"
)

// RestartRequest is a KIP-745 restart: the connector, and with IncludeTasks its tasks;
// with OnlyFailed only the instances that are FAILED.
type RestartRequest struct {
	Connector    string
	IncludeTasks bool
	OnlyFailed   bool
}

// RestartRecord is restart-connector-<name> = {"include-tasks":..,"only-failed":..}.
func RestartRecord(r RestartRequest) Record {
	var o jsonwire.Object
	o.Bool("include-tasks", r.IncludeTasks)
	o.Bool("only-failed", r.OnlyFailed)
	return Record{Key: RestartKey(r.Connector), Value: o.Bytes()}
}

// DecodeRestart reads a restart request for connector. The value must be an object; a
// missing or non-boolean field defaults to false, as in Java.
func DecodeRestart(connector string, b []byte) (RestartRequest, error) {
	r, _, err := decodeRestart(connector, b)
	return r, err
}

// decodeRestart is DecodeRestart that also names the fields that were defaulted, for
// the reader's warning.
func decodeRestart(connector string, b []byte) (r RestartRequest, defaulted []string, err error) {
	v, err := jsonwire.Decode(b)
	if err != nil {
		return RestartRequest{}, nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return RestartRequest{}, nil, fmt.Errorf("value should be an object but is %s", jsonwire.TypeName(v))
	}
	flag := func(field string) bool {
		f, ok := m[field].(bool)
		if !ok {
			defaulted = append(defaulted, field)
		}
		return f
	}
	r = RestartRequest{Connector: connector, IncludeTasks: flag("include-tasks"), OnlyFailed: flag("only-failed")}
	return r, defaulted, nil
}
