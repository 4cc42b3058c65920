// Package benchworker runs a distributed Gonnect worker in a benchmark's child
// process, built exactly as cmd/gonnect builds one (distributed.New + Run) but with
// the benchmark connectors in its registry.
package benchworker

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/gonnect/gonnect/bench/internal/benchconn"
	"github.com/gonnect/gonnect/bench/internal/harness"
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/internal/gctune"
	"github.com/gonnect/gonnect/schemas/converters"
	"github.com/gonnect/gonnect/transforms"
	"github.com/gonnect/gonnect/worker/distributed"
	"github.com/gonnect/gonnect/worker/workerconfig"
)

// Role is the role name of the worker child.
const Role = "worker"

// Run is the worker child: args[0] is a worker.properties file. It logs warnings and
// errors to stderr and runs until ctx is cancelled (SIGTERM), then shuts down
// cleanly and prints its RuntimeReport.
func Run(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: worker worker.properties")
	}
	cfg, warnings, err := workerconfig.Load(args[0], workerconfig.Distributed)
	if err != nil {
		return err
	}
	// the collector paced as cmd/gonnect's worker process paces it
	if d := gctune.FromEnv(os.Getenv); d.Tuner != nil {
		defer d.Tuner.Stop()
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
	if prefix := os.Getenv(ProfileEnv); prefix != "" {
		stop, err := profile(prefix)
		if err != nil {
			return err
		}
		defer stop()
	}
	defer printRuntime()
	return w.Run(ctx)
}

// ProfileEnv, when set in a worker child's environment, is a path prefix: the child
// writes a CPU profile of its whole run to <prefix>.cpu.pprof and a heap profile at
// shutdown to <prefix>.heap.pprof (for go tool pprof).
const ProfileEnv = "GONNECT_BENCH_PROFILE"

func profile(prefix string) (stop func(), err error) {
	cf, err := os.Create(prefix + ".cpu.pprof")
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(cf); err != nil {
		cf.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		cf.Close()
		if hf, err := os.Create(prefix + ".heap.pprof"); err == nil {
			_ = pprof.Lookup("allocs").WriteTo(hf, 0)
			hf.Close()
		}
	}, nil
}

// Start writes props to dir/name.properties and starts a worker child with them,
// pinned to cpus unless that is empty (see harness.SpawnOn).
func Start(cpus, dir, name string, props map[string]string) (*harness.Proc, error) {
	path, err := harness.WriteProperties(dir, name, props)
	if err != nil {
		return nil, err
	}
	return harness.SpawnOn(cpus, dir, name, Role, path)
}

// StartReady is Start followed by a wait (at most 30 s) for GET /health to answer
// 200; it returns the child and its REST base URL. props must not set listeners:
// a free loopback port is chosen.
func StartReady(ctx context.Context, cpus, dir, name string, props map[string]string) (*harness.Proc, string, error) {
	port, err := harness.FreePort()
	if err != nil {
		return nil, "", err
	}
	p := make(map[string]string, len(props)+1)
	for k, v := range props {
		p[k] = v
	}
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	p["listeners"] = url
	wp, err := Start(cpus, dir, name, p)
	if err != nil {
		return nil, "", err
	}
	if _, err := harness.Until(ctx, 30*time.Second, 20*time.Millisecond, name+" healthy", func() (bool, error) {
		if wp.Exited() {
			return false, fmt.Errorf("worker exited; log %s:\n%s", wp.LogPath, wp.Tail(15))
		}
		st, _, _, err := harness.Call(ctx, "GET", url+"/health", nil)
		return err == nil && st == 200, nil
	}); err != nil {
		wp.Kill()
		return nil, "", err
	}
	return wp, url, nil
}
