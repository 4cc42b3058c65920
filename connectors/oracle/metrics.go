package oracle

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are Debezium's LogMiner streaming metrics as Prometheus series named as
// Debezium's documented JMX exporter rules name them, debezium_metrics_<Attribute> with
// labels plugin="oracle", name (topic.prefix) and context="streaming", the way the
// MySQL connector exports its own; plus Gonnect's counters (gonnect_oracle_logminer_*)
// for every row the connector skipped, merged, suppressed or undid, so that a
// reconciliation can explain differences. The worker adds the connector and task
// labels when it exports a task's collector. Safe for concurrent use.
type Metrics struct {
	currentSCN            prometheus.Gauge
	oldestSCN             prometheus.Gauge
	lagMs                 prometheus.Gauge
	behindMs              prometheus.Gauge
	activeTransactions    prometheus.Gauge
	committedTransactions prometheus.Counter
	rolledBack            prometheus.Counter
	abandonedTransactions prometheus.Counter
	fetchQueryMs          prometheus.Gauge
	maxFetchQueryMs       prometheus.Gauge
	batchMs               prometheus.Gauge
	batchSize             prometheus.Gauge
	sleepMs               prometheus.Gauge
	bufferBytes           prometheus.Gauge
	spilledTransactions   prometheus.Counter
	rowsProcessed         prometheus.Counter
	undoApplied           prometheus.Counter
	undoUnmatched         prometheus.Counter
	skippedRows           *prometheus.CounterVec
	rowMovesMerged        prometheus.Counter
	physicalMovesDropped  prometheus.Counter
	ddlIgnored            prometheus.Counter

	all []prometheus.Collector
}

// NewMetrics returns the metrics of one task of the connector with topic.prefix name.
func NewMetrics(name string) *Metrics {
	dbz := prometheus.Labels{"plugin": "oracle", "name": name, "context": "streaming"}
	m := &Metrics{}
	dg := func(attr, help string) prometheus.Gauge {
		x := prometheus.NewGauge(prometheus.GaugeOpts{Name: "debezium_metrics_" + attr, Help: help, ConstLabels: dbz})
		m.all = append(m.all, x)
		return x
	}
	dc := func(attr, help string) prometheus.Counter {
		x := prometheus.NewCounter(prometheus.CounterOpts{Name: "debezium_metrics_" + attr, Help: help, ConstLabels: dbz})
		m.all = append(m.all, x)
		return x
	}
	g := func(name, help string) prometheus.Gauge {
		x := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "gonnect", Subsystem: "oracle_logminer", Name: name, Help: help})
		m.all = append(m.all, x)
		return x
	}
	c := func(name, help string) prometheus.Counter {
		x := prometheus.NewCounter(prometheus.CounterOpts{Namespace: "gonnect", Subsystem: "oracle_logminer", Name: name, Help: help})
		m.all = append(m.all, x)
		return x
	}
	m.currentSCN = dg("CurrentScn", "Upper SCN of the last mining window.")
	m.oldestSCN = dg("OldestScn", "Start SCN of the oldest buffered transaction.")
	m.lagMs = dg("LagFromSourceInMilliseconds", "Connector clock minus the last row's database time.")
	m.behindMs = dg("MilliSecondsBehindSource", "Connector clock minus the last row's database time (the common streaming attribute).")
	m.activeTransactions = dg("NumberOfActiveTransactions", "Transactions buffered, neither committed nor rolled back.")
	m.committedTransactions = dc("NumberOfCommittedTransactions", "Transactions committed and emitted.")
	m.rolledBack = dc("NumberOfRolledBackTransactions", "Transactions rolled back and discarded.")
	m.fetchQueryMs = dg("LastDurationOfFetchQueryInMilliseconds", "Duration of the last V$LOGMNR_CONTENTS query.")
	m.maxFetchQueryMs = dg("MaxDurationOfFetchQueryInMilliseconds", "Longest V$LOGMNR_CONTENTS query.")
	m.batchMs = dg("LastBatchProcessingTimeInMilliseconds", "Time to process the last mining window.")
	m.batchSize = dg("BatchSize", "Current SCN window size.")
	m.sleepMs = dg("MillisecondToSleepBetweenMiningQuery", "Current sleep between mining queries.")
	m.rowsProcessed = dc("TotalProcessedRows", "LogMiner rows processed.")
	m.abandonedTransactions = c("abandoned_transactions_total", "Transactions discarded by log.mining.transaction.retention.ms.")
	m.bufferBytes = g("buffer_memory_bytes", "Bytes of buffered transaction rows held in memory.")
	m.spilledTransactions = c("spills_total", "Times a transaction's buffered rows were moved to disk.")
	m.undoApplied = c("undo_rows_applied_total", "ROLLBACK=1 rows paired with the change they cancel.")
	m.undoUnmatched = c("undo_rows_unmatched_total", "ROLLBACK=1 rows whose transaction was not buffered.")
	m.skippedRows = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "gonnect", Subsystem: "oracle_logminer", Name: "skipped_rows_total",
		Help: "Rows skipped with a warning, by operation (INTERNAL, UNSUPPORTED, MISSING_SCN, ...)."}, []string{"operation"})
	m.all = append(m.all, m.skippedRows)
	m.rowMovesMerged = c("row_moves_merged_total", "DELETE+INSERT pairs of a partition row move emitted as one update.")
	m.physicalMovesDropped = c("physical_moves_dropped_total", "DELETE+INSERT pairs of identical images (segment maintenance) emitted as nothing.")
	m.ddlIgnored = c("ddl_ignored_total", "DDL statements recognised as not changing captured columns.")
	return m
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, c := range m.all {
		c.Describe(ch)
	}
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	for _, c := range m.all {
		c.Collect(ch)
	}
}

// CurrentSCNGauge exposes the CurrentScn gauge (the upper SCN of the last window).
func (m *Metrics) CurrentSCNGauge() prometheus.Gauge { return m.currentSCN }

// bufferGauge is for tests in this package's external test files.
func bufferGauge(m *Metrics) prometheus.Gauge { return m.bufferBytes }
