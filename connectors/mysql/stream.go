package mysql

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
	"github.com/gonnect/gonnect/connectors/cdc"
)

// streamer is the binlog reading state, owned by the run goroutine.
type streamer struct {
	t       *Task
	state   *schemaState
	mariadb bool

	cur  position // restart point and counters
	file string   // binlog file of the current event
	inTx bool
	gtid string // GTID of the transaction in progress
	gset gmysql.GTIDSet
	// mgtid is the MariaDB GTID of the transaction in progress as the GTID event
	// decoded it (valid while mgtidOK): commit adds it to a MariaDB set without
	// parsing gtid back (four allocations per transaction).
	mgtid   gmysql.MariadbGTID
	mgtidOK bool
	// rowNow is the clock reading of the transaction's last change event (zero when
	// it had none): commit's hold check reuses it rather than read the clock again
	rowNow   time.Time
	txEvents int64 // events of the current transaction processed so far
	thread   int64
	query    string // ANNOTATE_ROWS / ROWS_QUERY text
	skipTx   bool   // the transaction's GTID source is excluded

	skipEvents int64 // restart: events of the first transaction to skip
	skipRows   int   // restart: rows of the next rows event to skip

	tx *cdc.TxMonitor
	hb *cdc.Heartbeat

	dialer  *dialer
	wait    *waitCtx      // the session's bounded waits for the next event
	tables  tableIDs      // binlog table id to name and capture decision
	inc     *incremental  // running incremental snapshot, nil when none
	sigConn *client.Conn  // watermark writes and chunk reads
	ksig    *kafkaSignals // the kafka signal channel, nil when not enabled
	slabs   streamSlabs   // per-event memory handed out in slabs
}

// ErrBinlogPurged is returned when the server no longer has the binlog to resume from.
var ErrBinlogPurged = errors.New("binlog position no longer available")

func (t *Task) stream(ctx context.Context, d *dialer, state *schemaState, start position, mariadb bool) error {
	s := &streamer{t: t, state: state, mariadb: mariadb, cur: start, file: start.File,
		skipEvents: start.Event, skipRows: start.Row, dialer: d}
	defer s.closeSignals()
	switch {
	case start.GTIDs != "":
		var err error
		if s.gset, err = t.filterGTIDs(start.GTIDs, mariadb); err != nil {
			return err
		}
	case mariadb:
		// file/position start; still track GTIDs so later offsets carry them
		s.gset, _ = gmysql.ParseMariadbGTIDSet("")
	}
	if t.cfg.TxMetadata {
		s.tx = &cdc.TxMonitor{Topic: t.cfg.Topics.TransactionTopic(), Partition: t.part}
	}
	if t.cfg.Heartbeat > 0 {
		s.hb = &cdc.Heartbeat{Interval: time.Duration(t.cfg.Heartbeat) * time.Millisecond, Topic: t.cfg.Topics.Heartbeat(),
			Prefix: t.cfg.TopicPrefix, Partition: t.part}
		if q := t.cfg.HeartbeatQuery; q != "" {
			s.hb.Action = func(ctx context.Context) error {
				c, err := d.connect(ctx)
				if err != nil {
					return err
				}
				defer c.Close()
				_, err = c.Execute(q)
				return err
			}
		}
	}
	if err := s.startSignals(ctx, start); err != nil {
		return err
	}
	backoff := 200 * time.Millisecond
	for {
		err := s.session(ctx, d)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, ErrBinlogPurged) {
			return err
		}
		var fatal *fatalError
		if errors.As(err, &fatal) {
			return fatal.err
		}
		t.metrics.connected.Set(0)
		t.log.Warn("binlog connection lost; reconnecting", "error", err, "backoff", backoff, "position", s.cur.String())
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
		// resume from the restart point, skipping what this transaction already emitted
		s.skipEvents, s.skipRows = s.cur.Event, s.cur.Row
		s.inTx, s.txEvents = false, 0
	}
}

type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }

// filterGTIDs applies gtid.source.includes/excludes to a stored set.
func (t *Task) filterGTIDs(set string, mariadb bool) (gmysql.GTIDSet, error) {
	keep := func(src string) bool {
		if len(t.cfg.GTIDIncludes) > 0 {
			return t.cfg.GTIDIncludes.Matches(src)
		}
		return !t.cfg.GTIDExcludes.Matches(src)
	}
	var parts []string
	for _, p := range strings.Split(set, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		src := p
		if i := strings.IndexByte(p, ':'); i >= 0 {
			src = p[:i]
		} else if f := strings.Split(p, "-"); len(f) == 3 {
			src = f[0] + "-" + f[1]
		}
		if keep(src) {
			parts = append(parts, p)
		}
	}
	joined := strings.Join(parts, ",")
	if mariadb {
		return gmysql.ParseMariadbGTIDSet(joined)
	}
	if joined == "" {
		return nil, nil
	}
	return gmysql.ParseMysqlGTIDSet(joined)
}

// session runs one binlog connection until it fails or ctx is done.
func (s *streamer) session(ctx context.Context, d *dialer) error {
	cfg := s.t.cfg
	flavor := gmysql.MySQLFlavor
	if s.mariadb {
		flavor = gmysql.MariaDBFlavor
	}
	hbPeriod := time.Duration(float64(cfg.KeepAliveInterval) * 0.8)
	if cfg.Heartbeat > 0 {
		hbPeriod = min(hbPeriod, max(time.Duration(cfg.Heartbeat)*time.Millisecond, 100*time.Millisecond))
	}
	var dumpFlags uint16
	if s.mariadb && cfg.IncludeQuery {
		dumpFlags = replication.BINLOG_SEND_ANNOTATE_ROWS_EVENT
	}
	// the syncer only reads and frames events; rawEvents decodes them on its goroutine
	// (binlograw.go), and they reach the streamer in batches (binlogqueue.go)
	q := newEventQueue(newRawEvents(flavor).decode)
	syncer := replication.NewBinlogSyncer(replication.BinlogSyncerConfig{
		DumpCommandFlag: dumpFlags,
		ServerID:        cfg.ServerID, Flavor: flavor, Host: cfg.Host, Port: uint16(cfg.Port), User: cfg.User, Password: cfg.Password,
		TLSConfig: d.tlsConfig(), HeartbeatPeriod: hbPeriod,
		MaxReconnectAttempts: 1, DisableRetrySync: true,
		// the executed set is tracked here (commit); go-mysql would clone its own copy
		// into every XID and query event
		DiscardGTIDSet: true,
		// decoding options (ParseTime, UseDecimal, RenderJSONAsMySQLText) are those of
		// rawEvents' own parser (newParser): in raw mode the syncer decodes no rows
		RawModeEnabled:          true,
		SynchronousEventHandler: q,
		Logger:                  slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	defer syncer.Close()
	var st *replication.BinlogStreamer
	var err error
	if s.gset != nil && s.cur.GTIDs != "" && !s.gset.IsEmpty() {
		st, err = syncer.StartSyncGTID(s.gset.Clone())
	} else {
		st, err = syncer.StartSync(gmysql.Position{Name: s.cur.File, Pos: uint32(s.cur.Pos)})
	}
	if err != nil {
		return err
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	defer q.close() // first: a reader blocked on a full queue must not hold up syncer.Close
	go q.watch(watchCtx, st)
	s.wait = newWaitCtx(ctx)
	defer s.wait.close()
	s.t.metrics.connected.Set(1)
	s.t.log.Info("streaming binlog", "position", s.cur.String(), "flavor", flavor)
	for {
		ev, err := s.next(ctx, q)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(err, context.DeadlineExceeded) {
				// idle: no event within the heartbeat interval
				if err := s.heartbeat(ctx); err != nil {
					return &fatalError{err}
				}
				if err := s.kafkaSignals(ctx); err != nil {
					return &fatalError{err}
				}
				continue
			}
			var me *gmysql.MyError
			if errors.As(err, &me) && me.Code == 1236 {
				return fmt.Errorf("%w: %s (position %s); set snapshot.mode=when_needed to take a new snapshot automatically, or reset the offsets", ErrBinlogPurged, me.Message, s.cur)
			}
			return err
		}
		if err := s.handle(ctx, ev); err != nil {
			return &fatalError{err}
		}
	}
}

// next waits for the next event; with heartbeats on it gives up after one heartbeat
// interval so that idle streams still emit heartbeats.
func (s *streamer) next(ctx context.Context, q *eventQueue) (*replication.BinlogEvent, error) {
	if s.t.q.Pending() > 0 {
		// hand records over as soon as the binlog goes quiet
		ev, err := q.get(s.wait.arm(2 * time.Millisecond))
		if err == nil || !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			return ev, err
		}
		if err := s.t.flush(ctx); err != nil {
			return nil, err
		}
	}
	wait := s.idleWait() // heartbeats and the kafka signal channel (signals.go)
	if wait <= 0 {
		return q.get(ctx)
	}
	return q.get(s.wait.arm(wait))
}

// handle processes one binlog event.
func (s *streamer) handle(ctx context.Context, ev *replication.BinlogEvent) error {
	h := ev.Header
	t := s.t
	if h.Timestamp != 0 {
		s.cur.TsSec = int64(h.Timestamp) // MilliSecondsBehindSource is set per change (rows)
	}
	if h.ServerID != 0 {
		s.cur.ServerID = int64(h.ServerID)
	}
	t.metrics.eventsSeen.Inc()
	startPos := int64(h.LogPos) - int64(h.EventSize)
	switch e := ev.Event.(type) {
	case *replication.RotateEvent:
		s.file = string(e.NextLogName)
		if !s.inTx {
			s.cur.File, s.cur.Pos = s.file, int64(e.Position)
		}
		return nil
	case *replication.TransactionPayloadEvent:
		for _, inner := range e.Events {
			if err := s.handle(ctx, inner); err != nil {
				return err
			}
		}
		return nil
	case *replication.MariadbGTIDEvent:
		gtid, src := s.mariadbGTID(e.GTID)
		s.begin(startPos, gtid, src)
		s.mgtid, s.mgtidOK = e.GTID, true
		return nil
	case *replication.GTIDEvent:
		next, err := e.GTIDNext()
		if err != nil {
			return err
		}
		src := next.String()
		if i := strings.IndexByte(src, ':'); i >= 0 {
			src = src[:i]
		}
		s.begin(startPos, next.String(), src)
		if ct := e.OriginalCommitTime(); !ct.IsZero() {
			s.cur.TsSec = ct.Unix()
		}
		return nil
	case *replication.MariadbAnnotateRowsEvent:
		s.query = string(e.Query)
		return s.done(ctx, h)
	case *replication.RowsQueryEvent:
		s.query = string(e.Query)
		return s.done(ctx, h)
	case *replication.QueryEvent:
		q := strings.TrimSpace(string(e.Query))
		switch strings.ToUpper(q) {
		case "BEGIN":
			if !s.inTx {
				s.begin(startPos, "", "")
			}
			s.thread = int64(e.SlaveProxyID)
			return s.heartbeat(ctx) // BEGIN itself is not counted in "event", as in Debezium
		case "COMMIT":
			return s.commit(ctx, h)
		case "ROLLBACK":
			s.inTx = false
			return nil
		}
		if !s.inTx {
			s.begin(startPos, "", "")
		}
		if err := s.ddl(ctx, string(e.Schema), q, h); err != nil {
			return err
		}
		// a DDL statement is its own transaction
		return s.commit(ctx, h)
	case *replication.TableMapEvent:
		return s.done(ctx, h)
	case *replication.RowsEvent:
		if err := s.rows(ctx, ev.Header.EventType, e, h); err != nil {
			return err
		}
		return s.done(ctx, h)
	case *replication.XIDEvent:
		return s.commit(ctx, h)
	case *replication.GenericEvent:
		if h.EventType == replication.HEARTBEAT_EVENT || h.EventType == replication.HEARTBEAT_LOG_EVENT_V2 {
			return s.heartbeat(ctx)
		}
	}
	return s.heartbeat(ctx)
}

func (s *streamer) begin(startPos int64, gtid, src string) {
	s.inTx = true
	s.gtid, s.mgtidOK = gtid, false
	s.txEvents = 0
	s.query = ""
	s.cur.File = s.file
	s.cur.Pos = startPos
	s.skipTx = false
	if src != "" && s.t.cfg.GTIDIncludes != nil && !s.t.cfg.GTIDIncludes.Matches(src) {
		s.skipTx = true
	}
	if src != "" && s.t.cfg.GTIDExcludes.Matches(src) {
		s.skipTx = true
	}
	if s.gset != nil && s.cur.GTIDs == "" {
		s.cur.GTIDs = s.gset.String() // otherwise already current since the last commit
	}
}

// done marks one more event of the transaction processed.
func (s *streamer) done(ctx context.Context, h *replication.EventHeader) error {
	if s.inTx {
		s.txEvents++
		s.cur.Event = s.txEvents
		s.cur.Row = 0
	} else {
		s.cur.File, s.cur.Pos = s.file, int64(h.LogPos)
	}
	return s.heartbeat(ctx)
}

func (s *streamer) commit(ctx context.Context, h *replication.EventHeader) error {
	t := s.t
	if s.tx != nil && s.tx.Active() {
		end := s.cur
		end.File, end.Pos, end.Event, end.Row = s.file, int64(h.LogPos), 0, 0
		if s.gset != nil && s.gtid != "" {
			g := s.gset.Clone()
			_ = g.Update(s.gtid)
			end.GTIDs = g.String()
		}
		if err := t.emit(ctx, s.tx.End(t.now(), end.offset())); err != nil {
			return err
		}
	}
	if s.gset != nil && s.gtid != "" {
		if err := s.updateGTIDs(); err != nil {
			return fmt.Errorf("updating GTID set with %s: %w", s.gtid, err)
		}
		s.cur.GTIDs = s.gtidSetString()
	}
	s.inTx, s.gtid, s.txEvents, s.mgtidOK = false, "", 0, false
	s.rowNow = time.Time{}
	s.cur.File, s.cur.Pos, s.cur.Event, s.cur.Row = s.file, int64(h.LogPos), 0, 0
	s.skipEvents, s.skipRows = 0, 0
	t.metrics.committedTx.Inc()
	if s.ksig != nil {
		if err := s.kafkaSignals(ctx); err != nil {
			return err
		}
	}
	if t.q.Pending() > 0 && s.clock(t.q.PendingSince()).Sub(t.q.PendingSince()) > maxHold {
		if err := t.flush(ctx); err != nil {
			return err
		}
	}
	return s.heartbeat(ctx)
}

// clock is the transaction's last change-event clock reading, or the time now when
// the transaction had none or that reading is before since (a test's clock).
func (s *streamer) clock(since time.Time) time.Time {
	if !s.rowNow.IsZero() && !s.rowNow.Before(since) {
		return s.rowNow
	}
	return time.Now()
}

// updateGTIDs adds the committed transaction's GTID to the executed set: a MariaDB
// GTID as its event decoded it, anything else parsed from its text.
func (s *streamer) updateGTIDs() error {
	if ms, ok := s.gset.(*gmysql.MariadbGTIDSet); ok && s.mgtidOK {
		return ms.AddSet(&s.mgtid)
	}
	return s.gset.Update(s.gtid)
}

func (s *streamer) heartbeat(ctx context.Context) error {
	if s.hb == nil {
		return nil
	}
	r, err := s.hb.Due(ctx, time.Now(), s.cur.offset()) // real clock: the interval is wall time
	if err != nil {
		return fmt.Errorf("heartbeat.action.query: %w", err)
	}
	return s.t.emit(ctx, r)
}

// ddl applies a DDL statement to the schema, records it and emits schema-change and
// truncate events.
func (s *streamer) ddl(ctx context.Context, db, q string, h *replication.EventHeader) error {
	t := s.t
	if ignoredStatement(q) {
		return nil
	}
	pos := s.cur
	pos.File, pos.Pos, pos.Event, pos.Row = s.file, int64(h.LogPos), 0, 0
	if s.gset != nil && s.gtid != "" {
		g := s.gset.Clone()
		_ = g.Update(s.gtid)
		pos.GTIDs = g.String()
	}
	now := t.now()
	si := sourceInfo{ts: time.Unix(int64(h.Timestamp), 0), serverID: int64(h.ServerID), gtid: s.gtid, file: s.file, pos: int64(h.LogPos) - int64(h.EventSize), thread: s.thread}
	stmts, err := s.state.model.parse(q)
	if err != nil {
		return s.unparseable(q, db, err)
	}
	for _, st := range stmts {
		out, err := s.state.model.apply(st, db)
		if err != nil {
			if err2 := s.unparseable(q, db, err); err2 != nil {
				return err2
			}
			continue
		}
		for _, id := range out.truncated {
			if !t.cfg.Filters.Captured(id) {
				continue
			}
			ts, err := s.state.tableSchema(id)
			if err != nil || ts == nil {
				continue
			}
			si.db, si.table = id.Catalog, id.Table
			recs, err := ts.Records(cdc.Change{Op: cdc.OpTruncate, Source: t.kind.source(si), Partition: t.part, Offset: pos.offset(), Now: now},
				cdc.EmitOptions{Tombstones: t.cfg.Tombstones, Skipped: t.cfg.Skipped})
			if err != nil {
				return err
			}
			if err := t.emit(ctx, recs...); err != nil {
				return err
			}
		}
		if len(out.truncated) > 0 {
			continue
		}
		if out.database != "" && !t.cfg.Filters.Eligible(cdc.TableID{Catalog: out.database}) {
			continue
		}
		if len(out.changes) == 0 && !isDatabaseDDL(st) {
			continue
		}
		s.state.invalidate()
		si.db, si.table = out.database, ""
		rec, err := s.state.record(ctx, q, out.database, pos, out.changes, si, now)
		if err != nil {
			return err
		}
		if err := t.emit(ctx, rec); err != nil {
			return err
		}
	}
	return nil
}

// unparseable decides what a DDL statement Gonnect cannot parse or apply does: it stops
// the task only when it mentions a captured table and skip.unparseable.ddl is off.
func (s *streamer) unparseable(q, db string, err error) error {
	t := s.t
	for id := range s.state.model.tables {
		if t.cfg.Filters.Captured(id) && strings.Contains(strings.ToLower(q), strings.ToLower(id.Table)) {
			if t.cfg.SkipUnparseable {
				t.log.Warn("skipping DDL that cannot be parsed (schema.history.internal.skip.unparseable.ddl=true)", "ddl", q, "error", err)
				return nil
			}
			return fmt.Errorf("cannot parse DDL touching captured table %s at %s:%d: %v (statement: %s); set schema.history.internal.skip.unparseable.ddl=true to skip it", id, s.file, s.cur.Pos, err, q)
		}
	}
	t.log.Warn("ignoring DDL that cannot be parsed and touches no captured table", "db", db, "ddl", q, "error", err)
	return nil
}

var ignoredPrefixes = []string{"GRANT", "REVOKE", "CREATE USER", "ALTER USER", "DROP USER", "RENAME USER", "SET PASSWORD",
	"FLUSH", "SAVEPOINT", "RELEASE SAVEPOINT", "# DUMMY", "XA ", "ANALYZE", "OPTIMIZE", "REPAIR", "CREATE ROLE", "DROP ROLE",
	"CREATE DEFINER", "CREATE PROCEDURE", "CREATE FUNCTION", "CREATE TRIGGER", "CREATE EVENT", "CREATE VIEW", "CREATE OR REPLACE",
	"DROP PROCEDURE", "DROP FUNCTION", "DROP TRIGGER", "DROP EVENT", "DROP VIEW", "ALTER VIEW", "ALTER EVENT", "INSERT", "UPDATE",
	"DELETE", "REPLACE", "SET ", "CREATE INDEX", "CREATE UNIQUE INDEX", "DROP INDEX", "CREATE TEMPORARY", "DROP TEMPORARY"}

// ignoredStatement is Debezium's built-in DDL filter: statements that never change
// the structure of captured tables.
func ignoredStatement(q string) bool {
	u := strings.ToUpper(strings.TrimSpace(q))
	for _, p := range ignoredPrefixes {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	return false
}
