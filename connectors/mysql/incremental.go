package mysql

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/gonnect/gonnect/connectors/cdc"
)

// observe drops chunk rows whose key changed in the binlog inside the open window.
func (s *streamer) observe(id cdc.TableID, ts *cdc.TableSchema, row []any) {
	inc := s.inc
	if inc == nil || !inc.open || inc.current >= len(inc.tables) || inc.tables[inc.current] != id || row == nil {
		return
	}
	delete(inc.chunk, keyString(ts, row))
}

func keyString(ts *cdc.TableSchema, row []any) string {
	k, err := ts.KeyStruct(row)
	if err != nil || k == nil {
		return ""
	}
	return k.String()
}

// keyOf returns the primary-key values of row in key order.
func keyOf(ts *cdc.TableSchema, row []any) []any {
	var key []any
	for _, pk := range ts.Table.PrimaryKey {
		for i, col := range ts.Table.Columns {
			if strings.EqualFold(col.Name, pk) && i < len(row) {
				key = append(key, row[i])
			}
		}
	}
	return key
}

// signalConn returns the connection used to write watermarks and read chunks.
func (s *streamer) signalConn(ctx context.Context) (*client.Conn, error) {
	if s.sigConn != nil {
		if err := s.sigConn.Ping(); err == nil {
			return s.sigConn, nil
		}
		s.sigConn.Close()
	}
	c, err := s.dialer.connect(ctx)
	if err != nil {
		return nil, err
	}
	s.sigConn = c
	return c, nil
}

// resumeIncremental restarts the incremental snapshot recorded in the stored offset
// (start.Inc) at the chunk after the last row sent. Called once when streaming starts.
func (s *streamer) resumeIncremental(ctx context.Context, start position) error {
	if start.Inc == nil {
		return nil
	}
	inc, err := restoreIncremental(start.Inc, s.t.log.Warn)
	if err != nil || inc == nil {
		return err
	}
	if s.t.cfg.SignalTable == "" {
		s.t.log.Warn("the stored offset has an unfinished incremental snapshot but signal.data.collection is not set; abandoning it",
			"tables", len(inc.tables))
		return nil
	}
	s.inc = inc
	inc.lastSent = inc.lastKey
	s.t.log.Info("resuming the incremental snapshot stored in the offsets", "table", inc.tables[0].String(), "tables", len(inc.tables),
		"after_key", fmt.Sprint(inc.lastKey))
	if err := s.syncIncOffset(); err != nil {
		return err
	}
	return s.nextChunk(ctx)
}

// nextChunk writes the open watermark, reads the next chunk and writes the close
// watermark; the window is reconciled when the watermarks come back through the binlog.
func (s *streamer) nextChunk(ctx context.Context) error {
	t := s.t
	inc := s.inc
	for inc != nil && !inc.paused {
		if inc.current >= len(inc.tables) {
			t.log.Info("incremental snapshot completed")
			s.inc, s.cur.Inc = nil, nil
			return nil
		}
		id := inc.tables[inc.current]
		ts, err := s.state.tableSchema(id)
		if err != nil {
			return err
		}
		if ts == nil || len(ts.Table.PrimaryKey) == 0 {
			t.log.Warn("skipping table in incremental snapshot: unknown or without primary key", "table", id.String())
			inc.nextTable()
			if err := s.syncIncOffset(); err != nil {
				return err
			}
			continue
		}
		c, err := s.signalConn(ctx)
		if err != nil {
			return err
		}
		if inc.maxKey == nil {
			if inc.maxKey, err = readMaxKey(c, ts); err != nil {
				return fmt.Errorf("incremental snapshot of %s: reading the largest key: %w", id, err)
			}
			inc.maxHex = ""
			if inc.maxKey == nil {
				t.log.Info("incremental snapshot of table completed: the table is empty", "table", id.String())
				inc.nextTable()
				if err := s.syncIncOffset(); err != nil {
					return err
				}
				continue
			}
		}
		inc.window = randomID()
		inc.open = false
		sig := strings.Split(t.cfg.SignalTable, ".")
		sigTable := quoteIdent(sig[0]) + "." + quoteIdent(sig[len(sig)-1])
		if _, err := c.Execute("INSERT INTO "+sigTable+" (id, type, data) VALUES (?, ?, NULL)", inc.window+"-open", cdc.SignalWindowOpen); err != nil {
			return fmt.Errorf("writing the incremental snapshot open watermark to %s: %w", t.cfg.SignalTable, err)
		}
		rows, err := readChunk(c, ts, inc.lastKey, inc.maxKey, chunkSize(t))
		if err != nil {
			return fmt.Errorf("incremental snapshot of %s: %w", id, err)
		}
		inc.chunk, inc.order = map[string][]any{}, nil
		for _, r := range rows {
			k := keyString(ts, r)
			inc.chunk[k] = r
			inc.order = append(inc.order, k)
		}
		if len(rows) > 0 {
			inc.lastKey = keyOf(ts, rows[len(rows)-1])
		}
		inc.tableDone = len(rows) < chunkSize(t)
		if _, err := c.Execute("INSERT INTO "+sigTable+" (id, type, data) VALUES (?, ?, NULL)", inc.window+"-close", cdc.SignalWindowClose); err != nil {
			return fmt.Errorf("writing the incremental snapshot close watermark to %s: %w", t.cfg.SignalTable, err)
		}
		return nil
	}
	return nil
}

func chunkSize(t *Task) int { return max(t.cfg.IncrementalChunk, 1) }

// closeWindow emits the chunk rows not superseded by streamed events and moves on.
func (s *streamer) closeWindow(ctx context.Context) error {
	t := s.t
	inc := s.inc
	id := inc.tables[inc.current]
	ts, err := s.state.tableSchema(id)
	if err != nil || ts == nil {
		return err
	}
	now := t.now()
	for _, k := range inc.order {
		row, ok := inc.chunk[k]
		if !ok {
			continue
		}
		inc.lastSent = keyOf(ts, row)
		if err := s.syncIncOffset(); err != nil {
			return err
		}
		si := sourceInfo{ts: now, snapshot: cdc.SnapshotIncremental, db: id.Catalog, table: id.Table, serverID: s.cur.ServerID, file: s.file, pos: s.cur.Pos}
		recs, err := ts.Records(cdc.Change{Op: cdc.OpRead, After: row, Source: t.kind.source(si), Partition: t.part, Offset: s.cur.offset(), Now: now},
			cdc.EmitOptions{Tombstones: t.cfg.Tombstones, Skipped: t.cfg.Skipped})
		if err != nil {
			if herr := t.cfg.Failure.Handle(t.log, "incremental snapshot of "+id.String(), err); herr != nil {
				return herr
			}
			continue
		}
		if err := t.emit(ctx, recs...); err != nil {
			return err
		}
	}
	inc.window, inc.open, inc.chunk, inc.order = "", false, nil, nil
	if inc.tableDone {
		t.log.Info("incremental snapshot of table completed", "table", id.String())
		inc.nextTable()
		if err := s.syncIncOffset(); err != nil {
			return err
		}
	}
	return s.nextChunk(ctx)
}

// pkColumns returns the quoted primary-key column list of ts's table.
func pkColumns(ts *cdc.TableSchema, suffix string) string {
	var cols []string
	for _, pk := range ts.Table.PrimaryKey {
		cols = append(cols, quoteIdent(pk)+suffix)
	}
	return strings.Join(cols, ",")
}

// readMaxKey returns the largest primary key of ts's table, nil when it is empty.
func readMaxKey(c *client.Conn, ts *cdc.TableSchema) ([]any, error) {
	id := ts.Table.ID
	r, err := c.Execute("SELECT " + pkColumns(ts, "") + " FROM " + quoteIdent(id.Catalog) + "." + quoteIdent(id.Table) +
		" ORDER BY " + pkColumns(ts, " DESC") + " LIMIT 1")
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if len(r.Values) == 0 {
		return nil, nil
	}
	return copyRow(r.Values[0]), nil
}

// readChunk reads up to n rows of ts's table after key (nil: from the start) and up to
// upTo (the largest key when the table's snapshot began) in key order.
func readChunk(c *client.Conn, ts *cdc.TableSchema, after, upTo []any, n int) ([][]any, error) {
	id := ts.Table.ID
	cols := "(" + pkColumns(ts, "") + ")"
	ph := func(k []any) string { return "(" + strings.TrimSuffix(strings.Repeat("?,", len(k)), ",") + ")" }
	q := "SELECT * FROM " + quoteIdent(id.Catalog) + "." + quoteIdent(id.Table) + " WHERE " + cols + " <= " + ph(upTo)
	args := append([]any(nil), upTo...)
	if len(after) > 0 {
		q += " AND " + cols + " > " + ph(after)
		args = append(args, after...)
	}
	q += " ORDER BY " + pkColumns(ts, "") + fmt.Sprintf(" LIMIT %d", n)
	r, err := c.Execute(q, args...)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := make([][]any, 0, len(r.Values))
	for _, row := range r.Values {
		out = append(out, copyRow(row))
	}
	return out, nil
}

func copyRow(row []gmysql.FieldValue) []any {
	vals := make([]any, len(row))
	for i, v := range row {
		x := v.Value()
		if b, ok := x.([]byte); ok {
			x = append([]byte(nil), b...)
		}
		vals[i] = x
	}
	return vals
}
