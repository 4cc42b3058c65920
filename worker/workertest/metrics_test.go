package workertest

import (
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape fetches /metrics and parses it with Prometheus' own text parser.
func scrape(t *testing.T, url string) map[string][]map[string]string {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /metrics: %d", resp.StatusCode)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	out := map[string][]map[string]string{}
	for name, f := range fams {
		for _, m := range f.Metric {
			labels := map[string]string{}
			for _, l := range m.Label {
				labels[l.GetName()] = l.GetValue()
			}
			out[name] = append(out[name], labels)
		}
	}
	return out
}

// TestMetricsEndpoint runs a connector and checks that /metrics carries the worker,
// connector, task and rebalance series under the names the JMX exporter gives Connect's
// MBeans, with connector and task labels, plus Go runtime and process metrics.
func TestMetricsEndpoint(t *testing.T) {
	c := NewCluster(t, 1)
	w := c.Workers()[0]
	if code := put(t, w.URL+"/connectors/m/config", map[string]string{
		"connector.class": "io.gonnect.test.SequenceSourceConnector", "topic": "m", "tasks.max": "2", "limit": "100",
	}); code != 201 {
		t.Fatalf("create: %d", code)
	}
	Eventually(t, 30*time.Second, "running", func() bool { s, _ := getStatus(w.URL, "m"); return allRunning(s, 2) })
	var fams map[string][]map[string]string
	Eventually(t, 30*time.Second, "an offset commit in the metrics", func() bool {
		fams = scrape(t, w.URL)
		return len(fams["kafka_connect_connector_task_metrics_offset_commit_success_total"]) == 2
	})
	withLabels := map[string][]string{
		"kafka_connect_connector_status":                                   {"connector", "status"},
		"kafka_connect_connector_task_status":                              {"connector", "task", "status"},
		"kafka_connect_worker_connector_count":                             nil,
		"kafka_connect_worker_task_count":                                  nil,
		"kafka_connect_worker_connector_failed_task_count":                 {"connector"},
		"kafka_connect_worker_connector_running_task_count":                {"connector"},
		"kafka_connect_worker_rebalance_rebalancing":                       nil,
		"kafka_connect_worker_rebalance_completed_rebalances_total":        nil,
		"kafka_connect_source_task_metrics_source_record_poll_total":       {"connector", "task"},
		"kafka_connect_source_task_metrics_source_record_write_total":      {"connector", "task"},
		"kafka_connect_connector_task_metrics_offset_commit_failure_total": {"connector", "task"},
		"kafka_connect_connector_task_metrics_offset_commit_avg_time_ms":   {"connector", "task"},
		"kafka_connect_task_error_total_record_failures":                   {"connector", "task"},
		"go_goroutines":                 nil,
		"process_resident_memory_bytes": nil,
	}
	for name, labels := range withLabels {
		series, ok := fams[name]
		if !ok {
			t.Errorf("missing series %s", name)
			continue
		}
		for _, l := range labels {
			if series[0][l] == "" {
				t.Errorf("%s lacks label %s: %v", name, l, series[0])
			}
		}
	}
	for _, s := range fams["kafka_connect_connector_status"] {
		if s["connector"] == "m" && s["status"] != "running" {
			t.Errorf("connector status label = %q, want running", s["status"])
		}
	}
}
