package main

import (
	"fmt"
	"runtime"
	"strconv"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/gonnect/gonnect/bench/internal/harness"
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/offsets"
)

// w1 snapshots the table once per -snapshot-threads value, each in a child process
// with a fresh history topic and no stored offset, against a plain streamed SELECT of
// the same table measured just before it. It returns the last run's config and the
// offset of its last record (where W3 starts).
func w1(dir string, srv *mysqltest.Server, broker string, rows int) (connectors.Config, offsets.Offset, error) {
	if rows < specRows {
		fmt.Printf("W1 runs %d rows (-rows); the spec's W1 has %d\n", rows, specRows)
	}
	var cfg connectors.Config
	var end offsets.Offset
	for i, threads := range snapshotThreads {
		srvCPU0, _ := harness.CPU(srv.Pid())
		ceiling, err := selectCeiling(srv, rows)
		if err != nil {
			return nil, nil, err
		}
		srvCPU1, _ := harness.CPU(srv.Pid())
		cfg = benchConfig(srv, broker, "bench-history-w1-"+strconv.Itoa(i))
		cfg["snapshot.max.threads"] = strconv.Itoa(threads)
		name := fmt.Sprintf("w1-threads%d", threads)
		o, err := runChild(dir, name, taskRole, job{Config: cfg, Records: rows, CPUProfile: suffixed(cpuprofile, name)})
		if err != nil {
			return nil, nil, err
		}
		if o.End == nil {
			return nil, nil, fmt.Errorf("%s reported no offset", name)
		}
		end = o.End
		srvCPU2, _ := harness.CPU(srv.Pid())
		label := fmt.Sprintf("W1 snapshot, snapshot.max.threads=%d", threads)
		ratio := ceiling.Seconds() / o.Took.Seconds()
		fmt.Printf("%s: %d rows in %v (%.0f rows/s); plain SELECT of the table %v (%.0f rows/s); ratio %.2fx (target ≥ 0.7x: %s); "+
			"CPU %.2f s per million rows; peak RSS %.1f MB; mariadbd CPU %v for the SELECT, %v for the snapshot (%d cores)\n",
			label, rows, o.Took.Round(time.Millisecond), float64(rows)/o.Took.Seconds(), ceiling.Round(time.Millisecond),
			float64(rows)/ceiling.Seconds(), ratio, verdict(ratio >= 0.7), perMillion(o.CPU, rows), harness.MB(o.PeakRSS),
			srvCPU1-srvCPU0, srvCPU2-srvCPU1, runtime.NumCPU())
		bench := "mysql-w1-threads" + strconv.Itoa(threads)
		harness.Result{Bench: bench, Metric: "rows/s", Value: float64(rows) / o.Took.Seconds(), Unit: "rows/s",
			Ref: "plain SELECT", RefValue: float64(rows) / ceiling.Seconds(), Target: "ratio ≥ 0.7",
			Note: "snapshot.max.threads=" + strconv.Itoa(threads)}.Print()
		harness.Result{Bench: bench, Metric: "CPU-s per million rows", Value: perMillion(o.CPU, rows), Unit: "s"}.Print()
	}
	return cfg, end, nil
}

// selectCeiling times a plain streamed SELECT * of the table with go-mysql's client
// (the snapshot floor of benchmarks.md §11.4), values left in the packet buffer.
func selectCeiling(srv *mysqltest.Server, rows int) (time.Duration, error) {
	c, err := client.Connect(srv.Addr(), srv.User, srv.Password, "")
	if err != nil {
		return 0, err
	}
	defer c.Close()
	start := time.Now()
	n := 0
	var res gmysql.Result
	if err := c.ExecuteSelectStreaming("SELECT * FROM bench.t", &res, func([]gmysql.FieldValue) error { n++; return nil }, nil); err != nil {
		return 0, err
	}
	if n != rows {
		return 0, fmt.Errorf("plain SELECT read %d rows, want %d", n, rows)
	}
	return time.Since(start), nil
}

// perMillion is cpu in seconds per million events.
func perMillion(cpu time.Duration, events int) float64 { return cpu.Seconds() * 1e6 / float64(events) }

// verdict renders whether a target is met.
func verdict(met bool) string {
	if met {
		return "met"
	}
	return "MISSED"
}
