package oracle

import (
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/oracle/sqlredo"
)

func TestSnapshotQueries(t *testing.T) {
	tbl := &cdc.Table{ID: cdc.TableID{Schema: "FINX", Table: "T"}}
	for i, c := range [][2]string{{"ID", "NUMBER(9)"}, {"D", "DATE"}, {"TZ", "TIMESTAMP(6) WITH TIME ZONE"}, {"L", "TIMESTAMP(3) WITH LOCAL TIME ZONE"},
		{"R", "RAW(8)"}, {"B", "BLOB"}, {"G", "SDO_GEOMETRY"}, {"IV", "INTERVAL DAY(3) TO SECOND(6)"}} {
		col, err := NewColumn(c[0], c[1], true, i+1)
		if err != nil {
			t.Fatal(err)
		}
		tbl.Columns = append(tbl.Columns, col)
	}
	ti := &TableInfo{Table: tbl}
	tests := []struct {
		name   string
		chunks int
		lob    bool
		want   []string
		kinds  []sqlredo.Kind
	}{
		{name: "one query, LOBs off", chunks: 1, want: []string{`SELECT TO_CHAR("ID", 'TM9'), TO_CHAR("D", 'YYYY-MM-DD HH24:MI:SS'), TO_CHAR("TZ", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), ` +
			`TO_CHAR(SYS_EXTRACT_UTC(CAST("L" AS TIMESTAMP WITH TIME ZONE)), 'YYYY-MM-DD HH24:MI:SS.FF9') || ' +00:00', RAWTOHEX("R"), NULL, NULL, TO_CHAR("IV") FROM "FINX"."T" AS OF SCN 42`},
			kinds: []sqlredo.Kind{sqlredo.String, sqlredo.Date, sqlredo.TimestampTZ, sqlredo.TimestampTZ, sqlredo.Raw, sqlredo.Unsupported, sqlredo.Unsupported, sqlredo.DaySecondInterval}},
		{name: "three chunks at one SCN", chunks: 3, lob: true, want: []string{"AS OF SCN 42 WHERE ORA_HASH(ROWID, 2) = 0", "AS OF SCN 42 WHERE ORA_HASH(ROWID, 2) = 1", "AS OF SCN 42 WHERE ORA_HASH(ROWID, 2) = 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs, kinds := snapshotQueries(ti, 42, tt.chunks, tt.lob)
			if len(qs) != len(tt.want) {
				t.Fatalf("%d queries, want %d", len(qs), len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.HasSuffix(qs[i], w) && qs[i] != w {
					t.Errorf("query %d = %s\nwant … %s", i, qs[i], w)
				}
			}
			for i, k := range tt.kinds {
				if kinds[i] != k {
					t.Errorf("kind %d = %s, want %s", i, kinds[i], k)
				}
			}
		})
	}
}

// TestSnapshotSessionSQL pins the statements around the snapshot SCN: the ROW SHARE
// lock, the SCN read, and the open-transaction list (GV$TRANSACTION on RAC, where
// V$TRANSACTION shows one instance).
func TestSnapshotSessionSQL(t *testing.T) {
	ti := &TableInfo{Table: &cdc.Table{ID: cdc.TableID{Schema: "FINX", Table: "Acc\"ts"}}}
	if got, want := lockStatement(ti), `LOCK TABLE "FINX"."Acc""ts" IN ROW SHARE MODE`; got != want {
		t.Errorf("lock = %s, want %s", got, want)
	}
	if qSnapshotSCN != "SELECT TO_CHAR(CURRENT_SCN) FROM V$DATABASE" {
		t.Errorf("SCN query = %s", qSnapshotSCN)
	}
	tests := []struct {
		name    string
		rac     []string
		bounded bool
		want    string
	}{
		{name: "single instance, before the SCN read", want: "SELECT RAWTOHEX(XID), TO_CHAR(START_SCN) FROM V$TRANSACTION"},
		{name: "single instance, bounded by the snapshot SCN", bounded: true,
			want: "SELECT RAWTOHEX(XID), TO_CHAR(START_SCN) FROM V$TRANSACTION WHERE START_SCN <= TO_NUMBER(:1)"},
		{name: "RAC", rac: []string{"rac1:1521", "rac2:1521"}, bounded: true,
			want: "SELECT RAWTOHEX(XID), TO_CHAR(START_SCN) FROM GV$TRANSACTION WHERE START_SCN <= TO_NUMBER(:1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &sqlSnapshot{cfg: &Config{RACNodes: tt.rac}}
			if got := openTransactionsQuery(s.transactionView(), tt.bounded); got != tt.want {
				t.Errorf("query %s, want %s", got, tt.want)
			}
		})
	}
}

func TestSignalStatements(t *testing.T) {
	ins, rm := signalStatements("DBZ", "DEBEZIUM_SIGNAL")
	if ins != `INSERT INTO "DBZ"."DEBEZIUM_SIGNAL" VALUES (:1, :2, :3)` || rm != `DELETE FROM "DBZ"."DEBEZIUM_SIGNAL" WHERE ID = :1` {
		t.Errorf("insert %s, delete %s", ins, rm)
	}
}
