package oracle

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gonnect/gonnect/connectors/oracle/logminer"
	"github.com/gonnect/gonnect/offsets"
)

// PendingTx is a transaction open at the snapshot SCN: its changes are not in the
// snapshot (they were uncommitted at that SCN) and streaming must emit all of them,
// including those logged before the snapshot SCN.
type PendingTx struct {
	XID      string // RAWTOHEX(XID), any case
	StartSCN uint64
}

// PendingLister is implemented by a Snapshotter that can list the transactions open
// at the snapshot SCN (V$TRANSACTION). Without it the handover starts streaming at the
// snapshot SCN, as Debezium does with an empty snapshot_pending_tx. Called once, by
// the task's goroutine, right after Begin.
type PendingLister interface {
	PendingTransactions(ctx context.Context, scn uint64) ([]PendingTx, error)
}

// FormatPending renders Debezium's snapshot_pending_tx value: "xid:startScn" pairs,
// comma-separated, lower-case XIDs, in start order.
func FormatPending(txs []PendingTx) string {
	sort.Slice(txs, func(i, j int) bool {
		if txs[i].StartSCN != txs[j].StartSCN {
			return txs[i].StartSCN < txs[j].StartSCN
		}
		return txs[i].XID < txs[j].XID
	})
	parts := make([]string, 0, len(txs))
	for _, t := range txs {
		parts = append(parts, strings.ToLower(t.XID)+":"+strconv.FormatUint(t.StartSCN, 10))
	}
	return strings.Join(parts, ",")
}

// parsePending reads a snapshot_pending_tx value; errors name the entry.
func parsePending(s string) (map[string]uint64, error) {
	out := map[string]uint64{}
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		xid, scn, ok := strings.Cut(part, ":")
		n, err := strconv.ParseUint(scn, 10, 64)
		if !ok || xid == "" || err != nil {
			return nil, fmt.Errorf("offset %s: entry %q is not xid:startScn", OffsetSnapshotPending, part)
		}
		out[strings.ToUpper(xid)] = n
	}
	return out, nil
}

// handover is the snapshot-to-streaming handover (spec §4.3): streaming starts at the
// oldest start SCN of the transactions open at the snapshot SCN, and until mining
// passes the snapshot SCN it keeps only those transactions' rows; every other row at
// or below the snapshot SCN belongs to a transaction whose outcome the snapshot
// already shows. A pending transaction that commits at or below the snapshot SCN
// (listed by a race with the SCN read) is in the snapshot too and is dropped.
type handover struct {
	scn     uint64
	pending map[string]uint64 // upper-case XID → start SCN
}

// newHandover reads the handover state from an offset's extra keys (nil when the
// offset holds none).
func newHandover(extra offsets.Offset) (*handover, error) {
	v, ok := extra[OffsetSnapshotPending].(string)
	if !ok {
		return nil, nil
	}
	scn, err := scnValue(extra[OffsetSnapshotSCN])
	if err != nil {
		return nil, fmt.Errorf("offset %s is set but %s is not an SCN: %w", OffsetSnapshotPending, OffsetSnapshotSCN, err)
	}
	p, err := parsePending(v)
	if err != nil {
		return nil, err
	}
	return &handover{scn: scn, pending: p}, nil
}

// start returns the SCN mining resumes after: just below the oldest pending start,
// else the snapshot SCN.
func (h *handover) start() uint64 {
	s := h.scn
	for _, p := range h.pending {
		if p > 0 && p-1 < s {
			s = p - 1
		}
	}
	return s
}

// drop reports whether a mined row is left out by the handover. A dropped COMMIT
// of a transaction the stream buffered must discard that buffer.
func (h *handover) drop(r *logminer.Row) bool {
	if r.SCN > h.scn {
		return false
	}
	if _, ok := h.pending[r.XID]; !ok {
		return true
	}
	if r.OpCode == logminer.OpCommit {
		// committed at or below the snapshot SCN: the snapshot has it
		delete(h.pending, r.XID)
		return true
	}
	return false
}

// HandOver moves the stream to the end of a snapshot taken at scn with the
// transactions pending then (the snapshot_pending_tx value): the position gets
// snapshot_scn and snapshot_pending_tx, and streaming starts at Position().SCN.
// Called by the task's goroutine before the first window.
func (s *Stream) HandOver(scn uint64, pending string) error {
	extra := offsets.Offset{}
	for k, v := range s.pos.extraKeys {
		extra[k] = v
	}
	extra[OffsetSnapshotSCN] = strconv.FormatUint(scn, 10)
	if pending == "" {
		// nothing was open: streaming starts at the snapshot SCN, no filter needed
		delete(extra, OffsetSnapshotPending)
		s.pos.extraKeys, s.handover, s.pos.SCN = extra, nil, scn
		return nil
	}
	extra[OffsetSnapshotPending] = pending
	h, err := newHandover(extra)
	if err != nil {
		return err
	}
	s.pos.extraKeys, s.handover, s.pos.SCN = extra, h, h.start()
	return nil
}

// withPending adds snapshot_pending_tx to o when transactions were open (Debezium
// writes the key only then).
func withPending(o offsets.Offset, pending string) {
	if pending != "" {
		o[OffsetSnapshotPending] = pending
	}
}

// endHandover drops the handover once the low watermark passed the snapshot SCN.
func (s *Stream) endHandover() {
	if s.handover == nil || s.pos.SCN < s.handover.scn {
		return
	}
	extra := offsets.Offset{}
	for k, v := range s.pos.extraKeys {
		if k != OffsetSnapshotPending {
			extra[k] = v
		}
	}
	s.pos.extraKeys, s.handover = extra, nil
}
