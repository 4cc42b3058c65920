package harness

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Node is one worker process of a benchmark cluster.
type Node struct {
	*Proc
	URL string // http://127.0.0.1:port
	ID  string // worker id as the status API reports it (advertised host:port)
	// RESTUp is the time from exec to the first 200 of GET /; Healthy to the first 200
	// of GET /health (the herder has started up).
	RESTUp, Healthy time.Duration
}

// StartBinary starts `bin distributed dir/name.properties` with the given properties
// (listeners set to a free loopback port) and returns once GET /health answers 200,
// having timed GET / and GET /health from exec. Polling is every 2 ms, bounded by 60 s.
func StartBinary(ctx context.Context, bin, dir, name string, props map[string]string) (*Node, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("gonnect binary: %w (build it with: go build -o bin/gonnect ./cmd/gonnect)", err)
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	p := make(map[string]string, len(props)+1)
	for k, v := range props {
		p[k] = v
	}
	p["listeners"] = "http://127.0.0.1:" + strconv.Itoa(port)
	path, err := WriteProperties(dir, name, p)
	if err != nil {
		return nil, err
	}
	proc, err := Exec(dir, name, nil, bin, "distributed", path)
	if err != nil {
		return nil, err
	}
	n := &Node{Proc: proc, URL: "http://127.0.0.1:" + strconv.Itoa(port), ID: "127.0.0.1:" + strconv.Itoa(port)}
	_, err = Until(ctx, 60*time.Second, 2*time.Millisecond, name+" ready", func() (bool, error) {
		if proc.Exited() {
			return false, fmt.Errorf("exited; log %s:\n%s", proc.LogPath, proc.Tail(15))
		}
		if n.RESTUp == 0 {
			if st, _, _, err := Call(ctx, "GET", n.URL+"/", nil); err == nil && st == 200 {
				n.RESTUp = time.Since(proc.Started)
			}
			return false, nil
		}
		st, _, _, err := Call(ctx, "GET", n.URL+"/health", nil)
		if err == nil && st == 200 {
			n.Healthy = time.Since(proc.Started)
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		proc.Kill()
		return nil, err
	}
	return n, nil
}

// WriteProperties writes props as a Java .properties file dir/name.properties (keys
// sorted) and returns its path.
func WriteProperties(dir, name string, props map[string]string) (string, error) {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\n", k, props[k])
	}
	path := dir + "/" + name + ".properties"
	return path, os.WriteFile(path, []byte(b.String()), 0o600)
}

// Props returns the worker properties every benchmark starts from: the internal
// topics on a one-broker cluster (replication factor 1) and Java's producer settings
// made explicit (acks=all, idempotent, no compression, linger 0). Listeners are set
// by whoever starts the worker.
func Props(bootstrap, group string) map[string]string {
	return map[string]string{
		"bootstrap.servers":                       bootstrap,
		"group.id":                                group,
		"rest.advertised.host.name":               "127.0.0.1",
		"config.storage.topic":                    group + "-configs",
		"offset.storage.topic":                    group + "-offsets",
		"status.storage.topic":                    group + "-status",
		"config.storage.replication.factor":       "1",
		"offset.storage.replication.factor":       "1",
		"status.storage.replication.factor":       "1",
		"key.converter":                           "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":                         "org.apache.kafka.connect.storage.StringConverter",
		"producer.acks":                           "all",
		"producer.enable.idempotence":             "true",
		"producer.compression.type":               "none",
		"producer.linger.ms":                      "0",
		"offset.flush.interval.ms":                "1000",
		"scheduled.rebalance.max.delay.ms":        "5000",
		"task.shutdown.graceful.timeout.ms":       "5000",
		"connector.client.config.override.policy": "All",
	}
}
