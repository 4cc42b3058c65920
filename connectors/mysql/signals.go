package mysql

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/gonnect/gonnect/connectors/cdc"
)

// Signal types (Debezium's names).
const (
	sigExecuteSnapshot = "execute-snapshot"
	sigStopSnapshot    = "stop-snapshot"
	sigPauseSnapshot   = "pause-snapshot"
	sigResumeSnapshot  = "resume-snapshot"
	sigLog             = "log"
	sigWindowOpen      = "snapshot-window-open"
	sigWindowClose     = "snapshot-window-close"
)

// incremental is a running incremental snapshot (DBLog watermarks): each chunk is read
// between an open and a close watermark written to the signal table; binlog events of
// the chunk's keys seen between the two watermarks win over the chunk's rows, and the
// rest is emitted as op=r with source.snapshot=incremental when the close watermark
// arrives. Owned by the streaming goroutine. Progress is kept in memory only: a
// restart forgets it (re-send the signal).
type incremental struct {
	tables  []cdc.TableID
	current int
	lastKey []any // key of the last row read of the current table
	paused  bool

	window string           // id of the open window ("" when none)
	open   bool             // the open watermark was seen in the binlog
	chunk  map[string][]any // key → row of the chunk being reconciled
	order  []string
}

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type signalData struct {
	DataCollections []string `json:"data-collections"`
	Type            string   `json:"type"`
	Message         string   `json:"message"`
}

// signal handles an inserted row of the signal table (columns id, type, data).
func (s *streamer) signal(ctx context.Context, ts *cdc.TableSchema, row []any) error {
	t := s.t
	get := func(name string) string {
		for i, c := range ts.Table.Columns {
			if strings.EqualFold(c.Name, name) && i < len(row) && row[i] != nil {
				v, _ := toString(row[i])
				return v.(string)
			}
		}
		return ""
	}
	id, typ, data := get("id"), get("type"), get("data")
	var d signalData
	if data != "" {
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			t.log.Warn("ignoring signal with invalid data", "id", id, "type", typ, "error", err)
			return nil
		}
	}
	inc := s.inc
	switch typ {
	case sigLog:
		t.log.Info("signal: "+d.Message, "signal", id)
	case sigExecuteSnapshot:
		if d.Type != "" && !strings.EqualFold(d.Type, "incremental") {
			t.log.Warn("only incremental snapshots are supported by signal; ignoring", "signal", id, "type", d.Type)
			return nil
		}
		var tables []cdc.TableID
		for _, dc := range d.DataCollections {
			parts := strings.SplitN(dc, ".", 2)
			if len(parts) != 2 {
				t.log.Warn("ignoring data collection that is not db.table", "signal", id, "collection", dc)
				continue
			}
			tables = append(tables, cdc.TableID{Catalog: parts[0], Table: parts[1]})
		}
		if inc != nil {
			inc.tables = append(inc.tables, tables...)
			return nil
		}
		s.inc = &incremental{tables: tables}
		t.log.Info("incremental snapshot requested", "signal", id, "tables", d.DataCollections)
		return s.nextChunk(ctx)
	case sigStopSnapshot:
		s.inc = nil
		t.log.Info("incremental snapshot stopped", "signal", id)
	case sigPauseSnapshot:
		if inc != nil {
			inc.paused = true
		}
	case sigResumeSnapshot:
		if inc != nil && inc.paused {
			inc.paused = false
			if inc.window == "" {
				return s.nextChunk(ctx)
			}
		}
	case sigWindowOpen:
		if inc != nil && id == inc.window+"-open" {
			inc.open = true
		}
	case sigWindowClose:
		if inc != nil && id == inc.window+"-close" {
			return s.closeWindow(ctx)
		}
	}
	return nil
}

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

// nextChunk writes the open watermark, reads the next chunk and writes the close
// watermark; the window is reconciled when the watermarks come back through the binlog.
func (s *streamer) nextChunk(ctx context.Context) error {
	t := s.t
	inc := s.inc
	for inc != nil && !inc.paused {
		if inc.current >= len(inc.tables) {
			t.log.Info("incremental snapshot completed")
			s.inc = nil
			return nil
		}
		id := inc.tables[inc.current]
		ts, err := s.state.tableSchema(id)
		if err != nil {
			return err
		}
		if ts == nil || len(ts.Table.PrimaryKey) == 0 {
			t.log.Warn("skipping table in incremental snapshot: unknown or without primary key", "table", id.String())
			inc.current++
			inc.lastKey = nil
			continue
		}
		c, err := s.signalConn(ctx)
		if err != nil {
			return err
		}
		inc.window = randomID()
		inc.open = false
		sig := strings.Split(t.cfg.SignalTable, ".")
		sigTable := quoteIdent(sig[0]) + "." + quoteIdent(sig[len(sig)-1])
		if _, err := c.Execute("INSERT INTO "+sigTable+" (id, type, data) VALUES (?, ?, NULL)", inc.window+"-open", sigWindowOpen); err != nil {
			return fmt.Errorf("writing the incremental snapshot open watermark to %s: %w", t.cfg.SignalTable, err)
		}
		rows, err := readChunk(c, ts, inc.lastKey, chunkSize(t))
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
			last := rows[len(rows)-1]
			inc.lastKey = nil
			for _, pk := range ts.Table.PrimaryKey {
				for i, col := range ts.Table.Columns {
					if strings.EqualFold(col.Name, pk) {
						inc.lastKey = append(inc.lastKey, last[i])
					}
				}
			}
		}
		if len(rows) < chunkSize(t) {
			inc.lastKey = append(inc.lastKey[:0:0], nil) // marks the table done after this window
		}
		if _, err := c.Execute("INSERT INTO "+sigTable+" (id, type, data) VALUES (?, ?, NULL)", inc.window+"-close", sigWindowClose); err != nil {
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
	if len(inc.lastKey) == 1 && inc.lastKey[0] == nil {
		t.log.Info("incremental snapshot of table completed", "table", id.String())
		inc.current++
		inc.lastKey = nil
	}
	return s.nextChunk(ctx)
}

// readChunk reads up to n rows of ts's table after key (nil: from the start) in key order.
func readChunk(c *client.Conn, ts *cdc.TableSchema, after []any, n int) ([][]any, error) {
	id := ts.Table.ID
	var cols []string
	for _, pk := range ts.Table.PrimaryKey {
		cols = append(cols, quoteIdent(pk))
	}
	q := "SELECT * FROM " + quoteIdent(id.Catalog) + "." + quoteIdent(id.Table)
	var args []any
	if len(after) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?,", len(after)), ",")
		q += " WHERE (" + strings.Join(cols, ",") + ") > (" + ph + ")"
		args = after
	}
	q += " ORDER BY " + strings.Join(cols, ",") + fmt.Sprintf(" LIMIT %d", n)
	var out [][]any
	var res gmysql.Result
	var err error
	if len(args) == 0 {
		err = c.ExecuteSelectStreaming(q, &res, func(row []gmysql.FieldValue) error {
			out = append(out, copyRow(row))
			return nil
		}, nil)
	} else {
		var r *gmysql.Result
		r, err = c.Execute(q, args...)
		if err == nil {
			for _, row := range r.Values {
				out = append(out, copyRow(row))
			}
			r.Close()
		}
	}
	return out, err
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
