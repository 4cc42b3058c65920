package oracle

import "github.com/gonnect/gonnect/connectors/cdc"

// historySpelling is how Debezium's Oracle DDL parser (ColumnDefinitionParserListener)
// records a column type in the schema history's tableChanges: the type name, the
// java.sql.Types / OracleTypes code, and length and scale with the parser's
// defaults. The type expression equals the type name (Debezium's ColumnEditor.type
// sets both). Gonnect writes this spelling for snapshot and streaming records
// alike, so a Java connector taking over rebuilds the same Connect schemas: its
// value converters read only the name, the code, the length and whether a scale
// is present.
type historySpelling struct {
	name          string
	jdbc          int32
	length, scale *int32
}

// spelling returns the history spelling of t (facts from Debezium's parser):
//
//   - NUMBER: NUMERIC (2); without precision length 38 and no scale (variable
//     scale); NUMBER(p) scale 0; NUMBER(*) length 38 scale 0. NUMBER(*,s) is
//     written length 38 scale s: Debezium's parser drops that scale (it reads a
//     scale only after a numeric precision) and would then decode 1.25 as an
//     integer, so Gonnect keeps the scale the column really has.
//   - INTEGER, INT, SMALLINT, DECIMAL, NUMERIC: NUMBER, length 38 scale 0 unless given.
//   - FLOAT and DOUBLE PRECISION: FLOAT (6), length 126 unless given; REAL: FLOAT length 63.
//   - VARCHAR2 and VARCHAR: VARCHAR2 (12), length 4000 unless given; NVARCHAR2 (-9)
//     likewise; CHAR (1) and NCHAR (-15) length 1 unless given.
//   - DATE: TIMESTAMP (93), no length. TIMESTAMP (93), WITH TIME ZONE (-101),
//     WITH LOCAL TIME ZONE (-102): length = fractional digits, 6 unless given.
//   - INTERVAL YEAR TO MONTH (-103): length 2 unless given. INTERVAL DAY TO
//     SECOND (-104): length 2 and scale 6 unless given.
//   - BINARY_FLOAT (100), BINARY_DOUBLE (101), BLOB (2004), CLOB (2005), NCLOB
//     (2011), XMLTYPE (2009), ROWID (12): no length. RAW (-2): length as given.
//     SDO_GEOMETRY: OTHER (1111) length 1. Anything else: OTHER with its name.
func spelling(t ColumnType) historySpelling {
	i := cdc.Int32
	h := historySpelling{name: t.Name, jdbc: cdc.JDBCOther, length: t.Precision, scale: t.Scale}
	switch t.Name {
	case "NUMBER":
		h.jdbc = cdc.JDBCNumeric
		switch {
		case t.Precision == nil:
			h.length, h.scale = i(38), nil
		case t.Scale == nil:
			h.scale = i(0)
		}
	case "FLOAT", "DOUBLE PRECISION":
		h.name, h.jdbc = "FLOAT", cdc.JDBCFloat
		if h.length == nil {
			h.length = i(126)
		}
		h.scale = nil
	case "REAL":
		h.name, h.jdbc, h.length, h.scale = "FLOAT", cdc.JDBCFloat, i(63), nil
	case "VARCHAR2", "VARCHAR", "NVARCHAR2":
		h.name, h.jdbc = "VARCHAR2", cdc.JDBCVarchar
		if t.Name == "NVARCHAR2" {
			h.name, h.jdbc = "NVARCHAR2", cdc.JDBCNVarchar
		}
		if h.length == nil {
			h.length = i(4000)
		}
	case "CHAR", "NCHAR":
		h.jdbc = cdc.JDBCChar
		if t.Name == "NCHAR" {
			h.jdbc = cdc.JDBCNChar
		}
		if h.length == nil {
			h.length = i(1)
		}
	case "DATE":
		h.jdbc, h.length, h.scale = cdc.JDBCTimestamp, nil, nil
	case "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITH LOCAL TIME ZONE":
		h.jdbc = map[string]int32{"TIMESTAMP": cdc.JDBCTimestamp, "TIMESTAMP WITH TIME ZONE": -101, "TIMESTAMP WITH LOCAL TIME ZONE": -102}[t.Name]
		if h.length == nil {
			h.length = i(6)
		}
		h.scale = nil
	case "INTERVAL YEAR TO MONTH":
		h.jdbc = -103
		if h.length == nil {
			h.length = i(2)
		}
		h.scale = nil
	case "INTERVAL DAY TO SECOND":
		h.jdbc = -104
		if h.length == nil {
			h.length = i(2)
		}
		if h.scale == nil {
			h.scale = i(6)
		}
	case "SDO_GEOMETRY", "MDSYS.SDO_GEOMETRY":
		h.jdbc, h.length, h.scale = cdc.JDBCOther, i(1), nil
	default:
		h.jdbc = t.jdbcType()
		if h.jdbc != cdc.JDBCBinary { // RAW keeps its length
			h.length, h.scale = nil, nil
		}
		if h.jdbc == cdc.JDBCOther {
			h.length, h.scale = t.Precision, t.Scale
		}
	}
	return h
}

// NewCatalogColumn builds the column of a table read from the data dictionary (the
// snapshot's schema and re-reads after unparseable DDL). It is NewColumn except for
// the spellings Debezium takes from JDBC metadata there rather than from its DDL
// parser: the TIMESTAMP and INTERVAL families keep the dictionary's DATA_TYPE, with
// their precisions, as typeName and typeExpression ("TIMESTAMP(6)",
// "TIMESTAMP(6) WITH TIME ZONE", "INTERVAL DAY(2) TO SECOND(6)"); a TIMESTAMP's
// length is its fractional digits (Debezium's OracleConnection.overrideColumn).
func NewCatalogColumn(name, oracleType string, nullable bool, position int) (cdc.Column, error) {
	c, err := NewColumn(name, oracleType, nullable, position)
	if err != nil {
		return c, err
	}
	switch c.JDBCType {
	case cdc.JDBCTimestamp, -101, -102, -103, -104:
		if c.TypeName == "DATE" {
			break
		}
		full := ColumnType{Name: c.TypeName, Precision: c.Length, Scale: c.Scale}.String()
		c.TypeName, c.TypeExpression = full, full
	}
	return c, nil
}
