package mysql

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

func quoteIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// serverPosition reads the binlog position and executed GTID set under the lock.
func serverPosition(c *client.Conn, mariadb bool) (position, error) {
	var rows []map[string]string
	var err error
	for _, q := range []string{"SHOW BINARY LOG STATUS", "SHOW MASTER STATUS"} {
		if rows, err = queryRows(c, q); err == nil {
			break
		}
	}
	if err != nil {
		return position{}, err
	}
	if len(rows) == 0 {
		return position{}, fmt.Errorf("SHOW MASTER STATUS returned nothing: the binlog is disabled; start the server with log_bin (and binlog_format=ROW)")
	}
	var p position
	p.File = rows[0]["File"]
	fmt.Sscan(rows[0]["Position"], &p.Pos)
	if mariadb {
		p.GTIDs, err = queryOne(c, "SELECT @@GLOBAL.gtid_binlog_pos")
		if err != nil {
			return p, err
		}
	} else {
		p.GTIDs = strings.ReplaceAll(rows[0]["Executed_Gtid_Set"], "\n", "")
	}
	return p, nil
}

// firstBinlog is the start of the oldest binlog still on the server (snapshot.mode=never).
func firstBinlog(c *client.Conn, mariadb bool) (position, error) {
	rows, err := queryRows(c, "SHOW BINARY LOGS")
	if err != nil {
		return position{}, err
	}
	if len(rows) == 0 {
		return position{}, fmt.Errorf("SHOW BINARY LOGS returned nothing: the binlog is disabled")
	}
	p := position{File: rows[0]["Log_name"], Pos: 4}
	if mariadb {
		p.GTIDs = "" // stream everything from the first binlog
	}
	return p, nil
}

// binlogAvailable checks that a stored position can still be read: in GTID mode the
// server's purged set must be contained in the stored set; otherwise the file must be
// listed by SHOW BINARY LOGS.
func binlogAvailable(c *client.Conn, mariadb bool, p position) (bool, string, error) {
	if p.GTIDs != "" && !mariadb {
		purged, err := queryOne(c, "SELECT @@GLOBAL.gtid_purged")
		if err != nil {
			return false, "", err
		}
		ps, err1 := gmysql.ParseMysqlGTIDSet(strings.ReplaceAll(purged, "\n", ""))
		have, err2 := gmysql.ParseMysqlGTIDSet(p.GTIDs)
		if err1 == nil && err2 == nil && !have.Contain(ps) {
			return false, "GTIDs " + purged + " were purged", nil
		}
		return true, "", nil
	}
	rows, err := queryRows(c, "SHOW BINARY LOGS")
	if err != nil {
		return false, "", err
	}
	for _, r := range rows {
		if r["Log_name"] == p.File {
			return true, "", nil
		}
	}
	return false, "binlog file " + p.File + " was purged", nil
}

// readSchema reads SHOW CREATE TABLE for every eligible table into the model and writes
// the synthetic DDL of a snapshot into the schema history. It returns the captured tables.
func (t *Task) readSchema(ctx context.Context, c *client.Conn, state *schemaState, pos position) ([]cdc.TableID, error) {
	state.model = newSchemaModel()
	state.invalidate()
	now := t.now()
	si := sourceInfo{ts: now, snapshot: cdc.SnapshotTrue, file: pos.File, pos: pos.Pos}
	emit := func(ddl, db string, changes []cdc.TableChange) error {
		r, err := state.record(ctx, ddl, db, pos, changes, si, now)
		if err != nil {
			return err
		}
		return t.emit(ctx, r)
	}
	cs, _ := queryOne(c, "SELECT @@character_set_server")
	coll, _ := queryOne(c, "SELECT @@collation_server")
	if err := emit(fmt.Sprintf("SET character_set_server=%s, collation_server=%s", cs, coll), "", nil); err != nil {
		return nil, err
	}
	dbs, err := t.listTables(c)
	if err != nil {
		return nil, err
	}
	var captured []cdc.TableID
	for _, dt := range dbs {
		db := dt.db
		var ids []cdc.TableID
		for _, id := range dt.tables {
			if t.cfg.StoreOnlyCaptured && !t.cfg.Filters.Captured(id) {
				continue
			}
			ids = append(ids, id)
		}
		charset, _ := queryOne(c, "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"+strings.ReplaceAll(db, "'", "''")+"'")
		for _, ddl := range []string{"DROP DATABASE IF EXISTS " + quoteIdent(db), "CREATE DATABASE " + quoteIdent(db) + " CHARSET " + charset, "USE " + quoteIdent(db)} {
			if err := emit(ddl, db, nil); err != nil {
				return nil, err
			}
		}
		for _, id := range ids {
			r, err := c.Execute("SHOW CREATE TABLE " + quoteIdent(db) + "." + quoteIdent(id.Table))
			if err != nil {
				return nil, fmt.Errorf("SHOW CREATE TABLE %s: %w", id, err)
			}
			ddl, _ := r.GetString(0, 1)
			ddl = strings.Clone(ddl)
			r.Close()
			stmts, err := state.model.parse(ddl)
			if err != nil || len(stmts) != 1 {
				if !t.cfg.Filters.Captured(id) {
					t.log.Warn("skipping table whose DDL cannot be parsed", "table", id.String(), "error", err)
					continue
				}
				return nil, fmt.Errorf("parsing the DDL of %s: %v", id, err)
			}
			out, err := state.model.apply(stmts[0], db)
			if err != nil {
				return nil, err
			}
			if err := emit(ddl, db, out.changes); err != nil {
				return nil, err
			}
			if t.cfg.Filters.Captured(id) {
				captured = append(captured, id)
			}
		}
	}
	return captured, nil
}

// dbTables is one eligible database and its base tables.
type dbTables struct {
	db     string
	tables []cdc.TableID
}

// listTables lists the base tables of every eligible database.
func (t *Task) listTables(c *client.Conn) ([]dbTables, error) {
	dbs, err := queryRows(c, "SHOW DATABASES")
	if err != nil {
		return nil, err
	}
	var out []dbTables
	for _, row := range dbs {
		db := row["Database"]
		if !t.cfg.Filters.Eligible(cdc.TableID{Catalog: db}) {
			continue
		}
		tables, err := queryRows(c, "SHOW FULL TABLES FROM "+quoteIdent(db)+" WHERE Table_type = 'BASE TABLE'")
		if err != nil {
			return nil, err
		}
		d := dbTables{db: db}
		for _, tr := range tables {
			d.tables = append(d.tables, cdc.TableID{Catalog: db, Table: tr["Tables_in_"+db]})
		}
		out = append(out, d)
	}
	return out, nil
}

// capturedTables lists the base tables the capture filter selects.
func (t *Task) capturedTables(c *client.Conn) ([]cdc.TableID, error) {
	dbs, err := t.listTables(c)
	if err != nil {
		return nil, err
	}
	var out []cdc.TableID
	for _, d := range dbs {
		for _, id := range d.tables {
			if t.cfg.Filters.Captured(id) {
				out = append(out, id)
			}
		}
	}
	return out, nil
}

// snapshotSchema rebuilds the schema history from the current schema (snapshot.mode=
// recovery) and keeps streaming from pos.
func (t *Task) snapshotSchema(ctx context.Context, c *client.Conn, state *schemaState, pos position, mariadb bool) (position, error) {
	_, err := t.readSchema(ctx, c, state, pos)
	return pos, err
}

// snapshot takes the consistent snapshot of §5 and returns where streaming starts.
// resume is the offset of a snapshot that did not complete: its tables already read
// are skipped and its (earlier) binlog position is kept, so no change is lost.
func (t *Task) snapshot(ctx context.Context, c *client.Conn, state *schemaState, resume *position, data bool, mariadb bool) (position, error) {
	if t.cfg.SnapshotDelay > 0 {
		select {
		case <-ctx.Done():
			return position{}, ctx.Err()
		case <-time.After(t.cfg.SnapshotDelay):
		}
	}
	t.metrics.snapshotRunning.WithLabelValues().Set(1)
	defer t.metrics.snapshotRunning.WithLabelValues().Set(0)
	secs := max(int(t.cfg.LockTimeout/time.Second), 1)
	for _, q := range []string{
		fmt.Sprintf("SET SESSION lock_wait_timeout = %d", secs),
		fmt.Sprintf("SET SESSION innodb_lock_wait_timeout = %d", secs),
		"SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
	} {
		if _, err := c.Execute(q); err != nil {
			return position{}, fmt.Errorf("%s: %w", q, err)
		}
	}
	locked, tableLocks := false, false
	if t.cfg.LockingMode != "none" {
		if _, err := c.Execute("FLUSH TABLES WITH READ LOCK"); err != nil {
			t.log.Warn("global read lock not permitted; falling back to table locks held until the data is read", "error", err)
			ids, err := t.capturedTables(c)
			if err != nil {
				return position{}, err
			}
			if len(ids) > 0 {
				var parts []string
				for _, id := range ids {
					parts = append(parts, quoteIdent(id.Catalog)+"."+quoteIdent(id.Table)+" READ")
				}
				if _, err := c.Execute("LOCK TABLES " + strings.Join(parts, ", ")); err != nil {
					return position{}, fmt.Errorf("neither FLUSH TABLES WITH READ LOCK nor LOCK TABLES is permitted (%v): grant RELOAD or LOCK TABLES to %s, or set snapshot.locking.mode=none if no DDL runs during the snapshot", err, t.cfg.User)
				}
				locked, tableLocks = true, true
			}
		} else {
			locked = true
		}
	}
	unlock := func() {
		if locked {
			_, _ = c.Execute("UNLOCK TABLES")
			locked = false
		}
	}
	defer unlock()
	schemaConn := c
	var workers []*client.Conn
	if tableLocks {
		// the locked session may only touch the locked tables (and an implicit commit
		// would release them): the schema is read on a second connection
		sc, err := (&dialer{cfg: t.cfg, log: t.log}).connect(ctx)
		if err != nil {
			return position{}, err
		}
		defer sc.Close()
		schemaConn = sc
	} else {
		if _, err := c.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT"); err != nil {
			return position{}, err
		}
		defer func() { _, _ = c.Execute("COMMIT") }()
		readers := snapshotReaders(t.cfg.SnapshotThreads)
		if data && readers < t.cfg.SnapshotThreads {
			t.log.Info("snapshot reads with fewer connections than snapshot.max.threads: one per core beyond the one converting rows",
				"snapshot.max.threads", t.cfg.SnapshotThreads, "readers", readers, "cores", snapshotCores())
		}
		if locked && data && readers > 1 {
			// every worker starts its consistent snapshot while writes are blocked, so
			// all of them read the same state as this connection
			for range readers {
				w, err := openWorker(ctx, t)
				if err != nil {
					return position{}, err
				}
				defer w.Close()
				workers = append(workers, w)
			}
		}
	}
	pos, err := serverPosition(c, mariadb)
	if err != nil {
		return position{}, err
	}
	if resume != nil && resume.Snapshot != "" {
		pos.File, pos.Pos, pos.GTIDs = resume.File, resume.Pos, resume.GTIDs
		pos.Done = resume.Done
	}
	pos.Snapshot = "INITIAL"
	t.log.Info("snapshot started", "position", pos.String(), "data", data)
	captured, err := t.readSchema(ctx, schemaConn, state, pos)
	if err != nil {
		return position{}, err
	}
	if t.cfg.LockingMode != "extended" && !tableLocks {
		unlock()
	}
	slices.SortFunc(captured, func(a, b cdc.TableID) int { return strings.Compare(a.String(), b.String()) })
	if data {
		src := selectAll(c)
		if len(workers) > 0 {
			pr := newParallelReader(ctx, t, c, workers, state, captured)
			defer pr.close()
			src = pr.rows
		}
		if err := t.readData(ctx, c, state, captured, &pos, src); err != nil {
			return position{}, err
		}
	}
	unlock()
	pos.Snapshot, pos.Done = "", nil
	t.metrics.snapshotCompleted.WithLabelValues().Set(1)
	t.log.Info("snapshot completed", "position", pos.String(), "tables", len(captured))
	return pos, nil
}

// readData reads every captured table not yet done and emits op=r records.
func (t *Task) readData(ctx context.Context, c *client.Conn, state *schemaState, tables []cdc.TableID, pos *position, src rowSource) error {
	var todo []cdc.TableID
	for _, id := range tables {
		if !slices.Contains(pos.Done, id.String()) {
			todo = append(todo, id)
		}
	}
	first := true
	for ti, id := range todo {
		ts, err := state.tableSchema(id)
		if err != nil {
			return err
		}
		expected, _ := queryOne(c, fmt.Sprintf("SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA='%s' AND TABLE_NAME='%s'",
			strings.ReplaceAll(id.Catalog, "'", "''"), strings.ReplaceAll(id.Table, "'", "''")))
		var exp float64
		fmt.Sscan(expected, &exp)
		t.metrics.snapshotRows.WithLabelValues(id.String()).Set(exp)
		t.log.Info("snapshotting table", "table", id.String(), "rows_expected", expected, "table_index", ti+1, "tables", len(todo))
		rt := &rowTable{t: t, id: id, ts: ts, pos: pos, lastTable: ti == len(todo)-1, first: &first,
			tableOff: pos.offset(), srcTs: t.now()}
		var prev []any
		n := 0
		scanned := t.metrics.rowsScanned.WithLabelValues(id.String())
		err = src(ctx, id, scratchColumns(state, id), func(rows [][]any) error {
			rt.nowLeft = 0 // the wait for this batch may have been long: read the clock again
			for _, vals := range rows {
				n++
				if prev != nil {
					if err := rt.emit(ctx, prev, n-1, false); err != nil {
						return err
					}
				}
				prev = vals
			}
			scanned.Set(float64(n))
			return ctx.Err()
		})
		if err != nil {
			return fmt.Errorf("snapshot of %s: %w", id, err)
		}
		if prev != nil {
			if err := rt.emit(ctx, prev, n, true); err != nil {
				return err
			}
		}
		if err := t.flush(ctx); err != nil {
			return err
		}
		pos.Done = append(pos.Done, id.String())
		t.log.Info("table snapshot completed", "table", id.String(), "rows", n)
	}
	return nil
}

// rowTable turns the snapshot rows of one table into op=r records. Run goroutine only.
type rowTable struct {
	t         *Task
	id        cdc.TableID
	ts        *cdc.TableSchema
	pos       *position
	lastTable bool  // the last table of the snapshot
	first     *bool // no record of the snapshot was emitted yet
	// every row of the table but the very last of the snapshot carries the same
	// offset: one map shared by their records (offsets are never mutated)
	tableOff offsets.Offset
	// srcTs is the source block's clock reading, taken once per table as Debezium's
	// snapshot does (RelationalSnapshotChangeEventSource reads it before the table's
	// query): the records' envelopes carry the clock of each row. So the rows of a
	// table that share a snapshot marker share one source block, built once.
	srcTs   time.Time
	sources [snapshotMarkers]*schemas.Struct
	// now is the clock reading of the envelopes' ts_ms (ts_us, ts_ns), read again
	// every clockRows rows, after each hand-over to Poll (which may have waited) and
	// at each batch of rows from the reader (which may have waited for the server),
	// not for every row: a clock read cost a tenth of the snapshot's CPU (W1).
	now     time.Time
	nowLeft int
}

// clockRows is how many snapshot rows may share one clock reading; at a microsecond
// or so per row, their envelopes' times are within tens of microseconds of the truth.
const clockRows = 16

// snapshotMarkers is how many markers a snapshot read can carry (markerSlot).
const snapshotMarkers = 5

// markerSlot is m's index in rowTable.sources.
func markerSlot(m cdc.SnapshotMarker) int {
	switch m {
	case cdc.SnapshotFirst:
		return 1
	case cdc.SnapshotFirstInDataCollection:
		return 2
	case cdc.SnapshotLastInDataCollection:
		return 3
	case cdc.SnapshotLast:
		return 4
	}
	return 0
}

// source returns the table's shared source block of marker m, building it on first
// use. Records never modify a source block, and neither may their consumers.
func (rt *rowTable) source(m cdc.SnapshotMarker) *schemas.Struct {
	slot := &rt.sources[markerSlot(m)]
	if *slot == nil || (*slot).Raw(cdc.SourceSnapshot) != string(m) {
		si := sourceInfo{ts: rt.srcTs, snapshot: m, db: rt.id.Catalog, table: rt.id.Table, file: rt.pos.File, pos: rt.pos.Pos}
		*slot = rt.t.kind.source(si)
	}
	return *slot
}

// emit queues the record of row, the idx-th (from 1) of the table; tableLast marks the
// table's last row. A row that fails conversion is handled per
// event.processing.failure.handling.mode.
func (rt *rowTable) emit(ctx context.Context, row []any, idx int, tableLast bool) error {
	t, id, pos := rt.t, rt.id, rt.pos
	marker := cdc.SnapshotTrue
	switch {
	case *rt.first:
		marker, *rt.first = cdc.SnapshotFirst, false
	case tableLast && rt.lastTable:
		marker = cdc.SnapshotLast
	case idx == 1:
		marker = cdc.SnapshotFirstInDataCollection
	case tableLast:
		marker = cdc.SnapshotLastInDataCollection
	}
	o := rt.tableOff
	if tableLast && rt.lastTable {
		off := *pos
		off.Snapshot, off.Done = "", nil
		o = off.offset()
	}
	if rt.nowLeft <= 0 || t.q.Pending() == 0 {
		rt.now, rt.nowLeft = t.now(), clockRows
	}
	rt.nowLeft--
	ch := cdc.Change{Op: cdc.OpRead, After: row, Source: rt.source(marker), Partition: t.part, Offset: o, Now: rt.now,
		Boxes: &t.kind.boxes.slab}
	recs, err := rt.ts.Records(ch, cdc.EmitOptions{Tombstones: t.cfg.Tombstones, Skipped: t.cfg.Skipped})
	if err != nil {
		if herr := t.cfg.Failure.Handle(t.log, fmt.Sprintf("snapshot of %s row %d", id, idx), err); herr != nil {
			return herr
		}
		return nil
	}
	t.metrics.snapEvents.Inc()
	return t.emit(ctx, recs...)
}

var _ connectors.SourceTask = (*Task)(nil)
