//go:build cgo

package logminer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/godror/godror" // Oracle driver (cgo; Instant Client at run time)
)

// Options configure a database session.
type Options struct {
	Query       QueryOptions
	ArchiveOnly bool
	Destination string // archive.destination.name
	// ArchiveHours limits archived logs to the last N hours (archive.log.hours, 0: all).
	ArchiveHours int64
	// SessionMax ends and restarts the LogMiner session after this long
	// (log.mining.session.max.ms, 0: only on log switches), relieving PGA growth.
	SessionMax time.Duration
	// FlushTable is log.mining.flush.table.name: before each window the session
	// updates it and commits so LGWR writes the current redo out ("" or ReadOnly: never).
	FlushTable string
	ReadOnly   bool
	// RACNodes are godror DSNs of each RAC instance (rac.nodes): the flush runs on
	// every one of them, since a commit makes only the local log writer write. Empty:
	// the flush runs on the main connection.
	RACNodes  []string
	FetchSize int // query.fetch.size
	// StartRetries bounds the retries of START_LOGMNR on ORA-01291/ORA-00310 (a log
	// not yet archived or registered); default 5.
	StartRetries int
	Log          *slog.Logger
}

// DB is a Session on a live database through godror. It owns one dedicated
// connection (LogMiner sessions are per connection) and is used by one goroutine.
type DB struct {
	db      *sql.DB
	conn    *sql.Conn
	o       Options
	query   string
	logs    []string // files registered with the current LogMiner session
	started bool
	dirty   bool      // files may be registered with LogMiner (ADD_LOGFILE ran since the last END_LOGMNR)
	nodes   []*sql.DB // one pool per rac.nodes entry, for the flush
	lastSCN uint64    // the last CurrentSCN answer, written by the RAC flush
	since   time.Time // when the current file list was registered
}

// Open connects with a godror DSN (user/password@connect-string or the
// key=value form), applies the mining session settings and prepares the query.
// Credentials are never logged.
func Open(ctx context.Context, dsn string, o Options) (*DB, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.StartRetries == 0 {
		o.StartRetries = 5
	}
	q, err := ContentsQuery(o.Query)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("godror", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening the Oracle connection: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to Oracle: %w", err)
	}
	for _, s := range SessionSettings {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			conn.Close()
			db.Close()
			return nil, fmt.Errorf("setting the mining session's NLS parameters: %w", err)
		}
	}
	d := &DB{db: db, conn: conn, o: o, query: q}
	for _, n := range o.RACNodes {
		nd, err := sql.Open("godror", n) // connects on first use
		if err != nil {
			d.Close(ctx)
			return nil, fmt.Errorf("opening a rac.nodes connection: %w", err)
		}
		nd.SetMaxOpenConns(1)
		d.nodes = append(d.nodes, nd)
	}
	if o.FlushTable != "" && !o.ReadOnly {
		if err := d.ensureFlushTable(ctx); err != nil {
			d.Close(ctx)
			return nil, err
		}
	}
	return d, nil
}

// ensureFlushTable creates the one-row flush table when it does not exist. Like
// Debezium's, it lives in the PDB when database.pdb.name is set (a pipeline switched
// from Debezium finds its table there), in the connected database otherwise.
func (d *DB) ensureFlushTable(ctx context.Context) error {
	return InContainer(ctx, d.db, d.o.Query.PDB, func(c *sql.Conn) error {
		for _, st := range FlushTableSetup(d.o.FlushTable) {
			var n int
			if err := c.QueryRowContext(ctx, st.Check, st.Args...).Scan(&n); err != nil {
				return fmt.Errorf("checking the flush table %s: %w", d.o.FlushTable, err)
			}
			if n > 0 {
				continue
			}
			if _, err := c.ExecContext(ctx, st.Fix); err != nil {
				return fmt.Errorf("%s (grant CREATE TABLE or set log.mining.read.only=true): %w", st.Fix, err)
			}
		}
		return nil
	})
}

// flush makes LGWR write the redo up to the window's end, so that the online log
// holds every change the window asks for: an autocommitted update of the flush table
// (a commit makes LGWR write), in the PDB as ensureFlushTable placed it. With
// rac.nodes it runs on every instance; an instance that fails is logged and skipped,
// as Debezium does (CurrentSCN's V$THREAD bound keeps its redo from being passed).
func (d *DB) flush(ctx context.Context, scn uint64) error {
	if d.o.FlushTable == "" || d.o.ReadOnly {
		return nil
	}
	update := func(db *sql.DB) error {
		return InContainer(ctx, db, d.o.Query.PDB, func(c *sql.Conn) error {
			_, err := c.ExecContext(ctx, FlushStatement(d.o.FlushTable), strconv.FormatUint(scn, 10))
			return err
		})
	}
	if len(d.nodes) == 0 {
		if err := update(d.db); err != nil {
			return fmt.Errorf("updating the flush table: %w", err)
		}
		return nil
	}
	failed := 0
	for i, nd := range d.nodes {
		if err := update(nd); err != nil {
			failed++
			d.o.Log.Warn("could not flush the log writer of a RAC instance", "node", i, "error", err)
		}
	}
	if failed == len(d.nodes) {
		return fmt.Errorf("updating the flush table: no rac.nodes instance could be reached")
	}
	return nil
}

// SQL returns the connection pool, for catalog reads and validation.
func (d *DB) SQL() *sql.DB { return d.db }

// CurrentSCN implements Session: the highest SCN a window may mine (CurrentSCNQuery,
// UpperSCN). With rac.nodes every instance is flushed first, so that an idle
// instance's LAST_REDO_CHANGE# moves and the window bound never waits on it.
func (d *DB) CurrentSCN(ctx context.Context) (uint64, error) {
	if len(d.nodes) > 0 {
		if err := d.flush(ctx, d.lastSCN); err != nil {
			return 0, err
		}
	}
	var cur, redo sql.NullString
	if err := d.conn.QueryRowContext(ctx, CurrentSCNQuery(d.o.ArchiveOnly, d.o.Destination)).Scan(&cur, &redo); err != nil {
		return 0, fmt.Errorf("reading the current SCN: %w", err)
	}
	scn, err := UpperSCN(cur.String, redo.String)
	if err == nil {
		d.lastSCN = scn
	}
	return scn, err
}

// logFiles returns the redo files covering SCNs above from, one per thread and
// sequence, checking that each thread's sequences are contiguous.
func (d *DB) logFiles(ctx context.Context, from uint64) ([]string, error) {
	rows, err := d.conn.QueryContext(ctx, LogsQuery(d.o.ArchiveOnly, d.o.Destination, d.o.ArchiveHours), strconv.FormatUint(from, 10))
	if err != nil {
		return nil, fmt.Errorf("listing redo logs: %w", err)
	}
	defer rows.Close()
	type key struct{ thread, seq int64 }
	seen := map[key]bool{}
	last := map[int64]int64{}
	var files []string
	for rows.Next() {
		var name string
		var thread, seq int64
		var first, next sql.NullString
		if err := rows.Scan(&name, &thread, &seq, &first, &next); err != nil {
			return nil, fmt.Errorf("listing redo logs: %w", err)
		}
		k := key{thread, seq}
		if seen[k] {
			continue
		}
		seen[k] = true
		if prev, ok := last[thread]; ok && seq != prev+1 {
			return nil, fmt.Errorf("redo thread %d is inconsistent: sequence %d follows %d; the archive log in between is missing from V$ARCHIVED_LOG", thread, seq, prev)
		}
		last[thread] = seq
		files = append(files, name)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no redo log covers SCN %d: the archive logs needed were removed (a new snapshot is required), or no archive destination "+
			"is VALID and LOCAL in V$ARCHIVE_DEST_STATUS (see archive.destination.name)", from)
	}
	return files, rows.Err()
}

func sameFiles(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Mine implements Session: it (re)registers the log files when the needed set
// changed, starts LogMiner for (from, to] and streams the rows of the query.
func (d *DB) Mine(ctx context.Context, from, to uint64, fn func(*Row) error) error {
	if err := d.flush(ctx, to); err != nil {
		return err
	}
	files, err := d.logFiles(ctx, from)
	if err != nil {
		return err
	}
	expired := d.o.SessionMax > 0 && !d.since.IsZero() && time.Since(d.since) > d.o.SessionMax
	if expired || !sameFiles(files, d.logs) {
		// End the session, and with it the file list: also when START_LOGMNR never
		// succeeded or an ADD_LOGFILE failed part way, whose files stay registered and
		// would make the next ADD_LOGFILE of one of them fail (ORA-01289).
		if d.started || d.dirty {
			if _, err := d.conn.ExecContext(ctx, EndStatement); err != nil && d.started {
				return fmt.Errorf("ending LogMiner: %w", err)
			}
			d.started, d.logs = false, nil
		}
		d.dirty = true
		for _, f := range files {
			if _, err := d.conn.ExecContext(ctx, AddLogStatement(f)); err != nil {
				return fmt.Errorf("adding redo log %s: %w", f, err)
			}
		}
		d.logs, d.since = files, time.Now()
	}
	var startErr error
	for attempt := 0; attempt <= d.o.StartRetries; attempt++ {
		if _, startErr = d.conn.ExecContext(ctx, StartStatement(from, to)); startErr == nil {
			break
		}
		if !strings.Contains(startErr.Error(), "ORA-01291") && !strings.Contains(startErr.Error(), "ORA-00310") {
			break
		}
		d.o.Log.Warn("LogMiner could not start yet; retrying", "from_scn", from, "to_scn", to, "attempt", attempt+1, "error", startErr)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 500 * time.Millisecond):
		}
	}
	if startErr != nil {
		return fmt.Errorf("starting LogMiner for SCN (%d, %d]: %w", from, to, startErr)
	}
	d.started = true
	args := []any{strconv.FormatUint(from, 10), strconv.FormatUint(to, 10)}
	if d.o.FetchSize > 0 {
		args = append(args, godror.FetchArraySize(d.o.FetchSize), godror.PrefetchCount(d.o.FetchSize+1))
	}
	rows, err := d.conn.QueryContext(ctx, d.query, args...)
	if err != nil {
		return fmt.Errorf("querying V$LOGMNR_CONTENTS for SCN (%d, %d]: %w", from, to, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Row
		var scn, redo, ts, xid, table, owner, op, rowID, info, rsID, user sql.NullString
		var code, csf, rb, status, ssn, thread, obj, objd sql.NullInt64
		if err := rows.Scan(&scn, &redo, &code, &ts, &xid, &csf, &table, &owner, &op, &rowID, &rb, &status, &info, &ssn,
			&thread, &obj, &objd, &rsID, &user); err != nil {
			return fmt.Errorf("reading V$LOGMNR_CONTENTS: %w", err)
		}
		if r.SCN, err = strconv.ParseUint(scn.String, 10, 64); err != nil {
			return fmt.Errorf("V$LOGMNR_CONTENTS SCN %q: %w", scn.String, err)
		}
		if ts.Valid {
			r.Timestamp, _ = time.ParseInLocation("2006-01-02 15:04:05", ts.String, time.UTC)
		}
		r.SQLRedo, r.OpCode, r.XID, r.CSF = redo.String, int(code.Int64), strings.ToUpper(xid.String), csf.Int64 == 1
		r.Table, r.Owner, r.Operation, r.RowID = table.String, owner.String, op.String, rowID.String
		r.Rollback, r.Status, r.Info, r.SSN = rb.Int64 == 1, int(status.Int64), info.String, ssn.Int64
		r.Thread, r.DataObj, r.DataObjD = int(thread.Int64), obj.Int64, objd.Int64
		r.RsID, r.Username = strings.TrimSpace(rsID.String), user.String
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Close implements Session.
func (d *DB) Close(ctx context.Context) error {
	var errs []error
	if d.started || d.dirty {
		if _, err := d.conn.ExecContext(ctx, EndStatement); err != nil && d.started {
			errs = append(errs, fmt.Errorf("ending LogMiner: %w", err))
		}
	}
	for _, nd := range d.nodes {
		errs = append(errs, nd.Close())
	}
	errs = append(errs, d.conn.Close(), d.db.Close())
	return errors.Join(errs...)
}
