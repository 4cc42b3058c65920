package oracle

import (
	"fmt"
	"hash/maphash"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/gonnect/gonnect/connectors/oracle/logminer"
)

// entry is one buffered DML row of an open transaction, kept as LogMiner printed it:
// SQL_REDO is parsed only at COMMIT, so rolled-back work costs no parsing.
type entry struct {
	SCN      uint64
	Time     time.Time
	OpCode   uint8
	SQL      string
	RsID     string
	SSN      int64
	RowID    string
	Owner    string
	Table    string
	Username string
	Thread   int
	DataObj  int64
}

func (e *entry) size() int64 {
	return int64(len(e.SQL)+len(e.RsID)+len(e.RowID)+len(e.Owner)+len(e.Table)+len(e.Username)) + 96
}

func newEntry(r *logminer.Row) entry {
	return entry{SCN: r.SCN, Time: r.Timestamp, OpCode: uint8(r.OpCode), SQL: r.SQLRedo, RsID: r.RsID, SSN: r.SSN,
		RowID: r.RowID, Owner: r.Owner, Table: r.Table, Username: r.Username, Thread: r.Thread, DataObj: r.DataObj}
}

// txn is one open transaction. Entries 0..spilled-1 live in the spill file, the rest
// in mem. The undo index (ops, prev, head, cancelled) covers every entry and costs a
// few bytes per entry, so undo pairing works on spilled entries without reading them.
type txn struct {
	xid       string
	thread    int
	startSCN  uint64
	startTime time.Time

	mem     []entry
	spilled int
	spill   *spillFile
	bytes   int64

	ops       []uint8
	prev      []int32 // previous (older) entry with the same ROW_ID, -1 when none
	head      map[uint64]int32
	cancelled []uint64 // bitset
	parked    []entry  // undo rows that arrived before their target (19.13+ order)
	live      int
}

func (t *txn) n() int { return len(t.ops) }

func (t *txn) isCancelled(i int) bool { return t.cancelled[i/64]&(1<<(i%64)) != 0 }

func (t *txn) cancel(i int) {
	t.cancelled[i/64] |= 1 << (i % 64)
	t.live--
}

// entryAt returns an in-memory entry, or nil when it is spilled.
func (t *txn) entryAt(i int) *entry {
	if i < t.spilled {
		return nil
	}
	return &t.mem[i-t.spilled]
}

// each calls fn for every live (not undone) entry in redo order.
func (t *txn) each(fn func(e *entry) error) error {
	if t.spill != nil {
		err := t.spill.each(func(i int, e *entry) error {
			if t.isCancelled(i) {
				return nil
			}
			return fn(e)
		})
		if err != nil {
			return err
		}
	}
	for i := range t.mem {
		if t.isCancelled(t.spilled + i) {
			continue
		}
		if err := fn(&t.mem[i]); err != nil {
			return err
		}
	}
	return nil
}

func (t *txn) close() {
	if t.spill != nil {
		t.spill.close()
		t.spill = nil
	}
}

// buffer groups DML rows by XID until COMMIT or ROLLBACK (M-COMMIT-ORDER), applies
// ROLLBACK=1 undo rows to the change they cancel, and bounds its memory by spilling
// the in-memory part of a transaction to disk when the total passes the limit.
//
// It is owned by the task's streaming goroutine and not safe for concurrent use.
type buffer struct {
	txs      map[string]*txn
	memBytes int64
	limit    int64
	dir      string
	seed     maphash.Seed
	log      *slog.Logger
	metrics  *Metrics
	// abandoned holds the XIDs discarded by the retention limit until their COMMIT
	// or ROLLBACK is mined, so their later rows are not taken for a new transaction.
	abandoned map[string]bool
}

func newBuffer(limit int64, dir string, log *slog.Logger, m *Metrics) *buffer {
	return &buffer{txs: map[string]*txn{}, limit: limit, dir: dir, seed: maphash.MakeSeed(), log: log, metrics: m, abandoned: map[string]bool{}}
}

// isAbandoned reports a transaction discarded by the retention limit; ended forgets
// it (at its COMMIT or ROLLBACK).
func (b *buffer) isAbandoned(xid string, ended bool) bool {
	if !b.abandoned[xid] {
		return false
	}
	if ended {
		delete(b.abandoned, xid)
	}
	return true
}

func (b *buffer) rowHash(id string) uint64 { return maphash.String(b.seed, id) }

// begin opens a transaction on START, or on its first row when START was mined in
// an earlier window than the connector's start.
func (b *buffer) begin(r *logminer.Row) *txn {
	if t, ok := b.txs[r.XID]; ok {
		return t
	}
	t := &txn{xid: r.XID, thread: r.Thread, startSCN: r.SCN, startTime: r.Timestamp, head: map[uint64]int32{}}
	b.txs[r.XID] = t
	b.metrics.activeTransactions.Set(float64(len(b.txs)))
	return t
}

// add buffers a DML row (ROLLBACK=0).
func (b *buffer) add(r *logminer.Row) error {
	t := b.begin(r)
	e := newEntry(r)
	i := int32(t.n())
	// F-LOB-ROWID: an INSERT into a table with LOB columns carries the all-'A' ROW_ID
	// and the UPDATE that writes its LOBs carries the real one. Index the INSERT under
	// the real ROW_ID too, so that an undo by ROWID finds it.
	if !logminer.EmptyRowID(e.RowID) && e.OpCode == logminer.OpUpdate && i > 0 {
		if p := t.entryAt(int(i - 1)); p != nil && !t.isCancelled(int(i-1)) && p.OpCode == logminer.OpInsert &&
			logminer.EmptyRowID(p.RowID) && p.Owner == e.Owner && p.Table == e.Table {
			h := b.rowHash(e.RowID)
			if old, ok := t.head[h]; ok {
				t.prev[i-1] = old
			}
			t.head[h] = i - 1
		}
	}
	h := b.rowHash(e.RowID)
	prev := int32(-1)
	if old, ok := t.head[h]; ok {
		prev = old
	}
	t.ops = append(t.ops, e.OpCode)
	t.prev = append(t.prev, prev)
	if len(t.cancelled)*64 < len(t.ops) {
		t.cancelled = append(t.cancelled, 0)
	}
	t.head[h] = i
	t.live++
	sz := e.size()
	t.mem = append(t.mem, e)
	t.bytes += sz
	b.memBytes += sz
	if err := b.matchParked(t, int(i)); err != nil {
		return err
	}
	if b.limit > 0 && b.memBytes > b.limit {
		return b.spillLargest()
	}
	b.metrics.bufferBytes.Set(float64(b.memBytes))
	return nil
}

// inverse reports whether an undo row with op u cancels a change with op c
// (INSERT↔DELETE, UPDATE↔UPDATE; M-UNDO-PAIR).
func inverse(u, c uint8) bool {
	switch u {
	case logminer.OpDelete:
		return c == logminer.OpInsert
	case logminer.OpInsert:
		return c == logminer.OpDelete
	case logminer.OpUpdate:
		return c == logminer.OpUpdate
	}
	return false
}

// undo applies a ROLLBACK=1 row: it cancels the newest live change of the same
// transaction on the same ROW_ID whose operation it inverts (oracle-update-as-delete
// §2.3; Debezium matches on ROW_ID alone, which lets an undo cancel the wrong
// operation). Without a match yet the row is parked until a matching change arrives
// (Oracle 19.13+ can write the undo first); a transaction that commits with a parked
// undo fails. An undo whose XID sequence is FFFFFFFF (mined in a later session than
// its target, DBZ-5090) applies to the single open transaction with the same
// undo-segment and slot.
func (b *buffer) undo(r *logminer.Row) error {
	t, ok := b.txs[r.XID]
	if !ok && strings.HasSuffix(r.XID, "FFFFFFFF") {
		var found []*txn
		for xid, c := range b.txs {
			if strings.HasPrefix(xid, r.XID[:8]) {
				found = append(found, c)
			}
		}
		switch len(found) {
		case 1:
			t, ok = found[0], true
		case 0:
		default:
			return fmt.Errorf("undo row at %s: XID ends in FFFFFFFF and %d open transactions share its slot %s", r.Position(), len(found), strings.ToLower(r.XID[:8]))
		}
	}
	if !ok {
		// The target was mined before this connector's start position (or in a
		// transaction already discarded): nothing of it is buffered.
		b.log.Warn("undo row for a transaction that is not buffered; ignored", "position", r.Position())
		b.metrics.undoUnmatched.Inc()
		return nil
	}
	u := newEntry(r)
	if b.cancelNewest(t, &u) {
		return nil
	}
	t.parked = append(t.parked, u)
	return nil
}

func (b *buffer) cancelNewest(t *txn, u *entry) bool {
	h := b.rowHash(u.RowID)
	i, ok := t.head[h]
	if !ok {
		return false
	}
	for ; i >= 0; i = t.prev[i] {
		if t.isCancelled(int(i)) || !inverse(u.OpCode, t.ops[i]) {
			continue
		}
		if e := t.entryAt(int(i)); e != nil && e.RowID != u.RowID && !logminer.EmptyRowID(e.RowID) {
			continue // hash collision
		}
		t.cancel(int(i))
		b.metrics.undoApplied.Inc()
		return true
	}
	return false
}

// matchParked pairs a new change with an undo row that arrived before it.
func (b *buffer) matchParked(t *txn, i int) error {
	if len(t.parked) == 0 {
		return nil
	}
	e := t.entryAt(i)
	for k := len(t.parked) - 1; k >= 0; k-- {
		u := &t.parked[k]
		if u.RowID == e.RowID && inverse(u.OpCode, e.OpCode) {
			t.cancel(i)
			b.metrics.undoApplied.Inc()
			t.parked = append(t.parked[:k], t.parked[k+1:]...)
			return nil
		}
	}
	return nil
}

// spillLargest moves the in-memory entries of the largest transaction to its spill
// file until the buffer is back under its bound.
func (b *buffer) spillLargest() error {
	for b.memBytes > b.limit {
		var big *txn
		for _, t := range b.txs {
			if len(t.mem) > 0 && (big == nil || t.bytes > big.bytes) {
				big = t
			}
		}
		if big == nil {
			return nil
		}
		if big.spill == nil {
			f, err := newSpillFile(b.dir)
			if err != nil {
				return err
			}
			big.spill = f
			b.log.Info("transaction exceeds the buffer memory bound; spilling to disk",
				"xid", strings.ToLower(big.xid), "entries", big.n(), "file", f.f.Name())
		}
		for i := range big.mem {
			if err := big.spill.append(&big.mem[i]); err != nil {
				return err
			}
		}
		big.spilled += len(big.mem)
		big.mem = big.mem[:0:0]
		b.memBytes -= big.bytes
		big.bytes = 0
		b.metrics.spilledTransactions.Inc()
	}
	b.metrics.bufferBytes.Set(float64(b.memBytes))
	return nil
}

// remove takes a transaction out of the buffer (COMMIT, ROLLBACK or discard).
func (b *buffer) remove(xid string) *txn {
	t, ok := b.txs[xid]
	if !ok {
		return nil
	}
	delete(b.txs, xid)
	b.memBytes -= t.bytes
	b.metrics.activeTransactions.Set(float64(len(b.txs)))
	b.metrics.bufferBytes.Set(float64(b.memBytes))
	return t
}

// oldestStart returns the smallest start SCN of the open transactions.
func (b *buffer) oldestStart() (uint64, bool) {
	var min uint64
	found := false
	for _, t := range b.txs {
		if !found || t.startSCN < min {
			min, found = t.startSCN, true
		}
	}
	return min, found
}

// expire discards transactions whose first row is older than retention relative to
// now (log.mining.transaction.retention.ms), with a warning for each. It reports
// whether any was discarded.
func (b *buffer) expire(now time.Time, retention time.Duration) bool {
	if retention <= 0 {
		return false
	}
	var old []string
	for xid, t := range b.txs {
		if now.Sub(t.startTime) > retention {
			old = append(old, xid)
		}
	}
	sort.Strings(old)
	for _, xid := range old {
		t := b.remove(xid)
		b.abandoned[xid] = true
		b.log.Warn("discarding transaction older than log.mining.transaction.retention.ms; its changes will not be emitted",
			"xid", strings.ToLower(xid), "start_scn", t.startSCN, "entries", t.live, "retention", retention)
		b.metrics.abandonedTransactions.Inc()
		t.close()
	}
	return len(old) > 0
}
