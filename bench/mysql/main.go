// Command mysql runs the MySQL connector benchmarks of shared/spec/benchmarks.md
// against a throwaway MariaDB: W1 (snapshot of N rows vs a plain SELECT of the same
// table) and W3 (catch-up of M single-row transactions vs go-mysql decoding the same
// binlog). It prints each figure with its ratio to the ceiling measured in the same
// run, CPU-seconds per million events and peak RSS. It asserts nothing.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
	"github.com/gonnect/gonnect/bench/internal/harness"
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/mysql"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/schemas"
)

func main() {
	harness.Dispatch(map[string]harness.Role{harness.BrokerRole: harness.RunBroker})
	rows := flag.Int("rows", 200_000, "W1: rows in the snapshotted table")
	txs := flag.Int("txs", 50_000, "W3: single-row transactions to catch up on")
	bigTx := flag.Int("bigtx", 200_000, "W5: rows changed by one transaction")
	rate := flag.Int("rate", 5000, "W10: paced rows per second")
	secs := flag.Int("seconds", 5, "W10: duration of the paced load")
	flag.StringVar(&memprofile, "memprofile", "", "write a heap profile halfway through W3's catch-up to this file")
	flag.StringVar(&cpuprofile, "cpuprofile", "", "write a CPU profile of each workload's measured window to this path plus .w1, .w3...")
	workloads := flag.String("workloads", "w1,w3,w5,w10", "comma-separated workloads to run (W1 always loads the table)")
	flag.Parse()
	for _, w := range strings.Split(*workloads, ",") {
		selected[strings.ToLower(strings.TrimSpace(w))] = true
	}
	if os.Getenv("BENCH_LOG") == "" {
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	srv, err := mysqltest.Launch()
	if err != nil {
		fail(err)
	}
	defer srv.Close()
	dir, err := os.MkdirTemp("", "bench-mysql-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	broker, err := harness.StartBroker("", dir, "kafkad")
	if err != nil {
		fail(err)
	}
	defer broker.Stop(5 * time.Second)
	brokerAddr = broker.Addr
	if err := run(srv, *rows, *txs, *bigTx, *rate, *secs); err != nil {
		srv.Close()
		fail(err)
	}
}

var (
	// selected holds the workloads chosen with -workloads.
	selected = map[string]bool{}
	// brokerAddr is the kfake broker process that W3's pipeline and ceiling produce to.
	brokerAddr string
	// cpuprofile is the -cpuprofile path prefix.
	cpuprofile string
	// memprofile is the -memprofile path.
	memprofile string
)

// profile starts a CPU profile of one workload's measured window when -cpuprofile is
// set; the returned func stops it.
func profile(workload string) func() {
	if cpuprofile == "" {
		return func() {}
	}
	f, err := os.Create(cpuprofile + "." + workload)
	if err != nil {
		fail(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fail(err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

func writeHeapProfile() {
	f, err := os.Create(memprofile)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/mysql:", err)
	os.Exit(1)
}

func rusage() (cpu time.Duration, maxRSSKB int64) {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), ru.Maxrss
}

func run(srv *mysqltest.Server, rows, txs, bigTx, rate, secs int) error {
	if err := srv.Root("CREATE DATABASE bench", "CREATE TABLE bench.t (id INT PRIMARY KEY, a VARCHAR(40), b BIGINT, c DECIMAL(10,2), d DATETIME(6))"); err != nil {
		return err
	}
	fmt.Printf("loading %d rows...\n", rows)
	for i := 0; i < rows; i += 1000 {
		var vals []string
		for j := i; j < min(i+1000, rows); j++ {
			vals = append(vals, fmt.Sprintf("(%d,'name-%d',%d,%d.%02d,'2024-01-02 03:04:05.%06d')", j, j, int64(j)*7919, j, j%100, j%1000000))
		}
		if err := srv.Root("INSERT INTO bench.t VALUES " + strings.Join(vals, ",")); err != nil {
			return err
		}
	}
	// W1 ceiling: plain streamed SELECT
	c, err := client.Connect(srv.Addr(), srv.User, srv.Password, "")
	if err != nil {
		return err
	}
	start := time.Now()
	n := 0
	var res gmysql.Result
	if err := c.ExecuteSelectStreaming("SELECT * FROM bench.t", &res, func([]gmysql.FieldValue) error { n++; return nil }, nil); err != nil {
		return err
	}
	ceiling := time.Since(start)
	c.Close()
	// W1 Gonnect snapshot; the schema history lives in the broker process
	offs := &cdctest.Offsets{}
	cfg := connectors.Config{"name": "bench", "topic.prefix": "bench", "database.hostname": srv.Host, "database.port": strconv.Itoa(srv.Port),
		"database.user": srv.User, "database.password": srv.Password, "database.server.id": "9100", "database.include.list": "bench",
		"schema.history.internal.kafka.bootstrap.servers": brokerAddr, "schema.history.internal.kafka.topic": "bench-history",
		"snapshot.mode":          "initial",
		"include.schema.changes": "false"}
	stop := profile("w1")
	cpu0, _ := rusage()
	start = time.Now()
	task, got, err := runUntil(cfg, offs, rows, nil)
	if err != nil {
		return err
	}
	snap := time.Since(start)
	cpu1, _ := rusage()
	stop()
	_ = task.Stop(context.Background())
	report("W1 snapshot", rows, snap, ceiling, cpu1-cpu0)
	_, rss := rusage()
	fmt.Printf("peak RSS after W1: %.1f MB\n", float64(rss)/1024)
	_ = got
	if selected["w3"] {
		if err := w3(srv, cfg, offs, rows, txs); err != nil {
			return err
		}
	}
	if selected["w5"] {
		if err := w5(srv, cfg, offs, rows, bigTx); err != nil {
			return err
		}
	}
	if selected["w10"] {
		return w10(srv, cfg, offs, rate, secs)
	}
	return nil
}

// w3 catches up on txs single-row transactions written while no task runs, through the
// whole source pipeline (Poll, JsonConverter, franz-go produce to the broker process),
// against the pipeline ceiling (go-mysql decode plus producing pre-encoded records of
// the same sizes to the same broker).
func w3(srv *mysqltest.Server, cfg connectors.Config, offs *cdctest.Offsets, rows, txs int) error {
	fmt.Printf("writing %d single-row transactions...\n", txs)
	pos, err := masterPos(srv)
	if err != nil {
		return err
	}
	for i := 0; i < txs; i += 500 {
		var stmts []string
		for j := i; j < min(i+500, txs); j++ {
			stmts = append(stmts, fmt.Sprintf("UPDATE bench.t SET b=b+1 WHERE id=%d", j%rows))
		}
		if err := srv.Root(stmts...); err != nil {
			return err
		}
	}
	decode, err := decodeCeiling(srv, pos, txs)
	if err != nil {
		return err
	}
	out, err := newPipeline(brokerAddr)
	if err != nil {
		return err
	}
	defer out.close()
	stop := profile("w3")
	cpu0, _ := rusage()
	start := time.Now()
	task, _, err := runUntil(cfg, offs, txs, out)
	if err != nil {
		return err
	}
	if err := out.finish(context.Background()); err != nil {
		return err
	}
	catchup := time.Since(start)
	cpu1, _ := rusage()
	stop()
	_ = task.Stop(context.Background())
	ks, vs := out.sizes()
	cpuC0, _ := rusage()
	ceiling, err := pipelineCeiling(srv, pos, txs, brokerAddr, ks, vs)
	if err != nil {
		return err
	}
	cpuC1, _ := rusage()
	fmt.Printf("W3 ceilings: go-mysql decode alone %v (%.0f/s); decode + produce of %d+%d-byte records %v (%.0f/s), CPU %.2f s per million events\n",
		decode.Round(time.Millisecond), float64(txs)/decode.Seconds(), ks, vs, ceiling.Round(time.Millisecond), float64(txs)/ceiling.Seconds(),
		(cpuC1-cpuC0).Seconds()*1e6/float64(txs))
	report("W3 catch-up (Poll+JsonConverter+produce)", txs, catchup, ceiling, cpu1-cpu0)
	_, rss := rusage()
	fmt.Printf("peak RSS after W1+W3: %.1f MB (target ≤ 150 MB)\n", float64(rss)/1024)
	return nil
}

// w5 streams one transaction that updates bigTx rows: memory is bounded by
// max.queue.size, not by the transaction.
func w5(srv *mysqltest.Server, cfg connectors.Config, offs *cdctest.Offsets, rows, bigTx int) error {
	n := min(bigTx, rows)
	if err := srv.Root(fmt.Sprintf("UPDATE bench.t SET b=b+1 WHERE id < %d", n)); err != nil {
		return err
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	task, _, err := runUntil(cfg, offs, n, nil)
	if err != nil {
		return err
	}
	took := time.Since(start)
	_ = task.Stop(context.Background())
	_, rss := rusage()
	fmt.Printf("W5 one %d-row transaction: %v (%.0f rows/s); peak RSS %.1f MB (bounded by max.queue.size=8192, not the transaction)\n",
		n, took.Round(time.Millisecond), float64(n)/took.Seconds(), float64(rss)/1024)
	return nil
}

// w10 paces single-row inserts and measures commit-to-Poll latency from a wall-clock
// column written by the client.
func w10(srv *mysqltest.Server, cfg connectors.Config, offs *cdctest.Offsets, rate, secs int) error {
	if err := srv.Root("CREATE TABLE bench.live (id INT PRIMARY KEY, sent BIGINT)"); err != nil {
		return err
	}
	task := mysql.NewTask(true)
	if err := task.Start(context.Background(), cfg, cdctest.TaskContext{O: offs}); err != nil {
		return err
	}
	defer task.Stop(context.Background())
	c, err := client.Connect(srv.Addr(), srv.User, srv.Password, "")
	if err != nil {
		return err
	}
	defer c.Close()
	if err := srv.Root("GRANT INSERT ON bench.* TO 'cdc'@'%'"); err != nil {
		return err
	}
	// the paced load starts once the task streams live: a marker row written now must
	// come through first, so task start-up (history recovery, binlog connect) is not
	// counted as commit-to-Poll latency
	if _, err := c.Execute("INSERT INTO bench.live VALUES (-1, 0)"); err != nil {
		return err
	}
	if err := awaitMarker(task, 30*time.Second); err != nil {
		return err
	}
	total := rate * secs
	committed := make([]atomic.Int64, total) // commit acknowledgement time per id, unix µs
	go func() {
		tick := time.NewTicker(time.Second / time.Duration(rate))
		defer tick.Stop()
		for i := 0; i < total; i++ {
			<-tick.C
			if _, err := c.Execute(fmt.Sprintf("INSERT INTO bench.live VALUES (%d, %d)", i, time.Now().UnixMicro())); err != nil {
				fmt.Fprintln(os.Stderr, "W10 insert:", err)
				return
			}
			committed[i].Store(time.Now().UnixMicro())
		}
	}()
	var lat []time.Duration
	deadline := time.Now().Add(time.Duration(secs+30) * time.Second)
	for len(lat) < total && time.Now().Before(deadline) {
		rs, err := task.Poll(context.Background())
		if err != nil {
			return err
		}
		now := time.Now()
		for _, r := range rs {
			if r.Topic != "bench.bench.live" {
				continue
			}
			after := r.Value.(*schemas.Struct).Get("after").(*schemas.Struct)
			at := committed[after.Get("id").(int32)].Load()
			if at == 0 || now.UnixMicro() < at { // polled before the client saw its own commit
				at = now.UnixMicro()
			}
			lat = append(lat, now.Sub(time.UnixMicro(at)))
		}
	}
	if len(lat) == 0 {
		return fmt.Errorf("W10: no records")
	}
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	fmt.Printf("W10 paced %d rows/s for %ds: %d records, commit-to-Poll latency p50 %v p99 %v max %v (target p99 ≤ 50ms; ratio %.2f of target)\n",
		rate, secs, len(lat), p(0.5).Round(time.Microsecond), p(0.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond),
		float64(50*time.Millisecond)/float64(p(0.99)))
	return nil
}

// awaitMarker polls until the bench.live row with id -1 arrives.
func awaitMarker(task *mysql.Task, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		rs, err := task.Poll(context.Background())
		if err != nil {
			return err
		}
		for _, r := range rs {
			if r.Topic != "bench.bench.live" {
				continue
			}
			if after, ok := r.Value.(*schemas.Struct).Get("after").(*schemas.Struct); ok && after.Get("id") == int32(-1) {
				return nil
			}
		}
	}
	return fmt.Errorf("W10: the task did not stream the marker row within %v", timeout)
}

func report(name string, events int, took, ceiling, cpu time.Duration) {
	rate := float64(events) / took.Seconds()
	crate := float64(events) / ceiling.Seconds()
	fmt.Printf("%s: %d events in %v (%.0f/s); ceiling %v (%.0f/s); ratio %.2fx (target ≥ 0.7x); CPU %.2f s per million events (target ≤ 8)\n",
		name, events, took.Round(time.Millisecond), rate, ceiling.Round(time.Millisecond), crate, rate/crate, cpu.Seconds()*1e6/float64(events))
}

// runUntil starts a task and polls until n data records arrived (committing offsets),
// handing every batch to out when it is not nil.
func runUntil(cfg connectors.Config, offs *cdctest.Offsets, n int, out *pipeline) (*mysql.Task, int, error) {
	task := mysql.NewTask(true)
	if err := task.Start(context.Background(), cfg, cdctest.TaskContext{O: offs}); err != nil {
		return nil, 0, err
	}
	got := 0
	deadline := time.Now().Add(10 * time.Minute)
	for got < n {
		if time.Now().After(deadline) {
			return task, got, fmt.Errorf("timed out after %d of %d records", got, n)
		}
		rs, err := task.Poll(context.Background())
		if err != nil {
			return task, got, err
		}
		for _, r := range rs {
			if r.Topic == "bench.bench.t" {
				got++
			}
		}
		if out != nil {
			if err := out.produce(context.Background(), rs); err != nil {
				return task, got, err
			}
			if memprofile != "" && got >= n/2 && got-len(rs) < n/2 {
				writeHeapProfile()
			}
		}
		if len(rs) > 0 {
			last := rs[len(rs)-1]
			offs.Set(last.SourcePartition, last.Offset())
		}
	}
	return task, got, nil
}

func masterPos(srv *mysqltest.Server) (gmysql.Position, error) {
	c, err := client.Connect(srv.Addr(), srv.User, srv.Password, "")
	if err != nil {
		return gmysql.Position{}, err
	}
	defer c.Close()
	r, err := c.Execute("SHOW MASTER STATUS")
	if err != nil {
		return gmysql.Position{}, err
	}
	f, _ := r.GetString(0, 0)
	p, _ := r.GetInt(0, 1)
	return gmysql.Position{Name: strings.Clone(f), Pos: uint32(p)}, nil
}

// decodeCeiling times go-mysql decoding the binlog from pos until n XIDs were seen.
func decodeCeiling(srv *mysqltest.Server, pos gmysql.Position, n int) (time.Duration, error) {
	syncer := replication.NewBinlogSyncer(replication.BinlogSyncerConfig{ServerID: 9200, Flavor: gmysql.MariaDBFlavor, Host: srv.Host,
		Port: uint16(srv.Port), User: srv.User, Password: srv.Password, ParseTime: true, UseDecimal: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer syncer.Close()
	start := time.Now()
	st, err := syncer.StartSync(pos)
	if err != nil {
		return 0, err
	}
	xids := 0
	for xids < n {
		ev, err := st.GetEvent(context.Background())
		if err != nil {
			return 0, err
		}
		if _, ok := ev.Event.(*replication.XIDEvent); ok {
			xids++
		}
	}
	return time.Since(start), nil
}
