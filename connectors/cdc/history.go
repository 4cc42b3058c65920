package cdc

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ChangeType is a tableChanges entry's type.
type ChangeType string

// Table change types.
const (
	ChangeCreate ChangeType = "CREATE"
	ChangeAlter  ChangeType = "ALTER"
	ChangeDrop   ChangeType = "DROP"
)

// TableChange is one entry of a history record's tableChanges.
type TableChange struct {
	Type       ChangeType
	ID         TableID
	PreviousID *TableID // rename only
	Table      *Table   // nil for DROP
}

// HistoryRecord is one record of the schema history topic (§2.8): a DDL statement with
// the offset at which it applied and the structural table changes it made.
type HistoryRecord struct {
	Source       map[string]any // {"server": "<topic.prefix>"}
	Position     map[string]any // the full offset map at that DDL
	TsMs         int64
	DatabaseName string
	SchemaName   string // Oracle only; omitted when empty
	DDL          string
	TableChanges []TableChange
}

type jsonRecord struct {
	Source       map[string]any    `json:"source"`
	Position     map[string]any    `json:"position"`
	TsMs         int64             `json:"ts_ms"`
	DatabaseName string            `json:"databaseName"`
	SchemaName   *string           `json:"schemaName,omitempty"`
	DDL          string            `json:"ddl"`
	TableChanges []jsonTableChange `json:"tableChanges"`
}

type jsonTableChange struct {
	Type       string     `json:"type"`
	ID         string     `json:"id"`
	PreviousID *string    `json:"previousId,omitempty"`
	Table      *jsonTable `json:"table"`
	Comment    *string    `json:"comment"`
}

type jsonTable struct {
	DefaultCharsetName    *string      `json:"defaultCharsetName"`
	PrimaryKeyColumnNames []string     `json:"primaryKeyColumnNames"`
	Columns               []jsonColumn `json:"columns"`
	Attributes            []Attribute  `json:"attributes"`
}

type jsonColumn struct {
	Name                   string   `json:"name"`
	JDBCType               int32    `json:"jdbcType"`
	NativeType             *int32   `json:"nativeType,omitempty"`
	TypeName               string   `json:"typeName"`
	TypeExpression         string   `json:"typeExpression"`
	CharsetName            *string  `json:"charsetName"`
	Length                 *int32   `json:"length,omitempty"`
	Scale                  *int32   `json:"scale,omitempty"`
	Position               int32    `json:"position"`
	Optional               bool     `json:"optional"`
	AutoIncremented        bool     `json:"autoIncremented"`
	Generated              bool     `json:"generated"`
	Comment                *string  `json:"comment"`
	HasDefaultValue        bool     `json:"hasDefaultValue"`
	DefaultValueExpression *string  `json:"defaultValueExpression,omitempty"`
	EnumValues             []string `json:"enumValues,omitempty"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// MarshalJSON renders the record as Debezium's KafkaSchemaHistory writes it.
func (r *HistoryRecord) MarshalJSON() ([]byte, error) {
	jr := jsonRecord{Source: r.Source, Position: r.Position, TsMs: r.TsMs, DatabaseName: r.DatabaseName,
		SchemaName: nullable(r.SchemaName), DDL: r.DDL, TableChanges: []jsonTableChange{}}
	for _, tc := range r.TableChanges {
		j := jsonTableChange{Type: string(tc.Type), ID: tc.ID.Quoted()}
		if tc.PreviousID != nil {
			p := tc.PreviousID.Quoted()
			j.PreviousID = &p
		}
		t := tc.Table
		if t == nil {
			t = &Table{ID: tc.ID}
		}
		j.Comment = nullable(t.Comment)
		jt := &jsonTable{DefaultCharsetName: nullable(t.DefaultCharset), PrimaryKeyColumnNames: append([]string{}, t.PrimaryKey...),
			Columns: []jsonColumn{}, Attributes: append([]Attribute{}, t.Attributes...)}
		for _, c := range t.Columns {
			jt.Columns = append(jt.Columns, jsonColumn{Name: c.Name, JDBCType: c.JDBCType, NativeType: c.NativeType,
				TypeName: c.TypeName, TypeExpression: c.TypeExpression, CharsetName: nullable(c.Charset),
				Length: c.Length, Scale: c.Scale, Position: c.Position, Optional: c.Optional,
				AutoIncremented: c.AutoIncremented, Generated: c.Generated, Comment: nullable(c.Comment),
				HasDefaultValue: c.HasDefault, DefaultValueExpression: c.DefaultExpr, EnumValues: c.EnumValues})
		}
		j.Table = jt
		jr.TableChanges = append(jr.TableChanges, j)
	}
	return json.Marshal(jr)
}

// UnmarshalHistoryRecord parses a history record written by Debezium or Gonnect. Two-part
// ids are read as catalog.table when catalogFirst (MySQL) and schema.table otherwise.
func UnmarshalHistoryRecord(b []byte, catalogFirst bool) (*HistoryRecord, error) {
	var jr jsonRecord
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&jr); err != nil {
		return nil, fmt.Errorf("decoding schema history record: %w", err)
	}
	r := &HistoryRecord{Source: jr.Source, Position: normalizeNumbers(jr.Position), TsMs: jr.TsMs,
		DatabaseName: jr.DatabaseName, SchemaName: deref(jr.SchemaName), DDL: jr.DDL}
	for i, j := range jr.TableChanges {
		tc := TableChange{Type: ChangeType(j.Type), ID: ParseQuotedTableID(j.ID, catalogFirst)}
		switch tc.Type {
		case ChangeCreate, ChangeAlter, ChangeDrop:
		default:
			return nil, fmt.Errorf("schema history record: tableChanges[%d].type %q is not CREATE, ALTER or DROP", i, j.Type)
		}
		if j.PreviousID != nil {
			p := ParseQuotedTableID(*j.PreviousID, catalogFirst)
			tc.PreviousID = &p
		}
		if j.Table != nil && tc.Type != ChangeDrop {
			t := &Table{ID: tc.ID, DefaultCharset: deref(j.Table.DefaultCharsetName), PrimaryKey: j.Table.PrimaryKeyColumnNames,
				Comment: deref(j.Comment), Attributes: j.Table.Attributes}
			for _, c := range j.Table.Columns {
				t.Columns = append(t.Columns, Column{Name: c.Name, JDBCType: c.JDBCType, NativeType: c.NativeType,
					TypeName: c.TypeName, TypeExpression: c.TypeExpression, Charset: deref(c.CharsetName),
					Length: c.Length, Scale: c.Scale, Position: c.Position, Optional: c.Optional,
					AutoIncremented: c.AutoIncremented, Generated: c.Generated, Comment: deref(c.Comment),
					HasDefault: c.HasDefaultValue, DefaultExpr: c.DefaultValueExpression, EnumValues: c.EnumValues})
			}
			tc.Table = t
		}
		r.TableChanges = append(r.TableChanges, tc)
	}
	return r, nil
}

// normalizeNumbers turns json.Number values into int64 (or float64 when fractional).
func normalizeNumbers(m map[string]any) map[string]any {
	for k, v := range m {
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				m[k] = i
			} else if f, err := n.Float64(); err == nil {
				m[k] = f
			}
		}
	}
	return m
}

// Tables is an in-memory schema: the tables known at a point of the log.
type Tables map[TableID]*Table

// Apply applies a record's tableChanges structurally (CREATE/ALTER overwrite, ALTER with
// previousId renames, DROP removes). It reports whether there were any.
func (ts Tables) Apply(r *HistoryRecord) bool {
	for _, tc := range r.TableChanges {
		switch tc.Type {
		case ChangeDrop:
			delete(ts, tc.ID)
		default:
			if tc.PreviousID != nil {
				delete(ts, *tc.PreviousID)
			}
			if tc.Table != nil {
				t := tc.Table.Clone()
				t.ID = tc.ID
				ts[tc.ID] = t
			}
		}
	}
	return len(r.TableChanges) > 0
}
