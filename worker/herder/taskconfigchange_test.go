package herder

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func reviewSetup(t *testing.T) (*Herder, []string, string) {
	h, c := standalone(t)
	eventually(t, "leadership", func() bool { return h.getView().leader })
	file := filepath.Join(t.TempDir(), "in.txt")
	os.WriteFile(file, []byte("a\n"), 0o644)
	cfg := map[string]string{"name": "src", "connector.class": "FileStreamSource", "file": file, "topic": "t1"}
	if _, _, err := h.PutConnectorConfig(context.Background(), "src", cfg, false, nil); err != nil {
		t.Fatal(err)
	}
	eventually(t, "RUNNING", func() bool { c, ts := state(h, "src"); return c == "RUNNING" && len(ts) == 1 && ts[0] == "RUNNING" })
	return h, c.ListenAddrs(), file
}

func storedTopic(h *Herder) string {
	tc, _ := h.TaskConfigs(context.Background(), "src")
	if len(tc) == 0 {
		return ""
	}
	return tc[0].Config["topic"]
}

// PUT of a changed config through the herder must restart the connector (spec §2.3
// step 7) so that it regenerates its task configs.
func TestReviewPutChangedConfigRegeneratesTasks(t *testing.T) {
	h, _, file := reviewSetup(t)
	cfg := map[string]string{"name": "src", "connector.class": "FileStreamSource", "file": file, "topic": "t2"}
	if _, _, err := h.PutConnectorConfig(context.Background(), "src", cfg, true, nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && storedTopic(h) != "t2" {
		time.Sleep(50 * time.Millisecond)
	}
	if got := storedTopic(h); got != "t2" {
		t.Fatalf("stored task config topic = %q after PUT with topic=t2: connector was not restarted", got)
	}
}

// New task configs must reach the running task (Java restarts tasks whose configs
// changed); here the config is written behind the herder's back so that the
// connector restart works, isolating the task side.
func TestNewTaskConfigsRestartTasks(t *testing.T) {
	h, addrs, file := reviewSetup(t)
	cfg := map[string]string{"name": "src", "connector.class": "FileStreamSource", "file": file, "topic": "t2"}
	if _, _, err := h.PutConnectorConfig(context.Background(), "src", cfg, true, nil); err != nil {
		t.Fatal(err)
	}
	eventually(t, "task configs with t2", func() bool { return storedTopic(h) == "t2" })
	time.Sleep(time.Second) // let the rebalance that follows the commit finish
	f, _ := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0o644)
	f.WriteString("b\n")
	f.Close()
	cl, _ := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics("t2"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got := 0
	for ctx.Err() == nil && got == 0 {
		cl.PollFetches(ctx).EachRecord(func(*kgo.Record) { got++ })
	}
	if got == 0 {
		t.Fatal("record appended after the config change never reached t2: the task still runs its old config")
	}
}
