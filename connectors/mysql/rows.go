package mysql

import (
	"context"
	"fmt"
	"strings"
	"time"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

func isDatabaseDDL(st ast.StmtNode) bool {
	switch st.(type) {
	case *ast.CreateDatabaseStmt, *ast.DropDatabaseStmt, *ast.AlterDatabaseStmt:
		return true
	}
	return false
}

// rows emits the change events of one rows event, honouring the restart skip counters.
func (s *streamer) rows(ctx context.Context, et replication.EventType, e *replication.RowsEvent, h *replication.EventHeader) error {
	t := s.t
	if e.Table == nil {
		return nil
	}
	id, captured := s.tables.lookup(e.Table, t.cfg.Filters)
	if !captured {
		return nil
	}
	if s.skipTx && t.cfgFilterDML() {
		return nil
	}
	skipRows := 0
	if s.skipEvents > 0 || s.skipRows > 0 {
		if s.txEvents < s.skipEvents {
			return nil // emitted before the restart
		}
		skipRows = s.skipRows
		s.skipEvents, s.skipRows = 0, 0
	}
	var op cdc.Op
	step := 1
	switch et {
	case replication.WRITE_ROWS_EVENTv0, replication.WRITE_ROWS_EVENTv1, replication.WRITE_ROWS_EVENTv2:
		op = cdc.OpCreate
	case replication.UPDATE_ROWS_EVENTv0, replication.UPDATE_ROWS_EVENTv1, replication.UPDATE_ROWS_EVENTv2, replication.PARTIAL_UPDATE_ROWS_EVENT:
		op, step = cdc.OpUpdate, 2
	case replication.DELETE_ROWS_EVENTv0, replication.DELETE_ROWS_EVENTv1, replication.DELETE_ROWS_EVENTv2:
		op = cdc.OpDelete
	default:
		return nil
	}
	ts, err := s.state.tableSchema(id)
	if err != nil {
		return err
	}
	where := func() string { return fmt.Sprintf("%s:%d (table %s)", s.file, int64(h.LogPos)-int64(h.EventSize), id) }
	if ts == nil {
		return t.cfg.Failure.Handle(t.log, where(), fmt.Errorf("no schema is known for captured table %s (inconsistent.schema.handling.mode)", id))
	}
	if n := len(ts.Table.Columns); int(e.ColumnCount) != n {
		return t.cfg.Failure.Handle(t.log, where(), fmt.Errorf("binlog row has %d columns but the tracked schema of %s has %d", e.ColumnCount, id, n))
	}
	if names := e.Table.ColumnName; len(names) == len(ts.Table.Columns) {
		for i, n := range names {
			if len(n) != 0 && string(n) != ts.Table.Columns[i].Name {
				return t.cfg.Failure.Handle(t.log, where(), fmt.Errorf("binlog column %d is %s but the tracked schema of %s has %s", i+1, n, id, ts.Table.Columns[i].Name))
			}
		}
	}
	markBinlogJSON(e)
	evTs := time.Unix(int64(h.Timestamp), 0)
	for i, r := 0, 0; i+step-1 < len(e.Rows); i, r = i+step, r+1 {
		if r < skipRows {
			continue
		}
		var before, after []any
		switch op {
		case cdc.OpCreate:
			after = e.Rows[i]
		case cdc.OpDelete:
			before = e.Rows[i]
		case cdc.OpUpdate:
			before, after = e.Rows[i], e.Rows[i+1]
		}
		if s.inc != nil {
			s.observe(id, ts, before)
			s.observe(id, ts, after)
		}
		now := t.now()
		s.rowNow = now
		if r == skipRows && h.Timestamp != 0 {
			// once per rows event, from the clock reading the records take anyway (a
			// clock read per binlog event was a seventh of the connector's W3 CPU)
			t.metrics.behind.Set(float64(now.Sub(evTs).Milliseconds()))
		}
		off := s.slabs.position() // escapes into the records as their lazy offset
		*off = s.cur
		off.Event, off.Row = s.txEvents, r+1
		si := sourceInfo{ts: evTs, db: id.Catalog, table: id.Table, serverID: int64(h.ServerID), gtid: s.gtid,
			file: s.file, pos: int64(h.LogPos) - int64(h.EventSize), row: r, thread: s.thread}
		if t.cfg.IncludeQuery {
			si.query = s.query
		}
		ch := t.kind.change(si)
		ch.Op, ch.Before, ch.After, ch.Partition, ch.LazyOffset, ch.Now = op, before, after, t.part, off, now
		if s.tx != nil {
			if !s.tx.Active() {
				txID := s.gtid
				if txID == "" {
					txID = fmt.Sprintf("file=%s,pos=%d", s.cur.File, s.cur.Pos)
				}
				if err := t.emit(ctx, s.tx.Begin(txID, now, off.offset())); err != nil {
					return err
				}
			}
			ch.Tx = s.tx.Event(id.String())
		}
		recs, err := ts.Records(ch, cdc.EmitOptions{Tombstones: t.cfg.Tombstones, Skipped: t.cfg.Skipped})
		if err != nil {
			if herr := t.cfg.Failure.Handle(t.log, fmt.Sprintf("%s row %d", where(), r), err); herr != nil {
				return herr
			}
			continue
		}
		if err := t.emit(ctx, recs...); err != nil {
			return err
		}
		if op == cdc.OpCreate && t.cfg.SignalTable != "" && strings.EqualFold(id.String(), t.cfg.SignalTable) {
			if err := s.signal(ctx, ts, after); err != nil {
				return err
			}
		}
	}
	return nil
}

// tableIDs caches, per binlog table id, the table's name and whether the filters
// capture it, so a rows event costs neither two string conversions nor the include and
// exclude regexes; the last table looked up is checked before the map (single-table
// streams skip the map's hashing). Entries are checked against the table map's names,
// because the server reuses ids for other tables. Owned by the streamer's goroutine.
type tableIDs struct {
	byID   map[uint64]tableIDEntry
	last   tableIDEntry
	lastID uint64
}

type tableIDEntry struct {
	id       cdc.TableID
	captured bool
	known    bool
}

// maxTableIDs bounds the cache; it is cleared when full (table ids churn only with DDL
// and table cache evictions).
const maxTableIDs = 4096

func (c *tableIDs) lookup(tm *replication.TableMapEvent, f *cdc.TableFilters) (cdc.TableID, bool) {
	if e := c.last; e.known && c.lastID == tm.TableID && e.id.Catalog == string(tm.Schema) && e.id.Table == string(tm.Table) {
		return e.id, e.captured
	}
	e, ok := c.byID[tm.TableID]
	if !ok || e.id.Catalog != string(tm.Schema) || e.id.Table != string(tm.Table) {
		if c.byID == nil || len(c.byID) >= maxTableIDs {
			c.byID = map[uint64]tableIDEntry{}
		}
		id := cdc.TableID{Catalog: string(tm.Schema), Table: string(tm.Table)}
		e = tableIDEntry{id: id, captured: f.Captured(id), known: true}
		c.byID[tm.TableID] = e
	}
	c.last, c.lastID = e, tm.TableID
	return e.id, e.captured
}

// gtidSetString renders the executed GTID set after the current transaction's GTID
// was added to it. go-mysql's MariaDB set keeps one GTID per domain, so a set of one
// domain after a GTID of that domain is exactly that GTID: the common case skips the
// set's sorting and formatting. Anything else asks the set.
func (s *streamer) gtidSetString() string {
	if s.mariadb && s.cur.GTIDs != "" && !strings.ContainsRune(s.cur.GTIDs, ',') {
		i, j := strings.IndexByte(s.gtid, '-'), strings.IndexByte(s.cur.GTIDs, '-')
		if i > 0 && j > 0 && s.gtid[:i] == s.cur.GTIDs[:j] {
			return s.gtid
		}
	}
	return s.gset.String()
}

// cfgFilterDML is gtid.source.filter.dml.events.
func (t *Task) cfgFilterDML() bool { return true }

// markBinlogJSON wraps the values of MySQL binary JSON columns (binlog type JSON;
// MariaDB logs its JSON as text of another type) as binlogJSON, so the mapper writes
// them in Debezium's text (jsontext.go).
func markBinlogJSON(e *replication.RowsEvent) {
	if e.Table == nil {
		return
	}
	for c, t := range e.Table.ColumnType {
		if t != gmysql.MYSQL_TYPE_JSON {
			continue
		}
		for _, row := range e.Rows {
			if c < len(row) {
				switch v := row[c].(type) {
				case string:
					row[c] = binlogJSON(v)
				case []byte:
					row[c] = binlogJSON(v)
				}
			}
		}
	}
}
