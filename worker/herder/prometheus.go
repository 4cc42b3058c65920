package herder

import (
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	descConnStatus  = prometheus.NewDesc("kafka_connect_connector_status", "The status of the connector (1 for the current status).", []string{"connector", "status"}, nil)
	descTaskStatus  = prometheus.NewDesc("kafka_connect_connector_task_status", "The status of the connector task (1 for the current status).", []string{"connector", "task", "status"}, nil)
	descTaskCounts  = map[string]*prometheus.Desc{}
	descRebalancing = prometheus.NewDesc("kafka_connect_worker_rebalance_rebalancing", "Whether this worker is currently rebalancing.", nil, nil)
	descRebalances  = prometheus.NewDesc("kafka_connect_worker_rebalance_completed_rebalances_total", "The total number of rebalances completed by this worker.", nil, nil)
	descEpoch       = prometheus.NewDesc("kafka_connect_worker_rebalance_epoch", "The epoch or generation number of this worker.", nil, nil)
	descSinceRebal  = prometheus.NewDesc("kafka_connect_worker_rebalance_time_since_last_rebalance_ms", "The time in milliseconds since this worker completed the most recent rebalance.", nil, nil)
	descLeader      = prometheus.NewDesc("kafka_connect_worker_rebalance_leader", "1 when this worker is the group leader.", nil, nil)
)

// taskCountStates are the per-connector task counts Connect's worker metrics report.
var taskCountStates = []string{"total", "running", "paused", "failed", "unassigned", "restarting", "destroyed"}

func init() {
	for _, s := range taskCountStates {
		descTaskCounts[s] = prometheus.NewDesc("kafka_connect_worker_connector_"+s+"_task_count",
			"The number of "+s+" tasks of the connector on the worker.", []string{"connector"}, nil)
	}
}

// rebalanceStats is updated by the herder goroutine and read by scrapes.
type rebalanceStats struct {
	completed atomic.Int64
	lastNanos atomic.Int64
}

// Collector returns the herder's Prometheus collector: the status of the connectors
// and tasks running on this worker (as Connect's connector-metrics and worker
// metrics), and rebalance metrics. Safe for concurrent scrapes.
func (h *Herder) Collector() prometheus.Collector { return herderCollector{h} }

type herderCollector struct{ h *Herder }

func (c herderCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descConnStatus
	ch <- descTaskStatus
	for _, d := range descTaskCounts {
		ch <- d
	}
	for _, d := range []*prometheus.Desc{descRebalancing, descRebalances, descEpoch, descSinceRebal, descLeader} {
		ch <- d
	}
}

func (c herderCollector) Collect(ch chan<- prometheus.Metric) {
	h := c.h
	one := func(d *prometheus.Desc, v float64, l ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, l...)
	}
	for _, name := range h.w.Connectors() {
		if st, ok := h.statuses.Connector(name); ok {
			one(descConnStatus, 1, name, strings.ToLower(st.State))
		}
		counts := map[string]int{}
		for _, st := range h.statuses.Tasks(name) {
			counts["total"]++
			counts[strings.ToLower(st.State)]++
		}
		for _, s := range taskCountStates {
			one(descTaskCounts[s], float64(counts[s]), name)
		}
	}
	for _, id := range h.w.Tasks() {
		if st, ok := h.statuses.Task(id); ok {
			one(descTaskStatus, 1, id.Connector, strconv.Itoa(id.Task), strings.ToLower(st.State))
		}
	}
	v := h.getView()
	one(descRebalancing, b2f(v.rebalancing))
	ch <- prometheus.MustNewConstMetric(descRebalances, prometheus.CounterValue, float64(h.rstats.completed.Load()))
	one(descEpoch, float64(v.generation))
	if last := h.rstats.lastNanos.Load(); last > 0 {
		one(descSinceRebal, float64(time.Since(time.Unix(0, last)).Milliseconds()))
	}
	one(descLeader, b2f(v.leader))
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
