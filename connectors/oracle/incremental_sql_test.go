package oracle

import (
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/oracle/sqlredo"
)

func TestChunkQuery(t *testing.T) {
	cols := []struct{ name, typ string }{{"REGION", "VARCHAR2(8)"}, {"ID", "NUMBER(10)"}, {"AT", "DATE"}, {"V", "VARCHAR2(20)"}}
	ti := &TableInfo{Table: newTestTable(t, "FINX", "T", cols, "REGION", "ID", "AT")}
	tests := []struct {
		name     string
		after    []any
		want     string
		wantArgs []any
	}{
		{name: "first chunk", want: `SELECT "REGION", TO_CHAR("ID", 'TM9'), TO_CHAR("AT", 'YYYY-MM-DD HH24:MI:SS'), "V" FROM "FINX"."T" ORDER BY "REGION", "ID", "AT" FETCH FIRST 3 ROWS ONLY`},
		{name: "after a composite key, each bind converted to its column type",
			after: []any{sqlredo.Value{Kind: sqlredo.String, Text: "EU"}, sqlredo.Value{Kind: sqlredo.String, Text: "42"}, sqlredo.Value{Kind: sqlredo.Date, Text: "2025-06-01 10:00:00"}},
			want: `SELECT "REGION", TO_CHAR("ID", 'TM9'), TO_CHAR("AT", 'YYYY-MM-DD HH24:MI:SS'), "V" FROM "FINX"."T" WHERE ("REGION" > :1) OR ("REGION" = :2 AND "ID" > TO_NUMBER(:3)) OR ` +
				`("REGION" = :4 AND "ID" = TO_NUMBER(:5) AND "AT" > TO_DATE(:6, 'YYYY-MM-DD HH24:MI:SS')) ORDER BY "REGION", "ID", "AT" FETCH FIRST 3 ROWS ONLY`,
			wantArgs: []any{"EU", "EU", "42", "EU", "42", "2025-06-01 10:00:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, _, args := chunkQuery(ti, tt.after, 3, false)
			if q != tt.want {
				t.Errorf("query:\n%s\nwant:\n%s", q, tt.want)
			}
			if strings.Join(strs(args), "|") != strings.Join(strs(tt.wantArgs), "|") {
				t.Errorf("args %v, want %v", args, tt.wantArgs)
			}
		})
	}
}

func strs(xs []any) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.(string)
	}
	return out
}

func newTestTable(t *testing.T, owner, name string, cols []struct{ name, typ string }, pk ...string) *cdc.Table {
	t.Helper()
	tb := &cdc.Table{ID: cdc.TableID{Schema: owner, Table: name}, PrimaryKey: pk}
	for i, c := range cols {
		col, err := NewColumn(c.name, c.typ, true, i+1)
		if err != nil {
			t.Fatal(err)
		}
		tb.Columns = append(tb.Columns, col)
	}
	return tb
}
