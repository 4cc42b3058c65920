package worker

import "github.com/gonnect/gonnect/connectors"

// ConnectorConfig returns the raw config (as stored, before config providers) the
// connector instance running here was started with, and whether one runs here. The
// herder compares it with a newly read config to decide on a restart. Safe for
// concurrent use.
func (w *Worker) ConnectorConfig(name string) (connectors.Config, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r, ok := w.connectors[name]
	if !ok {
		return nil, false
	}
	return r.raw, true
}
