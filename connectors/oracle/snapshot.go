package oracle

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/offsets"
)

// Snapshotter reads the captured tables consistently at one SCN (spec §6.2).
// Values are delivered in LogMiner's printed forms (sqlredo.Value), so snapshot and
// streaming rows convert identically. Used by the task's goroutine only.
type Snapshotter interface {
	// Begin fixes the snapshot SCN, taking and releasing the locks
	// snapshot.locking.mode asks for.
	Begin(ctx context.Context, tables []*TableInfo) (uint64, error)
	// Read calls fn for every row of t AS OF SCN scn, values in t's column order.
	Read(ctx context.Context, t *TableInfo, scn uint64, fn func(row []any) error) error
}

// offsetSnapshotTable is Gonnect's addition to the snapshot offset: the table being
// read, so a restart resumes the snapshot at that table instead of from scratch.
// Java Debezium ignores the key (and restarts its snapshot).
const offsetSnapshotTable = "gonnect_snapshot_table"

// snapshotNeeded reports whether snapshot.mode asks for data when no offset exists.
func snapshotNeeded(mode string) bool {
	switch mode {
	case "", "initial", "always", "initial_only", "when_needed":
		return true
	}
	return false
}

// snapshotState is where an interrupted snapshot resumes.
type snapshotState struct {
	scn     uint64
	table   string // first table still to read ("" from the beginning)
	pending string // snapshot_pending_tx: transactions open at scn
}

// pendingSnapshot reports an unfinished snapshot recorded in an offset.
func pendingSnapshot(o offsets.Offset) (snapshotState, bool) {
	if o == nil {
		return snapshotState{}, false
	}
	v, ok := o[OffsetSnapshot]
	if !ok || v == false || v == "false" {
		return snapshotState{}, false
	}
	if done, _ := o[OffsetSnapshotComplete].(bool); done {
		return snapshotState{}, false
	}
	st := snapshotState{}
	if s, err := scnValue(o[OffsetSnapshotSCN]); err == nil {
		st.scn = s
	} else if s, err := scnValue(o[OffsetSCN]); err == nil {
		st.scn = s
	}
	st.table, _ = o[offsetSnapshotTable].(string)
	st.pending, _ = o[OffsetSnapshotPending].(string)
	return st, true
}

// runSnapshot emits an `r` event for every row of every captured table at the
// snapshot SCN, with Debezium's snapshot markers (first, first_in_data_collection,
// true, last_in_data_collection, last) and offsets that say which table is being
// read. It returns once the last record was handed to emit.
func (t *Task) runSnapshot(ctx context.Context, st *Stream, snap Snapshotter, cat Catalog, from snapshotState) error {
	names := cat.Names()
	sort.Strings(names)
	start := 0
	if from.table != "" {
		for i, n := range names {
			if n == from.table {
				start = i
			}
		}
	}
	scnText := strconv.FormatUint(from.scn, 10)
	// one record of look-ahead, to mark the last of a table and of the snapshot
	var held *connectors.SourceRecord
	var heldSrc *sourceInfo
	var heldChange cdc.Change
	var heldSchema *cdc.TableSchema
	// flush emits the held record; a non-empty marker replaces its own (the end of a
	// table never demotes the snapshot's first record; the end of the snapshot wins).
	flush := func(marker cdc.SnapshotMarker, off offsets.Offset) error {
		if held == nil {
			return nil
		}
		if marker == cdc.SnapshotLast || (marker != "" && heldSrc.snapshot != cdc.SnapshotFirst) {
			heldSrc.snapshot = marker
		}
		heldChange.Source = heldSrc.build()
		if off != nil {
			heldChange.Offset = off
		}
		recs, err := heldSchema.Records(heldChange, st.cfg.Emit)
		held = nil
		if err != nil {
			return err
		}
		return t.emit(ctx, recs...)
	}
	first := start == 0
	for i := start; i < len(names); i++ {
		ti := cat[names[i]]
		v := st.tables.latest(names[i])
		if v == nil {
			continue
		}
		off := offsets.Offset{OffsetSCN: scnText, OffsetSnapshot: "INITIAL", OffsetSnapshotComplete: false,
			OffsetSnapshotSCN: scnText, offsetSnapshotTable: names[i]}
		withPending(off, from.pending)
		firstInTable := true
		count := 0
		err := snap.Read(ctx, ti, from.scn, func(row []any) error {
			if err := flush("", nil); err != nil {
				return err
			}
			marker := cdc.SnapshotTrue
			switch {
			case first:
				marker, first = cdc.SnapshotFirst, false
			case firstInTable:
				marker = cdc.SnapshotFirstInDataCollection
			}
			firstInTable = false
			count++
			src := sourceInfo{name: st.cfg.Topics.Prefix, db: st.cfg.DB, schema: ti.Table.ID.Schema, table: ti.Table.ID.Table,
				ts: t.now(), snapshot: marker, scn: scnText}
			held, heldSrc, heldSchema = &connectors.SourceRecord{}, &src, v.schema
			heldChange = cdc.Change{Op: cdc.OpRead, After: row, Partition: t.part, Offset: off, Now: t.now()}
			return nil
		})
		if err != nil {
			return fmt.Errorf("snapshot of %s at SCN %d: %w", names[i], from.scn, err)
		}
		t.log.Info("snapshot of table done", "table", names[i], "rows", count, "scn", from.scn)
		if held != nil && count > 0 && heldSrc.snapshot != cdc.SnapshotFirst {
			heldSrc.snapshot = cdc.SnapshotLastInDataCollection
		}
	}
	done := offsets.Offset{OffsetSCN: scnText, OffsetSnapshotSCN: scnText, OffsetSnapshotComplete: true}
	withPending(done, from.pending)
	return flush(cdc.SnapshotLast, done)
}

// MemorySnapshot is a Snapshotter over rows held in memory, keyed "SCHEMA.TABLE"; it
// is what tests and replays use in place of flashback queries.
type MemorySnapshot struct {
	SCN uint64
	// Pending lists the transactions open at SCN (PendingTransactions).
	Pending []PendingTx
	Rows    map[string][][]any
	// Reads counts Read calls per table, so tests can see where a snapshot resumed.
	Reads map[string]int
}

// Begin implements Snapshotter.
func (m *MemorySnapshot) Begin(context.Context, []*TableInfo) (uint64, error) { return m.SCN, nil }

// PendingTransactions implements PendingLister.
func (m *MemorySnapshot) PendingTransactions(context.Context, uint64) ([]PendingTx, error) {
	return append([]PendingTx(nil), m.Pending...), nil
}

// Read implements Snapshotter.
func (m *MemorySnapshot) Read(ctx context.Context, t *TableInfo, _ uint64, fn func([]any) error) error {
	name := t.Table.ID.Schema + "." + t.Table.ID.Table
	if m.Reads == nil {
		m.Reads = map[string]int{}
	}
	m.Reads[name]++
	for _, r := range m.Rows[name] {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(append([]any(nil), r...)); err != nil {
			return err
		}
	}
	return nil
}

// ReadChunk implements ChunkReader over Rows: the rows of t whose primary key
// follows after, in key order (CompareKeyText per key column), at most n.
func (m *MemorySnapshot) ReadChunk(ctx context.Context, t *TableInfo, after []any, n int) ([][]any, error) {
	name := t.Table.ID.Schema + "." + t.Table.ID.Table
	if m.Reads == nil {
		m.Reads = map[string]int{}
	}
	m.Reads[name+" chunk"]++
	cmp := func(a, b []any) int {
		for i := range min(len(a), len(b)) {
			if c := CompareKeyText(valueText(a[i]), valueText(b[i])); c != 0 {
				return c
			}
		}
		return 0
	}
	rows := append([][]any(nil), m.Rows[name]...)
	sort.SliceStable(rows, func(i, j int) bool { return cmp(keyValues(t, rows[i]), keyValues(t, rows[j])) < 0 })
	var out [][]any
	for _, r := range rows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if after != nil && cmp(keyValues(t, r), after) <= 0 {
			continue
		}
		if len(out) == n {
			break
		}
		out = append(out, append([]any(nil), r...))
	}
	return out, nil
}
