// Package benchworker runs a distributed Gonnect worker in a benchmark's child
// process, built exactly as cmd/gonnect builds one (distributed.New + Run) but with
// the benchmark connectors in its registry.
package benchworker

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/gonnect/gonnect/bench/internal/benchconn"
	"github.com/gonnect/gonnect/bench/internal/harness"
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas/converters"
	"github.com/gonnect/gonnect/transforms"
	"github.com/gonnect/gonnect/worker/distributed"
	"github.com/gonnect/gonnect/worker/workerconfig"
)

// Role is the role name of the worker child.
const Role = "worker"

// Run is the worker child: args[0] is a worker.properties file. It logs warnings and
// errors to stderr and runs until ctx is cancelled (SIGTERM), then shuts down
// cleanly.
func Run(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: worker worker.properties")
	}
	cfg, warnings, err := workerconfig.Load(args[0], workerconfig.Distributed)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	for _, w := range warnings {
		log.Warn(w)
	}
	reg := connectors.NewRegistry()
	reg.Add(benchconn.SourcePlugin())
	reg.Add(benchconn.SinkPlugin())
	transforms.Register(reg)
	converters.Register(reg)
	w, err := distributed.New(ctx, cfg, reg, distributed.Info{Version: "3.9.0", Commit: "bench"}, log)
	if err != nil {
		return err
	}
	return w.Run(ctx)
}

// Start writes props to dir/name.properties and starts a worker child with them,
// pinned to cpus unless that is empty (see harness.SpawnOn).
func Start(cpus, dir, name string, props map[string]string) (*harness.Proc, error) {
	path, err := WriteProperties(dir, name, props)
	if err != nil {
		return nil, err
	}
	return harness.SpawnOn(cpus, dir, name, Role, path)
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
// topics on a one-broker cluster (replication factor 1), Java's producer settings
// made explicit (acks=all, idempotent, no compression, linger 0), and REST on
// 127.0.0.1:port.
func Props(bootstrap, group string, port int) map[string]string {
	return map[string]string{
		"bootstrap.servers":                       bootstrap,
		"group.id":                                group,
		"listeners":                               fmt.Sprintf("http://127.0.0.1:%d", port),
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
