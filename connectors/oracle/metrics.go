package oracle

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are Debezium's LogMiner streaming metrics (the MBean attributes named in
// each series' help) plus Gonnect's counters for every row the connector skipped,
// merged, suppressed or undid, so that a reconciliation can explain differences.
// Series carry the labels connector and task. Safe for concurrent use.
type Metrics struct {
	currentSCN            prometheus.Gauge
	oldestSCN             prometheus.Gauge
	lagMs                 prometheus.Gauge
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

// NewMetrics returns metrics labelled for one connector task.
func NewMetrics(connector, task string) *Metrics {
	labels := prometheus.Labels{"connector": connector, "task": task}
	m := &Metrics{}
	g := func(name, help string) prometheus.Gauge {
		x := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "gonnect", Subsystem: "oracle_logminer", Name: name, Help: help, ConstLabels: labels})
		m.all = append(m.all, x)
		return x
	}
	c := func(name, help string) prometheus.Counter {
		x := prometheus.NewCounter(prometheus.CounterOpts{Namespace: "gonnect", Subsystem: "oracle_logminer", Name: name, Help: help, ConstLabels: labels})
		m.all = append(m.all, x)
		return x
	}
	m.currentSCN = g("current_scn", "Debezium CurrentScn: upper SCN of the last mining window.")
	m.oldestSCN = g("oldest_scn", "Debezium OldestScn: start SCN of the oldest buffered transaction.")
	m.lagMs = g("lag_from_source_milliseconds", "Debezium LagFromSourceInMilliseconds: connector clock minus the last row's database time.")
	m.activeTransactions = g("active_transactions", "Debezium NumberOfActiveTransactions.")
	m.committedTransactions = c("committed_transactions_total", "Debezium NumberOfCommittedTransactions.")
	m.rolledBack = c("rolled_back_transactions_total", "Debezium NumberOfRolledBackTransactions.")
	m.abandonedTransactions = c("abandoned_transactions_total", "Transactions discarded by log.mining.transaction.retention.ms.")
	m.fetchQueryMs = g("last_fetch_query_duration_milliseconds", "Debezium LastDurationOfFetchQueryInMilliseconds.")
	m.maxFetchQueryMs = g("max_fetch_query_duration_milliseconds", "Debezium MaxDurationOfFetchQueryInMilliseconds.")
	m.batchMs = g("last_batch_processing_milliseconds", "Debezium LastBatchProcessingTimeInMilliseconds.")
	m.batchSize = g("batch_size", "Debezium BatchSize: current SCN window size.")
	m.sleepMs = g("sleep_time_milliseconds", "Debezium MillisecondToSleepBetweenMiningQuery.")
	m.bufferBytes = g("buffer_memory_bytes", "Bytes of buffered transaction rows held in memory.")
	m.spilledTransactions = c("spills_total", "Times a transaction's buffered rows were moved to disk.")
	m.rowsProcessed = c("rows_processed_total", "Debezium TotalProcessedRows.")
	m.undoApplied = c("undo_rows_applied_total", "ROLLBACK=1 rows paired with the change they cancel.")
	m.undoUnmatched = c("undo_rows_unmatched_total", "ROLLBACK=1 rows whose transaction was not buffered.")
	m.skippedRows = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "gonnect", Subsystem: "oracle_logminer", Name: "skipped_rows_total",
		Help: "Rows skipped with a warning, by operation (INTERNAL, UNSUPPORTED, MISSING_SCN, ...).", ConstLabels: labels}, []string{"operation"})
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
