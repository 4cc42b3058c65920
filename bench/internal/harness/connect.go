package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
)

// State is a connector's or task's state as GET /connectors/{c}/status reports it.
type State struct {
	ID       int    `json:"id"`
	State    string `json:"state"`
	WorkerID string `json:"worker_id"`
	Trace    string `json:"trace,omitempty"`
}

// Status is the body of GET /connectors/{c}/status.
type Status struct {
	Name      string  `json:"name"`
	Connector State   `json:"connector"`
	Tasks     []State `json:"tasks"`
}

// Running reports whether the connector and at least one task are RUNNING and no
// task is in another state.
func (s Status) Running() bool {
	if s.Connector.State != "RUNNING" || len(s.Tasks) == 0 {
		return false
	}
	for _, t := range s.Tasks {
		if t.State != "RUNNING" {
			return false
		}
	}
	return true
}

// ConnectorStatus fetches GET base/connectors/{name}/status; found is false on 404.
func ConnectorStatus(ctx context.Context, base, name string) (st Status, found bool, err error) {
	code, b, _, err := Call(ctx, "GET", base+"/connectors/"+url.PathEscape(name)+"/status", nil)
	if err != nil || code == 404 {
		return st, false, err
	}
	if code != 200 {
		return st, false, fmt.Errorf("status of %s: HTTP %d: %s", name, code, b)
	}
	return st, true, json.Unmarshal(b, &st)
}

// AllStatuses fetches GET base/connectors?expand=status.
func AllStatuses(ctx context.Context, base string) (map[string]Status, error) {
	b, _, err := CallOK(ctx, "GET", base+"/connectors?expand=status", nil)
	if err != nil {
		return nil, err
	}
	var m map[string]struct {
		Status Status `json:"status"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("GET /connectors?expand=status: %w", err)
	}
	out := make(map[string]Status, len(m))
	for k, v := range m {
		out[k] = v.Status
	}
	return out, nil
}
