package oracle

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gonnect/gonnect/offsets"
)

// Offset keys of Debezium's Oracle offset map (spec §4.3).
const (
	OffsetSCN              = "scn"
	OffsetCommitSCN        = "commit_scn"
	OffsetTxID             = "txId"
	OffsetTxSeq            = "txSeq"
	OffsetSnapshot         = "snapshot"
	OffsetSnapshotComplete = "snapshot_completed"
	OffsetSnapshotSCN      = "snapshot_scn"
	OffsetSnapshotPending  = "snapshot_pending_tx"
)

// threadCommit is one redo thread's commit high-watermark.
type threadCommit struct {
	scn  uint64
	xids []string // sorted, lower-case
}

// CommitSCN is Debezium's per-redo-thread commit position: for each thread the SCN of
// the last commit handled and the transactions committed at exactly that SCN.
// Rendered "<scn>:<thread>:<txid>[-<txid>…]", threads comma-separated in thread order.
type CommitSCN map[int]threadCommit

// ParseCommitSCN reads the offset value, accepting the legacy forms Debezium accepts:
// a bare SCN (thread 1), "scn:thread:txids" and the 4-part "scn:_:_:thread".
func ParseCommitSCN(s string) (CommitSCN, error) {
	out := CommitSCN{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for _, part := range strings.Split(s, ",") {
		f := strings.Split(part, ":")
		var tc threadCommit
		thread := 1
		var err error
		switch len(f) {
		case 1:
		case 3:
			thread, err = strconv.Atoi(f[1])
			if f[2] != "" {
				tc.xids = strings.Split(strings.ToLower(f[2]), "-")
				sort.Strings(tc.xids)
			}
		case 4:
			thread, err = strconv.Atoi(f[3])
		default:
			return nil, fmt.Errorf("offset commit_scn: unexpected entry %q", part)
		}
		if err != nil {
			return nil, fmt.Errorf("offset commit_scn: entry %q: thread is not a number", part)
		}
		if tc.scn, err = strconv.ParseUint(f[0], 10, 64); err != nil {
			return nil, fmt.Errorf("offset commit_scn: entry %q: SCN is not a number", part)
		}
		out[thread] = tc
	}
	return out, nil
}

// String renders the offset value ("" when empty).
func (c CommitSCN) String() string {
	threads := make([]int, 0, len(c))
	for t := range c {
		threads = append(threads, t)
	}
	sort.Ints(threads)
	var b strings.Builder
	for i, t := range threads {
		if i > 0 {
			b.WriteByte(',')
		}
		tc := c[t]
		b.WriteString(strconv.FormatUint(tc.scn, 10))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(t))
		b.WriteByte(':')
		b.WriteString(strings.Join(tc.xids, "-"))
	}
	return b.String()
}

// Handled reports whether a commit on thread at scn by xid was already emitted: the
// thread's commit SCN is higher, or equal with xid listed (F-RAC-DUPSCN: an SCN alone
// is not a unique position).
func (c CommitSCN) Handled(thread int, scn uint64, xid string) bool {
	tc, ok := c[thread]
	if !ok {
		return false
	}
	if tc.scn > scn {
		return true
	}
	if tc.scn == scn {
		xid = strings.ToLower(xid)
		for _, x := range tc.xids {
			if x == xid {
				return true
			}
		}
	}
	return false
}

// Record notes a handled commit.
func (c CommitSCN) Record(thread int, scn uint64, xid string) {
	xid = strings.ToLower(xid)
	tc, ok := c[thread]
	if ok && tc.scn == scn {
		for _, x := range tc.xids {
			if x == xid {
				return
			}
		}
		tc.xids = append(append([]string(nil), tc.xids...), xid)
		sort.Strings(tc.xids)
		c[thread] = tc
		return
	}
	if ok && tc.scn > scn {
		return
	}
	c[thread] = threadCommit{scn: scn, xids: []string{xid}}
}

// Max returns the highest commit SCN over all threads.
func (c CommitSCN) Max() uint64 {
	var m uint64
	for _, tc := range c {
		if tc.scn > m {
			m = tc.scn
		}
	}
	return m
}

// Clone returns a copy.
func (c CommitSCN) Clone() CommitSCN {
	out := make(CommitSCN, len(c))
	for k, v := range c {
		out[k] = threadCommit{scn: v.scn, xids: append([]string(nil), v.xids...)}
	}
	return out
}

// Position is the streaming position the connector stores as its offset.
type Position struct {
	SCN       uint64    // resume (low-watermark) SCN
	Commit    CommitSCN // per-thread commit positions
	TxID      string    // last emitted transaction ("" when between transactions)
	TxSeq     int64     // events of TxID already emitted
	extraKeys offsets.Offset
}

// ParsePosition reads a stored offset, accepting a numeric legacy scn. Unknown keys
// (snapshot markers, incremental snapshot state) are carried through unchanged.
func ParsePosition(o offsets.Offset) (Position, error) {
	var p Position
	p.Commit = CommitSCN{}
	p.extraKeys = offsets.Offset{}
	for k, v := range o {
		switch k {
		case OffsetSCN:
			n, err := scnValue(v)
			if err != nil {
				return Position{}, fmt.Errorf("offset scn: %w", err)
			}
			p.SCN = n
		case OffsetCommitSCN:
			switch x := v.(type) {
			case string:
				c, err := ParseCommitSCN(x)
				if err != nil {
					return Position{}, err
				}
				p.Commit = c
			case nil:
			default:
				n, err := scnValue(v)
				if err != nil {
					return Position{}, fmt.Errorf("offset commit_scn: %w", err)
				}
				p.Commit = CommitSCN{1: {scn: n}}
			}
		case OffsetTxID:
			p.TxID, _ = v.(string)
		case OffsetTxSeq:
			n, err := scnValue(v)
			if err != nil {
				return Position{}, fmt.Errorf("offset txSeq: %w", err)
			}
			p.TxSeq = int64(n)
		default:
			p.extraKeys[k] = v
		}
	}
	return p, nil
}

func scnValue(v any) (uint64, error) {
	switch x := v.(type) {
	case string:
		return strconv.ParseUint(x, 10, 64)
	case int64:
		return uint64(x), nil
	case int:
		return uint64(x), nil
	case int32:
		return uint64(x), nil
	case float64:
		return uint64(x), nil
	case uint64:
		return x, nil
	}
	return 0, fmt.Errorf("unexpected value %v (%T)", v, v)
}

// Offset renders the position as Debezium's offset map.
func (p Position) Offset() offsets.Offset { return p.offsetWith(p.Commit.String()) }

// offsetWith renders the position with an already rendered commit_scn.
func (p Position) offsetWith(commit string) offsets.Offset {
	o := make(offsets.Offset, 4+len(p.extraKeys))
	for k, v := range p.extraKeys {
		o[k] = v
	}
	o[OffsetSCN] = strconv.FormatUint(p.SCN, 10)
	if commit != "" {
		o[OffsetCommitSCN] = commit
	}
	if p.TxID != "" {
		o[OffsetTxID] = p.TxID
		o[OffsetTxSeq] = p.TxSeq
	}
	return o
}
