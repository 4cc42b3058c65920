package helm

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gonnect/gonnect/connectors/mysql"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/worker/workertest"
)

// TestMonitoringMetricsExist checks every series the dashboard and the alert rules read:
// kafka_connect_* on a running worker's GET /metrics (with a source and a sink
// connector running, so per-connector and per-task series exist), debezium_metrics_* in
// the descriptions of the MySQL connector's collector (and the lag series in the
// Oracle connector's).
func TestMonitoringMetricsExist(t *testing.T) {
	names := metricNames(monitoringExprs(t))
	var worker, debezium, oracleNames []string
	for _, n := range names {
		switch {
		case strings.HasPrefix(n, "debezium_metrics_"):
			debezium = append(debezium, n)
		case strings.HasPrefix(n, "gonnect_oracle_"):
			oracleNames = append(oracleNames, n)
		default:
			worker = append(worker, n)
		}
	}
	if len(worker) < 10 || len(debezium) < 3 {
		t.Fatalf("dashboard and alerts read %v; expected the worker and Debezium series", names)
	}
	t.Logf("worker series: %v; Debezium series: %v; Oracle series: %v", worker, debezium, oracleNames)

	t.Run("debezium series described by the MySQL connector", func(t *testing.T) {
		described := describedNames(mysql.NewTask(false).Metrics(), mysql.NewTask(true).Metrics())
		for _, n := range debezium {
			if !described[n] {
				t.Errorf("%s is not a series the MySQL connector exports", n)
			}
		}
	})

	t.Run("oracle series described by the Oracle connector", func(t *testing.T) {
		described := describedNames(oracle.NewMetrics("c"))
		for _, n := range oracleNames {
			if !described[n] {
				t.Errorf("%s is not a series the Oracle connector exports", n)
			}
		}
		// The lag alert and panel cover Oracle pipelines through Debezium's series.
		if !described["debezium_metrics_MilliSecondsBehindSource"] {
			t.Error("the Oracle connector does not export debezium_metrics_MilliSecondsBehindSource, which the lag alert reads")
		}
	})

	t.Run("worker series on /metrics", func(t *testing.T) {
		c := workertest.NewCluster(t, 1)
		base := c.Workers()[0].URL
		dir := t.TempDir()
		in := filepath.Join(dir, "in.txt")
		if err := os.WriteFile(in, []byte("a\nb\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		put := func(name, body string) {
			t.Helper()
			workertest.Eventually(t, 30*time.Second, "PUT "+name, func() bool {
				req, _ := http.NewRequest(http.MethodPut, base+"/connectors/"+name+"/config", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusConflict { // a rebalance after the previous write
					return false
				}
				if resp.StatusCode/100 != 2 {
					t.Fatalf("PUT %s: %d %s", name, resp.StatusCode, b)
				}
				return true
			})
		}
		put("src", fmt.Sprintf(`{"connector.class":"FileStreamSource","tasks.max":"1","file":%q,"topic":"metrics-lines"}`, in))
		put("sink", fmt.Sprintf(`{"connector.class":"FileStreamSink","tasks.max":"1","file":%q,"topics":"metrics-lines"}`, filepath.Join(dir, "out.txt")))

		var missing []string
		var last string
		deadline := time.Now().Add(30 * time.Second)
		for {
			resp, err := http.Get(base + "/metrics")
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				last = fmt.Sprintf("GET /metrics: %d", resp.StatusCode)
				if resp.StatusCode == http.StatusOK {
					missing = missingSeries(b, worker)
					if len(missing) == 0 {
						return
					}
				} else {
					missing = worker
				}
			} else {
				last = err.Error()
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s; series the dashboard or alerts read but the worker does not export: %v", last, missing)
			}
			time.Sleep(200 * time.Millisecond) // polling against a deadline
		}
	})
}

// describedNames returns the fully qualified names the collectors describe.
func describedNames(cs ...prometheus.Collector) map[string]bool {
	described := map[string]bool{}
	fq := regexp.MustCompile(`fqName: "([^"]+)"`)
	for _, c := range cs {
		ch := make(chan *prometheus.Desc, 64)
		go func() { c.Describe(ch); close(ch) }()
		for d := range ch {
			if m := fq.FindStringSubmatch(d.String()); m != nil {
				described[m[1]] = true
			}
		}
	}
	return described
}

// missingSeries returns the names with no sample in a Prometheus text exposition.
func missingSeries(exposition []byte, names []string) []string {
	have := map[string]bool{}
	for _, l := range bytes.Split(exposition, []byte("\n")) {
		if len(l) == 0 || l[0] == '#' {
			continue
		}
		if i := bytes.IndexAny(l, "{ "); i > 0 {
			have[string(l[:i])] = true
		}
	}
	var out []string
	for _, n := range names {
		if !have[n] {
			out = append(out, n)
		}
	}
	return out
}
