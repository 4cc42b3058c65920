package workertest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func do(t *testing.T, method, url string, body any) (int, []byte) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes()
}

// TestSinkOffsetsThroughREST reads a sink connector's offsets from its consumer
// group, rewinds them with PATCH while it is STOPPED, and checks that after a resume
// the sink re-delivers from the rewound offset; DELETE resets the group.
func TestSinkOffsetsThroughREST(t *testing.T) {
	c := NewCluster(t, 1)
	w := c.Workers()[0]
	pcl, _ := kgo.NewClient(kgo.SeedBrokers(c.Kafka.ListenAddrs()...), kgo.AllowAutoTopicCreation())
	defer pcl.Close()
	for _, v := range []string{"a", "b", "c", "d"} {
		if err := pcl.ProduceSync(context.Background(), &kgo.Record{Topic: "sinkin", Key: []byte("k"), Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "out.txt")
	if code := put(t, w.URL+"/connectors/fsink/config", map[string]string{
		"connector.class": "FileStreamSink", "topics": "sinkin", "file": out,
	}); code != 201 {
		t.Fatalf("create: %d", code)
	}
	lines := func() string { b, _ := os.ReadFile(out); return string(b) }
	Eventually(t, 30*time.Second, "4 lines in the sink file", func() bool { return strings.Count(lines(), "\n") == 4 })

	if code, b := do(t, http.MethodPatch, w.URL+"/connectors/fsink/offsets", map[string]any{"offsets": []any{}}); code != 400 {
		t.Fatalf("PATCH offsets while running: %d %s, want 400", code, b)
	}
	if code, b := do(t, http.MethodPut, w.URL+"/connectors/fsink/stop", nil); code != 204 {
		t.Fatalf("stop: %d %s", code, b)
	}
	Eventually(t, 30*time.Second, "STOPPED", func() bool { s, _ := getStatus(w.URL, "fsink"); return s.Connector.State == "STOPPED" })
	var offs struct {
		Offsets []struct {
			Partition map[string]any `json:"partition"`
			Offset    map[string]any `json:"offset"`
		} `json:"offsets"`
	}
	Eventually(t, 30*time.Second, "group offset 4", func() bool {
		code, b := do(t, http.MethodGet, w.URL+"/connectors/fsink/offsets", nil)
		if code != 200 || json.Unmarshal(b, &offs) != nil || len(offs.Offsets) != 1 {
			return false
		}
		return offs.Offsets[0].Offset["kafka_offset"] == float64(4)
	})
	part := offs.Offsets[0].Partition
	if part["kafka_topic"] != "sinkin" {
		t.Fatalf("partition = %v", part)
	}
	// Writes may get 409 while the stop's rebalance completes; tools retry, so do we.
	var code int
	var b []byte
	Eventually(t, 30*time.Second, "PATCH offsets accepted", func() bool {
		code, b = do(t, http.MethodPatch, w.URL+"/connectors/fsink/offsets", map[string]any{"offsets": []any{
			map[string]any{"partition": part, "offset": map[string]any{"kafka_offset": 2}},
		}})
		return code != 409
	})
	if code != 200 || !strings.Contains(string(b), "altered successfully") {
		t.Fatalf("PATCH offsets: %d %s", code, b)
	}
	if code, b := do(t, http.MethodPut, w.URL+"/connectors/fsink/resume", nil); code != 202 {
		t.Fatalf("resume: %d %s", code, b)
	}
	Eventually(t, 30*time.Second, "c and d delivered again", func() bool { return lines() == "a\nb\nc\nd\nc\nd\n" })

	do(t, http.MethodPut, w.URL+"/connectors/fsink/stop", nil)
	Eventually(t, 30*time.Second, "STOPPED again", func() bool { s, _ := getStatus(w.URL, "fsink"); return s.Connector.State == "STOPPED" })
	Eventually(t, 30*time.Second, "DELETE offsets", func() bool {
		code, b := do(t, http.MethodDelete, w.URL+"/connectors/fsink/offsets", nil)
		return code == 200 && strings.Contains(string(b), "reset successfully")
	})
	code, b = do(t, http.MethodGet, w.URL+"/connectors/fsink/offsets", nil)
	if code != 200 || strings.Contains(string(b), "kafka_offset") {
		t.Fatalf("offsets after reset: %d %s", code, b)
	}
}
