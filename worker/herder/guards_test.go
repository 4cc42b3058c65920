package herder

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/rest/entities"
)

// badConfigs is a connector whose TaskConfigs fails.
type badConfigs struct{ connectors.Source }

func (badConfigs) ConfigDef() *connectors.ConfigDef { return connectors.NewConfigDef() }
func (badConfigs) Start(context.Context, connectors.Config, connectors.ConnectorContext) error {
	return nil
}
func (badConfigs) TaskConfigs(int) ([]connectors.Config, error) {
	return nil, errors.New("cannot list the tables")
}
func (badConfigs) Stop(context.Context) error { return nil }

// TestTaskConfigFailureFailsConnector: a connector that cannot produce task configs is
// FAILED with the reason, never left RUNNING with no tasks.
func TestTaskConfigFailureFailsConnector(t *testing.T) {
	h, _ := standalone(t)
	h.reg.Add(&connectors.Plugin{Class: "test.BadConfigs", NewConnector: func() connectors.Connector { return badConfigs{} },
		NewSourceTask: func() connectors.SourceTask { return flakyTask{} }})
	ctx := context.Background()
	eventually(t, "leadership", func() bool { return h.getView().leader })
	if _, _, err := h.PutConnectorConfig(ctx, "bad", map[string]string{"name": "bad", "connector.class": "test.BadConfigs"}, false, nil); err != nil {
		t.Fatal(err)
	}
	eventually(t, "connector FAILED with the reason", func() bool {
		st, err := h.ConnectorStatus(ctx, "bad")
		return err == nil && st.Connector.State == "FAILED" && strings.Contains(st.Connector.Trace, "cannot list the tables")
	})
}

// TestStoppedConnectorRefusesTaskConfigs: once STOPPED, the leader refuses non-empty
// task configs (Connect's 400), so no task can come back before a resume.
func TestStoppedConnectorRefusesTaskConfigs(t *testing.T) {
	h, _ := standalone(t)
	ctx := context.Background()
	eventually(t, "leadership", func() bool { return h.getView().leader })
	file := filepath.Join(t.TempDir(), "in.txt")
	os.WriteFile(file, []byte("a\n"), 0o644)
	if _, _, err := h.PutConnectorConfig(ctx, "src", map[string]string{"name": "src", "connector.class": "FileStreamSource", "file": file, "topic": "t"}, false, nil); err != nil {
		t.Fatal(err)
	}
	eventually(t, "stop accepted", func() bool { return h.StopConnector(ctx, "src") == nil })
	eventually(t, "STOPPED", func() bool { c, ts := state(h, "src"); return c == "STOPPED" && len(ts) == 0 })
	var err error
	eventually(t, "an answer that is not a rebalance 409", func() bool {
		err = h.PutTaskConfigs(ctx, "src", []map[string]string{{"file": file, "topic": "t"}})
		return !errors.Is(err, entities.ErrRebalanceNeeded)
	})
	var bad *entities.BadRequestError
	if !errors.As(err, &bad) || !strings.Contains(bad.Msg, "stopped connector") {
		t.Fatalf("task configs for a STOPPED connector: %v, want a 400", err)
	}
	if err := h.PutTaskConfigs(ctx, "src", nil); err != nil {
		t.Fatalf("an empty task set for a STOPPED connector: %v", err)
	}
}
