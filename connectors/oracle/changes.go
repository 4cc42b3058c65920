package oracle

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
	"github.com/gonnect/gonnect/connectors/oracle/sqlredo"
)

// change is one decoded row change of a committed transaction, before the
// UPDATE-as-DELETE rules and conversion to records.
type change struct {
	op      cdc.Op
	before  []any // sqlredo.Value, Unavailable or nil, in column order
	after   []any
	meta    *entry
	rowID   string
	version *tableVersion
	name    string          // SCHEMA.TABLE
	set     map[string]bool // update: columns in the SET clause
	// LOB rows (lob.enabled): a locator selection opens a LOB value of column
	// lobColumn for the row in before; LOB_WRITE/TRIM/ERASE rows carry lobOp.
	lobColumn string
	lobBinary bool
	lobOp     *sqlredo.LOBOp
	// XMLTYPE rows (lob.enabled): XML_BEGIN opens a value like a locator selection
	// (lobColumn, lobXML); XML_WRITE rows append xmlWrite; XML_END closes it.
	lobXML   bool
	xmlWrite *sqlredo.XMLWrite
	xmlEnd   bool
	// rowMove marks an update merged from a partition row move's DELETE and INSERT.
	rowMove bool
}

func truncateSQL(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

func (s *Stream) decodeEntry(e *entry) (*change, error) {
	me := *e
	switch e.OpCode {
	case logminer.OpSelectLOB:
		return s.decodeLocator(&me)
	case logminer.OpLOBWrite, logminer.OpLOBTrim, logminer.OpLOBErase:
		op, err := sqlredo.ParseLOBOp(e.SQL)
		if err != nil {
			return nil, err
		}
		return &change{meta: &me, lobOp: op}, nil
	case logminer.OpXMLBegin:
		return s.decodeXMLBegin(&me)
	case logminer.OpXMLWrite:
		w, err := sqlredo.ParseXMLWrite(e.SQL)
		if err != nil {
			return nil, err
		}
		return &change{meta: &me, xmlWrite: w}, nil
	case logminer.OpXMLEnd:
		return &change{meta: &me, xmlEnd: true}, nil
	}
	st, err := sqlredo.Parse(e.SQL)
	if err != nil {
		return nil, err
	}
	name := e.Owner + "." + e.Table
	if strings.HasPrefix(st.Table, "OBJ# ") || strings.HasPrefix(e.Table, "OBJ# ") {
		return s.decodeObj(&me, st)
	}
	v := s.tables.at(name, e.SCN)
	if v == nil {
		return nil, fmt.Errorf("table %s has no model at SCN %d in the schema history", name, e.SCN)
	}
	return buildChange(&me, st, v, name)
}

func buildChange(e *entry, st *sqlredo.Statement, v *tableVersion, name string) (*change, error) {
	cols := v.info.Table.Columns
	idx := func(col string) (int, error) {
		for i := range cols {
			if cols[i].Name == col {
				return i, nil
			}
		}
		return 0, fmt.Errorf("column %q of the statement is not in the model of %s", col, name)
	}
	fill := func(row []any, cs []sqlredo.Column) error {
		for _, c := range cs {
			i, err := idx(c.Name)
			if err != nil {
				return err
			}
			if c.Value.IsNull() {
				row[i] = nil
			} else {
				row[i] = c.Value
			}
		}
		return nil
	}
	image := func(cs []sqlredo.Column) ([]any, error) {
		row := make([]any, len(cols))
		// LOB values are logged only when written, so a before image without them is
		// the placeholder (M-LOB) rather than null.
		for i := range cols {
			if columnType(&cols[i]).isLOB() {
				row[i] = Unavailable
			}
		}
		return row, fill(row, cs)
	}
	ch := &change{meta: e, rowID: e.RowID, version: v, name: name}
	var err error
	switch st.Op {
	case sqlredo.Insert:
		ch.op = cdc.OpCreate
		ch.after = make([]any, len(cols))
		err = fill(ch.after, st.Values)
	case sqlredo.Update:
		ch.op = cdc.OpUpdate
		if st.RowID != "" && len(st.Where) == 0 {
			return nil, fmt.Errorf("update identifies its row only by ROWID (no supplemental logging for %s)", name)
		}
		if ch.before, err = image(st.Where); err == nil {
			ch.after = append([]any(nil), ch.before...)
			err = fill(ch.after, st.Values)
			ch.set = make(map[string]bool, len(st.Values))
			for _, c := range st.Values {
				ch.set[c.Name] = true
			}
		}
	case sqlredo.Delete:
		ch.op = cdc.OpDelete
		if st.RowID != "" && len(st.Where) == 0 {
			return nil, fmt.Errorf("delete identifies its row only by ROWID (no supplemental logging for %s)", name)
		}
		ch.before, err = image(st.Where)
	}
	if err != nil {
		return nil, err
	}
	return ch, nil
}

// decodeObj reads a row LogMiner rendered with `OBJ# n` / `COL n` names and
// HEXTORAW values because the online catalog no longer matched the redo
// (F-ONLINE-CATALOG): the table and columns come from the schema history at the
// row's SCN and the raw bytes are decoded by column type. Anything it cannot map
// fails loudly; such rows are never dropped.
func (s *Stream) decodeObj(e *entry, st *sqlredo.Statement) (*change, error) {
	objText := strings.TrimPrefix(st.Table, "OBJ# ")
	obj, err := strconv.ParseInt(strings.TrimSpace(objText), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("cannot read object number in %q", st.Table)
	}
	name, err := s.tables.byObjectID(obj)
	if err != nil && s.cfg.ResolveObject != nil {
		// not a segment the history knows: ask the dictionary whose it is
		owner, table, found, rerr := s.cfg.ResolveObject(obj)
		if rerr != nil {
			return nil, fmt.Errorf("resolving OBJ# %d: %w", obj, rerr)
		}
		if !found || !s.captured(owner, table) {
			s.metrics.skippedRows.WithLabelValues("OBJ#").Inc()
			s.log.Warn("skipping a row of a data object that is not a captured table", "object", obj, "table", owner+"."+table)
			return nil, nil
		}
		name = owner + "." + table
		if s.tables.at(name, e.SCN) == nil && s.cfg.Reread != nil {
			info, err := s.cfg.Reread(owner, table)
			if err != nil || info == nil {
				return nil, fmt.Errorf("reading the model of %s for OBJ# %d: %v", name, obj, err)
			}
			if err := s.tables.put(name, 0, info); err != nil {
				return nil, err
			}
		}
		s.tables.byObject[obj] = name
		err = nil
	}
	if err != nil {
		return nil, err
	}
	v := s.tables.at(name, e.SCN)
	if v == nil {
		return nil, fmt.Errorf("table %s (OBJ# %d) has no model at SCN %d", name, obj, e.SCN)
	}
	cols := v.info.Table.Columns
	rename := func(cs []sqlredo.Column) error {
		for i := range cs {
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(cs[i].Name, "COL ")))
			if err != nil || n < 1 || n > len(cols) {
				return fmt.Errorf("column %q of OBJ# %d is not in the model of %s at SCN %d", cs[i].Name, obj, name, e.SCN)
			}
			cs[i].Name = cols[n-1].Name
			if cs[i].Value.Kind == sqlredo.Raw {
				dv, err := decodeRaw(&cols[n-1], cs[i].Value.Text)
				if err != nil {
					return fmt.Errorf("column %s of %s: %w", cols[n-1].Name, name, err)
				}
				cs[i].Value = dv
			}
		}
		return nil
	}
	if err := rename(st.Values); err != nil {
		return nil, err
	}
	if err := rename(st.Where); err != nil {
		return nil, err
	}
	owner, table, _ := strings.Cut(name, ".")
	e.Owner, e.Table = owner, table
	return buildChange(e, st, v, name)
}

// ruleState rewrites a committed transaction's changes, streamed in redo order, by the rules of
// oracle-update-as-delete.md. Each rule acts only when the redo proves it:
//
//   - LOB assembly (lob.enabled, F-LOB-INLINE): an INSERT of EMPTY_CLOB()/EMPTY_BLOB()
//     followed by UPDATEs of the same row (same table, same key values) that set only
//     LOB columns is one insert; the merged event carries the UPDATE's real ROW_ID.
//   - Physical row move (§2.2, SHRINK SPACE and similar segment maintenance): a DELETE
//     immediately followed by an INSERT of the same table with an identical full image
//     at another ROW_ID changes no data; both are dropped. (An application that deletes
//     and re-inserts identical values in one transaction leaves the table unchanged, so
//     the final state downstream is the same.)
//   - Row movement between partitions (§2.1): a DELETE immediately followed by an
//     INSERT of the same table, on a partitioned table with ENABLE ROW MOVEMENT, whose
//     ROW_IDs (or DATA_OBJ#) name different data objects and whose key values agree
//     outside the partition key, is one UPDATE (before = deleted image, after =
//     inserted image, ROW_ID of the new location). When the partition key is part of
//     the primary key the keys differ and the update comes out as Debezium's key
//     change (d with __debezium.newkey, tombstone, c with __debezium.oldkey).
//   - Anything else stays as logged: an application's DELETE then INSERT of a key is
//     d then c.
type ruleState struct {
	s       *Stream
	out     func(ch change, last bool) error
	pending *change
	lob     *lobValue // LOB being written through a locator, applied when it ends
}

// push takes the next change of the transaction in redo order.
func (rs *ruleState) push(c change) error {
	s := rs.s
	if c.lobOp != nil {
		if rs.lob == nil || rs.lob.loc.lobXML {
			return fmt.Errorf("LOB operation at SCN %d without a preceding SEL_LOB_LOCATOR", c.meta.SCN)
		}
		return rs.lob.apply(c.lobOp)
	}
	if c.xmlWrite != nil || c.xmlEnd {
		if rs.lob == nil || !rs.lob.loc.lobXML {
			return fmt.Errorf("XML_WRITE or XML_END at SCN %d without a preceding XML_BEGIN", c.meta.SCN)
		}
		if c.xmlEnd {
			return rs.endLOB()
		}
		rs.lob.appendXML(c.xmlWrite)
		return nil
	}
	if err := rs.endLOB(); err != nil {
		return err
	}
	if c.lobColumn != "" {
		rs.lob = &lobValue{loc: c}
		return nil
	}
	if p := rs.pending; p != nil {
		if s.cfg.Modes.LOBEnabled && p.op == cdc.OpCreate && lobWriteOf(p, &c) {
			for col := range c.set {
				k := columnIndex(p.version, col)
				p.after[k] = c.after[k]
			}
			p.rowID = c.rowID
			return nil
		}
		if p.op == cdc.OpDelete && c.op == cdc.OpCreate && c.name == p.name {
			if c.rowID != p.rowID && sameImage(p.before, c.after) {
				s.metrics.physicalMovesDropped.Inc()
				s.log.Info("dropping DELETE+INSERT of an identical row at a new ROW_ID (physical row move)",
					"table", p.name, "scn", p.meta.SCN, "from_row_id", p.rowID, "to_row_id", c.rowID)
				rs.pending = nil
				return nil
			}
			if rowMovement(p, &c) {
				s.metrics.rowMovesMerged.Inc()
				rs.pending = &change{op: cdc.OpUpdate, before: p.before, after: c.after, meta: p.meta, rowID: c.rowID,
					version: c.version, name: p.name, rowMove: true}
				return nil
			}
		}
		// Some releases log a row move as DELETE + INSERT + UPDATE at the new ROW_ID
		// (oracle-update-as-delete §2.1: "two rows or three"): the UPDATE completes the
		// same logical update.
		if p.rowMove && c.op == cdc.OpUpdate && c.rowID == p.rowID && c.name == p.name && sameKey(c.version, c.before, p.after) {
			p.after = c.after
			return nil
		}
		if err := rs.out(*p, false); err != nil {
			return err
		}
	}
	rs.pending = &c
	return nil
}

// flush emits the last change of the transaction.
func (rs *ruleState) flush() error {
	if err := rs.endLOB(); err != nil {
		return err
	}
	if rs.pending == nil {
		return nil
	}
	p := rs.pending
	rs.pending = nil
	return rs.out(*p, true)
}

func columnIndex(v *tableVersion, col string) int {
	for i := range v.info.Table.Columns {
		if v.info.Table.Columns[i].Name == col {
			return i
		}
	}
	return -1
}

// lobWriteOf reports whether u is the LOB-writing UPDATE of insert c.
func lobWriteOf(c, u *change) bool {
	if u.op != cdc.OpUpdate || u.name != c.name || len(u.set) == 0 || u.version != c.version {
		return false
	}
	for col := range u.set {
		k := columnIndex(u.version, col)
		if k < 0 || !columnType(&u.version.info.Table.Columns[k]).isLOB() {
			return false
		}
	}
	pk := c.version.info.Table.PrimaryKey
	if len(pk) == 0 {
		return logminer.EmptyRowID(c.rowID) || c.rowID == u.rowID
	}
	for _, k := range pk {
		i := columnIndex(c.version, k)
		if i < 0 || !sameValue(c.after[i], u.before[i]) {
			return false
		}
	}
	return true
}

func sameValue(a, b any) bool {
	av, aok := a.(sqlredo.Value)
	bv, bok := b.(sqlredo.Value)
	if aok != bok {
		return false
	}
	if !aok {
		return a == b
	}
	return av.Kind == bv.Kind && av.Text == bv.Text
}

func sameImage(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameValue(a[i], b[i]) {
			return false
		}
	}
	return true
}

// rowMovement reports whether DELETE d and INSERT n are the two halves of a row
// moving between partitions (§2.1).
func rowMovement(d, n *change) bool {
	info := n.version.info
	if !info.Partitioned || !info.RowMovement || len(info.Table.PrimaryKey) == 0 {
		return false
	}
	od, ok1 := segmentOf(d.meta)
	on, ok2 := segmentOf(n.meta)
	if !ok1 || !ok2 || od == on {
		return false
	}
	if len(info.DataObjectIDs) > 1 && (!containsObj(info.DataObjectIDs, od) || !containsObj(info.DataObjectIDs, on)) {
		return false
	}
	inPartKey := func(c string) bool {
		for _, p := range info.PartitionKey {
			if strings.EqualFold(p, c) {
				return true
			}
		}
		return false
	}
	compared := 0
	for _, k := range info.Table.PrimaryKey {
		if inPartKey(k) {
			continue
		}
		i := columnIndex(n.version, k)
		if i < 0 || d.before[i] == nil || !sameValue(d.before[i], n.after[i]) {
			return false
		}
		compared++
	}
	return compared > 0
}

func segmentOf(e *entry) (int64, bool) {
	if e.DataObj != 0 {
		return e.DataObj, true
	}
	if logminer.EmptyRowID(e.RowID) {
		return 0, false
	}
	return logminer.DataObjectOfRowID(e.RowID)
}

func containsObj(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
