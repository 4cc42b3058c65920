package worker

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// Prometheus names follow what the Prometheus JMX exporter (Strimzi's rules) makes of
// Connect's MBeans, so existing dashboards need at most a small relabel:
// kafka.connect:type=source-task-metrics,connector=c,task=0 source-record-poll-total
// becomes kafka_connect_source_task_metrics_source_record_poll_total{connector,task}.
var (
	taskLabels = []string{"connector", "task"}

	descConnectorCount = prometheus.NewDesc("kafka_connect_worker_connector_count", "The number of connectors run in this worker.", nil, nil)
	descTaskCount      = prometheus.NewDesc("kafka_connect_worker_task_count", "The number of tasks run in this worker.", nil, nil)

	descPollTotal   = prometheus.NewDesc("kafka_connect_source_task_metrics_source_record_poll_total", "The total number of records produced/polled (before transformation) by this task.", taskLabels, nil)
	descWriteTotal  = prometheus.NewDesc("kafka_connect_source_task_metrics_source_record_write_total", "The number of records output from the transformations and written to Kafka for this task.", taskLabels, nil)
	descActiveCount = prometheus.NewDesc("kafka_connect_source_task_metrics_source_record_active_count", "The number of records that have been produced by this task but not yet completely written to Kafka.", taskLabels, nil)
	descPollAvg     = prometheus.NewDesc("kafka_connect_source_task_metrics_poll_batch_avg_time_ms", "The average time in milliseconds taken by this task to poll for a batch of source records.", taskLabels, nil)
	descPollMax     = prometheus.NewDesc("kafka_connect_source_task_metrics_poll_batch_max_time_ms", "The maximum time in milliseconds taken by this task to poll for a batch of source records.", taskLabels, nil)

	descReadTotal = prometheus.NewDesc("kafka_connect_sink_task_metrics_sink_record_read_total", "The total number of records read from Kafka by this task.", taskLabels, nil)
	descSendTotal = prometheus.NewDesc("kafka_connect_sink_task_metrics_sink_record_send_total", "The total number of records output from the transformations and sent/put to this task.", taskLabels, nil)
	descPutAvg    = prometheus.NewDesc("kafka_connect_sink_task_metrics_put_batch_avg_time_ms", "The average time taken by this task to put a batch of sinks records.", taskLabels, nil)
	descPutMax    = prometheus.NewDesc("kafka_connect_sink_task_metrics_put_batch_max_time_ms", "The maximum time taken by this task to put a batch of sinks records.", taskLabels, nil)

	descCommitOK      = prometheus.NewDesc("kafka_connect_connector_task_metrics_offset_commit_success_total", "The number of successful offset commits.", taskLabels, nil)
	descCommitFail    = prometheus.NewDesc("kafka_connect_connector_task_metrics_offset_commit_failure_total", "The number of failed offset commits.", taskLabels, nil)
	descCommitFailPct = prometheus.NewDesc("kafka_connect_connector_task_metrics_offset_commit_failure_percentage", "The fraction of this task's offset commit attempts that failed.", taskLabels, nil)
	descCommitAvg     = prometheus.NewDesc("kafka_connect_connector_task_metrics_offset_commit_avg_time_ms", "The average time in milliseconds taken by this task to commit offsets.", taskLabels, nil)
	descCommitMax     = prometheus.NewDesc("kafka_connect_connector_task_metrics_offset_commit_max_time_ms", "The maximum time in milliseconds taken by this task to commit offsets.", taskLabels, nil)
	descBatchMax      = prometheus.NewDesc("kafka_connect_connector_task_metrics_batch_size_max", "The number of records in the largest batch the task has processed so far.", taskLabels, nil)

	descFailures  = prometheus.NewDesc("kafka_connect_task_error_total_record_failures", "The number of record processing failures in this task.", taskLabels, nil)
	descSkipped   = prometheus.NewDesc("kafka_connect_task_error_total_records_skipped", "The number of records skipped due to errors.", taskLabels, nil)
	descRetries   = prometheus.NewDesc("kafka_connect_task_error_total_retries", "The number of operations retried.", taskLabels, nil)
	descLogged    = prometheus.NewDesc("kafka_connect_task_error_total_errors_logged", "The number of errors that were logged.", taskLabels, nil)
	descLastError = prometheus.NewDesc("kafka_connect_task_error_last_error_timestamp", "The epoch timestamp (ms) when this task last encountered an error.", taskLabels, nil)
)

// Collector returns the worker's Prometheus collector: counts of what runs here and
// per-task pipeline, commit and error metrics. Safe for concurrent scrapes.
func (w *Worker) Collector() prometheus.Collector { return workerCollector{w} }

type workerCollector struct{ w *Worker }

func (c workerCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descConnectorCount, descTaskCount, descPollTotal, descWriteTotal, descActiveCount,
		descPollAvg, descPollMax, descReadTotal, descSendTotal, descPutAvg, descPutMax, descCommitOK, descCommitFail,
		descCommitFailPct, descCommitAvg, descCommitMax, descBatchMax, descFailures, descSkipped, descRetries, descLogged, descLastError} {
		ch <- d
	}
}

func (c workerCollector) Collect(ch chan<- prometheus.Metric) {
	c.w.mu.Lock()
	nconn := len(c.w.connectors)
	tasks := make([]*taskRunner, 0, len(c.w.tasks))
	for _, t := range c.w.tasks {
		tasks = append(tasks, t)
	}
	c.w.mu.Unlock()
	gauge := func(d *prometheus.Desc, v float64, l ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, l...)
	}
	counter := func(d *prometheus.Desc, v float64, l ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, l...)
	}
	gauge(descConnectorCount, float64(nconn))
	gauge(descTaskCount, float64(len(tasks)))
	for _, t := range tasks {
		if t.metrics == nil {
			continue
		}
		l := []string{t.id.Connector, strconv.Itoa(t.id.Task)}
		m := t.metrics
		batches := float64(m.pollBatches.Load())
		avg := 0.0
		if batches > 0 {
			avg = float64(m.pollNanos.Load()) / batches / 1e6
		}
		if t.sink {
			counter(descReadTotal, float64(m.polled.Load()), l...)
			counter(descSendTotal, float64(m.written.Load()), l...)
			gauge(descPutAvg, avg, l...)
			gauge(descPutMax, float64(m.pollMaxNanos.Load())/1e6, l...)
		} else {
			counter(descPollTotal, float64(m.polled.Load()), l...)
			counter(descWriteTotal, float64(m.written.Load()), l...)
			gauge(descActiveCount, float64(m.activeRecords()), l...)
			gauge(descPollAvg, avg, l...)
			gauge(descPollMax, float64(m.pollMaxNanos.Load())/1e6, l...)
		}
		ok, fail := float64(m.commitOK.Load()), float64(m.commitFail.Load())
		counter(descCommitOK, ok, l...)
		counter(descCommitFail, fail, l...)
		pct, cavg := 0.0, 0.0
		if ok+fail > 0 {
			pct = fail / (ok + fail)
			cavg = float64(m.commitNanos.Load()) / (ok + fail) / 1e6
		}
		gauge(descCommitFailPct, pct, l...)
		gauge(descCommitAvg, cavg, l...)
		gauge(descCommitMax, float64(m.commitMaxNanos.Load())/1e6, l...)
		gauge(descBatchMax, float64(m.maxBatchSize.Load()), l...)
		if e := t.errs; e != nil {
			counter(descFailures, float64(e.failures.Load()), l...)
			counter(descSkipped, float64(e.skipped.Load()), l...)
			counter(descRetries, float64(e.retries.Load()), l...)
			counter(descLogged, float64(e.logged.Load()), l...)
			gauge(descLastError, float64(e.lastErrorMs.Load()), l...)
		}
	}
}
