package declarative

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/worker/workertest"
)

// TestWatchCluster runs Watch on every worker of a two-worker cluster, all reading the
// same directory as pods mounting one ConfigMap would: the connector is created once,
// a changed file updates it, and a file that is not JSON leaves the rest working.
func TestWatchCluster(t *testing.T) {
	c := workertest.NewCluster(t, 2)
	dir := t.TempDir()
	in := filepath.Join(t.TempDir(), "in.txt")
	writeFile(t, in, "a\nb\n")
	body := func(topic string) string {
		b, _ := json.Marshal(map[string]any{"name": "lines", "config": map[string]string{
			"connector.class": "FileStreamSource", "tasks.max": "1", "file": in, "topic": topic}})
		return string(b)
	}
	writeFile(t, filepath.Join(dir, "lines.json"), body("lines"))
	writeFile(t, filepath.Join(dir, "broken.json"), "not json")
	for _, w := range c.Workers() {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- Watch(ctx, dir, w.Herder(), slog.New(slog.DiscardHandler), PollInterval(50*time.Millisecond))
		}()
		t.Cleanup(func() { cancel(); <-done })
	}
	config := func() map[string]string {
		resp, err := http.Get(c.Workers()[1].URL + "/connectors/lines/config")
		if err != nil {
			return nil
		}
		defer resp.Body.Close()
		var cfg map[string]string
		if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&cfg) != nil {
			return nil
		}
		return cfg
	}
	workertest.Eventually(t, 30*time.Second, "connector lines created", func() bool { return config()["topic"] == "lines" })
	workertest.Eventually(t, 30*time.Second, "connector lines running", func() bool {
		resp, err := http.Get(c.Workers()[0].URL + "/connectors/lines/status")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var st struct {
			Connector struct{ State string } `json:"connector"`
		}
		return json.NewDecoder(resp.Body).Decode(&st) == nil && st.Connector.State == "RUNNING"
	})
	if err := os.WriteFile(filepath.Join(dir, "lines.json"), []byte(body("lines-v2")), 0o644); err != nil {
		t.Fatal(err)
	}
	workertest.Eventually(t, 30*time.Second, "connector lines updated", func() bool { return config()["topic"] == "lines-v2" })
	resp, err := http.Get(c.Workers()[0].URL + "/connectors")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var names []string
	if err := json.NewDecoder(resp.Body).Decode(&names); err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, ",") != "lines" {
		t.Errorf("connectors = %v, want only lines", names)
	}
}
