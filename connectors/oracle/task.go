package oracle

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
	"github.com/gonnect/gonnect/offsets"
)

// Source is what an Opener connects: the mining session, the captured tables'
// models, and optionally the data dictionary (to re-read a table after DDL it cannot
// parse) and a Snapshotter (for snapshot.mode initial and friends).
type Source struct {
	Session    logminer.Session
	Catalog    Catalog
	Dictionary Dictionary
	Snapshot   Snapshotter
	// Exec runs a statement (heartbeat.action.query); nil when the source cannot.
	Exec func(ctx context.Context, query string) error
	// WriteSignal inserts and commits a row (ID, TYPE, DATA) of the signal table:
	// the incremental snapshot watermarks. nil when the source cannot write.
	WriteSignal func(ctx context.Context, id, typ, data string) error
	// DeleteSignal deletes and commits the signal table row with ID id (watermark
	// strategy INSERT_DELETE). nil when the source cannot write.
	DeleteSignal func(ctx context.Context, id string) error
}

// Opener connects a Source. The default opens godror; tests pass recorded rows.
type Opener func(ctx context.Context, cfg *Config) (Source, error)

// Task is the Oracle source task. One goroutine (run) owns the LogMiner session and
// the Stream, mines window after window and hands records to Poll through a queue of
// max.queue.size records. Mining errors (ORA- errors, dropped connections, a missing
// archive log) close the session and resume from the last record handed to Poll,
// after a back-off; nothing is skipped.
type Task struct {
	log     *slog.Logger
	now     func() time.Time
	open    Opener
	history cdc.HistoryStore

	cfg      *Config
	part     offsets.Partition
	q        *cdc.Queue // run hands records to Poll through it, one at a time
	kcl      *kgo.Client
	metrics  *Metrics
	lastOff  offsets.Offset    // offset of the last record queued; owned by run
	schemaOK bool              // schema snapshot written; owned by run
	ksig     *cdc.KafkaSignals // the Kafka signal channel (nil when off); owned by run
}

// NewTask returns an unstarted task that connects through godror.
func NewTask() *Task { return &Task{log: slog.Default(), now: time.Now, open: openGodror} }

// NewTaskWith returns a task over open and history (nil history: the configured one).
func NewTaskWith(open Opener, history cdc.HistoryStore, log *slog.Logger) *Task {
	if log == nil {
		log = slog.Default()
	}
	return &Task{log: log, now: time.Now, open: open, history: history}
}

func openGodror(ctx context.Context, cfg *Config) (Source, error) {
	var excluded []string
	for s := range builtInSchemas {
		excluded = append(excluded, s)
	}
	q := logminer.QueryOptions{PDB: cfg.PDBName, FilterMode: cfg.FilterMode, LOB: cfg.Modes.LOBEnabled, ExcludedSchemas: excluded,
		SchemaInclude: listOf(cfg.Raw["schema.include.list"]), SchemaExclude: listOf(cfg.Raw["schema.exclude.list"]),
		TableInclude: listOf(cfg.Raw["table.include.list"]), TableExclude: listOf(cfg.Raw["table.exclude.list"]),
		UsernameInclude: listOf(cfg.Raw["log.mining.username.include.list"]), UsernameExclude: listOf(cfg.Raw["log.mining.username.exclude.list"])}
	if sig := signalTableName(cfg.Common.SignalTable); sig != "" {
		q.Always = []string{strings.ToUpper(sig)}
	}
	flushTable := cfg.Raw["log.mining.flush.table.name"]
	if flushTable == "" {
		flushTable = "LOG_MINING_FLUSH"
	}
	nodes, err := cfg.RACNodeDSNs()
	if err != nil {
		return Source{}, err
	}
	db, err := logminer.Open(ctx, cfg.DSN(), logminer.Options{Query: q, ArchiveOnly: cfg.ArchiveOnly, RACNodes: nodes,
		Destination: cfg.Raw["archive.destination.name"], FetchSize: cfg.FetchSize, ArchiveHours: cfg.ArchiveHours, SessionMax: cfg.SessionMax,
		FlushTable: flushTable, ReadOnly: cfg.Raw["log.mining.read.only"] == "true"})
	if err != nil {
		return Source{}, err
	}
	dict := SQLDictionary{DB: db.SQL(), PDB: cfg.PDBName}
	cat, err := ReadDictionary(ctx, dict, cfg.Filters)
	if err != nil {
		db.Close(ctx)
		return Source{}, err
	}
	// heartbeat.action.query and the watermarks run inside the PDB, as Debezium's
	// heartbeat connection does: that is where the idle PDB needs activity and where
	// the signal table lives.
	exec := func(ctx context.Context, q string) error {
		return inContainer(ctx, db.SQL(), cfg.PDBName, func(c *sql.Conn) error {
			_, err := c.ExecContext(ctx, q)
			return err
		})
	}
	var write func(ctx context.Context, id, typ, data string) error
	var del func(ctx context.Context, id string) error
	if sig := signalTableName(cfg.Common.SignalTable); sig != "" {
		owner, table, _ := strings.Cut(sig, ".")
		ins, rm := signalStatements(owner, table)
		del = func(ctx context.Context, id string) error {
			return inContainer(ctx, db.SQL(), cfg.PDBName, func(c *sql.Conn) error {
				_, err := c.ExecContext(ctx, rm, id)
				return err
			})
		}
		write = func(ctx context.Context, id, typ, data string) error {
			var d any
			if data != "" {
				d = data
			}
			return inContainer(ctx, db.SQL(), cfg.PDBName, func(c *sql.Conn) error {
				_, err := c.ExecContext(ctx, ins, id, typ, d)
				return err
			})
		}
	}
	return Source{Session: db, Catalog: cat, Dictionary: dict, Snapshot: &sqlSnapshot{db: db.SQL(), cfg: cfg}, Exec: exec, WriteSignal: write, DeleteSignal: del}, nil
}

// signalStatements are the watermark writes into the signal table, shaped as
// Debezium's (an INSERT by position, so the table's own column names do not matter;
// a DELETE by id for INSERT_DELETE watermarks).
func signalStatements(owner, table string) (insert, remove string) {
	t := quoteIdent(owner) + "." + quoteIdent(table)
	return "INSERT INTO " + t + " VALUES (:1, :2, :3)", "DELETE FROM " + t + " WHERE ID = :1"
}

func listOf(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Metrics implements connectors.MetricsProvider: Debezium's LogMiner metrics for
// this task. Valid after Start.
func (t *Task) Metrics() prometheus.Collector { return t.metrics }

// LogMinerMetrics returns the task's metrics; valid after Start.
func (t *Task) LogMinerMetrics() *Metrics { return t.metrics }

var _ connectors.MetricsProvider = (*Task)(nil)

// Start parses the config, reads the stored offset, opens the schema history and
// starts the run goroutine. It returns promptly; connection errors surface from Poll.
func (t *Task) Start(ctx context.Context, raw connectors.Config, tc connectors.TaskContext) error {
	cfg, err := ParseConfig(raw)
	if err != nil {
		return err
	}
	t.cfg = cfg
	t.part = offsets.Partition{"server": cfg.Common.TopicPrefix}
	t.log = t.log.With("connector", raw["name"], "task", raw["task.id"], "server", cfg.Common.TopicPrefix)
	if t.metrics == nil {
		t.metrics = NewMetrics(cfg.Common.TopicPrefix)
	}
	stored, err := tc.Offsets().Offsets(ctx, []offsets.Partition{t.part})
	if err != nil {
		return fmt.Errorf("reading stored offset: %w", err)
	}
	if len(stored) == 1 && stored[0] != nil {
		if _, err := ParsePosition(stored[0]); err != nil {
			return err
		}
		t.lastOff = stored[0]
	}
	if t.history == nil {
		if t.history, err = t.openHistory(ctx); err != nil {
			return err
		}
	}
	t.q = cdc.NewQueue(cfg.Common.MaxQueue, cfg.Common.MaxBatch, 1, time.Duration(cfg.Common.PollInterval)*time.Millisecond)
	t.q.Start(t.run, func(err error) { t.log.Error("task failed", "error", err) })
	return nil
}

func (t *Task) openHistory(ctx context.Context) (cdc.HistoryStore, error) {
	cls := strings.TrimSpace(t.cfg.Raw["schema.history.internal"])
	if strings.HasSuffix(cls, "MemorySchemaHistory") {
		return &cdc.MemoryHistory{}, nil
	}
	c := t.cfg.Common
	if c.HistoryServers == "" || c.HistoryTopic == "" {
		return nil, fmt.Errorf("schema.history.internal.kafka.bootstrap.servers and schema.history.internal.kafka.topic must be set")
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(c.HistoryServers, ",")...), kgo.RequiredAcks(kgo.AllISRAcks()))
	if err != nil {
		return nil, fmt.Errorf("schema history client: %w", err)
	}
	t.kcl = cl
	h, err := cdc.NewKafkaHistory(cl, c.HistoryTopic, false)
	if err != nil {
		return nil, err
	}
	if err := h.EnsureTopic(ctx, -1); err != nil {
		return nil, err
	}
	return h, nil
}

// Poll returns up to max.batch.size records, waiting at most poll.interval.ms for
// the first. It returns the run goroutine's error once the queue is drained.
func (t *Task) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	return t.q.Poll(ctx)
}

// Stop cancels the run goroutine and waits for it (bounded by ctx).
func (t *Task) Stop(ctx context.Context) error {
	if t.q != nil {
		if err := t.q.Stop(ctx); err != nil {
			return err
		}
	}
	if t.kcl != nil {
		t.kcl.Close()
	}
	return nil
}

func (t *Task) emit(ctx context.Context, rs ...*connectors.SourceRecord) error {
	for _, r := range rs {
		if r == nil {
			continue
		}
		if err := t.q.Emit(ctx, r); err != nil {
			return err
		}
		t.lastOff = r.SourceOffset
	}
	return nil
}

// run mines until ctx is cancelled, restarting the session after mining errors.
func (t *Task) run(ctx context.Context) error {
	backoff := time.Second
	for {
		err := t.stream(ctx)
		if err == nil || ctx.Err() != nil {
			return ctx.Err()
		}
		var fatal *fatalError
		if errors.As(err, &fatal) {
			return fatal.err
		}
		t.log.Warn("LogMiner session failed; resuming from the last emitted offset", "error", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		if backoff < time.Minute {
			backoff *= 2
		}
	}
}

// fatalError stops the task instead of retrying (bad data under failure mode fail).
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }

// stream opens a session and a Stream at the last emitted offset and mines windows.
func (t *Task) stream(ctx context.Context) error {
	src, err := t.open(ctx, t.cfg)
	if err != nil {
		return fmt.Errorf("opening the LogMiner session: %w", err)
	}
	session, catalog, dict := src.Session, src.Catalog, src.Dictionary
	defer session.Close(context.WithoutCancel(ctx))
	var pos Position
	fresh := t.lastOff == nil
	snap, resumeSnap := pendingSnapshot(t.lastOff)
	switch {
	case resumeSnap:
		pos = Position{SCN: snap.scn}
		t.log.Info("resuming an interrupted snapshot", "scn", snap.scn, "table", snap.table)
	case fresh && src.Snapshot != nil && snapshotNeeded(t.cfg.Common.SnapshotMode):
		var tables []*TableInfo
		for _, n := range catalog.Names() {
			tables = append(tables, catalog[n])
		}
		scn, err := src.Snapshot.Begin(ctx, tables)
		if err != nil {
			return fmt.Errorf("starting the snapshot: %w", err)
		}
		snap, resumeSnap = snapshotState{scn: scn}, true
		if pl, ok := src.Snapshot.(PendingLister); ok {
			txs, err := pl.PendingTransactions(ctx, scn)
			if err != nil {
				return fmt.Errorf("listing the transactions open at the snapshot SCN %d: %w", scn, err)
			}
			snap.pending = FormatPending(txs)
		}
		pos = Position{SCN: scn}
	case fresh:
		cur, err := session.CurrentSCN(ctx)
		if err != nil {
			return err
		}
		pos = Position{SCN: cur}
		t.log.Info("no stored offset; streaming from the current SCN", "scn", cur, "snapshot.mode", t.cfg.Common.SnapshotMode)
	default:
		if pos, err = ParsePosition(t.lastOff); err != nil {
			return &fatalError{err}
		}
	}
	scfg := t.cfg.StreamConfig()
	scfg.Now = t.now
	scfg.Sink = func(r *connectors.SourceRecord) error { return t.emit(ctx, r) }
	scfg.OnHistory = func(h *cdc.HistoryRecord) error { return t.history.Record(ctx, h) }
	if dict != nil {
		scfg.Reread = func(owner, table string) (*TableInfo, error) { return readTable(ctx, dict, owner, table) }
		scfg.ResolveObject = func(obj int64) (string, string, bool, error) { return resolveObject(ctx, dict, obj) }
	}
	if cr, ok := src.Snapshot.(ChunkReader); ok && scfg.SignalTable != "" {
		scfg.Incremental.Read = func(ti *TableInfo, after []any, n int) ([][]any, error) { return cr.ReadChunk(ctx, ti, after, n) }
		if src.WriteSignal != nil {
			scfg.Incremental.Watermark = func(id, typ, data string) error { return src.WriteSignal(ctx, id, typ, data) }
		}
		if src.DeleteSignal != nil {
			scfg.Incremental.Delete = func(id string) error { return src.DeleteSignal(ctx, id) }
		}
	}
	st, err := NewStream(scfg, catalog, pos, t.log, t.metrics)
	if err != nil {
		return &fatalError{err}
	}
	n := 0
	if err := t.history.Recover(ctx, func(h *cdc.HistoryRecord) error {
		ok, err := st.Recover(h)
		if ok {
			n++
		}
		return err
	}); err != nil {
		return fmt.Errorf("recovering schema history: %w", err)
	}
	t.log.Info("schema history recovered", "records", n)
	if fresh && !t.schemaOK {
		if resumeSnap {
			// the schema records already say a snapshot is under way, so a crash
			// before its first row still resumes the snapshot
			st.pos.extraKeys = map[string]any{OffsetSnapshot: "INITIAL", OffsetSnapshotComplete: false,
				OffsetSnapshotSCN: strconv.FormatUint(snap.scn, 10)}
			withPending(st.pos.extraKeys, snap.pending)
		}
		if err := t.schemaSnapshot(ctx, st, catalog, pos.SCN); err != nil {
			return err
		}
	}
	if resumeSnap {
		if src.Snapshot == nil {
			return &fatalError{fmt.Errorf("the stored offset holds an unfinished snapshot but the source cannot snapshot")}
		}
		if err := t.runSnapshot(ctx, st, src.Snapshot, catalog, snap); err != nil {
			return err
		}
		if t.cfg.Common.SnapshotMode == "initial_only" {
			t.log.Info("snapshot.mode=initial_only: snapshot done, not streaming")
			<-ctx.Done()
			return ctx.Err()
		}
		st.pos.extraKeys = nil
		// Transactions open at the snapshot SCN are mined from their start (no gap);
		// everything else at or below it is in the snapshot (no duplicate).
		if err := st.HandOver(snap.scn, snap.pending); err != nil {
			return &fatalError{err}
		}
	}
	if err := st.ResumeIncremental(); err != nil {
		return err // a sourceIOError: retried
	}
	if t.ksig, err = t.openKafkaSignals(ctx); err != nil {
		return err
	}
	if t.ksig != nil {
		defer func() { t.ksig.Close(); t.ksig = nil }()
	}
	hb := &cdc.Heartbeat{Interval: time.Duration(t.cfg.Common.Heartbeat) * time.Millisecond, Topic: t.cfg.Common.Topics.Heartbeat(),
		Prefix: t.cfg.Common.TopicPrefix, Partition: t.part}
	if q := strings.TrimSpace(t.cfg.Common.HeartbeatQuery); q != "" {
		if src.Exec == nil {
			return &fatalError{fmt.Errorf("heartbeat.action.query is set but the source cannot run statements")}
		}
		// The query creates activity in an idle PDB so its offsets keep moving.
		hb.Action = func(ctx context.Context) error { return heartbeatAction(ctx, src.Exec, q, t.log) }
	}
	from := st.pos.SCN
	lastWindow := time.Time{}
	maxFetch := 0.0
	batch := t.cfg.Batch.Default
	sleep := t.cfg.Batch.SleepDefault
	for {
		cur, err := session.CurrentSCN(ctx)
		if err != nil {
			return err
		}
		if cur <= from {
			if err := t.idle(ctx, hb, st, sleep); err != nil {
				return err
			}
			continue
		}
		to := cur
		gap := t.cfg.GapSize > 0 && cur-from >= t.cfg.GapSize && time.Since(lastWindow) < t.cfg.GapTime
		if gap {
			t.log.Info("SCN gap detected; mining to the current SCN in one window", "from_scn", from, "to_scn", cur)
		} else if batch > 0 && from+batch < cur {
			to = from + batch
		}
		started := time.Now()
		rows := 0
		err = session.Mine(ctx, from, to, func(r *logminer.Row) error {
			rows++
			if err := st.Process(r); err != nil {
				var io *sourceIOError
				if errors.As(err, &io) {
					return err // retried on a new session from the last offset
				}
				return &fatalError{err}
			}
			return nil
		})
		if err != nil {
			return err
		}
		st.EndWindow(to, rows)
		if err := t.kafkaSignals(ctx, st); err != nil {
			return err
		}
		lastWindow = time.Now()
		took := float64(time.Since(started).Milliseconds())
		t.metrics.fetchQueryMs.Set(took)
		if took > maxFetch {
			maxFetch = took
			t.metrics.maxFetchQueryMs.Set(took)
		}
		if rec, err := hb.Due(ctx, t.now(), st.Offset()); err != nil {
			return &fatalError{fmt.Errorf("heartbeat.action.query: %w", err)}
		} else if rec != nil {
			if err := t.emit(ctx, rec); err != nil {
				return err
			}
		}
		from = to
		// Adaptive window: grow while behind, shrink and sleep longer once caught up
		// (log.mining.batch.size.*, log.mining.sleep.time.*).
		if to == cur {
			batch = max(t.cfg.Batch.Min, batch-min(batch, t.cfg.Batch.Increment))
			sleep = min(t.cfg.Batch.SleepMax, sleep+t.cfg.Batch.SleepIncrement)
			if err := t.idle(ctx, hb, st, sleep); err != nil {
				return err
			}
		} else {
			batch = min(t.cfg.Batch.Max, batch+t.cfg.Batch.Increment)
			sleep = max(t.cfg.Batch.SleepMin, sleep-min(sleep, t.cfg.Batch.SleepIncrement))
		}
		t.metrics.batchSize.Set(float64(batch))
		t.metrics.sleepMs.Set(float64(sleep.Milliseconds()))
	}
}

// idle waits d (or until ctx ends), emitting a heartbeat when one is due and running
// the Kafka channel's signals.
func (t *Task) idle(ctx context.Context, hb *cdc.Heartbeat, st *Stream, d time.Duration) error {
	if err := t.kafkaSignals(ctx, st); err != nil {
		return err
	}
	if rec, err := hb.Due(ctx, t.now(), st.Offset()); err != nil {
		return &fatalError{fmt.Errorf("heartbeat.action.query: %w", err)}
	} else if rec != nil {
		if err := t.emit(ctx, rec); err != nil {
			return err
		}
	}
	if d <= 0 {
		d = 10 * time.Millisecond
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// schemaSnapshot records a CREATE history record and schema-change event for every
// captured table when the connector starts without an offset (Debezium's schema
// snapshot), so a restarted task and a Java connector can rebuild the models.
func (t *Task) schemaSnapshot(ctx context.Context, st *Stream, cat Catalog, scn uint64) error {
	for _, name := range cat.Names() {
		ti := cat[name]
		row := &logminer.Row{SCN: scn, Timestamp: t.now().UTC(), Owner: ti.Table.ID.Schema, Table: ti.Table.ID.Table,
			SQLRedo: createTableDDL(ti.Table)}
		if err := st.commitModel(row, ti.Table.ID.Schema, cdc.TableChange{Type: cdc.ChangeCreate, ID: ti.Table.ID, Table: ti.Table}, ti); err != nil {
			return err
		}
	}
	t.schemaOK = true
	return nil
}

// createTableDDL renders a CREATE TABLE statement for a model, in the DDL form the
// history carries for snapshot records.
func createTableDDL(t *cdc.Table) string {
	var b strings.Builder
	fmt.Fprintf(&b, `CREATE TABLE "%s"."%s" (`, t.ID.Schema, t.ID.Table)
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `"%s" %s`, c.Name, columnType(&t.Columns[i]).String())
		if !c.Optional {
			b.WriteString(" NOT NULL")
		}
	}
	if len(t.PrimaryKey) > 0 {
		b.WriteString(`, PRIMARY KEY ("` + strings.Join(t.PrimaryKey, `", "`) + `")`)
	}
	b.WriteString(");")
	return b.String()
}
