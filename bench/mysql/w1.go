package main

import (
	"database/sql"
	"fmt"
	"runtime"
	"strconv"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	_ "github.com/go-sql-driver/mysql" // the snapshot floor's driver (benchmarks.md §11.4)

	"github.com/gonnect/gonnect/bench/internal/harness"
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/offsets"
)

// w1Rounds is how many times each W1 side runs; the best of each side is compared,
// so that one slow round on the shared VM (either side's) does not make the ratio.
var w1Rounds = 3

// w1 snapshots the table w1Rounds times per -snapshot-threads value, each in a child
// process with a fresh history topic and no stored offset, alternating with the
// snapshot floors: a plain SELECT * through go-sql-driver to nothing (the floor of
// benchmarks.md §11.4) and the same with go-mysql's streaming client (a cheaper
// client, printed beside it). It returns the last run's config and the offset of its
// last record (where W3 starts).
func w1(dir string, srv *mysqltest.Server, broker string, rows int) (connectors.Config, offsets.Offset, error) {
	if rows < specRows {
		fmt.Printf("W1 runs %d rows (-rows); the spec's W1 has %d\n", rows, specRows)
	}
	var cfg connectors.Config
	var end offsets.Offset
	for i, threads := range snapshotThreads {
		var best w1Round
		var cpus []float64
		var peak int64
		for r := range w1Rounds {
			round, err := w1Once(dir, srv, broker, rows, threads, fmt.Sprintf("%d-%d", i, r))
			if err != nil {
				return nil, nil, err
			}
			cfg, end = round.cfg, round.end
			cpus = append(cpus, perMillion(round.snap.CPU, rows))
			peak = max(peak, round.snap.PeakRSS)
			best = best.keepBest(round)
		}
		label := fmt.Sprintf("W1 snapshot, snapshot.max.threads=%d, best of %d rounds per side", threads, w1Rounds)
		ratio := best.sqlFloor.Seconds() / best.snap.Took.Seconds()
		strict := best.goFloor.Seconds() / best.snap.Took.Seconds()
		rate := func(d time.Duration) float64 { return float64(rows) / d.Seconds() }
		fmt.Printf("%s: %d rows in %v (%.0f rows/s); snapshot floor (go-sql-driver SELECT * to nothing) %v (%.0f rows/s): ratio %.2fx (target ≥ 0.7x: %s); "+
			"go-mysql streaming SELECT %v (%.0f rows/s): %.2fx; CPU %s s per million rows; peak RSS %.1f MB; mariadbd CPU %v for the go-sql-driver SELECT, %v for the snapshot (%d cores)\n",
			label, rows, best.snap.Took.Round(time.Millisecond), rate(best.snap.Took), best.sqlFloor.Round(time.Millisecond), rate(best.sqlFloor), ratio,
			verdict(ratio >= 0.7), best.goFloor.Round(time.Millisecond), rate(best.goFloor), strict, floats(cpus), harness.MB(peak),
			best.sqlFloorSrv, best.snapSrv, runtime.NumCPU())
		bench := "mysql-w1-threads" + strconv.Itoa(threads)
		harness.Result{Bench: bench, Metric: "rows/s", Value: rate(best.snap.Took), Unit: "rows/s",
			Ref: "go-sql-driver SELECT", RefValue: rate(best.sqlFloor), Target: "ratio ≥ 0.7",
			Note: fmt.Sprintf("snapshot.max.threads=%d, best of %d; vs go-mysql SELECT %.2f", threads, w1Rounds, strict)}.Print()
		harness.Result{Bench: bench, Metric: "CPU-s per million rows", Value: perMillion(best.snap.CPU, rows), Unit: "s"}.Print()
	}
	return cfg, end, nil
}

// w1Round is one round of W1: both floors, then the snapshot, with mariadbd's CPU
// during the go-sql-driver floor and during the snapshot.
type w1Round struct {
	sqlFloor, goFloor    time.Duration
	sqlFloorSrv, snapSrv time.Duration
	snap                 outcome
	cfg                  connectors.Config
	end                  offsets.Offset
}

// keepBest is b with each side replaced by r's when r's was faster.
func (b w1Round) keepBest(r w1Round) w1Round {
	if b.sqlFloor == 0 || r.sqlFloor < b.sqlFloor {
		b.sqlFloor, b.sqlFloorSrv = r.sqlFloor, r.sqlFloorSrv
	}
	if b.goFloor == 0 || r.goFloor < b.goFloor {
		b.goFloor = r.goFloor
	}
	if b.snap.Took == 0 || r.snap.Took < b.snap.Took {
		b.snap, b.snapSrv = r.snap, r.snapSrv
	}
	return b
}

func w1Once(dir string, srv *mysqltest.Server, broker string, rows, threads int, tag string) (w1Round, error) {
	var r w1Round
	var err error
	cpu0, _ := harness.CPU(srv.Pid())
	if r.sqlFloor, err = selectFloor(srv, rows); err != nil {
		return r, err
	}
	cpu1, _ := harness.CPU(srv.Pid())
	if r.goFloor, err = selectStreaming(srv, rows); err != nil {
		return r, err
	}
	r.cfg = benchConfig(srv, broker, "bench-history-w1-"+tag)
	r.cfg["snapshot.max.threads"] = strconv.Itoa(threads)
	name := fmt.Sprintf("w1-threads%d", threads)
	cpu2, _ := harness.CPU(srv.Pid())
	r.snap, err = runChild(dir, name+"-"+tag, taskRole, job{Config: r.cfg, Records: rows, CPUProfile: suffixed(cpuprofile, name)})
	if err != nil {
		return r, err
	}
	cpu3, _ := harness.CPU(srv.Pid())
	if r.snap.End == nil {
		return r, fmt.Errorf("%s reported no offset", name)
	}
	r.end = r.snap.End
	r.sqlFloorSrv, r.snapSrv = cpu1-cpu0, cpu3-cpu2
	return r, nil
}

// selectFloor times the snapshot floor of benchmarks.md §11.4: SELECT * of the table
// through go-sql-driver (database/sql), every row scanned into raw bytes and dropped.
func selectFloor(srv *mysqltest.Server, rows int) (time.Duration, error) {
	db, err := sql.Open("mysql", srv.DSN())
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if err := db.Ping(); err != nil {
		return 0, err
	}
	start := time.Now()
	rs, err := db.Query("SELECT * FROM bench.t")
	if err != nil {
		return 0, err
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return 0, err
	}
	vals := make([]sql.RawBytes, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	n := 0
	for rs.Next() {
		if err := rs.Scan(dest...); err != nil {
			return 0, err
		}
		n++
	}
	if err := rs.Err(); err != nil {
		return 0, err
	}
	if n != rows {
		return 0, fmt.Errorf("go-sql-driver SELECT read %d rows, want %d", n, rows)
	}
	return time.Since(start), nil
}

// selectStreaming times a plain streamed SELECT * of the table with go-mysql's client,
// values left in the packet buffer: a cheaper client than the floor's.
func selectStreaming(srv *mysqltest.Server, rows int) (time.Duration, error) {
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

// floats renders xs as "a, b, c" with two decimals.
func floats(xs []float64) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += ", "
		}
		s += strconv.FormatFloat(x, 'f', 2, 64)
	}
	return s
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
