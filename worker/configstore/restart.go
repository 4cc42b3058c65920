package configstore

import (
	"fmt"
	"log/slog"

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
// missing or non-boolean field defaults to false (with a warning), as in Java.
func DecodeRestart(connector string, b []byte) (RestartRequest, error) {
	v, err := jsonwire.Decode(b)
	if err != nil {
		return RestartRequest{}, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return RestartRequest{}, fmt.Errorf("value should be an object but is %s", jsonwire.TypeName(v))
	}
	flag := func(field string) bool {
		f, ok := m[field].(bool)
		if !ok {
			slog.Warn("config topic: restart request field is not a boolean, using false",
				"connector", connector, "field", field, "type", jsonwire.TypeName(m[field]))
		}
		return f
	}
	return RestartRequest{Connector: connector, IncludeTasks: flag("include-tasks"), OnlyFailed: flag("only-failed")}, nil
}
