package oracle

import "testing"

func TestParseDDL(t *testing.T) {
	tests := []struct {
		name, sql  string
		kind       ddlKind
		owner, tab string
		cols       []string
		pk         []string
	}{
		{name: "add one column unqualified", sql: "alter table customers add segment varchar2(12)", kind: ddlAddColumns, owner: "APP", tab: "CUSTOMERS", cols: []string{"SEGMENT"}},
		{name: "add list with default and not null", sql: `ALTER TABLE "FINX"."T" ADD ("Mixed" NUMBER(5) DEFAULT 0 NOT NULL, B DATE)`, kind: ddlAddColumns, owner: "FINX", tab: "T", cols: []string{"Mixed", "B"}},
		{name: "add partition is harmless", sql: "ALTER TABLE FINX.S ADD PARTITION P2 VALUES LESS THAN (10)", kind: ddlHarmless},
		{name: "add constraint is harmless", sql: "ALTER TABLE FINX.S ADD CONSTRAINT C CHECK (X > 0)", kind: ddlHarmless},
		{name: "add supplemental log is harmless", sql: "ALTER TABLE FINX.S ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS", kind: ddlHarmless},
		{name: "modify column", sql: "alter table finx.t modify (city varchar2(80) not null)", kind: ddlModifyColumns, cols: []string{"CITY"}, owner: "FINX", tab: "T"},
		{name: "modify partition shrink", sql: "ALTER TABLE FINX.S MODIFY PARTITION P1 SHRINK SPACE", kind: ddlHarmless},
		{name: "modify subpartition", sql: "ALTER TABLE FINX.S MODIFY SUBPARTITION SP1 SHRINK SPACE COMPACT", kind: ddlHarmless},
		{name: "modify lob", sql: "ALTER TABLE FINX.DOCS MODIFY LOB (BODY) (SHRINK SPACE)", kind: ddlHarmless},
		{name: "drop column", sql: "ALTER TABLE FINX.T DROP COLUMN X", kind: ddlDropColumns, owner: "FINX", tab: "T"},
		{name: "drop column list", sql: "ALTER TABLE FINX.T DROP (X, Y)", kind: ddlDropColumns, owner: "FINX", tab: "T"},
		{name: "drop two partitions", sql: "ALTER TABLE FINX.S DROP PARTITION P1, P2 UPDATE GLOBAL INDEXES", kind: ddlHarmless},
		{name: "rename column", sql: `ALTER TABLE FINX.T RENAME COLUMN "A" TO "B"`, kind: ddlRenameColumn, owner: "FINX", tab: "T"},
		{name: "rename partition", sql: "ALTER TABLE FINX.S RENAME PARTITION P_MAX TO P_FUTURE", kind: ddlHarmless},
		{name: "rename table", sql: "ALTER TABLE FINX.T RENAME TO T2", kind: ddlRenameTable, owner: "FINX", tab: "T"},
		{name: "rename statement", sql: "RENAME T TO T2", kind: ddlRenameTable, owner: "APP", tab: "T"},
		{name: "shrink check", sql: `ALTER TABLE "FINX"."LEDGER" SHRINK SPACE CHECK`, kind: ddlHarmless},
		{name: "row movement", sql: "alter table finx.ledger enable row movement", kind: ddlHarmless},
		{name: "exchange partition", sql: "ALTER TABLE FINX.S EXCHANGE PARTITION P WITH TABLE FINX.A", kind: ddlHarmless},
		{name: "split partition", sql: "alter table finx.s split partition p_max at (to_date('2025-06-01','yyyy-mm-dd')) into (partition a, partition p_max)", kind: ddlHarmless},
		{name: "set interval", sql: "ALTER TABLE FINX.S SET INTERVAL (NUMTOYMINTERVAL(1, 'MONTH'))", kind: ddlHarmless},
		{name: "index ddl", sql: "ALTER INDEX FINX.IX MODIFY PARTITION P SHRINK SPACE CHECK", kind: ddlHarmless},
		{name: "create index", sql: "CREATE UNIQUE INDEX FINX.IX ON FINX.T (A)", kind: ddlHarmless},
		{name: "grant", sql: "GRANT SELECT ON FINX.T TO R", kind: ddlHarmless},
		{name: "comment", sql: "COMMENT ON COLUMN FINX.T.A IS 'x'", kind: ddlHarmless},
		{name: "create table inline pk", sql: "CREATE TABLE FINX.N (ID NUMBER(9) PRIMARY KEY, V VARCHAR2(10))", kind: ddlCreateTable, owner: "FINX", tab: "N", cols: []string{"ID", "V"}, pk: []string{"ID"}},
		{name: "create table out-of-line pk", sql: `CREATE TABLE "FINX"."N" ("Id" NUMBER, CONSTRAINT PK_N PRIMARY KEY ("Id"))`, kind: ddlCreateTable, owner: "FINX", tab: "N", cols: []string{"Id"}, pk: []string{"Id"}},
		{name: "create table as select", sql: "CREATE TABLE FINX.C AS SELECT * FROM FINX.T", kind: ddlUnknown, owner: "FINX", tab: "C"},
		{name: "global temporary table", sql: "CREATE GLOBAL TEMPORARY TABLE FINX.G (A NUMBER)", kind: ddlHarmless},
		{name: "drop table", sql: "DROP TABLE FINX.T PURGE", kind: ddlDropTable, owner: "FINX", tab: "T"},
		{name: "truncate table", sql: "TRUNCATE TABLE FINX.T", kind: ddlTruncateTable, owner: "FINX", tab: "T"},
		{name: "gibberish on a table", sql: "ALTER TABLE FINX.T FROBNICATE", kind: ddlUnknown, owner: "FINX", tab: "T"},
		{name: "unterminated quote", sql: `ALTER TABLE "FINX`, kind: ddlUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := parseDDL(tt.sql, "APP")
			if st.kind != tt.kind {
				t.Fatalf("kind = %d, want %d", st.kind, tt.kind)
			}
			if tt.tab != "" && (st.owner != tt.owner || st.table != tt.tab) {
				t.Errorf("table = %s.%s, want %s.%s", st.owner, st.table, tt.owner, tt.tab)
			}
			var cols []string
			for _, c := range st.columns {
				cols = append(cols, c.name)
			}
			if tt.cols != nil && !equalStrings(cols, tt.cols) {
				t.Errorf("columns = %v, want %v", cols, tt.cols)
			}
			if tt.pk != nil && !equalStrings(st.primaryKey, tt.pk) {
				t.Errorf("primary key = %v, want %v", st.primaryKey, tt.pk)
			}
		})
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func FuzzParseDDL(f *testing.F) {
	for _, s := range []string{"ALTER TABLE A.B ADD (C NUMBER(5) DEFAULT 0 NOT NULL)", "CREATE TABLE X (A NUMBER PRIMARY KEY)", `RENAME "a" TO "b"`, "ALTER TABLE T DROP (A,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		st, err := parseDDL(sql, "APP")
		if err != nil && st.kind != ddlUnknown && st.kind != ddlHarmless && st.table == "" {
			t.Fatalf("error %v with kind %d and no table", err, st.kind)
		}
	})
}
