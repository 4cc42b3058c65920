package cdc

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gonnect/gonnect/schemas"
)

// ValueConverter turns a database value (as the dialect's reader delivers it) into the
// Connect value of the column's schema. It returns an error naming what was wrong; it
// never panics on unexpected input.
type ValueConverter func(v any) (any, error)

// ColumnMapper maps a column to its Connect field schema and converter. Each dialect
// (MySQL, Oracle) implements it with its type table and handling modes. The schema must
// be optional iff the column is, and carry the converted default.
type ColumnMapper interface {
	MapColumn(t *Table, c *Column) (*schemas.Schema, ValueConverter, error)
}

// TableSchema is a table's Connect side: topic, Key/Value/Envelope schemas and how to
// turn a row (values in column order) into key and value structs. It is immutable and
// safe for concurrent use.
type TableSchema struct {
	Table    *Table
	Topic    string
	Key      *schemas.Schema // nil when the table has no key
	Value    *schemas.Schema
	Envelope *schemas.Schema

	keyIdx  []int // row index of each key field
	valIdx  []int // row index of each value field
	keyConv []ValueConverter
	valConv []ValueConverter
	keyBox  []BoxingConverter // nil, or per key field (nil entries: keyConv's)
	valBox  []BoxingConverter // nil, or per value field (nil entries: valConv's)
	scratch []bool            // per column: see Scratch
}

// TableSchemaOptions tune BuildTableSchema.
type TableSchemaOptions struct {
	// ColumnIncluded filters value columns (nil keeps all). Key columns are kept in the
	// key even when excluded from the value.
	ColumnIncluded func(column string) bool
	// KeyColumns replaces the primary key (message.key.columns); unknown names are
	// ignored and the primary key is used when none matches.
	KeyColumns []string
}

// BuildTableSchema builds the Connect schemas of t for topic, with source as the
// envelope's source schema.
func BuildTableSchema(t *Table, topic string, source *schemas.Schema, m ColumnMapper, o TableSchemaOptions) (*TableSchema, error) {
	ts := &TableSchema{Table: t, Topic: topic}
	vb := schemas.StructBuilder().Name(topic + ".Value").Optional()
	fieldSchemas := make([]*schemas.Schema, len(t.Columns))
	convs := make([]ValueConverter, len(t.Columns))
	bm, boxing := m.(BoxingColumnMapper)
	var boxes []BoxingConverter
	if boxing {
		boxes = make([]BoxingConverter, len(t.Columns))
	}
	for i := range t.Columns {
		c := &t.Columns[i]
		s, conv, err := m.MapColumn(t, c)
		if err != nil {
			return nil, fmt.Errorf("table %s column %s (%s): %w", t.ID, c.Name, c.TypeName, err)
		}
		fieldSchemas[i], convs[i] = s, conv
		if boxing && conv != nil {
			boxes[i] = bm.BoxingConverter(t, c, s)
		}
		if o.ColumnIncluded != nil && !o.ColumnIncluded(c.Name) {
			continue
		}
		vb.Field(c.Name, s)
		ts.valIdx = append(ts.valIdx, i)
		ts.valConv = append(ts.valConv, conv)
		if boxing {
			ts.valBox = append(ts.valBox, boxes[i])
		}
	}
	v, err := vb.Build()
	if err != nil {
		return nil, fmt.Errorf("table %s value schema: %w", t.ID, err)
	}
	ts.Value = v
	keyCols := resolveKey(t, o.KeyColumns)
	if len(keyCols) > 0 {
		kb := schemas.StructBuilder().Name(topic + ".Key")
		for _, i := range keyCols {
			kb.Field(t.Columns[i].Name, fieldSchemas[i])
			ts.keyIdx = append(ts.keyIdx, i)
			ts.keyConv = append(ts.keyConv, convs[i])
			if boxing {
				ts.keyBox = append(ts.keyBox, boxes[i])
			}
		}
		if ts.Key, err = kb.Build(); err != nil {
			return nil, fmt.Errorf("table %s key schema: %w", t.ID, err)
		}
	}
	if ts.Envelope, err = EnvelopeSchema(topic, v, source); err != nil {
		return nil, err
	}
	ts.scratch = make([]bool, len(t.Columns))
	for i := range ts.scratch {
		ts.scratch[i] = boxing && boxes[i] != nil || !slices.Contains(ts.valIdx, i) && !slices.Contains(ts.keyIdx, i)
	}
	return ts, nil
}

// Scratch reports whether Records never keeps the row value of column i (0-based, in
// column order) nor anything that shares its memory: the column has a boxing
// converter, which makes a new value, or is in neither the key nor the value. A
// reader may reuse the memory of such a value once Records returned.
func (ts *TableSchema) Scratch(i int) bool {
	return i >= 0 && i < len(ts.scratch) && ts.scratch[i]
}

func resolveKey(t *Table, override []string) []int {
	pick := func(names []string) []int {
		var out []int
		for _, n := range names {
			for i := range t.Columns {
				if strings.EqualFold(t.Columns[i].Name, n) {
					out = append(out, i)
					break
				}
			}
		}
		return out
	}
	if len(override) > 0 {
		if idx := pick(override); len(idx) > 0 {
			return idx
		}
	}
	return pick(t.PrimaryKey)
}

// RowError is a conversion failure of one column value.
type RowError struct {
	Table  TableID
	Column string
	Err    error
}

func (e *RowError) Error() string {
	return fmt.Sprintf("table %s column %s: %v", e.Table, e.Column, e.Err)
}
func (e *RowError) Unwrap() error { return e.Err }

// KeyStruct returns the key of a row (values in column order), or nil when the table
// has no key.
func (ts *TableSchema) KeyStruct(row []any) (*schemas.Struct, error) {
	if ts.Key == nil {
		return nil, nil
	}
	return ts.build(ts.Key, ts.keyIdx, ts.keyConv, row)
}

// ValueStruct returns the "<topic>.Value" struct of a row.
func (ts *TableSchema) ValueStruct(row []any) (*schemas.Struct, error) {
	return ts.build(ts.Value, ts.valIdx, ts.valConv, row)
}

func (ts *TableSchema) build(s *schemas.Schema, idx []int, conv []ValueConverter, row []any) (*schemas.Struct, error) {
	st := schemas.NewStruct(s)
	if err := ts.fill(st, idx, conv, nil, row, nil); err != nil {
		return nil, err
	}
	return st, nil
}

// fill sets the fields of st (the key or value struct; idx, conv and box are its
// columns) from row, boxing with boxes where a column has a boxing converter.
func (ts *TableSchema) fill(st *schemas.Struct, idx []int, conv []ValueConverter, box []BoxingConverter, row []any, boxes *Boxes) error {
	s := st.Schema()
	for fi, ri := range idx {
		if ri >= len(row) {
			return &RowError{ts.Table.ID, ts.Table.Columns[ri].Name, fmt.Errorf("row has %d values, column position is %d", len(row), ri+1)}
		}
		v := row[ri]
		if v != nil && conv[fi] != nil {
			var err error
			if box != nil && box[fi] != nil {
				v, err = box[fi](v, boxes)
			} else {
				v, err = conv[fi](v)
			}
			if err != nil {
				return &RowError{ts.Table.ID, ts.Table.Columns[ri].Name, err}
			}
		}
		if v == nil && !s.Fields[fi].Schema.Optional && s.Fields[fi].Schema.Default == nil {
			return &RowError{ts.Table.ID, ts.Table.Columns[ri].Name, fmt.Errorf("null value for a NOT NULL column")}
		}
		st.SetIndex(fi, v)
	}
	return nil
}
