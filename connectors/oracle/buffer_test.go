package oracle_test

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
	"github.com/gonnect/gonnect/schemas"
)

// TestLargeTransactionSpillsAndStaysBounded buffers one transaction of 1,000,000
// INSERTs with a 4 MiB memory bound: the buffered bytes in memory never exceed the
// bound, the transaction goes to a spill file, and at COMMIT every row comes out in
// redo order with txSeq 1..1,000,000; the spill file is removed afterwards.
func TestLargeTransactionSpillsAndStaysBounded(t *testing.T) {
	const rows = 1_000_000
	const limit = 4 << 20
	_, cat := loadG01(t)
	dir := t.TempDir()
	cfg, err := oracle.ParseConfig(connectors.Config(taskConfig()))
	if err != nil {
		t.Fatal(err)
	}
	scfg := cfg.StreamConfig()
	scfg.BufferLimit, scfg.SpillDir = limit, dir
	var seen int64
	var lastKey int64
	scfg.Sink = func(r *connectors.SourceRecord) error {
		env := r.Value.(*schemas.Struct)
		seq := env.Get("source").(*schemas.Struct).Get("txSeq").(int64)
		key := r.Key.(*schemas.Struct).Get("ACCT_ID").(int64)
		seen++
		if seq != seen || key != lastKey+1 {
			return fmt.Errorf("record %d: txSeq %d key %d after key %d", seen, seq, key, lastKey)
		}
		lastKey = key
		return nil
	}
	m := oracle.NewMetrics("t")
	st, err := oracle.NewStream(scfg, cat, oracle.Position{}, slog.New(slog.DiscardHandler), m)
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	xid := "0A00010001000000"
	row := logminer.Row{SCN: 1, OpCode: logminer.OpStart, XID: xid, Thread: 1, Timestamp: ts}
	if err := st.Process(&row); err != nil {
		t.Fatal(err)
	}
	maxMem := 0.0
	for i := 1; i <= rows; i++ {
		r := logminer.Row{SCN: uint64(1 + i), OpCode: logminer.OpInsert, XID: xid, Thread: 1, Timestamp: ts, Owner: "FINX", Table: "ACCOUNTS",
			RowID: fmt.Sprintf("AAASEXAAIAAA%06d", i), RsID: "0x000001.00000001.0010",
			SQLRedo: fmt.Sprintf(`insert into "FINX"."ACCOUNTS"("ACCT_ID","CUST_ID","BALANCE","STATUS") values ('%d','100045','%d.25','OPEN');`, i, i)}
		if err := st.Process(&r); err != nil {
			t.Fatal(err)
		}
		if i%50_000 == 0 {
			if v := testutil.ToFloat64(oracle.BufferGauge(m)); v > maxMem {
				maxMem = v
			}
		}
	}
	if maxMem > limit || maxMem == 0 {
		t.Fatalf("buffer memory peaked at %.0f bytes, bound %d", maxMem, limit)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.spill"))
	if len(files) != 1 {
		t.Fatalf("want one spill file while the transaction is open, found %v", files)
	}
	commit := logminer.Row{SCN: rows + 2, OpCode: logminer.OpCommit, XID: xid, Thread: 1, Timestamp: ts}
	if err := st.Process(&commit); err != nil {
		t.Fatal(err)
	}
	if seen != rows {
		t.Fatalf("emitted %d records, want %d", seen, rows)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 0 {
		t.Fatalf("spill files left behind: %v", files)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatal(err)
	}
}
