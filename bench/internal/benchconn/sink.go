package benchconn

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/gonnect/gonnect/bench/internal/harness"
	"github.com/gonnect/gonnect/connectors"
)

// SinkClass is the class name of the no-op sink.
const SinkClass = "io.gonnect.bench.NoopSinkConnector"

// SinkReport is what the no-op sink prints (as "@sink-done <json>" on stdout) once its
// tasks together have seen the expected number of records: the active window from the
// first record handed to Put to the one that completed the count, and this process's
// CPU time over that window.
type SinkReport struct {
	Records int64 `json:"records"`
	Bytes   int64 `json:"bytes"` // keys plus values
	StartNs int64 `json:"start_ns"`
	EndNs   int64 `json:"end_ns"`
	CPUNs   int64 `json:"cpu_ns"`
	PeakRSS int64 `json:"peak_rss"`
}

// SinkPlugin returns the no-op sink. Keys: topics (the worker's), expect (records
// after which to report; required). Put only counts records and bytes; Flush does
// nothing. The count is shared by all of the connector's tasks in the process.
func SinkPlugin() *connectors.Plugin {
	return &connectors.Plugin{
		Class: SinkClass, Version: "bench",
		NewConnector: func() connectors.Connector { return &sink{} },
		NewSinkTask:  func() connectors.SinkTask { return &sinkTask{} },
	}
}

func sinkDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(connectors.ConfigKey{Name: "expect", Type: connectors.TypeLong, Required: true, Validator: connectors.AtLeast(1), Documentation: "Records after which the sink reports"})
}

type sink struct {
	connectors.Sink
	cfg connectors.Config
}

func (c *sink) ConfigDef() *connectors.ConfigDef { return sinkDef() }

func (c *sink) Start(_ context.Context, cfg connectors.Config, _ connectors.ConnectorContext) error {
	if _, err := sinkDef().Parse(cfg); err != nil {
		return err
	}
	c.cfg = cfg
	return nil
}

func (c *sink) TaskConfigs(maxTasks int) ([]connectors.Config, error) {
	out := make([]connectors.Config, maxTasks)
	for i := range out {
		out[i] = c.cfg.Clone()
	}
	return out, nil
}

func (c *sink) Stop(context.Context) error { return nil }

// counters is the per-process tally of every no-op sink task.
type counters struct {
	mu       sync.Mutex // guards the fields below
	records  int64
	bytes    int64
	start    time.Time
	cpu0     time.Duration
	reported bool
}

var tally counters

type sinkTask struct{ expect int64 }

func (t *sinkTask) Start(_ context.Context, cfg connectors.Config, _ connectors.SinkTaskContext) error {
	p, err := sinkDef().Parse(cfg)
	if err != nil {
		return err
	}
	t.expect = p["expect"].(int64)
	return nil
}

func (t *sinkTask) Put(_ context.Context, rs []*connectors.SinkRecord) error {
	if len(rs) == 0 {
		return nil
	}
	var b int64
	for _, r := range rs {
		b += int64(size(r.Key) + size(r.Value))
	}
	tally.mu.Lock()
	defer tally.mu.Unlock()
	if tally.records == 0 {
		tally.start = time.Now()
		tally.cpu0, _ = harness.SelfUsage()
	}
	tally.records += int64(len(rs))
	tally.bytes += b
	if tally.records >= t.expect && !tally.reported {
		tally.reported = true
		end := time.Now()
		cpu, peak := harness.SelfUsage()
		rep, _ := json.Marshal(SinkReport{Records: tally.records, Bytes: tally.bytes, StartNs: tally.start.UnixNano(),
			EndNs: end.UnixNano(), CPUNs: int64(cpu - tally.cpu0), PeakRSS: peak})
		fmt.Fprintf(os.Stdout, "@sink-done %s\n", rep)
	}
	return nil
}

func size(v any) int {
	switch x := v.(type) {
	case []byte:
		return len(x)
	case string:
		return len(x)
	}
	return 0
}

func (t *sinkTask) Flush(context.Context, map[connectors.TopicPartition]int64) error { return nil }

func (t *sinkTask) Stop(context.Context) error { return nil }
