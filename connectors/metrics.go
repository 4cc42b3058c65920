package connectors

import "github.com/prometheus/client_golang/prometheus"

// MetricsProvider is implemented by connectors and tasks that export metrics of their
// own (Debezium's snapshot and streaming metrics, for example). The worker registers
// the collector when the task starts and unregisters it when the task stops, so a
// collector must describe only series labelled for its own connector and task.
type MetricsProvider interface {
	Metrics() prometheus.Collector
}
