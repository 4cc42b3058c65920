package mysql

import (
	"bytes"
	"encoding/binary"
	"fmt"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
)

// rawEvents turns the events of a syncer in raw mode (read and framed, not decoded)
// into the events go-mysql's parser would have made, on the syncer's reading
// goroutine. The events of a transaction's hot path are decoded here: a TABLE_MAP
// whose bytes repeat the last one of its table id is that table map again (it is
// decoded once, not once per transaction, with its optional metadata), plain rows
// events of such tables go straight to binlogRows, and XID and MariaDB GTID events use
// go-mysql's own decoders. Everything else (DDL, MySQL GTIDs, compressed and partial
// events, heartbeats, a rows event binlogRows declines) goes through a go-mysql
// BinlogParser of its own, which sees every FORMAT_DESCRIPTION and the table map of
// any rows event it is given, so what it returns is what the syncer would have.
// TestRawEventsMatchGoMySQL compares the two event by event.
//
// Raw mode also spares the syncer's per-transaction GTID set bookkeeping, which only
// serves go-mysql's own reconnects; the streamer reconnects itself.
type rawEvents struct {
	parser *replication.BinlogParser
	rows   binlogRows
	format *replication.FormatDescriptionEvent
	tables map[uint64]*rawTable
	flavor string
	fde    []byte // the last FORMAT_DESCRIPTION, to set a new parser up (trim)
	fed    int    // table maps handed to the parser since it was set up
}

// rawTable is the last table map seen for a table id.
type rawTable struct {
	body []byte // the event's body (after the header, before any checksum)
	raw  []byte // the whole event, to hand the parser again before a rows event
	tm   *replication.TableMapEvent
	plan []colPlan // binlogRows' plan, when fast (a copy of its own)
	fast bool      // every column decodes in binlogRows
}

// maxRawTables bounds the cache; it is cleared when full, between transactions (a
// statement's rows events need the table maps it began with).
const maxRawTables = 4096

// maxParserTables bounds the table maps the parser may hold (see trim).
const maxParserTables = 16

func newRawEvents(flavor string) *rawEvents {
	r := &rawEvents{tables: map[uint64]*rawTable{}, flavor: flavor}
	r.parser = r.newParser()
	return r
}

// newParser returns a go-mysql parser set up as the syncer's would be.
func (r *rawEvents) newParser() *replication.BinlogParser {
	p := replication.NewBinlogParser()
	p.SetFlavor(r.flavor)
	p.SetParseTime(true)
	p.SetUseDecimal(true)
	// binary JSON keeps MySQL's key order and number forms, as Debezium's JSON strings do
	p.SetRenderJSONAsMySQLText(true)
	p.SetRowsEventDecodeFunc(r.rows.decode)
	return p
}

// trim bounds what outlives a transaction; decode calls it at statement boundaries
// (XID, GTID events of either flavor, QUERY events: BEGIN, COMMIT of non-transactional
// tables, DDL, SAVEPOINT; each statement's rows events come after table maps of their
// own, so nothing a later event needs is dropped). The parser keeps every table map it decodes until it decodes a
// rows event that ends a statement, and binlogRows takes most of those: a table that
// gets new table ids (FLUSH TABLES, table cache eviction, DDL) would leave one table
// map per id in it for the session's life. A new parser holds none; it needs only the
// FORMAT_DESCRIPTION, as slow hands it the table map of every rows event.
func (r *rawEvents) trim() error {
	if len(r.tables) >= maxRawTables {
		clear(r.tables)
	}
	if r.fed <= maxParserTables || r.fde == nil {
		return nil
	}
	p := r.newParser()
	if _, err := p.Parse(r.fde); err != nil {
		return err
	}
	r.parser, r.fed = p, 0
	return nil
}

// decode replaces ev's raw event with the decoded one.
func (r *rawEvents) decode(ev *replication.BinlogEvent) error {
	h := ev.Header
	switch h.EventType {
	case replication.FORMAT_DESCRIPTION_EVENT:
		// decoded by the syncer even in raw mode; the parser must know it too
		if _, err := r.parser.Parse(ev.RawData); err != nil {
			return err
		}
		r.format, _ = ev.Event.(*replication.FormatDescriptionEvent)
		r.fde = ev.RawData
		return nil
	case replication.ROTATE_EVENT:
		return nil // decoded by the syncer even in raw mode
	}
	g, ok := ev.Event.(*replication.GenericEvent)
	if !ok || r.format == nil {
		return r.slow(ev)
	}
	body := g.Data // without the checksum, which the syncer checked
	switch h.EventType {
	case replication.TABLE_MAP_EVENT:
		return r.tableMap(ev, body)
	case replication.XID_EVENT:
		e := &replication.XIDEvent{}
		if err := e.Decode(body); err != nil {
			return err
		}
		ev.Event = e
		return r.trim()
	case replication.MARIADB_GTID_EVENT:
		e := &replication.MariadbGTIDEvent{}
		e.GTID.ServerID = h.ServerID
		if err := e.Decode(body); err != nil {
			return err
		}
		ev.Event = e
		return r.trim()
	}
	if plainRowsEvent(h.EventType) {
		if e := r.fastRows(h.EventType, body); e != nil {
			ev.Event = e
			return nil
		}
	}
	switch h.EventType {
	case replication.QUERY_EVENT, replication.GTID_EVENT, replication.ANONYMOUS_GTID_EVENT, replication.GTID_TAGGED_LOG_EVENT:
		// a transaction of a server that writes no XID (non-transactional tables) ends
		// with a QUERY; MySQL's next transaction starts with a GTID
		if err := r.trim(); err != nil {
			return err
		}
	}
	return r.slow(ev)
}

// slow decodes ev with the parser, first handing it the table map a rows event needs
// (the parser forgets its table maps at each statement's end, and those this path
// reused never reached it).
func (r *rawEvents) slow(ev *replication.BinlogEvent) error {
	if id, ok := r.rowsTableID(ev); ok {
		if t := r.tables[id]; t != nil {
			if _, err := r.parser.Parse(t.raw); err != nil {
				return err
			}
			r.fed++
		}
	}
	d, err := r.parser.Parse(ev.RawData)
	if err != nil {
		return err
	}
	if re, ok := d.Event.(*replication.RowsEvent); ok && re.Flags&replication.RowsEventStmtEndFlag != 0 {
		r.fed = 0 // the parser forgot its table maps
	}
	ev.Event = d.Event
	return nil
}

// rowsTableID is the table id of a rows event of any kind, from its raw bytes.
func (r *rawEvents) rowsTableID(ev *replication.BinlogEvent) (uint64, bool) {
	switch ev.Header.EventType {
	case replication.WRITE_ROWS_EVENTv0, replication.UPDATE_ROWS_EVENTv0, replication.DELETE_ROWS_EVENTv0,
		replication.WRITE_ROWS_EVENTv1, replication.UPDATE_ROWS_EVENTv1, replication.DELETE_ROWS_EVENTv1,
		replication.WRITE_ROWS_EVENTv2, replication.UPDATE_ROWS_EVENTv2, replication.DELETE_ROWS_EVENTv2,
		replication.MARIADB_WRITE_ROWS_COMPRESSED_EVENT_V1, replication.MARIADB_UPDATE_ROWS_COMPRESSED_EVENT_V1,
		replication.MARIADB_DELETE_ROWS_COMPRESSED_EVENT_V1, replication.PARTIAL_UPDATE_ROWS_EVENT:
	default:
		return 0, false
	}
	if r.format == nil || len(ev.RawData) < replication.EventHeaderSize+6 {
		return 0, false
	}
	n := r.tableIDSize(ev.Header.EventType)
	return gmysql.FixedLengthInt(ev.RawData[replication.EventHeaderSize : replication.EventHeaderSize+n]), true
}

// tableIDSize is the byte length of table ids in events of type t (4 in very old
// servers' formats, else 6), from the post-header lengths of the format description.
func (r *rawEvents) tableIDSize(t replication.EventType) int {
	if l := r.format.EventTypeHeaderLengths; int(t)-1 < len(l) && l[t-1] == 6 {
		return 4
	}
	return 6
}

// tableMap decodes a TABLE_MAP, or reuses the last one of its table id when its bytes
// are the same.
func (r *rawEvents) tableMap(ev *replication.BinlogEvent, body []byte) error {
	n := r.tableIDSize(replication.TABLE_MAP_EVENT)
	if len(body) < n {
		return r.slow(ev)
	}
	id := gmysql.FixedLengthInt(body[:n])
	if t := r.tables[id]; t != nil && bytes.Equal(t.body, body) {
		ev.Event = t.tm
		return nil
	}
	d, err := r.parser.Parse(ev.RawData)
	if err != nil {
		return err
	}
	tm, ok := d.Event.(*replication.TableMapEvent)
	if !ok {
		return fmt.Errorf("table map event decoded as %T", d.Event)
	}
	r.fed++
	// the event's packet is never reused: body and raw may be kept as they are
	t := &rawTable{body: body, raw: ev.RawData, tm: tm}
	if t.fast = r.rows.planTable(tm, int(tm.ColumnCount)); t.fast {
		t.plan = append([]colPlan(nil), r.rows.plan...)
	}
	r.tables[id] = t
	ev.Event = tm
	return nil
}

// fastRows decodes a plain rows event of a cached table in binlogRows, or returns nil
// when the parser must (unknown table, extra row info, a value binlogRows declines).
func (r *rawEvents) fastRows(et replication.EventType, body []byte) *replication.RowsEvent {
	n := r.tableIDSize(et)
	if len(body) < n+2 {
		return nil
	}
	e := &replication.RowsEvent{TableID: gmysql.FixedLengthInt(body[:n]), Version: 1}
	t := r.tables[e.TableID]
	if t == nil || !t.fast || !rowsEventFields.ok {
		return nil
	}
	setRowsEventType(e, et)
	pos := n
	e.Flags = binary.LittleEndian.Uint16(body[pos:])
	pos += 2
	if et == replication.WRITE_ROWS_EVENTv2 || et == replication.UPDATE_ROWS_EVENTv2 || et == replication.DELETE_ROWS_EVENTv2 {
		e.Version = 2
		if len(body) < pos+2 {
			return nil
		}
		if extra := binary.LittleEndian.Uint16(body[pos:]); extra != 2 {
			return nil // extra row info (NDB, partitions): the parser records it
		}
		pos += 2
	}
	if pos >= len(body) {
		return nil
	}
	cols, _, m := gmysql.LengthEncodedInt(body[pos:])
	pos += m
	if int(cols) != int(t.tm.ColumnCount) {
		return nil
	}
	e.ColumnCount = cols
	bm := (int(cols) + 7) / 8
	if len(body) < pos+bm {
		return nil
	}
	e.ColumnBitmap1 = body[pos : pos+bm]
	pos += bm
	if et == replication.UPDATE_ROWS_EVENTv1 || et == replication.UPDATE_ROWS_EVENTv2 {
		if len(body) < pos+bm {
			return nil
		}
		e.ColumnBitmap2 = body[pos : pos+bm]
		pos += bm
	}
	e.Table = t.tm
	if !r.rows.decodeImages(e, pos, body, t.plan) {
		return nil
	}
	r.rows.fast++
	return e
}
