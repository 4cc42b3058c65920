package herder

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
)

// flaky is a source whose tasks fail on their first poll while failuresLeft > 0.
var failuresLeft atomic.Int32

type flakyConnector struct{ connectors.Source }

func (flakyConnector) ConfigDef() *connectors.ConfigDef { return connectors.NewConfigDef() }
func (flakyConnector) Start(context.Context, connectors.Config, connectors.ConnectorContext) error {
	return nil
}
func (flakyConnector) TaskConfigs(int) ([]connectors.Config, error) {
	return []connectors.Config{{}}, nil
}
func (flakyConnector) Stop(context.Context) error { return nil }

type flakyTask struct{}

func (flakyTask) Start(context.Context, connectors.Config, connectors.TaskContext) error { return nil }
func (flakyTask) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	if failuresLeft.Add(-1) >= 0 {
		return nil, errors.New("boom")
	}
	<-ctx.Done()
	return nil, nil
}
func (flakyTask) Stop(context.Context) error { return nil }

func flakyPlugin() *connectors.Plugin {
	return &connectors.Plugin{Class: "test.Flaky", NewConnector: func() connectors.Connector { return flakyConnector{} },
		NewSourceTask: func() connectors.SourceTask { return flakyTask{} }}
}

func taskState(h *Herder, name string) string {
	_, ts := state(h, name)
	if len(ts) == 0 {
		return ""
	}
	return ts[0]
}

// TestAutoRestartRecoversFailedTasks: with auto restart on, a task that fails twice
// is restarted with backoff until it runs; with it off (the default, as in Java) the
// task stays FAILED.
func TestAutoRestartRecoversFailedTasks(t *testing.T) {
	ctx := context.Background()
	t.Run("enabled", func(t *testing.T) {
		failuresLeft.Store(2)
		h, _ := standaloneWith(t, AutoRestart{Enabled: true, InitialBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
		eventually(t, "leadership", func() bool { return h.getView().leader })
		if _, _, err := h.PutConnectorConfig(ctx, "flaky", map[string]string{"name": "flaky", "connector.class": "test.Flaky"}, false, nil); err != nil {
			t.Fatal(err)
		}
		eventually(t, "task RUNNING after automatic restarts", func() bool { return taskState(h, "flaky") == "RUNNING" && failuresLeft.Load() < 0 })
	})
	t.Run("disabled", func(t *testing.T) {
		failuresLeft.Store(1)
		h, _ := standaloneWith(t, AutoRestart{})
		eventually(t, "leadership", func() bool { return h.getView().leader })
		if _, _, err := h.PutConnectorConfig(ctx, "flaky", map[string]string{"name": "flaky", "connector.class": "test.Flaky"}, false, nil); err != nil {
			t.Fatal(err)
		}
		eventually(t, "task FAILED", func() bool { return taskState(h, "flaky") == "FAILED" })
		// Well past the first backoff the enabled case would use, it is still FAILED.
		deadline := time.Now().Add(300 * time.Millisecond)
		for time.Now().Before(deadline) {
			if s := taskState(h, "flaky"); s != "FAILED" {
				t.Fatalf("task state %s without auto restart", s)
			}
			time.Sleep(20 * time.Millisecond) // sampling for a fixed window
		}
	})
}
