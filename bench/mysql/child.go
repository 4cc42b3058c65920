package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/gonnect/gonnect/bench/internal/harness"
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/internal/gctune"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/converters"
)

// The child roles: each measured run (a connector task or a ceiling) runs in a process
// of its own, so its CPU time and peak RSS (VmHWM) are its own and not the loader's,
// the other runs' or the broker's.
const (
	taskRole    = "mysql-task"
	ceilingRole = "mysql-ceiling"
	parseRole   = "mysql-parse"
)

// job is what the parent asks of a child, passed as JSON in its only argument.
type job struct {
	// task runs
	Config    connectors.Config // the connector config
	Offset    offsets.Offset    // the stored offset to start from (nil: none)
	Records   int               // data records to wait for
	Converter string            // "" (Poll only), "avro" or "json"
	Registry  string            // schema.registry.url for avro
	Broker    string            // where converted records are produced
	// ceiling runs
	DB               dbAddr
	Pos              gmysql.Position
	KeySize, ValSize int
	Raw              bool // parse floor in raw mode
	// profiles of the measured window ("" for none)
	CPUProfile string
	MemProfile string
}

// outcome is what a child reports on its "@result" line.
type outcome struct {
	Took     time.Duration
	CPU      time.Duration // user+system CPU of the child over Took
	PeakRSS  int64         // VmHWM of the child, bytes
	KeyBytes int           // mean sizes of the produced records
	ValBytes int
	End      offsets.Offset // offset of the last record (task runs)
}

// runChild starts a child in role with j and waits (at most 15 minutes) for its result.
func runChild(dir, name, role string, j job) (outcome, error) {
	b, err := json.Marshal(j)
	if err != nil {
		return outcome{}, err
	}
	p, err := harness.Spawn(dir, name, role, string(b))
	if err != nil {
		return outcome{}, err
	}
	defer p.Stop(5 * time.Second)
	line, err := p.NextEvent("result", 15*time.Minute)
	if err != nil {
		return outcome{}, err
	}
	var o outcome
	if err := json.Unmarshal([]byte(line), &o); err != nil {
		return outcome{}, fmt.Errorf("%s result %q: %w", name, line, err)
	}
	return o, nil
}

func readJob(args []string) (job, error) {
	var j job
	if len(args) != 1 {
		return j, fmt.Errorf("want one JSON argument, got %d", len(args))
	}
	if os.Getenv("BENCH_LOG") == "" {
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	err := json.Unmarshal([]byte(args[0]), &j)
	cpuprofile, memprofile = j.CPUProfile, j.MemProfile
	return j, err
}

func report(o outcome) error {
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	fmt.Println("@result", string(b))
	return nil
}

// runTaskChild runs one connector task until j.Records data records came through Poll
// (and, with a converter, were converted and acknowledged by the broker).
func runTaskChild(ctx context.Context, args []string) error {
	j, err := readJob(args)
	if err != nil {
		return err
	}
	// the collector paced as cmd/gonnect's worker process paces it
	if d := gctune.FromEnv(os.Getenv); d.Tuner != nil {
		defer d.Tuner.Stop()
	}
	offs := &cdctest.Offsets{}
	if j.Offset != nil {
		offs.Set(offsets.Partition{"server": j.Config["topic.prefix"]}, j.Offset)
	}
	var out *pipeline
	if j.Converter != "" {
		key, err := newConverter(ctx, j, true)
		if err != nil {
			return err
		}
		value, err := newConverter(ctx, j, false)
		if err != nil {
			return err
		}
		if out, err = newPipeline(j.Broker, key, value); err != nil {
			return err
		}
		defer out.close()
	}
	stop := profile("")
	cpu0, _ := harness.SelfUsage()
	start := time.Now()
	task, _, last, err := runUntil(j.Config, offs, j.Records, out)
	if err != nil {
		return err
	}
	if out != nil {
		if err := out.finish(ctx); err != nil {
			return err
		}
	}
	o := outcome{Took: time.Since(start)}
	var cpu1 time.Duration
	cpu1, o.PeakRSS = harness.SelfUsage()
	o.CPU = cpu1 - cpu0
	stop()
	_ = task.Stop(context.Background())
	if out != nil {
		o.KeyBytes, o.ValBytes = out.sizes()
	}
	if last != nil {
		o.End = last.Offset()
	}
	return report(o)
}

// newConverter builds the job's key or value converter by its Java class name, as the
// worker does from key.converter/value.converter.
func newConverter(ctx context.Context, j job, isKey bool) (schemas.Converter, error) {
	switch j.Converter {
	case "avro":
		return converters.New(ctx, converters.AvroClass, map[string]string{"schema.registry.url": j.Registry}, isKey)
	case "json":
		return converters.New(ctx, converters.JSONClass, map[string]string{}, isKey)
	}
	return nil, fmt.Errorf("unknown converter %q", j.Converter)
}

// runCeilingChild runs the W3 pipeline ceiling: go-mysql decoding the binlog from
// j.Pos plus franz-go producing pre-encoded records of j.KeySize and j.ValSize bytes.
func runCeilingChild(_ context.Context, args []string) error {
	j, err := readJob(args)
	if err != nil {
		return err
	}
	stop := profile("")
	cpu0, _ := harness.SelfUsage()
	took, err := pipelineCeiling(j.DB, j.Pos, j.Records, j.Broker, j.KeySize, j.ValSize)
	if err != nil {
		return err
	}
	o := outcome{Took: took, KeyBytes: j.KeySize, ValBytes: j.ValSize}
	var cpu1 time.Duration
	cpu1, o.PeakRSS = harness.SelfUsage()
	o.CPU = cpu1 - cpu0
	stop()
	return report(o)
}

// runParseChild runs the parse floor (decodeCeiling) from j.Pos over j.Records
// transactions, decoded or in raw mode.
func runParseChild(_ context.Context, args []string) error {
	j, err := readJob(args)
	if err != nil {
		return err
	}
	cpu0, _ := harness.SelfUsage()
	took, err := decodeCeiling(j.DB, j.Pos, j.Records, j.Raw)
	if err != nil {
		return err
	}
	o := outcome{Took: took}
	var cpu1 time.Duration
	cpu1, o.PeakRSS = harness.SelfUsage()
	o.CPU = cpu1 - cpu0
	return report(o)
}
