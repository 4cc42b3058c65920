package helm

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/worker/declarative"
	"github.com/gonnect/gonnect/worker/distributed"
	"github.com/gonnect/gonnect/worker/workerconfig"
	"github.com/gonnect/gonnect/worker/workertest"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestWorkerFromChart starts a worker with exactly the files and environment the chart
// renders (the ConfigMap's worker.properties with the kfake bootstrap substituted, the
// Deployment's env with status.podIP = 127.0.0.1, the declared-connectors ConfigMap as
// files under the --connectors-dir the Deployment passes) and checks it becomes ready on
// /health, advertises the pod IP, and creates the declared connector.
func TestWorkerFromChart(t *testing.T) {
	kafka, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(3))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(kafka.Close)

	tmp := t.TempDir()
	input := filepath.Join(tmp, "input.txt")
	if err := os.WriteFile(input, []byte("one\ntwo\nthree\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	values := filepath.Join(tmp, "values.yaml")
	if err := os.WriteFile(values, []byte(`
rest:
  port: `+strconv.Itoa(port)+`
worker:
  config:
    offset.flush.interval.ms: 200
connectors:
  lines:
    connector.class: org.apache.kafka.connect.file.FileStreamSourceConnector
    tasks.max: 1
    file: `+input+`
    topic: lines
`), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := decodeAll(renderValues(t, values))
	if err != nil {
		t.Fatal(err)
	}
	c := container(t, r.deployments[0])

	// The container's files: worker.properties and the connectors directory.
	root := filepath.Join(tmp, "root")
	hostPath := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }
	propsFile := c.Args[len(c.Args)-1]
	wp := r.configMaps["pipelines-gonnect"].Data["worker.properties"]
	wp = regexp.MustCompile(`(?m)^bootstrap\.servers=.*$`).ReplaceAllString(wp, "bootstrap.servers="+strings.Join(kafka.ListenAddrs(), ","))
	writeTo(t, hostPath(propsFile), wp)
	var connectorsDir string
	for i, a := range c.Args {
		if a == "--connectors-dir" && i+1 < len(c.Args) {
			connectorsDir = hostPath(c.Args[i+1])
		}
	}
	if connectorsDir == "" {
		t.Fatalf("args %v pass no --connectors-dir", c.Args)
	}
	for name, body := range r.configMaps["pipelines-gonnect-connectors"].Data {
		writeTo(t, filepath.Join(connectorsDir, name), body)
	}

	// The container's environment, resolved as the kubelet would.
	env := containerEnv(t, c, "127.0.0.1", nil)
	cfg, _, err := workerconfig.Load(hostPath(propsFile), workerconfig.Distributed, workerconfig.WithEnviron(env))
	if err != nil {
		t.Fatalf("the worker refuses the chart's configuration: %v", err)
	}
	w, base := runWorker(t, cfg, port, func(ctx context.Context, w *distributed.Worker, log *slog.Logger) error {
		return declarative.Watch(ctx, connectorsDir, w.Herder(), log, declarative.PollInterval(100*time.Millisecond))
	})
	if want := "127.0.0.1:" + strconv.Itoa(port); w.ID() != want {
		t.Errorf("worker id %q, want the advertised pod IP %q", w.ID(), want)
	}
	workertest.Eventually(t, 30*time.Second, "declared connector lines RUNNING", func() bool {
		resp, err := http.Get(base + "/connectors/lines/status")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var st struct {
			Connector struct{ State string }   `json:"connector"`
			Tasks     []struct{ State string } `json:"tasks"`
		}
		return json.NewDecoder(resp.Body).Decode(&st) == nil && st.Connector.State == "RUNNING" &&
			len(st.Tasks) == 1 && st.Tasks[0].State == "RUNNING"
	})

	// The connector really runs: its records reach the topic.
	cl, err := kgo.NewClient(kgo.SeedBrokers(kafka.ListenAddrs()...), kgo.ConsumeTopics("lines"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var got []string
	fctx, fcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer fcancel()
	for len(got) < 3 && fctx.Err() == nil {
		cl.PollFetches(fctx).EachRecord(func(rec *kgo.Record) {
			var env struct { // the chart's default JsonConverter, schemas enabled
				Payload string `json:"payload"`
			}
			if err := json.Unmarshal(rec.Value, &env); err != nil {
				t.Errorf("record %q: %v", rec.Value, err)
			}
			got = append(got, env.Payload)
		})
	}
	// the lines have no key, so the producer may spread them over the topic's three
	// partitions (as Java's would): their order across partitions is not defined
	slices.Sort(got)
	if strings.Join(got, ",") != "one,three,two" {
		t.Errorf("records on lines = %q, want one, two and three", got)
	}
}

// runWorker builds a worker from cfg, runs it (and beside, if not nil, with the same
// context and logger) until the test ends, and waits until GET /health answers 200
// without credentials on 127.0.0.1:port. It returns the worker and its base URL.
func runWorker(t *testing.T, cfg *workerconfig.Config, port int, beside func(context.Context, *distributed.Worker, *slog.Logger) error) (*distributed.Worker, string) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	w, err := distributed.New(ctx, cfg, workertest.Registry(), distributed.Info{Version: "3.9.0", Commit: "helm-test"}, log)
	if err != nil {
		cancel()
		t.Fatalf("starting the worker from the chart's config: %v", err)
	}
	runErr, besideErr := make(chan error, 1), make(chan error, 1)
	go func() { runErr <- w.Run(ctx) }()
	go func() {
		if beside == nil {
			besideErr <- nil
			return
		}
		besideErr <- beside(ctx, w, log)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-runErr; err != nil {
			t.Errorf("worker Run: %v", err)
		}
		if err := <-besideErr; err != nil {
			t.Errorf("beside the worker: %v", err)
		}
	})
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	workertest.Eventually(t, 30*time.Second, "GET /health 200", func() bool {
		resp, err := http.Get(base + "/health")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return w, base
}

func writeTo(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
