package mysql

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
	tmysql "github.com/pingcap/tidb/pkg/parser/mysql"

	_ "github.com/pingcap/tidb/pkg/parser/test_driver" // value expressions for the parser
)

// ddlOutcome is what one DDL statement did to the schema model.
type ddlOutcome struct {
	changes   []cdc.TableChange
	truncated []cdc.TableID
	database  string // the database the statement belongs to (history databaseName)
	touches   []cdc.TableID
}

// schemaModel is the in-memory schema: tables by id. Owned by the streaming goroutine.
type schemaModel struct {
	tables cdc.Tables
	p      *parser.Parser
}

func newSchemaModel() *schemaModel {
	return &schemaModel{tables: cdc.Tables{}, p: parser.New()}
}

// spatialTypes are the MySQL spatial column types the TiDB parser does not know. They
// are rewritten to VARBINARY with a marker length before parsing and mapped back by
// columnType.
var spatialTypes = []string{"GEOMETRY", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION", "GEOMCOLLECTION"}

const spatialMarker = 1_000_000

var spatialRe = regexp.MustCompile("(?i)((?:`[^`]+`|[A-Za-z_][A-Za-z0-9_$]*)\\s+)(GEOMETRYCOLLECTION|GEOMCOLLECTION|MULTILINESTRING|MULTIPOLYGON|MULTIPOINT|LINESTRING|POLYGON|GEOMETRY|POINT)\\b")

// boolMarker is the display width BOOL/BOOLEAN columns are rewritten to, because the
// TiDB parser turns BOOLEAN into TINYINT(1) and Debezium's parser keeps BOOLEAN.
const boolMarker = 99

var boolRe = regexp.MustCompile("(?i)((?:`[^`]+`|[A-Za-z_][A-Za-z0-9_$]*)\\s+)BOOL(?:EAN)?\\b")

func rewriteSpatial(sql string) string {
	sql = boolRe.ReplaceAllString(sql, "${1}TINYINT("+strconv.Itoa(boolMarker)+")")
	return spatialRe.ReplaceAllStringFunc(sql, func(m string) string {
		sub := spatialRe.FindStringSubmatch(m)
		for i, t := range spatialTypes {
			if strings.EqualFold(t, sub[2]) {
				return sub[1] + "VARBINARY(" + strconv.Itoa(spatialMarker+i) + ")"
			}
		}
		return m
	})
}

// parse parses one or more statements in MySQL/MariaDB dialect.
func (m *schemaModel) parse(sql string) ([]ast.StmtNode, error) {
	stmts, _, err := m.p.Parse(rewriteSpatial(sql), "", "")
	if err != nil {
		return nil, err
	}
	return stmts, nil
}

func tableID(n *ast.TableName, db string) cdc.TableID {
	if n.Schema.O != "" {
		db = n.Schema.O
	}
	return cdc.TableID{Catalog: db, Table: n.Name.O}
}

// lookup finds a table id case-insensitively (lower_case_table_names is usually 0 on
// Linux, but DDL text may differ in case from the binlog's table map).
func (m *schemaModel) lookup(id cdc.TableID) (cdc.TableID, *cdc.Table) {
	if t, ok := m.tables[id]; ok {
		return id, t
	}
	for k, t := range m.tables {
		if strings.EqualFold(k.Catalog, id.Catalog) && strings.EqualFold(k.Table, id.Table) {
			return k, t
		}
	}
	return id, nil
}

// apply applies one parsed statement; defaultDB is the session database of the event.
func (m *schemaModel) apply(stmt ast.StmtNode, defaultDB string) (ddlOutcome, error) {
	out := ddlOutcome{database: defaultDB}
	switch s := stmt.(type) {
	case *ast.CreateTableStmt:
		id := tableID(s.Table, defaultDB)
		out.database = id.Catalog
		out.touches = []cdc.TableID{id}
		if s.ReferTable != nil {
			_, src := m.lookup(tableID(s.ReferTable, defaultDB))
			if src == nil {
				return out, fmt.Errorf("CREATE TABLE %s LIKE %s: source table is unknown", id, tableID(s.ReferTable, defaultDB))
			}
			t := src.Clone()
			t.ID = id
			m.tables[id] = t
			out.changes = append(out.changes, cdc.TableChange{Type: cdc.ChangeCreate, ID: id, Table: t})
			return out, nil
		}
		if _, exists := m.lookup(id); exists != nil && s.IfNotExists {
			return out, nil
		}
		t, err := tableFromCreate(s, id)
		if err != nil {
			return out, err
		}
		m.tables[id] = t
		out.changes = append(out.changes, cdc.TableChange{Type: cdc.ChangeCreate, ID: id, Table: t})
	case *ast.AlterTableStmt:
		id := tableID(s.Table, defaultDB)
		out.database = id.Catalog
		out.touches = []cdc.TableID{id}
		key, t := m.lookup(id)
		if t == nil {
			return out, fmt.Errorf("ALTER TABLE %s: table is unknown", id)
		}
		nt := t.Clone()
		var prev *cdc.TableID
		for _, spec := range s.Specs {
			if spec.Tp == ast.AlterTableRenameTable {
				nid := tableID(spec.NewTable, id.Catalog)
				p := key
				prev = &p
				nt.ID = nid
				out.touches = append(out.touches, nid)
				continue
			}
			if err := alterSpec(nt, spec); err != nil {
				return out, fmt.Errorf("ALTER TABLE %s: %w", id, err)
			}
		}
		nt.Renumber()
		if prev != nil {
			delete(m.tables, key)
		}
		m.tables[nt.ID] = nt
		out.changes = append(out.changes, cdc.TableChange{Type: cdc.ChangeAlter, ID: nt.ID, PreviousID: prev, Table: nt})
	case *ast.DropTableStmt:
		if s.IsView {
			return out, nil
		}
		for _, n := range s.Tables {
			id := tableID(n, defaultDB)
			out.database = id.Catalog
			key, t := m.lookup(id)
			out.touches = append(out.touches, key)
			if t == nil {
				continue
			}
			delete(m.tables, key)
			out.changes = append(out.changes, cdc.TableChange{Type: cdc.ChangeDrop, ID: key})
		}
	case *ast.RenameTableStmt:
		for _, tt := range s.TableToTables {
			oldID := tableID(tt.OldTable, defaultDB)
			newID := tableID(tt.NewTable, defaultDB)
			out.database = newID.Catalog
			key, t := m.lookup(oldID)
			out.touches = append(out.touches, key, newID)
			if t == nil {
				continue
			}
			nt := t.Clone()
			nt.ID = newID
			delete(m.tables, key)
			m.tables[newID] = nt
			p := key
			out.changes = append(out.changes, cdc.TableChange{Type: cdc.ChangeAlter, ID: newID, PreviousID: &p, Table: nt})
		}
	case *ast.TruncateTableStmt:
		id := tableID(s.Table, defaultDB)
		out.database = id.Catalog
		key, _ := m.lookup(id)
		out.touches = []cdc.TableID{key}
		out.truncated = append(out.truncated, key)
	case *ast.DropDatabaseStmt:
		out.database = s.Name.O
		for id := range m.tables {
			if strings.EqualFold(id.Catalog, s.Name.O) {
				delete(m.tables, id)
				out.changes = append(out.changes, cdc.TableChange{Type: cdc.ChangeDrop, ID: id})
				out.touches = append(out.touches, id)
			}
		}
	case *ast.CreateDatabaseStmt:
		out.database = s.Name.O
	case *ast.AlterDatabaseStmt:
		out.database = s.Name.O
	}
	return out, nil
}

func tableFromCreate(s *ast.CreateTableStmt, id cdc.TableID) (*cdc.Table, error) {
	t := &cdc.Table{ID: id}
	for _, opt := range s.Options {
		switch opt.Tp {
		case ast.TableOptionCharset:
			t.DefaultCharset = opt.StrValue
		case ast.TableOptionComment:
			t.Comment = opt.StrValue
		}
	}
	var unique [][]string
	for _, def := range s.Cols {
		c, pk, uk := columnFromDef(def, t.DefaultCharset)
		t.Columns = append(t.Columns, c)
		if pk {
			t.PrimaryKey = []string{c.Name}
		}
		if uk {
			unique = append(unique, []string{c.Name})
		}
	}
	for _, con := range s.Constraints {
		names := keyNames(con)
		switch con.Tp {
		case ast.ConstraintPrimaryKey:
			t.PrimaryKey = names
		case ast.ConstraintUniq, ast.ConstraintUniqKey, ast.ConstraintUniqIndex:
			if names != nil {
				unique = append(unique, names)
			}
		}
	}
	// MySQL: without a PK, the first UNIQUE index over plain NOT NULL columns is the key.
	if len(t.PrimaryKey) == 0 {
	next:
		for _, u := range unique {
			for _, n := range u {
				if c := t.Column(n); c == nil || c.Optional {
					continue next
				}
			}
			t.PrimaryKey = u
			break
		}
	}
	markKeyNotNull(t)
	t.Renumber()
	return t, nil
}

// keyNames returns the column names of an index, or nil when a part is an expression
// or a prefix (not a plain column).
func keyNames(con *ast.Constraint) []string {
	var out []string
	for _, k := range con.Keys {
		if k.Column == nil || k.Expr != nil {
			return nil
		}
		out = append(out, k.Column.Name.O)
	}
	return out
}

func markKeyNotNull(t *cdc.Table) {
	for _, n := range t.PrimaryKey {
		if c := t.Column(n); c != nil {
			c.Optional = false
		}
	}
}

func alterSpec(t *cdc.Table, spec *ast.AlterTableSpec) error {
	switch spec.Tp {
	case ast.AlterTableAddColumns:
		for i, def := range spec.NewColumns {
			if spec.IfNotExists && t.Column(def.Name.Name.O) != nil {
				continue
			}
			c, pk, _ := columnFromDef(def, t.DefaultCharset)
			pos := spec.Position
			if i > 0 || pos == nil {
				pos = nil
			}
			insertColumn(t, c, pos)
			if pk {
				t.PrimaryKey = []string{c.Name}
				markKeyNotNull(t)
			}
		}
	case ast.AlterTableDropColumn:
		name := spec.OldColumnName.Name.O
		if removeColumn(t, name) < 0 && !spec.IfExists {
			return fmt.Errorf("DROP COLUMN %s: no such column", name)
		}
		var pk []string
		for _, k := range t.PrimaryKey {
			if !strings.EqualFold(k, name) {
				pk = append(pk, k)
			}
		}
		t.PrimaryKey = pk
	case ast.AlterTableModifyColumn, ast.AlterTableChangeColumn:
		old := ""
		if spec.OldColumnName != nil {
			old = spec.OldColumnName.Name.O
		} else if len(spec.NewColumns) > 0 {
			old = spec.NewColumns[0].Name.Name.O
		}
		if len(spec.NewColumns) == 0 {
			return fmt.Errorf("CHANGE COLUMN %s without a definition", old)
		}
		idx := removeColumn(t, old)
		if idx < 0 {
			if spec.IfExists {
				return nil
			}
			return fmt.Errorf("CHANGE COLUMN %s: no such column", old)
		}
		c, pk, _ := columnFromDef(spec.NewColumns[0], t.DefaultCharset)
		if spec.Position != nil && spec.Position.Tp != ast.ColumnPositionNone {
			insertColumn(t, c, spec.Position)
		} else {
			t.Columns = append(t.Columns[:idx], append([]cdc.Column{c}, t.Columns[idx:]...)...)
		}
		for i, k := range t.PrimaryKey {
			if strings.EqualFold(k, old) {
				t.PrimaryKey[i] = c.Name
			}
		}
		if pk {
			t.PrimaryKey = []string{c.Name}
		}
		markKeyNotNull(t)
	case ast.AlterTableRenameColumn:
		c := t.Column(spec.OldColumnName.Name.O)
		if c == nil {
			return fmt.Errorf("RENAME COLUMN %s: no such column", spec.OldColumnName.Name.O)
		}
		for i, k := range t.PrimaryKey {
			if strings.EqualFold(k, c.Name) {
				t.PrimaryKey[i] = spec.NewColumnName.Name.O
			}
		}
		c.Name = spec.NewColumnName.Name.O
	case ast.AlterTableAlterColumn:
		if len(spec.NewColumns) == 0 {
			return nil
		}
		c := t.Column(spec.NewColumns[0].Name.Name.O)
		if c == nil {
			return fmt.Errorf("ALTER COLUMN %s: no such column", spec.NewColumns[0].Name.Name.O)
		}
		c.HasDefault, c.DefaultExpr = false, nil
		for _, o := range spec.NewColumns[0].Options {
			if o.Tp == ast.ColumnOptionDefaultValue {
				c.HasDefault, c.DefaultExpr = defaultExpr(o.Expr)
			}
		}
	case ast.AlterTableAddConstraint:
		if spec.Constraint != nil && spec.Constraint.Tp == ast.ConstraintPrimaryKey {
			t.PrimaryKey = keyNames(spec.Constraint)
			markKeyNotNull(t)
		}
	case ast.AlterTableDropPrimaryKey:
		t.PrimaryKey = nil
	case ast.AlterTableOption:
		for _, opt := range spec.Options {
			switch opt.Tp {
			case ast.TableOptionCharset:
				t.DefaultCharset = opt.StrValue
			case ast.TableOptionComment:
				t.Comment = opt.StrValue
			}
		}
	}
	// index, partition, engine and other maintenance specs do not change columns.
	return nil
}

func insertColumn(t *cdc.Table, c cdc.Column, pos *ast.ColumnPosition) {
	at := len(t.Columns)
	if pos != nil {
		switch pos.Tp {
		case ast.ColumnPositionFirst:
			at = 0
		case ast.ColumnPositionAfter:
			for i := range t.Columns {
				if strings.EqualFold(t.Columns[i].Name, pos.RelativeColumn.Name.O) {
					at = i + 1
				}
			}
		}
	}
	t.Columns = append(t.Columns[:at], append([]cdc.Column{c}, t.Columns[at:]...)...)
}

func removeColumn(t *cdc.Table, name string) int {
	for i := range t.Columns {
		if strings.EqualFold(t.Columns[i].Name, name) {
			t.Columns = append(t.Columns[:i], t.Columns[i+1:]...)
			return i
		}
	}
	return -1
}

func restore(n ast.Node) string {
	var b strings.Builder
	if err := n.Restore(format.NewRestoreCtx(format.DefaultRestoreFlags, &b)); err != nil {
		return ""
	}
	return b.String()
}

func defaultExpr(e ast.ExprNode) (bool, *string) {
	if e == nil {
		return false, nil
	}
	if v, ok := e.(ast.ValueExpr); ok {
		if v.GetValue() == nil {
			return true, nil
		}
		s := fmt.Sprint(v.GetValue())
		if b, ok := v.GetValue().([]byte); ok {
			s = string(b)
		}
		return true, &s
	}
	s := restore(e)
	if fc, ok := e.(*ast.FuncCallExpr); ok {
		s = strings.ToUpper(fc.FnName.O)
	}
	return true, &s
}

// columnFromDef maps a column definition to the history column model, reporting inline
// PRIMARY KEY and UNIQUE options.
func columnFromDef(def *ast.ColumnDef, tableCharset string) (c cdc.Column, pk, uk bool) {
	ft := def.Tp
	c = columnType(ft)
	c.Name = def.Name.Name.O
	c.Optional = true
	if tmysql.HasAutoIncrementFlag(ft.GetFlag()) {
		c.AutoIncremented = true
	}
	for _, o := range def.Options {
		switch o.Tp {
		case ast.ColumnOptionNotNull:
			c.Optional = false
		case ast.ColumnOptionNull:
			c.Optional = true
		case ast.ColumnOptionPrimaryKey:
			pk = true
			c.Optional = false
		case ast.ColumnOptionUniqKey:
			uk = true
		case ast.ColumnOptionAutoIncrement:
			c.AutoIncremented, c.Generated = true, true
		case ast.ColumnOptionDefaultValue:
			c.HasDefault, c.DefaultExpr = defaultExpr(o.Expr)
		case ast.ColumnOptionComment:
			if v, ok := o.Expr.(ast.ValueExpr); ok {
				c.Comment = fmt.Sprint(v.GetValue())
			}
		case ast.ColumnOptionGenerated:
			c.Generated = true
		}
	}
	if c.Charset == "" && isCharType(ft.GetType()) && ft.GetCharset() != "binary" {
		c.Charset = tableCharset
	}
	// MySQL: TIMESTAMP NOT NULL without default implicitly defaults to CURRENT_TIMESTAMP
	// in old modes; Debezium treats a NOT NULL TIMESTAMP with no default as having one.
	return c, pk, uk
}
