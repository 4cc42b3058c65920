package oracle

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/oracle/sqlredo"
	"github.com/gonnect/gonnect/offsets"
)

// ChunkReader is implemented by a Snapshotter that can read a table in primary-key
// order for incremental snapshots: up to n rows whose key is greater than after
// (nil: from the first row), values in t's column order and LogMiner's printed
// forms. Called by the task's streaming goroutine; ctx cancels the query.
type ChunkReader interface {
	ReadChunk(ctx context.Context, t *TableInfo, after []any, n int) ([][]any, error)
}

// IncrementalSource is what a Stream needs to run incremental snapshots: a chunk
// reader and a writer of watermark rows into the signal table. A zero value
// disables them (execute-snapshot is then ignored with a warning).
type IncrementalSource struct {
	// ChunkSize is incremental.snapshot.chunk.size (default 1024).
	ChunkSize int
	// Read reads one chunk (see ChunkReader); it blocks the stream while it runs.
	Read func(t *TableInfo, after []any, n int) ([][]any, error)
	// Watermark inserts a row (id, type, data) into the signal table and commits it,
	// so that it comes back through LogMiner. nil when watermarks are written by
	// someone else (replays of recorded sessions that already hold them).
	Watermark func(id, typ, data string) error
	// DeleteWatermarks is incremental.snapshot.watermarking.strategy=INSERT_DELETE:
	// the window closes by deleting its open row (Delete) instead of inserting a
	// close row, and a mined DELETE of "<window>-open" closes the window.
	DeleteWatermarks bool
	// Delete deletes the signal table row with the given ID and commits (nil like
	// Watermark).
	Delete func(id string) error
	// JavaZone is incremental.snapshot.java.time.zone: the default time zone of the
	// Java worker that runs (or ran) Debezium on these offsets, in which Oracle's
	// driver turns a DATE key into a java.sql.Timestamp (nil: UTC).
	JavaZone *time.Location
}

// Offset keys of a running incremental snapshot: Debezium's collection list,
// correlation id and chunk position (incremental_snapshot_primary_key: the key of the
// last row sent; incremental_snapshot_maximum_key), the keys as hex Java
// serializations of Object[] (cdc.EncodeJavaArray) with NUMBER values as
// java.math.BigDecimal and other values as String, so a switch to or from Debezium
// resumes at the next chunk. gonnect_incremental_chunk numbers the windows;
// gonnect_incremental_last_key is only read, from offsets of older Gonnect versions.
const (
	OffsetIncrementalCollections = "incremental_snapshot_collections"
	OffsetIncrementalCorrelation = "incremental_snapshot_correlation_id"
	OffsetIncrementalPrimaryKey  = "incremental_snapshot_primary_key"
	OffsetIncrementalMaximumKey  = "incremental_snapshot_maximum_key"
	offsetIncrementalKey         = "gonnect_incremental_last_key"
	offsetIncrementalChunk       = "gonnect_incremental_chunk"
)

// incremental is a running incremental snapshot (Debezium's watermark algorithm):
// each chunk is read between an open and a close watermark inserted into the signal
// table. When the watermarks come back through LogMiner, every change committed in
// between removes its key from the chunk (the streamed event is newer than the
// chunk row, or the chunk already shows it), and the close watermark emits the
// chunk rows left as op=r with source.snapshot=incremental. Owned by the stream.
type incremental struct {
	correlation string   // id of the execute-snapshot signal
	tables      []string // SCHEMA.TABLE still to read; tables[0] is current
	lastKey     []any    // key of the last chunk row of tables[0] (nil: start)
	maxKey      string   // incremental_snapshot_maximum_key of tables[0] as stored ("" unknown)
	paused      bool
	seq         int64 // chunks issued so far: window ids are <correlation>-<seq>
	// the window being reconciled
	window   string // "" when no chunk is out
	open     bool   // its open watermark was mined
	chunk    map[string][]any
	order    []string
	chunkEnd []any // key of the chunk's last row
	short    bool  // the chunk was the table's last
}

// nextTable moves on from tables[0].
func (inc *incremental) nextTable() {
	inc.tables, inc.lastKey, inc.maxKey = inc.tables[1:], nil, ""
}

func (inc *incremental) dropWindow() {
	inc.window, inc.open, inc.chunk, inc.order, inc.chunkEnd, inc.short = "", false, nil, nil, nil, false
}

// sourceIOError is a database error of the incremental snapshot's chunk reads and
// watermark writes: the task retries it (a new session resumes from the last offset,
// which re-issues the chunk) instead of failing.
type sourceIOError struct{ err error }

func (e *sourceIOError) Error() string { return e.err.Error() }
func (e *sourceIOError) Unwrap() error { return e.err }

// names returns the tables with a current model, sorted.
func (r *tableRegistry) names() []string {
	out := make([]string, 0, len(r.versions))
	for n := range r.versions {
		if r.latest(n) != nil {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// nextChunk issues the next chunk: open watermark, chunk read, close watermark.
// Tables without a primary key or no longer known are skipped with a warning.
func (s *Stream) nextChunk(off offsets.Offset) error {
	for inc := s.inc; inc != nil && !inc.paused && inc.window == ""; inc = s.inc {
		if len(inc.tables) == 0 {
			s.log.Info("incremental snapshot completed", "signal", inc.correlation)
			s.inc = nil
			break
		}
		name := inc.tables[0]
		v := s.tables.latest(name)
		if v == nil || len(v.info.Table.PrimaryKey) == 0 {
			s.log.Warn("skipping a table in the incremental snapshot: unknown or without primary key", "table", name)
			inc.nextTable()
			continue
		}
		inc.seq++
		inc.window = inc.correlation + "-" + strconv.FormatInt(inc.seq, 10)
		size := max(s.cfg.Incremental.ChunkSize, 1)
		if w := s.cfg.Incremental.Watermark; w != nil {
			if err := w(inc.window+"-open", cdc.SignalWindowOpen, ""); err != nil {
				return &sourceIOError{fmt.Errorf("writing the incremental snapshot open watermark %s-open to %s: %w", inc.window, s.cfg.SignalTable, err)}
			}
		}
		rows, err := s.cfg.Incremental.Read(v.info, inc.lastKey, size)
		if err != nil {
			return &sourceIOError{fmt.Errorf("incremental snapshot of %s after key %v: %w", name, keyTexts(inc.lastKey), err)}
		}
		inc.chunk, inc.order, inc.chunkEnd = map[string][]any{}, nil, nil
		for _, r := range rows {
			k := chunkKey(v.schema, r)
			inc.chunk[k] = r
			inc.order = append(inc.order, k)
		}
		if len(rows) > 0 {
			inc.chunkEnd = keyValues(v.info, rows[len(rows)-1])
		}
		inc.short = len(rows) < size
		if s.cfg.Incremental.DeleteWatermarks {
			if d := s.cfg.Incremental.Delete; d != nil {
				if err := d(inc.window + "-open"); err != nil {
					return &sourceIOError{fmt.Errorf("deleting the incremental snapshot open watermark %s-open from %s: %w", inc.window, s.cfg.SignalTable, err)}
				}
			}
		} else if w := s.cfg.Incremental.Watermark; w != nil {
			if err := w(inc.window+"-close", cdc.SignalWindowClose, ""); err != nil {
				return &sourceIOError{fmt.Errorf("writing the incremental snapshot close watermark %s-close to %s: %w", inc.window, s.cfg.SignalTable, err)}
			}
		}
		break
	}
	s.storeIncremental()
	return nil
}

// observe removes from the open window's chunk the keys a streamed change touched.
func (s *Stream) observe(ch change) {
	inc := s.inc
	if inc == nil || !inc.open || len(inc.tables) == 0 || inc.tables[0] != ch.name {
		return
	}
	for _, row := range [][]any{ch.before, ch.after} {
		if row != nil {
			delete(inc.chunk, chunkKey(ch.version.schema, row))
		}
	}
}

// closeWindow emits the chunk rows no streamed change superseded and issues the
// next chunk. ch is the close watermark's change; off its record's offset. Each
// chunk record's offset names its own key as the last one sent, so a restart after
// any of them re-reads from the row after it.
func (s *Stream) closeWindow(ch change, off offsets.Offset) error {
	inc := s.inc
	name := inc.tables[0]
	v := s.tables.latest(name)
	cur := &incremental{correlation: inc.correlation, tables: append([]string(nil), inc.tables...), seq: inc.seq, maxKey: inc.maxKey}
	if inc.short {
		inc.nextTable()
		s.log.Info("incremental snapshot of table completed", "table", name)
	} else if inc.chunkEnd != nil {
		inc.lastKey = inc.chunkEnd
	}
	chunk, order := inc.chunk, inc.order
	inc.dropWindow()
	s.storeIncremental()
	if v != nil {
		e := ch.meta
		for _, k := range order {
			row, ok := chunk[k]
			if !ok {
				continue
			}
			cur.lastKey = keyValues(v.info, row)
			recOff := s.incrementalKeys(withoutIncremental(off), cur)
			si := sourceInfo{name: s.cfg.Topics.Prefix, db: s.cfg.DB, schema: v.info.Table.ID.Schema, table: v.info.Table.ID.Table,
				ts: e.Time.Add(-s.cfg.DBOffset), snapshot: cdc.SnapshotIncremental, scn: strconv.FormatUint(e.SCN, 10)}
			recs, err := v.schema.Records(cdc.Change{Op: cdc.OpRead, After: row, Source: si.build(), Partition: s.partition(),
				Offset: recOff, Now: s.cfg.Now()}, s.cfg.Emit)
			if err != nil {
				if herr := s.cfg.Failure.Handle(s.log, "incremental snapshot of "+name, err); herr != nil {
					return herr
				}
				continue
			}
			if err := s.put(recs...); err != nil {
				return err
			}
		}
	}
	return s.nextChunk(off)
}

// withoutIncremental copies an offset without the incremental snapshot keys.
func withoutIncremental(o offsets.Offset) offsets.Offset {
	out := offsets.Offset{}
	for k, v := range o {
		switch k {
		case OffsetIncrementalCollections, OffsetIncrementalCorrelation, OffsetIncrementalPrimaryKey, OffsetIncrementalMaximumKey,
			offsetIncrementalKey, offsetIncrementalChunk:
		default:
			out[k] = v
		}
	}
	return out
}

// storeIncremental mirrors the incremental snapshot state into the position's
// offset keys (copy on write: emitted offsets share the old map).
func (s *Stream) storeIncremental() {
	s.pos.extraKeys = s.incrementalKeys(withoutIncremental(s.pos.extraKeys), s.inc)
}

// incrementalKeys adds inc's offset keys to o (none when inc is nil) and returns it.
func (s *Stream) incrementalKeys(o offsets.Offset, inc *incremental) offsets.Offset {
	if inc == nil {
		return o
	}
	type coll struct {
		ID        string  `json:"incremental_snapshot_collections_id"`
		Condition *string `json:"incremental_snapshot_collections_additional_condition"`
		Surrogate *string `json:"incremental_snapshot_collections_surrogate_key"`
	}
	list := make([]coll, 0, len(inc.tables))
	for _, t := range inc.tables {
		list = append(list, coll{ID: s.cfg.DB + "." + t})
	}
	b, _ := json.Marshal(list)
	o[OffsetIncrementalCollections] = string(b)
	o[OffsetIncrementalCorrelation] = inc.correlation
	o[offsetIncrementalChunk] = inc.seq
	var info *TableInfo
	if len(inc.tables) > 0 {
		if v := s.tables.latest(inc.tables[0]); v != nil {
			info = v.info
		}
	}
	o[OffsetIncrementalPrimaryKey] = javaKeyHex(info, inc.lastKey, s.cfg.Incremental.JavaZone)
	o[OffsetIncrementalMaximumKey] = inc.maxKey
	if inc.maxKey == "" {
		o[OffsetIncrementalMaximumKey] = javaKeyHex(nil, nil, nil) // Java's null: Debezium reads the maximum again
	}
	return o
}

// javaKeyHex serializes a chunk key as Debezium's Oracle connector does: the JDBC
// driver's classes for the key columns of ti (BigDecimal for NUMBER and FLOAT,
// java.sql.Timestamp for DATE, oracle.sql.TIMESTAMP for TIMESTAMP, String for the
// rest; javakey.go); a nil key is Java's null. zone is the Java worker's default
// time zone, in which the driver turns a DATE into a Timestamp.
func javaKeyHex(ti *TableInfo, key []any, zone *time.Location) string {
	var vals []any
	if key != nil {
		vals = make([]any, len(key))
		for i, v := range key {
			if v == nil {
				continue
			}
			t := valueText(v)
			vals[i] = t
			if ti == nil || i >= len(ti.Table.PrimaryKey) {
				continue
			}
			if c := ti.Table.Column(ti.Table.PrimaryKey[i]); c != nil {
				switch columnType(c).Name {
				case "NUMBER", "FLOAT":
					if d, err := cdc.ParseJavaDecimal(t); err == nil {
						vals[i] = d
					}
				case "DATE":
					if w, err := parseWallClock(t); err == nil {
						vals[i] = javaSQLTimestamp{wall: w}
					}
				case "TIMESTAMP":
					if w, err := parseWallClock(t); err == nil {
						vals[i] = javaOracleTimestamp{wall: w}
					}
				}
			}
		}
	}
	h, err := encodeJavaKey(vals, zone)
	if err != nil { // a year outside 1..9999: Debezium could not have read the row either
		h, _ = encodeJavaKey(keyStrings(vals), zone)
	}
	return h
}

// keyStrings replaces the temporal values of a key with their text.
func keyStrings(vals []any) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		switch x := v.(type) {
		case javaSQLTimestamp:
			out[i] = x.wall.Format("2006-01-02 15:04:05.999999999")
		case javaOracleTimestamp:
			out[i] = x.wall.Format("2006-01-02 15:04:05.999999999")
		default:
			out[i] = v
		}
	}
	return out
}

// javaKeyValue is a decoded chunk key element in LogMiner's printed form: a DATE's
// Timestamp (no fraction) as TO_DATE text, a TIMESTAMP as TO_TIMESTAMP text with nine
// fraction digits (the snapshot queries' TO_CHAR form), the rest as strings.
func javaKeyValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case javaSQLTimestamp:
		if x.wall.Nanosecond() == 0 {
			return sqlredo.Value{Kind: sqlredo.Date, Text: x.wall.Format("2006-01-02 15:04:05")}
		}
		return sqlredo.Value{Kind: sqlredo.Timestamp, Text: x.wall.Format("2006-01-02 15:04:05.000000000")}
	case javaOracleTimestamp:
		return sqlredo.Value{Kind: sqlredo.Timestamp, Text: x.wall.Format("2006-01-02 15:04:05.000000000")}
	}
	return textValue(fmt.Sprint(v))
}

// restoreIncremental reads a running incremental snapshot from offset keys written by
// Gonnect or Debezium. A chunk position the codec cannot read (a key class such as
// oracle.sql.TIMESTAMPTZ) restarts the current table from its first row with a warning,
// which only re-emits rows.
func restoreIncremental(extra offsets.Offset, log *slog.Logger, zone *time.Location) (*incremental, error) {
	raw, ok := extra[OffsetIncrementalCollections].(string)
	if !ok || raw == "" {
		return nil, nil
	}
	var list []map[string]*string
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		return nil, fmt.Errorf("offset %s: %w", OffsetIncrementalCollections, err)
	}
	inc := &incremental{}
	inc.correlation, _ = extra[OffsetIncrementalCorrelation].(string)
	for i, c := range list {
		id := c["incremental_snapshot_collections_id"]
		if id == nil || *id == "" {
			return nil, fmt.Errorf("offset %s: entry %d has no incremental_snapshot_collections_id", OffsetIncrementalCollections, i)
		}
		parts := strings.Split(*id, ".")
		if len(parts) == 3 {
			parts = parts[1:]
		}
		inc.tables = append(inc.tables, strings.Join(parts, "."))
	}
	if n, err := scnValue(extra[offsetIncrementalChunk]); err == nil {
		inc.seq = int64(n)
	}
	inc.maxKey, _ = extra[OffsetIncrementalMaximumKey].(string)
	if h, ok := extra[OffsetIncrementalPrimaryKey].(string); ok && h != "" {
		key, err := decodeJavaKey(h, zone)
		if err != nil {
			log.Warn("cannot read the stored incremental snapshot position; the current table is read again from its first row",
				"tables", inc.tables, "key", OffsetIncrementalPrimaryKey, "error", err)
			inc.maxKey = ""
		}
		for _, v := range key {
			inc.lastKey = append(inc.lastKey, javaKeyValue(v))
		}
	} else if k, ok := extra[offsetIncrementalKey].(string); ok && k != "" {
		var texts []*string
		if err := json.Unmarshal([]byte(k), &texts); err != nil {
			return nil, fmt.Errorf("offset %s: %w", offsetIncrementalKey, err)
		}
		for _, t := range texts {
			if t == nil {
				inc.lastKey = append(inc.lastKey, nil)
				continue
			}
			inc.lastKey = append(inc.lastKey, textValue(*t))
		}
	}
	if inc.correlation == "" {
		inc.correlation = "resumed"
	}
	return inc, nil
}

// ResumeIncremental issues the chunk an incremental snapshot recorded in the start
// position was on (nothing when none runs). The task calls it once, after schema
// history recovery and before the first window.
func (s *Stream) ResumeIncremental() error {
	if s.inc == nil || s.inc.window != "" || s.inc.paused || s.cfg.Incremental.Read == nil {
		return nil
	}
	return s.nextChunk(s.pos.Offset())
}

func textValue(t string) any { return sqlredo.Value{Kind: sqlredo.String, Text: t} }

// keyValues returns the primary-key values of row in key order.
func keyValues(ti *TableInfo, row []any) []any {
	var out []any
	for _, pk := range ti.Table.PrimaryKey {
		for i := range ti.Table.Columns {
			if strings.EqualFold(ti.Table.Columns[i].Name, pk) && i < len(row) {
				out = append(out, row[i])
			}
		}
	}
	return out
}

func keyTexts(key []any) []*string {
	out := make([]*string, len(key))
	for i, v := range key {
		if v != nil {
			t := valueText(v)
			out[i] = &t
		}
	}
	return out
}

// chunkKey identifies a row by its Kafka key within a window.
func chunkKey(ts *cdc.TableSchema, row []any) string {
	k, err := ts.KeyStruct(row)
	if err != nil || k == nil {
		return ""
	}
	return k.String()
}

// CompareKeyText orders two printed key values: numerically when both are numbers,
// else as strings. MemorySnapshot uses it to serve chunks in key order.
func CompareKeyText(a, b string) int {
	x, okx := new(big.Float).SetString(a)
	y, oky := new(big.Float).SetString(b)
	if okx && oky {
		return x.Cmp(y)
	}
	return strings.Compare(a, b)
}
