package oracle

import (
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
	"github.com/gonnect/gonnect/offsets"
)

// StreamConfig configures a Stream.
type StreamConfig struct {
	Topics  cdc.Topics
	DB      string // source.db: database.pdb.name, else database.dbname
	Filters *cdc.TableFilters
	Emit    cdc.EmitOptions
	Failure cdc.FailureMode
	Modes   Modes
	Keys    cdc.KeyColumns
	// Retention is log.mining.transaction.retention.ms (0: keep until COMMIT/ROLLBACK).
	Retention time.Duration
	// BufferLimit bounds the bytes of buffered rows held in memory (0: unbounded);
	// beyond it the largest transaction spills to SpillDir.
	BufferLimit int64
	SpillDir    string
	// DBOffset is the database's UTC offset (SYSTIMESTAMP), subtracted from the redo
	// TIMESTAMP to give source.ts_ms (F-TS-MS).
	DBOffset             time.Duration
	IncludeSchemaChanges bool
	// SkipUnchanged is skip.messages.without.change: an UPDATE whose before and
	// after images are equal emits nothing.
	SkipUnchanged bool
	// TxMetadata is provide.transaction.metadata: BEGIN/END records on
	// <prefix>.transaction and a transaction block in every event.
	TxMetadata bool
	// Reread returns the catalog's current model of a table after DDL the parser
	// cannot read (nil: keep the model and warn).
	Reread func(owner, table string) (*TableInfo, error)
	// ResolveObject names the table of a data object number that the schema history
	// does not know (nil: such rows fail per the failure mode). found=false means the
	// object is no table at all (dropped, temporary).
	ResolveObject func(obj int64) (owner, table string, found bool, err error)
	// Now is the connector clock (envelope ts_ms, record timestamps); time.Now when nil.
	Now func() time.Time
	// Sink, when set, receives every record as it is built (it may block for
	// back-pressure); otherwise records accumulate for Records.
	Sink func(*connectors.SourceRecord) error
	// OnHistory, when set, stores each schema history record durably before the
	// schema-change event is emitted; otherwise records accumulate for History.
	OnHistory func(*cdc.HistoryRecord) error
	// SignalTable is signal.data.collection (<database>.<SCHEMA>.<TABLE>); rows
	// inserted into it are signals ("" disables the source channel).
	SignalTable string
	// SourceSignalsOff is signal.enabled.channels without "source": rows of the
	// signal table then only serve as incremental snapshot watermarks.
	SourceSignalsOff bool
	// Incremental reads chunks and writes watermarks for incremental snapshots.
	Incremental IncrementalSource
}

// Stream turns LogMiner rows into change records: CSF stitching, per-XID buffering,
// undo pairing, commit-ordered emission, DDL, offsets. It is the engine the source
// task and `gonnect oracle replay` share.
//
// A Stream is owned by one goroutine and is not safe for concurrent use. Process
// never panics on bad input: rows it cannot handle go through
// event.processing.failure.handling.mode with their position in the message.
type Stream struct {
	cfg      StreamConfig
	log      *slog.Logger
	metrics  *Metrics
	tables   *tableRegistry
	buf      *buffer
	pos      Position
	resumeTx string // txId of the stored offset: skip its first resumeSeq events once
	resumeSq int64
	csf      map[string]*logminer.Row
	out      []*connectors.SourceRecord
	history  []*cdc.HistoryRecord
	changes  cdc.SchemaChangeSchemas
	lastTime time.Time
	part     offsets.Partition
	// capturedCache memoises the include/exclude regexes per SCHEMA.TABLE.
	capturedCache map[string]bool
	// handover filters rows at or below the snapshot SCN (nil once past it).
	handover *handover
	// inc is the running incremental snapshot (nil when none).
	inc *incremental
	// signalName is the signal table as SCHEMA.TABLE ("" when none).
	signalName string
}

// NewStream returns a stream over catalog starting at pos.
func NewStream(cfg StreamConfig, catalog Catalog, pos Position, log *slog.Logger, m *Metrics) (*Stream, error) {
	if err := cfg.Modes.Validate(); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if pos.Commit == nil {
		pos.Commit = CommitSCN{}
	}
	s := &Stream{cfg: cfg, log: log, metrics: m, pos: pos, csf: map[string]*logminer.Row{}, capturedCache: map[string]bool{},
		resumeTx: pos.TxID, resumeSq: pos.TxSeq,
		changes: cdc.NewSchemaChangeSchemas("oracle", SourceSchema)}
	s.tables = newTableRegistry(Mapper{Modes: cfg.Modes}, cfg.Topics, cfg.Filters, cfg.Keys, cfg.DB)
	s.buf = newBuffer(cfg.BufferLimit, cfg.SpillDir, log, m)
	if list, _ := pos.extraKeys[offsetAbandoned].(string); list != "" {
		for _, x := range strings.Split(list, ",") {
			s.buf.abandoned[strings.ToUpper(x)] = true
		}
	}
	for _, name := range catalog.Names() {
		if err := s.tables.put(name, 0, catalog[name]); err != nil {
			return nil, err
		}
	}
	h, err := newHandover(pos.extraKeys)
	if err != nil {
		return nil, err
	}
	s.signalName = signalTableName(cfg.SignalTable)
	if s.inc, err = restoreIncremental(pos.extraKeys, log, cfg.Incremental.JavaZone); err != nil {
		return nil, err
	}
	if h != nil {
		s.handover = h
		s.pos.SCN = min(s.pos.SCN, h.start())
	}
	return s, nil
}

// Records returns and clears the records produced so far, in the order the task
// hands them to the producer.
func (s *Stream) Records() []*connectors.SourceRecord {
	out := s.out
	s.out = nil
	return out
}

// History returns and clears the schema history records produced so far.
func (s *Stream) History() []*cdc.HistoryRecord {
	h := s.history
	s.history = nil
	return h
}

// Position returns the current streaming position.
func (s *Stream) Position() Position { return s.pos }

// Offset returns the current position as an offset map.
func (s *Stream) Offset() offsets.Offset { return s.pos.Offset() }

func (s *Stream) partition() offsets.Partition {
	if s.part == nil {
		s.part = offsets.Partition{"server": s.cfg.Topics.Prefix}
	}
	return s.part
}

func (s *Stream) captured(owner, table string) bool {
	if s.cfg.Filters == nil {
		return true
	}
	key := owner + "." + table
	if v, ok := s.capturedCache[key]; ok {
		return v
	}
	v := s.cfg.Filters.Captured(cdc.TableID{Schema: owner, Table: table})
	if len(s.capturedCache) < 100_000 {
		s.capturedCache[key] = v
	}
	return v
}

// Process handles one row of a mining window, in result-set order.
func (s *Stream) Process(r *logminer.Row) error {
	s.metrics.rowsProcessed.Inc()
	if r.Timestamp.After(s.lastTime) {
		s.lastTime = r.Timestamp
	}
	// F-CSF: SQL_REDO longer than 4000 bytes continues on the following rows of the
	// same statement (same XID, thread, RS_ID, SSN); stitch before anything else.
	key := strconv.Itoa(r.Thread) + "/" + r.XID + "/" + r.RsID + "/" + strconv.FormatInt(r.SSN, 10)
	if p, ok := s.csf[key]; ok {
		p.SQLRedo += r.SQLRedo
		if r.CSF {
			return nil
		}
		delete(s.csf, key)
		r.SQLRedo = p.SQLRedo
	} else if r.CSF {
		c := *r
		s.csf[key] = &c
		return nil
	}
	if s.handover != nil && s.handover.drop(r) {
		if r.OpCode == logminer.OpCommit || r.OpCode == logminer.OpRollback {
			if t := s.buf.remove(r.XID); t != nil {
				t.close()
			}
		}
		return nil
	}
	if r.OpCode != logminer.OpDDL && s.buf.isAbandoned(r.XID, r.OpCode == logminer.OpCommit || r.OpCode == logminer.OpRollback) {
		if r.OpCode == logminer.OpCommit || r.OpCode == logminer.OpRollback {
			if r.OpCode == logminer.OpCommit {
				s.pos.Commit.Record(r.Thread, r.SCN, r.XID) // handled: a restart must not emit its tail
			}
			s.syncAbandoned()
			s.log.Warn("end of a transaction discarded by log.mining.transaction.retention.ms; its changes were not emitted", "position", r.Position())
		}
		return nil
	}
	switch r.OpCode {
	case logminer.OpStart:
		s.buf.begin(r)
	case logminer.OpInsert, logminer.OpUpdate, logminer.OpDelete:
		return s.dml(r)
	case logminer.OpSelectLOB, logminer.OpLOBWrite, logminer.OpLOBTrim, logminer.OpLOBErase:
		if s.cfg.Modes.LOBEnabled {
			return s.dml(r)
		}
		s.metrics.skippedRows.WithLabelValues(opName(r)).Inc()
		s.log.Warn("skipping a LOB row because lob.enabled=false", "operation", opName(r), "position", r.Position())
	case logminer.OpXMLBegin, logminer.OpXMLWrite, logminer.OpXMLEnd:
		if s.cfg.Modes.LOBEnabled {
			return s.dml(r)
		}
		s.metrics.skippedRows.WithLabelValues(opName(r)).Inc()
		s.log.Warn("skipping an XMLTYPE row because lob.enabled=false", "operation", opName(r), "position", r.Position())
	case logminer.Op32KBegin, logminer.Op32KWrite, logminer.Op32KEnd:
		// Extended-string pieces are not assembled: no source documents the 32K_WRITE
		// text beyond Debezium's substring offsets (docs/oracle.md, "Extended strings").
		s.metrics.skippedRows.WithLabelValues(opName(r)).Inc()
		s.log.Warn("skipping an extended-string (32K) row: the value of that column is not captured", "operation", opName(r),
			"position", r.Position(), "table", r.Owner+"."+r.Table)
	case logminer.OpCommit:
		return s.commit(r)
	case logminer.OpRollback:
		if t := s.buf.remove(r.XID); t != nil {
			t.close()
		}
		s.metrics.rolledBack.Inc()
	case logminer.OpDDL:
		return s.ddl(r)
	case logminer.OpInternal, logminer.OpUnsupported, logminer.OpMissingSCN:
		// F-UNSUPPORTED-OP: nothing usable; counted and logged, never parsed.
		s.metrics.skippedRows.WithLabelValues(opName(r)).Inc()
		s.log.Warn("skipping LogMiner row without a usable change", "operation", opName(r), "position", r.Position(),
			"table", r.Owner+"."+r.Table)
	case logminer.OpReplMarker:
		s.log.Debug("skipping replication marker row", "position", r.Position())
	default:
		s.metrics.skippedRows.WithLabelValues(opName(r)).Inc()
		s.log.Warn("skipping LogMiner row of an operation the connector does not handle", "operation", opName(r),
			"operation_code", r.OpCode, "position", r.Position())
	}
	return nil
}

func opName(r *logminer.Row) string {
	if r.Operation != "" {
		return r.Operation
	}
	return strconv.Itoa(r.OpCode)
}

func (s *Stream) dml(r *logminer.Row) error {
	// LOB_WRITE rows may come without a table name; they follow their locator row.
	if r.Table != "" && !strings.HasPrefix(r.Table, "OBJ# ") && !s.captured(r.Owner, r.Table) {
		return nil // F-FILTER: excluded tables are dropped before buffering
	}
	if r.Rollback && r.OpCode != logminer.OpInsert && r.OpCode != logminer.OpUpdate && r.OpCode != logminer.OpDelete {
		// an undone LOB write: the LOB value of the row is rewritten by later rows or
		// stays as logged; there is no change of its own to cancel
		s.metrics.skippedRows.WithLabelValues(opName(r) + " ROLLBACK=1").Inc()
		s.log.Warn("ignoring an undo row of a LOB operation", "position", r.Position())
		return nil
	}
	if r.Rollback {
		if err := s.buf.undo(r); err != nil {
			return s.cfg.Failure.Handle(s.log, r.Position(), err)
		}
		return nil
	}
	return s.buf.add(r)
}

// EndWindow is called once every row of the window (from, to] was processed. It
// applies the retention limit and moves the resume SCN to the low watermark: the
// oldest open transaction's start SCN − 1, else the highest commit SCN (F-WINDOW).
func (s *Stream) EndWindow(to uint64, rows int) {
	defer s.endHandover()
	s.metrics.currentSCN.Set(float64(to))
	if s.buf.expire(s.lastTime, s.cfg.Retention) {
		s.syncAbandoned()
	}
	if oldest, ok := s.buf.oldestStart(); ok {
		s.metrics.oldestSCN.Set(float64(oldest))
		s.pos.SCN = oldest - 1
		return
	}
	if rows == 0 {
		return // an empty batch advances nothing
	}
	if m := s.pos.Commit.Max(); m > s.pos.SCN {
		s.pos.SCN = m
	}
}

// offsetAbandoned is Gonnect's offset key listing the transactions discarded by
// log.mining.transaction.retention.ms whose end has not been mined yet, so that a
// restart past their start does not take their remaining rows for a transaction of
// their own (Debezium ignores the key).
const offsetAbandoned = "gonnect_abandoned_tx"

// syncAbandoned mirrors the buffer's abandoned set into the position.
func (s *Stream) syncAbandoned() {
	if s.pos.extraKeys == nil {
		s.pos.extraKeys = offsets.Offset{}
	}
	if len(s.buf.abandoned) == 0 {
		delete(s.pos.extraKeys, offsetAbandoned)
		return
	}
	xs := make([]string, 0, len(s.buf.abandoned))
	for x := range s.buf.abandoned {
		xs = append(xs, strings.ToLower(x))
	}
	sort.Strings(xs)
	s.pos.extraKeys[offsetAbandoned] = strings.Join(xs, ",")
}

// lowWatermark is the resume SCN while a commit at scn is being emitted: the
// oldest open transaction's start − 1, else scn − 1 so that rows of other redo
// threads at the same SCN are mined again (F-RAC-DUPSCN); commit_scn filters the
// transactions already sent.
func (s *Stream) lowWatermark(scn uint64) uint64 {
	if oldest, ok := s.buf.oldestStart(); ok && oldest-1 < scn-1 {
		return oldest - 1
	}
	if scn == 0 {
		return 0
	}
	return scn - 1
}

func (s *Stream) commit(r *logminer.Row) error {
	t := s.buf.remove(r.XID)
	if t == nil {
		s.pos.Commit.Record(r.Thread, r.SCN, r.XID)
		return nil
	}
	defer t.close()
	s.metrics.committedTransactions.Inc()
	if len(t.parked) > 0 {
		// An undo row whose change never appeared: emitting the transaction could
		// publish a change Oracle rolled back (oracle-update-as-delete §2.3).
		u := t.parked[0]
		err := fmt.Errorf("transaction commits with %d undo row(s) matching no change, first at %s; statement: %s", len(t.parked), u.position(t.xid), truncateSQL(u.SQL))
		if herr := s.cfg.Failure.Handle(s.log, r.Position(), err); herr != nil {
			return herr
		}
	}
	if s.pos.Commit.Handled(r.Thread, r.SCN, r.XID) {
		s.log.Debug("skipping transaction already emitted before the restart", "position", r.Position())
		return nil
	}
	skip := int64(0)
	if s.resumeTx != "" && s.resumeTx == r.TxID() {
		skip = s.resumeSq
		s.resumeTx = ""
	}
	var mon *cdc.TxMonitor
	if s.cfg.TxMetadata {
		mon = &cdc.TxMonitor{Topic: s.cfg.Topics.TransactionTopic(), Partition: s.partition()}
	}
	em := &txEmitter{s: s, r: r, t: t, skip: skip, tx: mon, low: s.lowWatermark(r.SCN), commitTs: r.Timestamp.Add(-s.cfg.DBOffset),
		txID: r.TxID(), commitSCN: strconv.FormatUint(r.SCN, 10), startSCN: strconv.FormatUint(t.startSCN, 10),
		startTs: t.startTime.Add(-s.cfg.DBOffset), oldCommit: s.pos.Commit.String()}
	rules := &ruleState{s: s, out: em.emit}
	// Entries are decoded, rewritten and emitted one at a time (the rules look one
	// change ahead), so a transaction of any size needs constant memory here.
	err := t.each(func(e *entry) error {
		ch, err := s.decodeEntry(e)
		if err != nil {
			return s.cfg.Failure.Handle(s.log, e.position(t.xid), fmt.Errorf("%w; statement: %s", err, truncateSQL(e.SQL)))
		}
		if ch == nil {
			return nil
		}
		return rules.push(*ch)
	})
	if err != nil {
		return err
	}
	if err := rules.flush(); err != nil {
		return err
	}
	seq := em.seq
	commitTs := em.commitTs
	if em.tx != nil && em.tx.Active() {
		end := Position{SCN: em.low, Commit: s.pos.Commit, TxID: em.txID, TxSeq: seq, extraKeys: s.pos.extraKeys}
		if err := s.put(em.tx.End(commitTs, end.Offset())); err != nil {
			return err
		}
	}
	s.pos.Commit.Record(r.Thread, r.SCN, r.XID)
	s.pos.TxID, s.pos.TxSeq = r.TxID(), seq
	if !r.Timestamp.IsZero() {
		lag := float64(s.cfg.Now().Sub(commitTs).Milliseconds())
		s.metrics.lagMs.Set(lag)
		s.metrics.behindMs.Set(lag)
	}
	return nil
}

// txEmitter turns the committed changes of one transaction into records.
type txEmitter struct {
	s        *Stream
	r        *logminer.Row // the COMMIT row
	t        *txn
	skip     int64 // events already emitted before a restart (txSeq of the stored offset)
	low      uint64
	commitTs time.Time
	seq      int64
	tx       *cdc.TxMonitor // nil unless provide.transaction.metadata
	// per-transaction strings, computed once
	txID, commitSCN, startSCN, oldCommit string
	startTs                              time.Time
}

func (em *txEmitter) emit(ch change, last bool) error {
	s, r, t := em.s, em.r, em.t
	if s.cfg.SkipUnchanged && ch.op == cdc.OpUpdate && sameImage(ch.before, ch.after) {
		if last {
			s.pos.Commit.Record(r.Thread, r.SCN, r.XID)
		}
		return nil
	}
	em.seq++
	seq := em.seq
	if seq <= em.skip {
		return nil
	}
	s.observe(ch)
	var sg *signalRow
	if (ch.op == cdc.OpCreate || ch.op == cdc.OpDelete && s.cfg.Incremental.DeleteWatermarks) && s.isSignalTable(ch.name) {
		sg = s.readSignal(ch)
		s.signalState(sg)
	}
	// Until the last event of the transaction is out, a restart must mine the
	// transaction again from its start; txId/txSeq then skip what was sent.
	resume := em.low
	if t.startSCN > 0 && t.startSCN-1 < resume {
		resume = t.startSCN - 1
	}
	pos := Position{SCN: resume, TxID: em.txID, TxSeq: seq, extraKeys: s.pos.extraKeys}
	commit := em.oldCommit
	if last {
		pos.SCN = em.low
		s.pos.Commit.Record(r.Thread, r.SCN, r.XID)
		commit = s.pos.Commit.String()
	}
	e := ch.meta
	si := sourceInfo{name: s.cfg.Topics.Prefix, db: s.cfg.DB, schema: ch.version.info.Table.ID.Schema,
		table: ch.version.info.Table.ID.Table, ts: e.Time.Add(-s.cfg.DBOffset), txID: em.txID,
		scn: strconv.FormatUint(e.SCN, 10), commitSCN: em.commitSCN, rsID: e.RsID, ssn: e.SSN,
		thread: int32(e.Thread), user: e.Username, rowID: ch.rowID, commitTs: em.commitTs,
		startSCN: em.startSCN, startTs: em.startTs, txSeq: seq}
	off := pos.offsetWith(commit)
	var block *cdc.TxBlock
	if em.tx != nil {
		if !em.tx.Active() {
			if err := s.put(em.tx.Begin(em.txID, em.commitTs, off)); err != nil {
				return err
			}
		}
		block = em.tx.Event(s.cfg.DB + "." + si.schema + "." + si.table)
	}
	recs, err := ch.version.schema.Records(cdc.Change{Op: ch.op, Before: ch.before, After: ch.after, Source: si.build(),
		Tx: block, Partition: s.partition(), Offset: off, Now: s.cfg.Now()}, s.cfg.Emit)
	if err != nil {
		return s.cfg.Failure.Handle(s.log, e.position(em.txID), err)
	}
	if len(recs) > 0 {
		where := e.position(em.txID)
		for _, rec := range recs {
			rec.Position = where
		}
	}
	if err := s.put(recs...); err != nil {
		return err
	}
	if sg != nil {
		return s.signal(sg, ch, off)
	}
	return nil
}

// put hands records to the sink, or keeps them for Records.
func (s *Stream) put(recs ...*connectors.SourceRecord) error {
	if s.cfg.Sink == nil {
		s.out = append(s.out, recs...)
		return nil
	}
	for _, r := range recs {
		if err := s.cfg.Sink(r); err != nil {
			return err
		}
	}
	return nil
}

func (e *entry) position(xid string) string {
	return "scn=" + strconv.FormatUint(e.SCN, 10) + " thread=" + strconv.Itoa(e.Thread) + " xid=" + strings.ToLower(xid) +
		" rs_id=" + e.RsID + " ssn=" + strconv.FormatInt(e.SSN, 10) + " row_id=" + e.RowID
}

// historyRecord builds the schema history record of a DDL row.
func (s *Stream) historyRecord(r *logminer.Row, owner string, changes []cdc.TableChange) *cdc.HistoryRecord {
	pos := s.pos
	pos.SCN = r.SCN
	off := pos.Offset()
	return &cdc.HistoryRecord{Source: map[string]any{"server": s.cfg.Topics.Prefix}, Position: off,
		TsMs: r.Timestamp.Add(-s.cfg.DBOffset).UnixMilli(), DatabaseName: s.cfg.DB, SchemaName: owner,
		DDL: r.SQLRedo, TableChanges: changes}
}

func (s *Stream) emitSchemaChange(r *logminer.Row, h *cdc.HistoryRecord, owner, table string) error {
	if s.cfg.OnHistory != nil {
		if err := s.cfg.OnHistory(h); err != nil {
			return fmt.Errorf("writing schema history: %w", err)
		}
	} else {
		s.history = append(s.history, h)
	}
	if !s.cfg.IncludeSchemaChanges {
		return nil
	}
	si := sourceInfo{name: s.cfg.Topics.Prefix, db: s.cfg.DB, schema: owner, table: table,
		ts: r.Timestamp.Add(-s.cfg.DBOffset), txID: r.TxID(), scn: strconv.FormatUint(r.SCN, 10),
		commitSCN: strconv.FormatUint(r.SCN, 10), thread: int32(r.Thread), user: r.Username}
	// The history position names the DDL's own SCN (recovery applies it when the
	// resume SCN is at or past it); the record's offset must be a safe resume point.
	safe := s.pos
	safe.SCN = s.lowWatermark(r.SCN)
	if safe.SCN > s.pos.SCN && s.pos.SCN != 0 {
		safe.SCN = s.pos.SCN
	}
	rec := s.changes.Record(s.cfg.Topics.SchemaChange(), h, si.build(), s.partition(), safe.Offset(), s.cfg.Now())
	rec.Position = r.Position()
	return s.put(rec)
}
