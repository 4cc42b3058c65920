// Command oracle runs benchmark W13 of shared/spec/benchmarks.md: recorded LogMiner
// rows (SQL_REDO text and metadata) through Gonnect's SQL_REDO parser and transaction
// buffer, on one core, against a ceiling measured in the same run (a pass that only
// reads every byte of SQL_REDO), and the peak RSS of a 1,000,000-row transaction
// against the buffer's memory bound (measured in a child process so that the RSS is
// that transaction's alone).
//
//	go run ./bench/oracle [-rows 1000000] [-bound 67108864]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
	"github.com/gonnect/gonnect/connectors/oracle/sqlredo"
)

const target = 200_000 // rows per second per core

const tables = `{"FINX.ACCOUNTS":{"owner":"FINX","name":"ACCOUNTS","primary_key":["ACCT_ID"],"columns":[
 {"name":"ACCT_ID","oracle_type":"NUMBER(10)","nullable":false},{"name":"CUST_ID","oracle_type":"NUMBER(10)","nullable":false},
 {"name":"BALANCE","oracle_type":"NUMBER(15,2)","nullable":false},{"name":"STATUS","oracle_type":"VARCHAR2(10)","nullable":true}]},
"FINX.LEDGER":{"owner":"FINX","name":"LEDGER","primary_key":["ENTRY_ID"],"columns":[
 {"name":"ENTRY_ID","oracle_type":"NUMBER(12)","nullable":false},{"name":"ACCOUNT_NO","oracle_type":"VARCHAR2(20)","nullable":false},
 {"name":"AMOUNT","oracle_type":"NUMBER(15,2)","nullable":false},{"name":"MEMO","oracle_type":"VARCHAR2(4000)","nullable":true},
 {"name":"BOOKED_ON","oracle_type":"DATE","nullable":true},{"name":"UPDATED_AT","oracle_type":"TIMESTAMP(6)","nullable":true}]}}`

func main() {
	rows := flag.Int("rows", 1_000_000, "rows in the mixed workload and in the large transaction")
	bound := flag.Int64("bound", 64<<20, "log.mining.buffer.memory.limit.bytes for the large transaction")
	mode := flag.String("mode", "", "internal: bigtx runs the large transaction alone")
	flag.Parse()
	if *mode == "bigtx" {
		bigTransaction(*rows, *bound)
		return
	}
	runtime.GOMAXPROCS(1)
	work := mixedWorkload(*rows)
	var sqlBytes int64
	for i := range work {
		sqlBytes += int64(len(work[i].SQLRedo))
	}
	fmt.Printf("W13 Oracle parse path: %d LogMiner rows (%d DML, avg SQL_REDO %d B), GOMAXPROCS=1\n",
		len(work), countDML(work), sqlBytes/int64(countDML(work)))
	ceil := measure(func() {
		var sum byte
		for i := range work {
			s := work[i].SQLRedo
			for j := 0; j < len(s); j++ {
				sum += s[j]
			}
		}
		sink = sum
	})
	parse := measure(func() {
		for i := range work {
			if c := work[i].OpCode; c >= 1 && c <= 3 {
				if _, err := sqlredo.Parse(work[i].SQLRedo); err != nil {
					fail(err)
				}
			}
		}
	})
	// the buffer alone: the same rows, every transaction ending in ROLLBACK, so rows
	// are buffered, undo rows paired and the transaction dropped without parsing
	rolled := make([]logminer.Row, len(work))
	copy(rolled, work)
	for i := range rolled {
		if rolled[i].OpCode == logminer.OpCommit {
			rolled[i].OpCode = logminer.OpRollback
		}
	}
	buffer := measure(func() {
		st := newStream(0, func(*connectors.SourceRecord) error { return nil })
		for i := range rolled {
			r := rolled[i]
			if err := st.Process(&r); err != nil {
				fail(err)
			}
		}
	})
	var records int
	stream := measure(func() {
		st := newStream(0, func(*connectors.SourceRecord) error { records++; return nil })
		for i := range work {
			r := work[i]
			if err := st.Process(&r); err != nil {
				fail(err)
			}
		}
	})
	rate := func(cpu time.Duration) float64 { return float64(len(work)) / cpu.Seconds() }
	fmt.Printf("%-44s %12.0f rows/s/core  (%6.2f s CPU)\n", "ceiling: read every SQL_REDO byte", rate(ceil), ceil.Seconds())
	fmt.Printf("%-44s %12.0f rows/s/core  (%6.2f s CPU)  %5.1fx target, %5.1f%% of ceiling\n", "SQL_REDO parser", rate(parse), parse.Seconds(), rate(parse)/target, 100*rate(parse)/rate(ceil))
	fmt.Printf("%-44s %12.0f rows/s/core  (%6.2f s CPU)\n", "transaction buffer + undo pairing", rate(buffer), buffer.Seconds())
	pb := parse + buffer
	fmt.Printf("%-44s %12.0f rows/s/core  (%6.2f s CPU)  %5.1fx target, %5.1f%% of ceiling\n", "parser + buffer (W13)", rate(pb), pb.Seconds(), rate(pb)/target, 100*rate(pb)/rate(ceil))
	fmt.Printf("%-44s %12.0f rows/s/core  (%6.2f s CPU)  %5.1fx target, %d records\n", "whole stream incl. Connect records", rate(stream), stream.Seconds(), rate(stream)/target, records)
	verdict := "ok"
	if rate(pb) < target {
		verdict = "BELOW TARGET"
	}
	fmt.Printf("rows/s per core through parser and buffer: %.0f (target >= %d): %s\n", rate(pb), target, verdict)

	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	// once with the Go defaults, once with GOMEMLIMIT at twice the bound (what
	// docs/oracle.md recommends for workers with large transactions)
	for _, limit := range []string{"", strconv.FormatInt(2**bound, 10)} {
		cmd := exec.Command(self, "-mode=bigtx", "-rows="+strconv.Itoa(*rows), "-bound="+strconv.FormatInt(*bound, 10))
		cmd.Env = os.Environ()
		if limit != "" {
			cmd.Env = append(cmd.Env, "GOMEMLIMIT="+limit)
			fmt.Printf("with GOMEMLIMIT=%d MB:\n", (2**bound)>>20)
		}
		out, err := cmd.CombinedOutput()
		fmt.Print(string(out))
		if err != nil {
			fail(err)
		}
	}
}

var sink byte

func fail(err error) {
	fmt.Fprintln(os.Stderr, "oracle bench:", err)
	os.Exit(1)
}

func countDML(rows []logminer.Row) int {
	n := 0
	for i := range rows {
		if c := rows[i].OpCode; c >= 1 && c <= 3 {
			n++
		}
	}
	return n
}

// measure returns the process CPU time (user+system) fn used, after a GC.
func measure(fn func()) time.Duration {
	runtime.GC()
	before := cpuTime()
	fn()
	return cpuTime() - before
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		fail(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func newStream(bound int64, sink func(*connectors.SourceRecord) error) *oracle.Stream {
	cat, err := oracle.ReadCatalog(strings.NewReader(tables))
	if err != nil {
		fail(err)
	}
	cfg, err := oracle.ParseConfig(connectors.Config{"topic.prefix": "bench", "database.dbname": "CBS", "table.include.list": `FINX\..*`})
	if err != nil {
		fail(err)
	}
	scfg := cfg.StreamConfig()
	scfg.BufferLimit, scfg.SpillDir, scfg.Sink = bound, os.TempDir(), sink
	fixed := time.Unix(0, 0)
	scfg.Now = func() time.Time { return fixed }
	st, err := oracle.NewStream(scfg, cat, oracle.Position{}, slog.New(slog.DiscardHandler), oracle.NewMetrics("bench"))
	if err != nil {
		fail(err)
	}
	return st
}

// mixedWorkload builds a recorded stream of small OLTP transactions (1–6 DML rows,
// inserts, updates and deletes over two tables), every 20th transaction with a
// statement rollback (an undo row cancelling its insert) and every 50th rolled back.
func mixedWorkload(n int) []logminer.Row {
	out := make([]logminer.Row, 0, n+n/2)
	ts := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	scn := uint64(1_000_000)
	tx := 0
	id := 0
	for len(out) < n {
		tx++
		xid := fmt.Sprintf("%04X%04X%08X", tx%0xffff, tx%97, tx)
		add := func(code int, owner, table, rowID, sql string, rollback bool) {
			scn++
			out = append(out, logminer.Row{SCN: scn, Timestamp: ts, OpCode: code, SQLRedo: sql, XID: xid, Thread: 1, Owner: owner, Table: table,
				RowID: rowID, RsID: "0x00a1f3.00004003.0010", Username: "APP_CORE", Rollback: rollback})
		}
		add(logminer.OpStart, "", "", "AAAAAAAAAAAAAAAAAA", "set transaction read write;", false)
		k := 1 + tx%6
		for j := 0; j < k; j++ {
			id++
			rowID := fmt.Sprintf("AAASEXAAIAAA%06d", id%1_000_000)
			switch j % 3 {
			case 0:
				add(logminer.OpInsert, "FINX", "LEDGER", rowID, fmt.Sprintf(`insert into "FINX"."LEDGER"("ENTRY_ID","ACCOUNT_NO","AMOUNT","MEMO","BOOKED_ON","UPDATED_AT") values ('%d','DE89370400440532%04d','-%d.75','card payment at merchant %d; ref=ABC/%d',TO_DATE('2025-03-05 00:00:00', 'YYYY-MM-DD HH24:MI:SS'),TO_TIMESTAMP('2025-03-05 10:11:12.123456000'));`, id, id%10000, id%5000, id%777, id), false)
				if tx%20 == 0 {
					add(logminer.OpDelete, "FINX", "LEDGER", rowID, fmt.Sprintf(`delete from "FINX"."LEDGER" where ROWID = '%s';`, rowID), true)
				}
			case 1:
				add(logminer.OpUpdate, "FINX", "ACCOUNTS", rowID, fmt.Sprintf(`update "FINX"."ACCOUNTS" set "BALANCE" = '%d.25', "STATUS" = 'OPEN' where "ACCT_ID" = '%d' and "CUST_ID" = '100045' and "BALANCE" = '%d' and "STATUS" = 'NEW';`, id%9000, id, id%8000), false)
			case 2:
				add(logminer.OpDelete, "FINX", "ACCOUNTS", rowID, fmt.Sprintf(`delete from "FINX"."ACCOUNTS" where "ACCT_ID" = '%d' and "CUST_ID" = '100046' and "BALANCE" = '.5' and "STATUS" IS NULL;`, id), false)
			}
		}
		if tx%50 == 0 {
			add(logminer.OpRollback, "", "", "AAAAAAAAAAAAAAAAAA", "rollback;", false)
		} else {
			add(logminer.OpCommit, "", "", "AAAAAAAAAAAAAAAAAA", "commit;", false)
		}
	}
	return out
}

// bigTransaction buffers one transaction of n INSERTs with the given memory bound,
// then commits it, and prints peak RSS (VmHWM) against the bound.
func bigTransaction(n int, bound int64) {
	debug.SetGCPercent(100)
	var records int
	st := newStream(bound, func(*connectors.SourceRecord) error { records++; return nil })
	ts := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	xid := "0A00010001000000"
	start := logminer.Row{SCN: 1, OpCode: logminer.OpStart, XID: xid, Thread: 1, Timestamp: ts}
	if err := st.Process(&start); err != nil {
		fail(err)
	}
	baseline := rssKB("VmRSS")
	began := time.Now()
	var sqlBytes int64
	for i := 1; i <= n; i++ {
		r := logminer.Row{SCN: uint64(1 + i), OpCode: logminer.OpInsert, XID: xid, Thread: 1, Timestamp: ts, Owner: "FINX", Table: "LEDGER",
			RowID: fmt.Sprintf("AAASEWAAIAAA%06d", i%1_000_000), RsID: "0x000001.00000001.0010", Username: "BATCH",
			SQLRedo: fmt.Sprintf(`insert into "FINX"."LEDGER"("ENTRY_ID","ACCOUNT_NO","AMOUNT","MEMO","BOOKED_ON","UPDATED_AT") values ('%d','DE89370400440532%04d','%d.10','month-end accrual batch line %d',TO_DATE('2025-03-31 00:00:00', 'YYYY-MM-DD HH24:MI:SS'),NULL);`, i, i%10000, i%100000, i)}
		sqlBytes += int64(len(r.SQLRedo))
		if err := st.Process(&r); err != nil {
			fail(err)
		}
	}
	buffered := rssKB("VmHWM")
	commit := logminer.Row{SCN: uint64(n + 2), OpCode: logminer.OpCommit, XID: xid, Thread: 1, Timestamp: ts}
	if err := st.Process(&commit); err != nil {
		fail(err)
	}
	peak := rssKB("VmHWM")
	fmt.Printf("1M-row transaction: %d rows (%d MB of SQL_REDO) buffered and emitted as %d records in %.1f s\n", n, sqlBytes>>20, records, time.Since(began).Seconds())
	fmt.Printf("  memory bound %d MB; RSS before the transaction %d MB; peak RSS while buffering %d MB; peak RSS through COMMIT %d MB\n",
		bound>>20, baseline>>10, buffered>>10, peak>>10)
	fmt.Printf("  peak RSS growth / bound: %.2fx (unbounded buffering would hold about %d MB)\n", float64(peak-baseline)*1024/float64(bound), sqlBytes*2>>20)
}

func rssKB(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), field+":") {
			n, _ := strconv.ParseInt(strings.Fields(sc.Text())[1], 10, 64)
			return n
		}
	}
	return 0
}
