package cdc

import "github.com/gonnect/gonnect/schemas"

// BoxingConverter is a ValueConverter that boxes the Connect value it returns with b
// (nil: the ordinary way). It returns exactly what the column's ValueConverter returns
// for the same input, and never a value that shares memory with its input (readers
// reuse the memory of such columns' values once Records returned: TableSchema.Scratch).
type BoxingConverter func(v any, b *Boxes) (any, error)

// BoxingColumnMapper is a ColumnMapper that also has boxing converters for some
// columns. BuildTableSchema asks it once per column, after MapColumn; Records uses the
// boxing converter with the Change's Boxes where there is one.
type BoxingColumnMapper interface {
	ColumnMapper
	// BoxingConverter returns the boxing converter of c, whose field schema MapColumn
	// returned as s, or nil when the column has none.
	BoxingConverter(t *Table, c *Column, s *schemas.Schema) BoxingConverter
}
