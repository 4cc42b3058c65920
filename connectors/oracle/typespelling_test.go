package oracle_test

import (
	"encoding/json"
	"testing"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/oracle"
)

// TestHistoryColumnSpellings pins the tableChanges column of every Oracle type as
// Debezium's Oracle DDL parser (ColumnDefinitionParserListener) writes it: typeName,
// jdbcType, length, scale and typeExpression (= typeName). The golden file was written
// from those facts; a Java connector reading Gonnect's history builds the same schemas.
func TestHistoryColumnSpellings(t *testing.T) {
	tests := []struct {
		name, ddl             string
		wantType              string
		wantJDBC              int32
		wantLength, wantScale *int32
	}{
		{name: "number without precision", ddl: "NUMBER", wantType: "NUMBER", wantJDBC: 2, wantLength: cdc.Int32(38)},
		{name: "number precision", ddl: "NUMBER(10)", wantType: "NUMBER", wantJDBC: 2, wantLength: cdc.Int32(10), wantScale: cdc.Int32(0)},
		{name: "number precision scale", ddl: "NUMBER(12,2)", wantType: "NUMBER", wantJDBC: 2, wantLength: cdc.Int32(12), wantScale: cdc.Int32(2)},
		{name: "number negative scale", ddl: "NUMBER(6,-2)", wantType: "NUMBER", wantJDBC: 2, wantLength: cdc.Int32(6), wantScale: cdc.Int32(-2)},
		{name: "number star", ddl: "NUMBER(*)", wantType: "NUMBER", wantJDBC: 2, wantLength: cdc.Int32(38), wantScale: cdc.Int32(0)},
		{name: "integer", ddl: "INTEGER", wantType: "NUMBER", wantJDBC: 2, wantLength: cdc.Int32(38), wantScale: cdc.Int32(0)},
		{name: "decimal", ddl: "DECIMAL(9,3)", wantType: "NUMBER", wantJDBC: 2, wantLength: cdc.Int32(9), wantScale: cdc.Int32(3)},
		{name: "float", ddl: "FLOAT", wantType: "FLOAT", wantJDBC: 6, wantLength: cdc.Int32(126)},
		{name: "float precision", ddl: "FLOAT(63)", wantType: "FLOAT", wantJDBC: 6, wantLength: cdc.Int32(63)},
		{name: "real", ddl: "REAL", wantType: "FLOAT", wantJDBC: 6, wantLength: cdc.Int32(63)},
		{name: "double precision", ddl: "DOUBLE PRECISION", wantType: "FLOAT", wantJDBC: 6, wantLength: cdc.Int32(126)},
		{name: "binary float", ddl: "BINARY_FLOAT", wantType: "BINARY_FLOAT", wantJDBC: 100},
		{name: "binary double", ddl: "BINARY_DOUBLE", wantType: "BINARY_DOUBLE", wantJDBC: 101},
		{name: "varchar2", ddl: "VARCHAR2(100 CHAR)", wantType: "VARCHAR2", wantJDBC: 12, wantLength: cdc.Int32(100)},
		{name: "varchar is varchar2", ddl: "VARCHAR(20)", wantType: "VARCHAR2", wantJDBC: 12, wantLength: cdc.Int32(20)},
		{name: "nvarchar2", ddl: "NVARCHAR2(50)", wantType: "NVARCHAR2", wantJDBC: -9, wantLength: cdc.Int32(50)},
		{name: "char default length", ddl: "CHAR", wantType: "CHAR", wantJDBC: 1, wantLength: cdc.Int32(1)},
		{name: "nchar", ddl: "NCHAR(3)", wantType: "NCHAR", wantJDBC: -15, wantLength: cdc.Int32(3)},
		{name: "date", ddl: "DATE", wantType: "DATE", wantJDBC: 93},
		{name: "timestamp default", ddl: "TIMESTAMP", wantType: "TIMESTAMP", wantJDBC: 93, wantLength: cdc.Int32(6)},
		{name: "timestamp 3", ddl: "TIMESTAMP(3)", wantType: "TIMESTAMP", wantJDBC: 93, wantLength: cdc.Int32(3)},
		{name: "timestamp tz", ddl: "TIMESTAMP(9) WITH TIME ZONE", wantType: "TIMESTAMP WITH TIME ZONE", wantJDBC: -101, wantLength: cdc.Int32(9)},
		{name: "timestamp ltz", ddl: "TIMESTAMP WITH LOCAL TIME ZONE", wantType: "TIMESTAMP WITH LOCAL TIME ZONE", wantJDBC: -102, wantLength: cdc.Int32(6)},
		{name: "interval ym", ddl: "INTERVAL YEAR TO MONTH", wantType: "INTERVAL YEAR TO MONTH", wantJDBC: -103, wantLength: cdc.Int32(2)},
		{name: "interval ym precision", ddl: "INTERVAL YEAR(4) TO MONTH", wantType: "INTERVAL YEAR TO MONTH", wantJDBC: -103, wantLength: cdc.Int32(4)},
		{name: "interval ds", ddl: "INTERVAL DAY TO SECOND", wantType: "INTERVAL DAY TO SECOND", wantJDBC: -104, wantLength: cdc.Int32(2), wantScale: cdc.Int32(6)},
		{name: "interval ds precision", ddl: "INTERVAL DAY(3) TO SECOND(2)", wantType: "INTERVAL DAY TO SECOND", wantJDBC: -104, wantLength: cdc.Int32(3), wantScale: cdc.Int32(2)},
		{name: "raw", ddl: "RAW(16)", wantType: "RAW", wantJDBC: -2, wantLength: cdc.Int32(16)},
		{name: "blob", ddl: "BLOB", wantType: "BLOB", wantJDBC: 2004},
		{name: "clob", ddl: "CLOB", wantType: "CLOB", wantJDBC: 2005},
		{name: "nclob", ddl: "NCLOB", wantType: "NCLOB", wantJDBC: 2011},
		{name: "xmltype", ddl: "XMLTYPE", wantType: "XMLTYPE", wantJDBC: 2009},
		{name: "rowid", ddl: "ROWID", wantType: "ROWID", wantJDBC: 12},
		{name: "sdo_geometry", ddl: "SDO_GEOMETRY", wantType: "SDO_GEOMETRY", wantJDBC: 1111, wantLength: cdc.Int32(1)},
		{name: "long", ddl: "LONG", wantType: "LONG", wantJDBC: 1111},
	}
	eq := func(a, b *int32) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	show := func(p *int32) any {
		if p == nil {
			return nil
		}
		return *p
	}
	var cols []cdc.Column
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := oracle.NewColumn("C", tt.ddl, true, i+1)
			if err != nil {
				t.Fatal(err)
			}
			if c.TypeName != tt.wantType || c.TypeExpression != tt.wantType || c.JDBCType != tt.wantJDBC || !eq(c.Length, tt.wantLength) || !eq(c.Scale, tt.wantScale) {
				t.Errorf("%s: got typeName=%q typeExpression=%q jdbcType=%d length=%v scale=%v, want %q %d %v %v", tt.ddl,
					c.TypeName, c.TypeExpression, c.JDBCType, show(c.Length), show(c.Scale), tt.wantType, tt.wantJDBC, show(tt.wantLength), show(tt.wantScale))
			}
			c.Name = tt.ddl
			cols = append(cols, c)
		})
	}
	h := cdc.HistoryRecord{Source: map[string]any{"server": "corebank"}, Position: map[string]any{"scn": "1"}, DatabaseName: "ORCLPDB1",
		SchemaName: "FINX", DDL: "CREATE TABLE FINX.TYPES (...)", TableChanges: []cdc.TableChange{{Type: cdc.ChangeCreate,
			ID: cdc.TableID{Catalog: "ORCLPDB1", Schema: "FINX", Table: "TYPES"}, Table: &cdc.Table{ID: cdc.TableID{Catalog: "ORCLPDB1", Schema: "FINX", Table: "TYPES"}, Columns: cols}}}}
	b, err := json.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	cdctest.Golden(t, "golden/history-column-spellings.json", json.RawMessage(b))
}

// TestCatalogColumnSpellings: columns read from the dictionary (snapshot schema)
// carry the TIMESTAMP and INTERVAL spellings Debezium takes from JDBC metadata; every
// other type is spelled as by the DDL parser.
func TestCatalogColumnSpellings(t *testing.T) {
	tests := []struct {
		name, dataType, wantType string
		wantJDBC                 int32
		wantLength, wantScale    *int32
	}{
		{name: "timestamp", dataType: "TIMESTAMP(6)", wantType: "TIMESTAMP(6)", wantJDBC: 93, wantLength: cdc.Int32(6)},
		{name: "timestamp 3", dataType: "TIMESTAMP(3)", wantType: "TIMESTAMP(3)", wantJDBC: 93, wantLength: cdc.Int32(3)},
		{name: "timestamp tz", dataType: "TIMESTAMP(6) WITH TIME ZONE", wantType: "TIMESTAMP(6) WITH TIME ZONE", wantJDBC: -101, wantLength: cdc.Int32(6)},
		{name: "timestamp ltz", dataType: "TIMESTAMP(9) WITH LOCAL TIME ZONE", wantType: "TIMESTAMP(9) WITH LOCAL TIME ZONE", wantJDBC: -102, wantLength: cdc.Int32(9)},
		{name: "interval ds", dataType: "INTERVAL DAY(2) TO SECOND(6)", wantType: "INTERVAL DAY(2) TO SECOND(6)", wantJDBC: -104, wantLength: cdc.Int32(2), wantScale: cdc.Int32(6)},
		{name: "interval ym", dataType: "INTERVAL YEAR(2) TO MONTH", wantType: "INTERVAL YEAR(2) TO MONTH", wantJDBC: -103, wantLength: cdc.Int32(2)},
		{name: "date as the parser", dataType: "DATE", wantType: "DATE", wantJDBC: 93},
		{name: "number as the parser", dataType: "NUMBER(9,0)", wantType: "NUMBER", wantJDBC: 2, wantLength: cdc.Int32(9), wantScale: cdc.Int32(0)},
		{name: "varchar2 as the parser", dataType: "VARCHAR2(1000)", wantType: "VARCHAR2", wantJDBC: 12, wantLength: cdc.Int32(1000)},
	}
	eq := func(a, b *int32) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	var cols []cdc.Column
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := oracle.NewCatalogColumn("C", tt.dataType, true, i+1)
			if err != nil {
				t.Fatal(err)
			}
			if c.TypeName != tt.wantType || c.TypeExpression != tt.wantType || c.JDBCType != tt.wantJDBC || !eq(c.Length, tt.wantLength) || !eq(c.Scale, tt.wantScale) {
				t.Errorf("%s: got %q %q %d %v %v", tt.dataType, c.TypeName, c.TypeExpression, c.JDBCType, c.Length, c.Scale)
			}
			c.Name = tt.dataType
			cols = append(cols, c)
		})
	}
	id := cdc.TableID{Catalog: "ORCLPDB1", Schema: "FINX", Table: "TYPES"}
	h := cdc.HistoryRecord{Source: map[string]any{"server": "corebank"}, Position: map[string]any{"scn": "1"}, DatabaseName: "ORCLPDB1",
		SchemaName: "FINX", DDL: "CREATE TABLE FINX.TYPES (...)", TableChanges: []cdc.TableChange{{Type: cdc.ChangeCreate, ID: id, Table: &cdc.Table{ID: id, Columns: cols}}}}
	b, err := json.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	cdctest.Golden(t, "golden/history-column-spellings-snapshot.json", json.RawMessage(b))
}
