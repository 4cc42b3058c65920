package oracle

import (
	"fmt"
	"strings"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
)

// ddl handles a DDL row (F-DDL): the table model changes at the row's SCN, when the
// row is read and not at its COMMIT (M-SCHEMA-CHANGE). DDL that cannot change
// captured columns is skipped; DDL the parser cannot read on a captured table
// re-reads the catalog and warns. No DDL ever stops the connector.
func (s *Stream) ddl(r *logminer.Row) error {
	if strings.HasPrefix(strings.ToUpper(r.Info), "INTERNAL DDL") {
		return nil
	}
	owner := r.Owner
	if owner == "" {
		owner = r.Username
	}
	st, perr := parseDDL(r.SQLRedo, owner)
	if st.table != "" && !s.captured(st.owner, st.table) && !(st.kind == ddlRenameTable && s.captured(st.owner, st.newName)) {
		return nil
	}
	name := st.owner + "." + st.table
	cur := s.tables.latest(name)
	switch {
	case st.kind == ddlHarmless:
		s.metrics.ddlIgnored.Inc()
		s.log.Info("DDL does not change captured columns; skipped", "position", r.Position(), "ddl", r.SQLRedo)
		return nil
	case st.kind == ddlUnknown || perr != nil:
		return s.reread(r, st, perr)
	case st.kind == ddlTruncateTable:
		if cur == nil {
			return nil
		}
		si := sourceInfo{name: s.cfg.Topics.Prefix, db: s.cfg.DB, schema: st.owner, table: st.table,
			ts: r.Timestamp.Add(-s.cfg.DBOffset), txID: r.TxID(), scn: fmtSCN(r.SCN), commitSCN: fmtSCN(r.SCN), thread: int32(r.Thread), user: r.Username}
		recs, err := cur.schema.Records(cdc.Change{Op: cdc.OpTruncate, Source: si.build(), Partition: s.partition(), Offset: s.pos.Offset(), Now: s.cfg.Now()}, s.cfg.Emit)
		if err != nil {
			return s.cfg.Failure.Handle(s.log, r.Position(), err)
		}
		return s.put(recs...)
	}
	next, change, err := applyDDL(st, cur)
	if err != nil {
		s.log.Warn("cannot apply DDL to the table model; re-reading the catalog", "position", r.Position(), "ddl", r.SQLRedo, "error", err)
		return s.reread(r, st, err)
	}
	return s.commitModel(r, st.owner, change, next)
}

func fmtSCN(n uint64) string { return fmt.Sprint(n) }

// commitModel stores a new model version and its history record.
func (s *Stream) commitModel(r *logminer.Row, owner string, change cdc.TableChange, next *TableInfo) error {
	name := change.ID.Schema + "." + change.ID.Table
	if change.PreviousID != nil {
		old := change.PreviousID.Schema + "." + change.PreviousID.Table
		if err := s.tables.put(old, r.SCN, nil); err != nil {
			return err
		}
	}
	if err := s.tables.put(name, r.SCN, next); err != nil {
		return s.cfg.Failure.Handle(s.log, r.Position(), fmt.Errorf("table %s after DDL: %w", name, err))
	}
	hid := change
	hid.ID.Catalog = s.cfg.DB
	if hid.PreviousID != nil {
		p := *hid.PreviousID
		p.Catalog = s.cfg.DB
		hid.PreviousID = &p
	}
	if hid.Table != nil {
		t := hid.Table.Clone()
		t.ID.Catalog = s.cfg.DB
		hid.Table = t
	}
	h := s.historyRecord(r, owner, []cdc.TableChange{hid})
	return s.emitSchemaChange(r, h, change.ID.Schema, change.ID.Table)
}

// reread handles DDL on a captured table that the parser could not apply.
func (s *Stream) reread(r *logminer.Row, st ddlStatement, cause error) error {
	if st.table == "" || s.cfg.Reread == nil {
		s.log.Warn("DDL not understood and no catalog to re-read; table model unchanged", "position", r.Position(), "ddl", r.SQLRedo, "error", cause)
		return nil
	}
	info, err := s.cfg.Reread(st.owner, st.table)
	if err != nil {
		return s.cfg.Failure.Handle(s.log, r.Position(), fmt.Errorf("re-reading the catalog of %s.%s after DDL %q: %w", st.owner, st.table, r.SQLRedo, err))
	}
	s.log.Warn("DDL not understood; table model re-read from the catalog", "position", r.Position(), "ddl", r.SQLRedo, "error", cause)
	if info == nil {
		if s.tables.latest(st.owner+"."+st.table) == nil {
			return nil
		}
		id := cdc.TableID{Schema: st.owner, Table: st.table}
		return s.commitModel(r, st.owner, cdc.TableChange{Type: cdc.ChangeDrop, ID: id}, nil)
	}
	typ := cdc.ChangeAlter
	if s.tables.latest(st.owner+"."+st.table) == nil {
		typ = cdc.ChangeCreate
	}
	return s.commitModel(r, st.owner, cdc.TableChange{Type: typ, ID: info.Table.ID, Table: info.Table}, info)
}

// applyDDL computes the table model after a parsed column or table DDL.
func applyDDL(st ddlStatement, cur *tableVersion) (*TableInfo, cdc.TableChange, error) {
	id := cdc.TableID{Schema: st.owner, Table: st.table}
	if st.kind == ddlCreateTable {
		t := &cdc.Table{ID: id, PrimaryKey: st.primaryKey}
		for i, c := range st.columns {
			nullable := c.nullable == nil || *c.nullable
			if c.inlinePK {
				nullable = false
			}
			col, err := NewColumn(c.name, c.typ, nullable, i+1)
			if err != nil {
				return nil, cdc.TableChange{}, err
			}
			t.Columns = append(t.Columns, col)
		}
		for _, pk := range t.PrimaryKey {
			if col := t.Column(pk); col != nil {
				col.Optional = false
			}
		}
		typ := cdc.ChangeCreate
		if cur != nil {
			typ = cdc.ChangeAlter
		}
		return &TableInfo{Table: t, SupplementalAll: true}, cdc.TableChange{Type: typ, ID: id, Table: t}, nil
	}
	if cur == nil {
		return nil, cdc.TableChange{}, fmt.Errorf("table %s.%s is not in the schema history", st.owner, st.table)
	}
	if st.kind == ddlDropTable {
		return nil, cdc.TableChange{Type: cdc.ChangeDrop, ID: id}, nil
	}
	info := cur.info.Clone()
	t := info.Table
	find := func(n string) (int, error) {
		for i := range t.Columns {
			if t.Columns[i].Name == n {
				return i, nil
			}
		}
		return 0, fmt.Errorf("column %s is not in %s.%s", n, st.owner, st.table)
	}
	switch st.kind {
	case ddlAddColumns:
		for _, c := range st.columns {
			if _, err := find(c.name); err == nil {
				return nil, cdc.TableChange{}, fmt.Errorf("column %s already exists", c.name)
			}
			col, err := NewColumn(c.name, c.typ, c.nullable == nil || *c.nullable, len(t.Columns)+1)
			if err != nil {
				return nil, cdc.TableChange{}, err
			}
			t.Columns = append(t.Columns, col)
			if c.inlinePK {
				t.PrimaryKey = append(t.PrimaryKey, c.name)
			}
		}
	case ddlModifyColumns:
		for _, c := range st.columns {
			i, err := find(c.name)
			if err != nil {
				return nil, cdc.TableChange{}, err
			}
			old := t.Columns[i]
			col := old
			if c.typ != "" {
				if col, err = NewColumn(c.name, c.typ, old.Optional, i+1); err != nil {
					return nil, cdc.TableChange{}, err
				}
			}
			if c.nullable != nil {
				col.Optional = *c.nullable
			}
			t.Columns[i] = col
		}
	case ddlDropColumns:
		for _, n := range st.drop {
			i, err := find(n)
			if err != nil {
				return nil, cdc.TableChange{}, err
			}
			t.Columns = append(t.Columns[:i], t.Columns[i+1:]...)
			for k, pk := range t.PrimaryKey {
				if pk == n {
					t.PrimaryKey = append(t.PrimaryKey[:k], t.PrimaryKey[k+1:]...)
					break
				}
			}
		}
		t.Renumber()
	case ddlRenameColumn:
		i, err := find(st.oldColumn)
		if err != nil {
			return nil, cdc.TableChange{}, err
		}
		t.Columns[i].Name = st.newName
		for k, pk := range t.PrimaryKey {
			if pk == st.oldColumn {
				t.PrimaryKey[k] = st.newName
			}
		}
	case ddlRenameTable:
		prev := id
		t.ID = cdc.TableID{Schema: st.owner, Table: st.newName}
		return info, cdc.TableChange{Type: cdc.ChangeAlter, ID: t.ID, PreviousID: &prev, Table: t}, nil
	default:
		return nil, cdc.TableChange{}, fmt.Errorf("unexpected DDL kind %d", st.kind)
	}
	return info, cdc.TableChange{Type: cdc.ChangeAlter, ID: id, Table: t}, nil
}
