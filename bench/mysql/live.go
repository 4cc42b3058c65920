package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/mysql"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/schemas"
)

// w5 streams one transaction that updates bigTx rows: memory is bounded by
// max.queue.size, not by the transaction.
func w5(srv *mysqltest.Server, cfg connectors.Config, offs *cdctest.Offsets, rows, bigTx int) error {
	n := min(bigTx, rows)
	if err := srv.Root(fmt.Sprintf("UPDATE bench.t SET account=account+1 WHERE id <= %d", n)); err != nil {
		return err
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	task, _, _, err := runUntil(cfg, offs, n, nil)
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
