package cdc

import (
	"strings"
)

// JDBC type codes (java.sql.Types) written to the schema history's jdbcType.
const (
	JDBCBit                   int32 = -7
	JDBCTinyInt               int32 = -6
	JDBCSmallInt              int32 = 5
	JDBCInteger               int32 = 4
	JDBCBigInt                int32 = -5
	JDBCFloat                 int32 = 6
	JDBCReal                  int32 = 7
	JDBCDouble                int32 = 8
	JDBCNumeric               int32 = 2
	JDBCDecimal               int32 = 3
	JDBCChar                  int32 = 1
	JDBCVarchar               int32 = 12
	JDBCLongVarchar           int32 = -1
	JDBCDate                  int32 = 91
	JDBCTime                  int32 = 92
	JDBCTimestamp             int32 = 93
	JDBCBinary                int32 = -2
	JDBCVarbinary             int32 = -3
	JDBCLongVarbinary         int32 = -4
	JDBCOther                 int32 = 1111
	JDBCBlob                  int32 = 2004
	JDBCClob                  int32 = 2005
	JDBCNClob                 int32 = 2011
	JDBCBoolean               int32 = 16
	JDBCNChar                 int32 = -15
	JDBCNVarchar              int32 = -9
	JDBCSQLXML                int32 = 2009
	JDBCStruct                int32 = 2002
	JDBCTimestampWithTimezone int32 = 2014
)

// TableID names a table. MySQL uses Catalog (the database) and Table; Oracle uses
// Catalog (PDB or database name), Schema (owner) and Table.
type TableID struct {
	Catalog string
	Schema  string
	Table   string
}

// String returns the non-empty parts joined with dots: "db.table" or "DB.SCHEMA.TABLE".
func (id TableID) String() string { return strings.Join(id.parts(), ".") }

// Quoted returns the double-quoted form used in schema history ids: "db"."table".
func (id TableID) Quoted() string {
	ps := id.parts()
	for i, p := range ps {
		ps[i] = `"` + p + `"`
	}
	return strings.Join(ps, ".")
}

func (id TableID) parts() []string {
	ps := make([]string, 0, 3)
	for _, p := range []string{id.Catalog, id.Schema, id.Table} {
		if p != "" {
			ps = append(ps, p)
		}
	}
	return ps
}

// ParseQuotedTableID parses the history form ("db"."t" or "DB"."S"."T"). With two parts
// the first is the catalog when catalogFirst (MySQL), else the schema.
func ParseQuotedTableID(s string, catalogFirst bool) TableID {
	var parts []string
	for len(s) > 0 {
		if s[0] == '"' {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				parts = append(parts, s[1:])
				break
			}
			parts = append(parts, s[1:end+1])
			s = s[end+2:]
		} else {
			end := strings.IndexByte(s, '.')
			if end < 0 {
				parts = append(parts, s)
				break
			}
			parts = append(parts, s[:end])
			s = s[end:]
		}
		s = strings.TrimPrefix(s, ".")
	}
	switch len(parts) {
	case 1:
		return TableID{Table: parts[0]}
	case 2:
		if catalogFirst {
			return TableID{Catalog: parts[0], Table: parts[1]}
		}
		return TableID{Schema: parts[0], Table: parts[1]}
	case 3:
		return TableID{Catalog: parts[0], Schema: parts[1], Table: parts[2]}
	}
	return TableID{}
}

// Column is one column of a table as both dialects describe it; it is what the schema
// history's tableChanges carry.
type Column struct {
	Name            string
	JDBCType        int32
	NativeType      *int32
	TypeName        string // with modifiers, e.g. "INT UNSIGNED"
	TypeExpression  string
	Charset         string // "" when none
	Length          *int32 // nil when unset
	Scale           *int32 // nil when unset
	Position        int32  // 1-based
	Optional        bool
	AutoIncremented bool
	Generated       bool
	Comment         string // "" when none
	HasDefault      bool
	DefaultExpr     *string // the default as written in the DDL, nil when none
	EnumValues      []string
}

// Table is one table's structure.
type Table struct {
	ID             TableID
	DefaultCharset string
	PrimaryKey     []string // column names in key order
	Columns        []Column // in position order
	Comment        string
	Attributes     []Attribute
}

// Attribute is a name/value table attribute kept in the schema history.
type Attribute struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Column returns the named column (case-insensitive, as MySQL), or nil.
func (t *Table) Column(name string) *Column {
	for i := range t.Columns {
		if strings.EqualFold(t.Columns[i].Name, name) {
			return &t.Columns[i]
		}
	}
	return nil
}

// Clone returns a deep copy of t.
func (t *Table) Clone() *Table {
	c := *t
	c.PrimaryKey = append([]string(nil), t.PrimaryKey...)
	c.Columns = make([]Column, len(t.Columns))
	for i, col := range t.Columns {
		col.EnumValues = append([]string(nil), col.EnumValues...)
		c.Columns[i] = col
	}
	c.Attributes = append([]Attribute(nil), t.Attributes...)
	return &c
}

// Renumber sets every column's Position to its 1-based index.
func (t *Table) Renumber() {
	for i := range t.Columns {
		t.Columns[i].Position = int32(i + 1)
	}
}

// Int32 returns a pointer to n, for the optional Column fields.
func Int32(n int32) *int32 { return &n }
