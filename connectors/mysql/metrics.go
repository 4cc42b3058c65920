package mysql

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are Debezium's snapshot and streaming metrics as Prometheus series named as
// Debezium's documented JMX exporter rules name them: debezium_metrics_<Attribute> with
// labels plugin (mysql|mariadb), name (topic.prefix) and context (snapshot|streaming);
// RowsScanned also has table. Safe for concurrent use.
type metrics struct {
	reg *prometheus.Registry

	snapshotRunning, snapshotCompleted, rowsScanned  *prometheus.GaugeVec
	behind, connected, queueCapacity, queueRemaining prometheus.Gauge
	eventsSeen, committedTx                          prometheus.Counter
	snapEvents                                       prometheus.Counter
	snapshotRows                                     *prometheus.GaugeVec
}

func newMetrics(plugin, name string) *metrics {
	labels := func(ctx string) prometheus.Labels {
		return prometheus.Labels{"plugin": plugin, "name": name, "context": ctx}
	}
	g := func(attr, help, ctx string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Name: "debezium_metrics_" + attr, Help: help, ConstLabels: labels(ctx)})
	}
	c := func(attr, help, ctx string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: "debezium_metrics_" + attr, Help: help, ConstLabels: labels(ctx)})
	}
	m := &metrics{reg: prometheus.NewRegistry()}
	m.snapshotRunning = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "debezium_metrics_SnapshotRunning", Help: "1 while a snapshot runs.", ConstLabels: labels("snapshot")}, nil)
	m.snapshotCompleted = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "debezium_metrics_SnapshotCompleted", Help: "1 once the snapshot completed.", ConstLabels: labels("snapshot")}, nil)
	m.rowsScanned = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "debezium_metrics_RowsScanned", Help: "Rows read per table during the snapshot.", ConstLabels: labels("snapshot")}, []string{"table"})
	m.snapshotRows = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "debezium_metrics_RowsExpected", Help: "Estimated rows per table at snapshot start (information_schema).", ConstLabels: labels("snapshot")}, []string{"table"})
	m.snapEvents = c("TotalNumberOfEventsSeen", "Events seen.", "snapshot")
	m.behind = g("MilliSecondsBehindSource", "Time between the change in the database and its processing.", "streaming")
	m.connected = g("Connected", "1 while connected to the database.", "streaming")
	m.queueCapacity = g("QueueTotalCapacity", "Capacity of the queue between the reader and Poll.", "streaming")
	m.queueRemaining = g("QueueRemainingCapacity", "Free slots of the queue.", "streaming")
	m.eventsSeen = c("TotalNumberOfEventsSeen", "Events seen.", "streaming")
	m.committedTx = c("NumberOfCommittedTransactions", "Committed transactions processed.", "streaming")
	m.reg.MustRegister(m.snapshotRunning, m.snapshotCompleted, m.rowsScanned, m.snapshotRows, m.snapEvents, m.behind,
		m.connected, m.queueCapacity, m.queueRemaining, m.eventsSeen, m.committedTx)
	return m
}

// Describe implements prometheus.Collector.
func (m *metrics) Describe(ch chan<- *prometheus.Desc) { m.reg.Describe(ch) }

// Collect implements prometheus.Collector.
func (m *metrics) Collect(ch chan<- prometheus.Metric) { m.reg.Collect(ch) }

// Metrics implements connectors.MetricsProvider.
func (t *Task) Metrics() prometheus.Collector {
	if t.metrics == nil {
		t.metrics = newMetrics(map[bool]string{true: "mariadb", false: "mysql"}[t.mariadb], "")
	}
	return t.metrics
}
