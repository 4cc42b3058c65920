package mysql

import (
	"unsafe"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/gonnect/gonnect/connectors/cdc"
)

// rowCopier copies streamed text-protocol rows out of the packet buffer that the next
// row reuses, with as few allocations per row as the values allow (a snapshot row of
// the W1 table went from 14 to 9):
//   - the rows' value slices are cut from one arena of rowBatch rows;
//   - text (character columns, DECIMAL, dates and times) becomes a string whose bytes
//     are cut from a shared byte arena, so the converters use it as is (toString keeps
//     the box) instead of converting []byte again; binary columns (charset binary:
//     BINARY, BLOB, BIT, GEOMETRY...) stay []byte, cut from the same arena;
//   - signed integers are boxed as the Go type of their column's Connect schema
//     (TINYINT int8, SMALLINT int16, MEDIUMINT and INT int32), which the converters keep;
//   - strings, BIGINTs and floating-point values are boxed into slabs (cdc.Boxes), not
//     one heap allocation each (BenchmarkSnapshotRow10: 20 -> 9 allocations per row).
//
// The arenas are never written again once a value was cut from them, so values stay
// valid however long records keep them. A copier is used by one goroutine.
type rowCopier struct {
	arena []any
	bytes []byte
	kinds []valueKind // per column of fields
	of    *gmysql.Field
	boxes cdc.Boxes
}

// valueKind is how a column's text-protocol value is copied.
type valueKind uint8

const (
	kindAsIs   valueKind = iota // FieldValue.Value (unsigned, float, YEAR, BIGINT)
	kindText                    // string
	kindBinary                  // []byte
	kindInt8
	kindInt16
	kindInt32
)

// binaryCharset is the collation id of the binary character set.
const binaryCharset = 63

// byteArena is the size of one byte arena; longer values get their own.
const byteArena = 32 << 10

func kindOf(f *gmysql.Field) valueKind {
	switch f.Type {
	case gmysql.MYSQL_TYPE_TINY:
		return kindInt8
	case gmysql.MYSQL_TYPE_SHORT:
		return kindInt16
	case gmysql.MYSQL_TYPE_INT24, gmysql.MYSQL_TYPE_LONG:
		return kindInt32
	case gmysql.MYSQL_TYPE_DECIMAL, gmysql.MYSQL_TYPE_NEWDECIMAL, gmysql.MYSQL_TYPE_DATE, gmysql.MYSQL_TYPE_NEWDATE,
		gmysql.MYSQL_TYPE_DATETIME, gmysql.MYSQL_TYPE_DATETIME2, gmysql.MYSQL_TYPE_TIMESTAMP, gmysql.MYSQL_TYPE_TIMESTAMP2,
		gmysql.MYSQL_TYPE_TIME, gmysql.MYSQL_TYPE_TIME2:
		return kindText
	case gmysql.MYSQL_TYPE_VARCHAR, gmysql.MYSQL_TYPE_VAR_STRING, gmysql.MYSQL_TYPE_STRING, gmysql.MYSQL_TYPE_ENUM,
		gmysql.MYSQL_TYPE_SET, gmysql.MYSQL_TYPE_TINY_BLOB, gmysql.MYSQL_TYPE_MEDIUM_BLOB, gmysql.MYSQL_TYPE_LONG_BLOB,
		gmysql.MYSQL_TYPE_BLOB, gmysql.MYSQL_TYPE_JSON:
		if f.Charset != binaryCharset {
			return kindText
		}
	}
	return kindBinary
}

// copy returns row's values, each copied and boxed once. fields are the result set's
// columns (the same for every row of a result set).
func (c *rowCopier) copy(fields []*gmysql.Field, row []gmysql.FieldValue) []any {
	return c.copyTo(nil, nil, fields, row)
}

// copyTo is copy with the row's value slots, and the text of the columns whose scratch
// entry is true, cut from batch b (see snapBatch) while it has room; nil b is copy.
func (c *rowCopier) copyTo(b *snapBatch, scratch []bool, fields []*gmysql.Field, row []gmysql.FieldValue) []any {
	if len(fields) != len(row) {
		fields = nil // cannot happen with go-mysql; copy the generic way
	}
	if len(fields) > 0 && (len(c.kinds) != len(fields) || c.of != fields[0]) {
		c.kinds = c.kinds[:0]
		for _, f := range fields {
			c.kinds = append(c.kinds, kindOf(f))
		}
		c.of = fields[0]
	}
	var vals []any
	if b != nil {
		vals = b.row(len(row))
	}
	if vals == nil {
		if len(c.arena) < len(row) {
			c.arena = make([]any, len(row)*rowBatch)
		}
		vals = c.arena[:len(row):len(row)]
		c.arena = c.arena[len(row):]
	}
	for i := range row {
		v := &row[i]
		kind := kindAsIs
		if fields != nil {
			kind = c.kinds[i]
		}
		switch v.Type {
		case gmysql.FieldValueTypeNull:
			vals[i] = nil
		case gmysql.FieldValueTypeString:
			if b != nil && kind == kindText && i < len(scratch) && scratch[i] {
				if s, ok := b.scratchString(v.AsString()); ok {
					vals[i] = s
					continue
				}
			}
			b := c.cut(v.AsString())
			if kind == kindText {
				vals[i] = c.boxes.String(unsafe.String(unsafe.SliceData(b), len(b)))
			} else {
				vals[i] = b
			}
		case gmysql.FieldValueTypeSigned:
			vals[i] = c.signed(kind, v.AsInt64())
		case gmysql.FieldValueTypeFloat:
			vals[i] = c.boxes.Float64(v.AsFloat64())
		default:
			vals[i] = v.Value()
		}
	}
	return vals
}

// signed is a signed integer column's value as the snapshot's rows carry it: the
// column's own width for TINYINT, SMALLINT and INT (MEDIUMINT and INT both int32),
// else a slab-boxed int64.
func (c *rowCopier) signed(kind valueKind, n int64) any {
	switch kind {
	case kindInt8:
		return int8(n)
	case kindInt16:
		return int16(n)
	case kindInt32:
		return int32(n)
	}
	return c.boxes.Int64(n)
}

// cut copies b into the byte arena and returns the copy (capacity = length, so an
// append never writes into the next value).
func (c *rowCopier) cut(b []byte) []byte {
	if len(b) == 0 {
		return []byte{}
	}
	if len(b) > byteArena/4 {
		return append([]byte(nil), b...)
	}
	if len(c.bytes) < len(b) {
		c.bytes = make([]byte, byteArena)
	}
	out := c.bytes[:len(b):len(b)]
	copy(out, b)
	c.bytes = c.bytes[len(b):]
	return out
}
