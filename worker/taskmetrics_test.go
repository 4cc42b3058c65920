package worker

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/internal/promtest"
	"github.com/gonnect/gonnect/offsets"
)

// metricsTask is an idle source task with its own collector.
type metricsTask struct{ c prometheus.Collector }

func (metricsTask) Start(context.Context, connectors.Config, connectors.TaskContext) error {
	return nil
}
func (metricsTask) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	<-ctx.Done()
	return nil, nil
}
func (metricsTask) Stop(context.Context) error      { return nil }
func (m metricsTask) Metrics() prometheus.Collector { return m.c }

// TestTaskMetricsRegistered: a task's own collector is exported with connector and
// task labels added, or as it is when it labels its series itself, and is gone once
// the task stops.
func TestTaskMetricsRegistered(t *testing.T) {
	k, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	plain := prometheus.NewGauge(prometheus.GaugeOpts{Name: "debezium_metrics_Connected", Help: "h"})
	labelled := prometheus.NewGauge(prometheus.GaugeOpts{Name: "gonnect_example_self_labelled", Help: "h",
		ConstLabels: prometheus.Labels{"connector": "b", "task": "0"}})
	reg := connectors.NewRegistry()
	reg.Add(&connectors.Plugin{Class: "t.A", NewConnector: func() connectors.Connector { return nil },
		NewSourceTask: func() connectors.SourceTask { return metricsTask{plain} }})
	reg.Add(&connectors.Plugin{Class: "t.B", NewConnector: func() connectors.Connector { return nil },
		NewSourceTask: func() connectors.SourceTask { return metricsTask{labelled} }})
	w := newTestWorker(t, reg, offsets.NewMemoryStore(), newStatusLog(), k.ListenAddrs())
	prom := prometheus.NewRegistry()
	w.deps.Metrics = prom
	a, b := TaskID{"a", 0}, TaskID{"b", 0}
	if err := w.StartTask(a, connectors.Config{"connector.class": "t.A"}, connectors.Config{}, TargetStarted); err != nil {
		t.Fatal(err)
	}
	if err := w.StartTask(b, connectors.Config{"connector.class": "t.B"}, connectors.Config{}, TargetStarted); err != nil {
		t.Fatal(err)
	}
	got, err := promtest.SeriesLabels(prom)
	if err != nil {
		t.Fatal(err)
	}
	if l := got["debezium_metrics_Connected"]; l["connector"] != "a" || l["task"] != "0" {
		t.Errorf("plain collector labels = %v, want connector=a task=0", l)
	}
	if l := got["gonnect_example_self_labelled"]; l["connector"] != "b" || l["task"] != "0" {
		t.Errorf("self-labelled collector labels = %v", l)
	}
	w.StopTasks([]TaskID{a, b})
	if n := testutil.CollectAndCount(prom); n != 0 {
		t.Errorf("%d series left after the tasks stopped", n)
	}
}
