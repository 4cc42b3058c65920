package oracle_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/internal/promtest"
)

// TestMetricNames: the LogMiner metrics carry Debezium's attribute names under
// debezium_metrics_ with plugin, name (topic.prefix) and context labels, as Debezium's
// JMX exporter rules publish them, and Gonnect's own counters under
// gonnect_oracle_logminer_; none carries connector or task labels itself (the worker
// adds them when it exports a task's collector).
func TestMetricNames(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(oracle.NewMetrics("server1"))
	got, err := promtest.SeriesLabels(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, attr := range []string{"CurrentScn", "OldestScn", "LagFromSourceInMilliseconds", "MilliSecondsBehindSource",
		"NumberOfActiveTransactions", "NumberOfCommittedTransactions", "NumberOfRolledBackTransactions",
		"LastDurationOfFetchQueryInMilliseconds", "MaxDurationOfFetchQueryInMilliseconds",
		"LastBatchProcessingTimeInMilliseconds", "BatchSize", "MillisecondToSleepBetweenMiningQuery", "TotalProcessedRows"} {
		l, ok := got["debezium_metrics_"+attr]
		if !ok {
			t.Errorf("debezium_metrics_%s missing", attr)
			continue
		}
		if l["plugin"] != "oracle" || l["name"] != "server1" || l["context"] != "streaming" || len(l) != 3 {
			t.Errorf("debezium_metrics_%s labels %v, want plugin=oracle name=server1 context=streaming", attr, l)
		}
	}
	for _, name := range []string{"gonnect_oracle_logminer_buffer_memory_bytes", "gonnect_oracle_logminer_spills_total",
		"gonnect_oracle_logminer_row_moves_merged_total", "gonnect_oracle_logminer_ddl_ignored_total"} {
		l, ok := got[name]
		if !ok {
			t.Errorf("%s missing", name)
		} else if len(l) != 0 {
			t.Errorf("%s labels %v, want none of its own", name, l)
		}
	}
}
