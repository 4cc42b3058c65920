package cdc

import (
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/schemas"
)

// testMapper maps by JDBC type only; enough to exercise the table-schema plumbing.
type testMapper struct{}

func (testMapper) MapColumn(_ *Table, c *Column) (*schemas.Schema, ValueConverter, error) {
	var s *schemas.Schema
	switch c.JDBCType {
	case JDBCInteger:
		s = schemas.PrimitiveSchema(schemas.Int32, c.Optional)
	default:
		s = schemas.PrimitiveSchema(schemas.String, c.Optional)
	}
	return s, nil, nil
}

func testTable() *Table {
	return &Table{ID: TableID{Catalog: "inv", Table: "customers"}, PrimaryKey: []string{"id"},
		Columns: []Column{
			{Name: "id", JDBCType: JDBCInteger, TypeName: "INT", Position: 1},
			{Name: "email", JDBCType: JDBCVarchar, TypeName: "VARCHAR", Length: Int32(255), Position: 2, Optional: true, Charset: "utf8mb4"},
			{Name: "secret", JDBCType: JDBCVarchar, TypeName: "VARCHAR", Position: 3, Optional: true},
		}}
}

func testSource() *schemas.Schema {
	return SourceSchemaBuilder("io.debezium.connector.mysql.Source").Field("file", schemas.StringSchema).Schema()
}

func TestRecords(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	ts, err := BuildTableSchema(testTable(), "db1.inv.customers", testSource(), testMapper{},
		TableSchemaOptions{ColumnIncluded: func(c string) bool { return c != "secret" }})
	if err != nil {
		t.Fatal(err)
	}
	src := NewSourceStruct(testSource(), SourceCommon{Connector: "mysql", Name: "db1", Ts: now, DB: "inv"})
	src.SetIndex(SourceCommonFields, "bin.000001")
	row := func(id int32, email string) []any { return []any{id, email, "x"} }
	tests := []struct {
		name   string
		change Change
		opts   EmitOptions
	}{
		{name: "create", change: Change{Op: OpCreate, After: row(1, "a@x")}},
		{name: "update same key", change: Change{Op: OpUpdate, Before: row(1, "a@x"), After: row(1, "b@x")}},
		{name: "update key change with tombstone", change: Change{Op: OpUpdate, Before: row(1, "a@x"), After: row(2, "a@x")}, opts: EmitOptions{Tombstones: true}},
		{name: "delete with tombstone", change: Change{Op: OpDelete, Before: row(1, "a@x")}, opts: EmitOptions{Tombstones: true}},
		{name: "delete skipped", change: Change{Op: OpDelete, Before: row(1, "a@x")}, opts: EmitOptions{Skipped: SkippedOps{OpDelete: true}}},
		{name: "truncate", change: Change{Op: OpTruncate}},
		{name: "read with tx", change: Change{Op: OpRead, After: row(3, "c@x"), Tx: &TxBlock{ID: "0-1-5", TotalOrder: 1, DataCollectionOrder: 1}}},
	}
	var got []any
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ch := tc.change
			ch.Source, ch.Now = src, now
			ch.Partition = map[string]any{"server": "db1"}
			recs, err := ts.Records(ch, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			out := []any{}
			for _, r := range recs {
				out = append(out, cdctest.Record(r, false, nil))
			}
			got = append(got, map[string]any{"case": tc.name, "records": out})
		})
	}
	cdctest.Golden(t, "records.json", got)
	cdctest.Golden(t, "schemas.json", map[string]string{
		"key": cdctest.SchemaSummary(ts.Key), "envelope": cdctest.SchemaSummary(ts.Envelope),
	})
}

func TestRecordsNullInNotNull(t *testing.T) {
	ts, err := BuildTableSchema(testTable(), "p.inv.customers", testSource(), testMapper{}, TableSchemaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ts.Records(Change{Op: OpCreate, After: []any{nil, "a", "b"}, Source: NewSourceStruct(testSource(), SourceCommon{})}, EmitOptions{})
	if err == nil || err.Error() != "table inv.customers column id: null value for a NOT NULL column" {
		t.Fatalf("got %v", err)
	}
	_, err = ts.Records(Change{Op: OpCreate, After: []any{int32(1)}, Source: NewSourceStruct(testSource(), SourceCommon{})}, EmitOptions{})
	if err == nil {
		t.Fatal("short row accepted")
	}
}
