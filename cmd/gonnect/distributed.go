package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/filestream"
	"github.com/gonnect/gonnect/internal/gctune"
	"github.com/gonnect/gonnect/internal/memlimit"
	"github.com/gonnect/gonnect/logging"
	"github.com/gonnect/gonnect/schemas/converters"
	"github.com/gonnect/gonnect/transforms"
	"github.com/gonnect/gonnect/worker/declarative"
	"github.com/gonnect/gonnect/worker/distributed"
	"github.com/gonnect/gonnect/worker/workerconfig"
)

func runDistributed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("distributed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("connectors-dir", "", "directory of declared connectors (one JSON file each, Connect's POST /connectors body); created or updated at start and when files change, never deleted")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: gonnect distributed [--connectors-dir DIR] worker.properties")
	}
	return startDistributed(ctx, fs.Arg(0), nil, *dir, stdout, stderr)
}

// startDistributed loads the worker config (file, then overrides, then CONNECT_*
// environment variables), builds the worker and runs it until ctx is cancelled. With
// connectorsDir set, the connectors declared there are applied through the herder.
func startDistributed(ctx context.Context, file string, overrides map[string]string, connectorsDir string, stdout, stderr io.Writer) error {
	cfg, warnings, err := workerconfig.Load(file, workerconfig.Distributed, workerconfig.WithOverrides(overrides))
	if err != nil {
		return err
	}
	setupProcess(stderr)
	log := logging.Logger("org.apache.kafka.connect.runtime")
	for _, w := range warnings {
		log.Warn(w)
	}
	log.Info("worker configuration", "config", cfg)
	w, err := distributed.New(ctx, cfg, buildRegistry(), distributed.Info{Version: kafkaVersion, Commit: version}, log)
	if err != nil {
		return err
	}
	if connectorsDir != "" {
		go func() {
			if err := declarative.Watch(ctx, connectorsDir, w.Herder(), logging.Logger("io.gonnect.declarative")); err != nil {
				log.Error("declared connectors", "dir", connectorsDir, "error", err)
			}
		}()
	}
	return w.Run(ctx)
}

// kafkaVersion is the Kafka Connect version Gonnect reports (GET / and plugins).
const kafkaVersion = "3.9.0"

// setupProcess sets up logging, the Go runtime's memory limit (from the
// container's cgroup limit unless GOMEMLIMIT is set) and the collector's pacing
// (internal/gctune unless GOGC is set).
func setupProcess(stderr io.Writer) {
	logging.Default.SetOutput(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	slog.SetDefault(logging.Logger("root"))
	log := logging.Logger("org.apache.kafka.connect.runtime")
	switch r, err := memlimit.ApplyFromSystem(); {
	case err != nil:
		log.Debug("no memory limit for the Go runtime", "reason", err)
	case r.FromEnv:
		log.Info("Go runtime memory limit from GOMEMLIMIT", "bytes", r.Limit)
	default:
		log.Info("Go runtime memory limit set from the cgroup memory limit", "bytes", r.Limit, "cgroup_limit", r.CgroupLimit, "ratio", memlimit.Ratio)
	}
	if d := gctune.FromEnv(os.Getenv); d.Tuner == nil {
		log.Info("garbage collector pacing left to the Go runtime", "reason", d.Reason)
	} else {
		log.Debug("garbage collector paced by load (GOGC or GONNECT_GC_TUNING=off to disable)",
			"min_headroom_bytes", gctune.DefaultMinHeadroom, "max_headroom_bytes", gctune.DefaultMaxHeadroom)
	}
}

// buildRegistry lists every plugin this binary carries (explicit, no init()).
func buildRegistry() *connectors.Registry {
	reg := connectors.NewRegistry()
	reg.Add(filestream.SourcePlugin())
	reg.Add(filestream.SinkPlugin())
	for _, p := range extraPlugins() {
		reg.Add(p)
	}
	transforms.Register(reg)
	converters.Register(reg)
	return reg
}
