package sqlredo

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func col(name string, k Kind, text string) Column {
	return Column{Name: name, Value: Value{Kind: k, Text: text}}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		want *Statement
	}{
		{
			name: "S01 insert with UNISTR, leading-zero-less number, TO_DATE, TO_TIMESTAMP",
			sql:  `insert into "FINX"."CUSTOMERS"("ID","NAME_LOCAL","RISK_SCORE","BIRTH_DATE","UPDATED_AT") values ('100045',UNISTR('Ad\00E9la\00EFde'),'.75',TO_DATE('1985-12-10 00:00:00', 'YYYY-MM-DD HH24:MI:SS'),TO_TIMESTAMP('2025-03-03 09:15:00.123456000'));`,
			want: &Statement{Op: Insert, Owner: "FINX", Table: "CUSTOMERS", Values: []Column{
				col("ID", String, "100045"), col("NAME_LOCAL", String, "Adélaïde"), col("RISK_SCORE", String, ".75"),
				col("BIRTH_DATE", Date, "1985-12-10 00:00:00"), col("UPDATED_AT", Timestamp, "2025-03-03 09:15:00.123456000"),
			}},
		},
		{
			name: "S02 update with IS NULL in where",
			sql:  `update "FINX"."CUSTOMERS" set "NAME_LOCAL" = UNISTR('Jonas W\00E9ber') where "ID" = '100046' and "NAME_LOCAL" IS NULL and "COUNTRY" = 'DE ';`,
			want: &Statement{Op: Update, Owner: "FINX", Table: "CUSTOMERS",
				Values: []Column{col("NAME_LOCAL", String, "Jonas Wéber")},
				Where:  []Column{col("ID", String, "100046"), col("NAME_LOCAL", Null, ""), col("COUNTRY", String, "DE ")}},
		},
		{
			name: "S06 concatenated UNISTR with surrogate pair, HEXTORAW, Unsupported Type",
			sql:  `insert into "FINX"."TYPE_CHAR"("NV","R16","GEO") values (UNISTR('smile \D83D') || UNISTR('\DE42'),HEXTORAW('00ff'),Unsupported Type);`,
			want: &Statement{Op: Insert, Owner: "FINX", Table: "TYPE_CHAR", Values: []Column{
				col("NV", String, "smile 🙂"), col("R16", Raw, "00ff"), col("GEO", Unsupported, ""),
			}},
		},
		{
			name: "S07 quoting: doubled quotes, keywords and newlines in literals, quoted NULL",
			sql:  "update \"FINX\".\"GL$ENTRY\" set \"desc\" = 'it''s done; where x', \"NOTE\" = NULL where \"Entry Id\" = '2' and \"desc\" = 'a and \"b\" = c, d where e' and \"NOTE\" = 'line1\nline2\r\nNULL || x'",
			want: &Statement{Op: Update, Owner: "FINX", Table: "GL$ENTRY",
				Values: []Column{col("desc", String, "it's done; where x"), col("NOTE", Null, "")},
				Where:  []Column{col("Entry Id", String, "2"), col("desc", String, `a and "b" = c, d where e`), col("NOTE", String, "line1\nline2\r\nNULL || x")}},
		},
		{
			name: "S05 time zone and intervals",
			sql:  `insert into "FINX"."TYPE_TIME"("TSTZ","IYM","IDS") values (TO_TIMESTAMP_TZ('2024-02-29 13:45:10.500000000 -03:30'),TO_YMINTERVAL('-03-06'),TO_DSINTERVAL('+001 02:03:04.560000'));`,
			want: &Statement{Op: Insert, Owner: "FINX", Table: "TYPE_TIME", Values: []Column{
				col("TSTZ", TimestampTZ, "2024-02-29 13:45:10.500000000 -03:30"), col("IYM", YearMonthInterval, "-03-06"), col("IDS", DaySecondInterval, "+001 02:03:04.560000"),
			}},
		},
		{
			name: "S12 undo by ROWID",
			sql:  `delete from "FINX"."ACCOUNTS" where ROWID = 'AAASEXAAIAAAA+gAAE';`,
			want: &Statement{Op: Delete, Owner: "FINX", Table: "ACCOUNTS", RowID: "AAASEXAAIAAAA+gAAE"},
		},
		{
			name: "S22 empty LOBs",
			sql:  `insert into "FINX"."DOCS"("DOC_ID","BODY","SCAN") values ('501',EMPTY_CLOB(),EMPTY_BLOB())`,
			want: &Statement{Op: Insert, Owner: "FINX", Table: "DOCS", Values: []Column{
				col("DOC_ID", String, "501"), col("BODY", EmptyCLOB, ""), col("SCAN", EmptyBLOB, ""),
			}},
		},
		{
			name: "update without where",
			sql:  `update "A"."B" set "C" = '1';`,
			want: &Statement{Op: Update, Owner: "A", Table: "B", Values: []Column{col("C", String, "1")}},
		},
		{
			name: "online catalog after DDL: OBJ# and COL names",
			sql:  `insert into "UNKNOWN"."OBJ# 74001"("COL 1","COL 2") values (HEXTORAW('c30b0b'),HEXTORAW('41'));`,
			want: &Statement{Op: Insert, Owner: "UNKNOWN", Table: "OBJ# 74001", Values: []Column{
				col("COL 1", Raw, "c30b0b"), col("COL 2", Raw, "41"),
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.sql)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		sql     string
		wantMsg string
	}{
		{name: "empty", sql: "", wantMsg: "expected INSERT, UPDATE or DELETE"},
		{name: "unterminated literal", sql: `insert into "A"."B"("C") values ('x`, wantMsg: "unterminated quoted literal"},
		{name: "unknown function", sql: `insert into "A"."B"("C") values (SYSDATE())`, wantMsg: "unknown function SYSDATE"},
		{name: "too few values", sql: `insert into "A"."B"("C","D") values ('1')`, wantMsg: "expected ','"},
		{name: "trailing junk", sql: `delete from "A"."B" where "C" = '1' or 1=1`, wantMsg: "unexpected text after statement"},
		{name: "bad unistr", sql: `insert into "A"."B"("C") values (UNISTR('\00Z1'))`, wantMsg: "invalid UNISTR escape"},
		{name: "concat of raw", sql: `insert into "A"."B"("C") values (HEXTORAW('00') || 'x')`, wantMsg: "cannot concatenate HEXTORAW"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.sql)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("want *SyntaxError, got %v", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("error %q does not mention %q", err, tt.wantMsg)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		`insert into "FINX"."T"("A","B") values ('1',UNISTR('\00E9') || 'x');`,
		`update "FINX"."T" set "A" = NULL where "B" IS NULL and "C" = TO_DATE('2025-01-01 00:00:00', 'YYYY-MM-DD HH24:MI:SS');`,
		`delete from "FINX"."T" where ROWID = 'AAAA';`,
		`insert into "X"."Y"("Z") values (Unsupported Type)`,
		`update "A"."B" set "C" = 'it''s' where "D" = HEXTORAW('00')`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		st, err := Parse(sql)
		if err == nil && st == nil {
			t.Fatal("nil statement without error")
		}
		if err != nil && st != nil {
			t.Fatal("statement with error")
		}
	})
}
