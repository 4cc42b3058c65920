package sqlredo

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseLOBLocator(t *testing.T) {
	decl := "DECLARE \n loc_c CLOB; \n buf_c VARCHAR2(6174); \n loc_b BLOB; \n buf_b RAW(6174); \n loc_nc NCLOB; \n buf_nc NVARCHAR2(6174); \nBEGIN\n"
	tests := []struct {
		name string
		sql  string
		want *LOBLocator
	}{
		{name: "clob", sql: decl + ` select "VAL_CLOB" into loc_c from "DEBEZIUM"."CLOB_TEST" where "ID" = '2' and "VAL_DATA" = 'Test2' for update;`,
			want: &LOBLocator{Owner: "DEBEZIUM", Table: "CLOB_TEST", Column: "VAL_CLOB", Where: []Column{col("ID", String, "2"), col("VAL_DATA", String, "Test2")}}},
		{name: "blob with IS NULL and TO_DATE", sql: decl + ` select "BLOB_COL" into loc_b from "D"."BIG" where "TD" = TO_DATE('15-MAY-21', 'DD-MON-RR') and "FLAG" IS NULL for update;`,
			want: &LOBLocator{Owner: "D", Table: "BIG", Column: "BLOB_COL", Binary: true, Where: []Column{col("TD", Date, "15-MAY-21"), col("FLAG", Null, "")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLOBLocator(tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v want %+v", got, tt.want)
			}
		})
	}
	if _, err := ParseLOBLocator("BEGIN select x"); err == nil {
		t.Fatal("want error for a truncated locator block")
	}
}

func TestParseLOBOp(t *testing.T) {
	tests := []struct {
		name    string
		sql     string
		want    *LOBOp
		wantErr string
	}{
		{name: "clob write", sql: " buf_c := 'it''s here'; \n  dbms_lob.write(loc_c, 9, 1, buf_c);\nEND;",
			want: &LOBOp{Kind: LOBWrite, Data: Value{Kind: String, Text: "it's here"}, Amount: 9, Offset: 1}},
		{name: "blob write", sql: " buf_b := HEXTORAW('cafe'); \n  dbms_lob.write(loc_b, 2, 4001, buf_b);",
			want: &LOBOp{Kind: LOBWrite, Data: Value{Kind: Raw, Text: "cafe"}, Amount: 2, Offset: 4001}},
		{name: "trim", sql: "DECLARE loc_c CLOB; BEGIN dbms_lob.trim(loc_c, 3); END;", want: &LOBOp{Kind: LOBTrim, Amount: 3}},
		{name: "erase", sql: "dbms_lob.erase(loc_c, 5, 2);", want: &LOBOp{Kind: LOBErase, Amount: 5, Offset: 2}},
		{name: "write without buffer", sql: "dbms_lob.write(loc_c, 5, 2, buf_c);", wantErr: "without a buffer"},
		{name: "bad amount", sql: "buf_c := 'x'; dbms_lob.write(loc_c, five, 2, buf_c);", wantErr: "argument 2 is not a number"},
		{name: "unknown", sql: "dbms_lob.append(loc_c, x);", wantErr: "expected dbms_lob.write"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLOBOp(tt.sql)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v want %+v", got, tt.want)
			}
		})
	}
}

func FuzzParseLOB(f *testing.F) {
	f.Add(" buf_c := 'x'; dbms_lob.write(loc_c, 1, 1, buf_c);")
	f.Add(`BEGIN select "C" into loc_b from "A"."B" where "ID" = '1' for update;`)
	f.Fuzz(func(t *testing.T, s string) {
		ParseLOBOp(s)
		ParseLOBLocator(s)
	})
}
