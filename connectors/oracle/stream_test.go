package oracle_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
	"github.com/gonnect/gonnect/schemas"
)

// TestTransactionMetadata checks provide.transaction.metadata: each committed
// transaction is framed by BEGIN and END records on <prefix>.transaction and every
// event carries {id, total_order, data_collection_order}.
func TestTransactionMetadata(t *testing.T) {
	ws, cat := loadG01(t)
	raw := taskConfig()
	raw["provide.transaction.metadata"] = "true"
	cfg, err := oracle.ParseConfig(connectors.Config(raw))
	if err != nil {
		t.Fatal(err)
	}
	st, err := oracle.NewStream(cfg.StreamConfig(), cat, oracle.Position{}, slog.New(slog.DiscardHandler), oracle.NewMetrics("t"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, w := range ws {
		for i := range w.Rows {
			r := w.Rows[i]
			if err := st.Process(&r); err != nil {
				t.Fatal(err)
			}
		}
		st.EndWindow(w.To, len(w.Rows))
		for _, r := range st.Records() {
			v := r.Value.(*schemas.Struct)
			if r.Topic == "corebank.transaction" {
				out = append(out, fmt.Sprintf("%v %v %v", v.Get("status"), v.Get("id"), v.Get("event_count")))
				continue
			}
			tx := v.Get("transaction").(*schemas.Struct)
			out = append(out, fmt.Sprintf("  %v %v/%v", r.Key, tx.Get("total_order"), tx.Get("data_collection_order")))
		}
	}
	want := `BEGIN 2b0002000b000000 <nil>
  Struct{ACCT_ID=6000002} 1/1
END 2b0002000b000000 1
BEGIN 1a0001000a000000 <nil>
  Struct{ACCT_ID=6000001} 1/1
  Struct{ACCT_ID=6000001} 2/2
END 1a0001000a000000 2
BEGIN 2b0003000e000000 <nil>
  Struct{ACCT_ID=6000005} 1/1
END 2b0003000e000000 1
BEGIN 1a0002000d000000 <nil>
  Struct{ACCT_ID=6000004} 1/1
END 1a0002000d000000 1`
	if got := strings.Join(out, "\n"); got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestStreamFailsLoudly covers rows that must never be dropped silently: under
// event.processing.failure.handling.mode=fail they stop the stream with the position
// and the statement in the message; under warn they are skipped with a warning.
func TestStreamFailsLoudly(t *testing.T) {
	_, cat := loadG01(t)
	ins := `insert into "FINX"."ACCOUNTS"("ACCT_ID","CUST_ID","BALANCE","STATUS") values ('1','2','3','OPEN');`
	tests := []struct {
		name string
		rows []logminer.Row
		want string
	}{
		{name: "unreadable SQL_REDO", rows: []logminer.Row{
			{SCN: 10, OpCode: logminer.OpInsert, XID: "01", Owner: "FINX", Table: "ACCOUNTS", SQLRedo: `insert into "FINX"."ACCOUNTS"("ACCT_ID") values (`},
			{SCN: 11, OpCode: logminer.OpCommit, XID: "01"}}, want: "scn=10"},
		{name: "OBJ# of an unknown object", rows: []logminer.Row{
			{SCN: 10, OpCode: logminer.OpInsert, XID: "01", Owner: "UNKNOWN", Table: "OBJ# 99999", SQLRedo: `insert into "UNKNOWN"."OBJ# 99999"("COL 1") values (HEXTORAW('c102'));`},
			{SCN: 11, OpCode: logminer.OpCommit, XID: "01"}}, want: "data object 99999 is not a table"},
		{name: "column unknown to the model", rows: []logminer.Row{
			{SCN: 10, OpCode: logminer.OpInsert, XID: "01", Owner: "FINX", Table: "ACCOUNTS", SQLRedo: `insert into "FINX"."ACCOUNTS"("ACCT_ID","NOPE") values ('1','2');`},
			{SCN: 11, OpCode: logminer.OpCommit, XID: "01"}}, want: `column "NOPE"`},
		{name: "update without key columns (no supplemental logging)", rows: []logminer.Row{
			{SCN: 10, OpCode: logminer.OpUpdate, XID: "01", Owner: "FINX", Table: "ACCOUNTS", SQLRedo: `update "FINX"."ACCOUNTS" set "STATUS" = 'X' where "STATUS" = 'OPEN';`},
			{SCN: 11, OpCode: logminer.OpCommit, XID: "01"}}, want: "ACCT_ID"},
		{name: "undo row that matches nothing at COMMIT", rows: []logminer.Row{
			{SCN: 10, OpCode: logminer.OpInsert, XID: "01", Owner: "FINX", Table: "ACCOUNTS", RowID: "AAASEXAAIAAAAAAAAA", SQLRedo: ins},
			{SCN: 11, OpCode: logminer.OpDelete, XID: "01", Owner: "FINX", Table: "ACCOUNTS", RowID: "AAASEXAAIAAAAAAAAB", Rollback: true, SQLRedo: `delete from "FINX"."ACCOUNTS" where ROWID = 'AAASEXAAIAAAAAAAAB';`},
			{SCN: 12, OpCode: logminer.OpCommit, XID: "01"}}, want: "undo row(s) matching no change"},
		{name: "FFFFFFFF undo with two candidate transactions", rows: []logminer.Row{
			{SCN: 10, OpCode: logminer.OpInsert, XID: "0A00010001000000", Owner: "FINX", Table: "ACCOUNTS", RowID: "AAASEXAAIAAAAAAAAA", SQLRedo: ins},
			{SCN: 10, OpCode: logminer.OpInsert, XID: "0A00010002000000", Owner: "FINX", Table: "ACCOUNTS", RowID: "AAASEXAAIAAAAAAAAC", SQLRedo: ins},
			{SCN: 11, OpCode: logminer.OpDelete, XID: "0A000100FFFFFFFF", Owner: "FINX", Table: "ACCOUNTS", RowID: "AAASEXAAIAAAAAAAAA", Rollback: true, SQLRedo: `delete from "FINX"."ACCOUNTS" where ROWID = 'AAASEXAAIAAAAAAAAA';`}},
			want: "2 open transactions share its slot"},
	}
	for _, tt := range tests {
		for _, mode := range []string{"fail", "warn"} {
			t.Run(tt.name+"/"+mode, func(t *testing.T) {
				raw := taskConfig()
				raw["event.processing.failure.handling.mode"] = mode
				cfg, err := oracle.ParseConfig(connectors.Config(raw))
				if err != nil {
					t.Fatal(err)
				}
				st, err := oracle.NewStream(cfg.StreamConfig(), cat, oracle.Position{}, slog.New(slog.DiscardHandler), oracle.NewMetrics("t"))
				if err != nil {
					t.Fatal(err)
				}
				var got error
				for i := range tt.rows {
					if got = st.Process(&tt.rows[i]); got != nil {
						break
					}
				}
				if mode == "warn" {
					if got != nil {
						t.Fatalf("warn mode: %v", got)
					}
					return
				}
				if got == nil || !strings.Contains(got.Error(), tt.want) {
					t.Fatalf("err = %v, want it to contain %q", got, tt.want)
				}
			})
		}
	}
}

func TestSkipMessagesWithoutChange(t *testing.T) {
	_, cat := loadG01(t)
	upd := func(from, to string) string {
		return `update "FINX"."ACCOUNTS" set "BALANCE" = '` + to + `' where "ACCT_ID" = '1' and "CUST_ID" = '2' and "BALANCE" = '` + from + `' and "STATUS" = 'OPEN';`
	}
	rows := []logminer.Row{
		{SCN: 10, OpCode: logminer.OpUpdate, XID: "01", Owner: "FINX", Table: "ACCOUNTS", SQLRedo: upd("3", "3")},
		{SCN: 11, OpCode: logminer.OpUpdate, XID: "01", Owner: "FINX", Table: "ACCOUNTS", SQLRedo: upd("3", "4")},
		{SCN: 12, OpCode: logminer.OpCommit, XID: "01"},
	}
	tests := []struct {
		name, value string
		want        int
	}{
		{name: "default keeps unchanged updates", value: "false", want: 2},
		{name: "skip.messages.without.change=true", value: "true", want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := taskConfig()
			raw["skip.messages.without.change"] = tt.value
			cfg, err := oracle.ParseConfig(connectors.Config(raw))
			if err != nil {
				t.Fatal(err)
			}
			st, err := oracle.NewStream(cfg.StreamConfig(), cat, oracle.Position{}, slog.New(slog.DiscardHandler), oracle.NewMetrics("t"))
			if err != nil {
				t.Fatal(err)
			}
			for i := range rows {
				r := rows[i]
				if err := st.Process(&r); err != nil {
					t.Fatal(err)
				}
			}
			if got := len(st.Records()); got != tt.want {
				t.Fatalf("%d records, want %d", got, tt.want)
			}
			if c := st.Offset()["commit_scn"]; c != "12:0:01" {
				t.Errorf("commit_scn = %v", c)
			}
		})
	}
}

// TestUnknownDataObjectIsResolved covers OBJ# rows of a segment the history does not
// know: the dictionary names its table, a captured table's row is decoded, another
// table's row is skipped with a warning instead of stopping the connector.
func TestUnknownDataObjectIsResolved(t *testing.T) {
	_, cat := loadG01(t)
	row := `insert into "UNKNOWN"."OBJ# 99999"("COL 1","COL 2","COL 3","COL 4") values (HEXTORAW('c102'),HEXTORAW('c103'),HEXTORAW('c104'),HEXTORAW('4f50454e'));`
	tests := []struct {
		name         string
		owner, table string
		found        bool
		want         int
	}{
		{name: "captured table", owner: "FINX", table: "ACCOUNTS", found: true, want: 1},
		{name: "table outside the include list", owner: "HR", table: "EMP", found: true, want: 0},
		{name: "no such object any more", found: false, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := taskConfig()
			raw["table.include.list"] = `FINX\.ACCOUNTS`
			cfg, err := oracle.ParseConfig(connectors.Config(raw))
			if err != nil {
				t.Fatal(err)
			}
			scfg := cfg.StreamConfig()
			scfg.ResolveObject = func(obj int64) (string, string, bool, error) {
				if obj != 99999 {
					t.Errorf("resolved object %d", obj)
				}
				return tt.owner, tt.table, tt.found, nil
			}
			st, err := oracle.NewStream(scfg, cat, oracle.Position{}, slog.New(slog.DiscardHandler), oracle.NewMetrics("t"))
			if err != nil {
				t.Fatal(err)
			}
			rows := []logminer.Row{
				{SCN: 10, OpCode: logminer.OpInsert, XID: "01", Owner: "UNKNOWN", Table: "OBJ# 99999", Status: 2, SQLRedo: row},
				{SCN: 11, OpCode: logminer.OpCommit, XID: "01"},
			}
			for i := range rows {
				if err := st.Process(&rows[i]); err != nil {
					t.Fatal(err)
				}
			}
			recs := st.Records()
			if len(recs) != tt.want {
				t.Fatalf("%d records, want %d", len(recs), tt.want)
			}
			if tt.want == 1 {
				after := recs[0].Value.(*schemas.Struct).Get("after").(*schemas.Struct)
				if got := fmt.Sprint(after); got != "Struct{ACCT_ID=1,CUST_ID=2,BALANCE=3.00,STATUS=OPEN}" {
					t.Errorf("after = %s", got)
				}
			}
		})
	}
}
