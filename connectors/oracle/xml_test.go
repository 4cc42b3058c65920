package oracle_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
)

// TestXMLRowsFailLoudly: XMLTYPE rows that do not fit together (a write without its
// XML_BEGIN, an XML_BEGIN naming a column that is no XMLTYPE) fail the transaction's
// emission with the position, or are skipped under the warn mode; with lob.enabled
// off they are skipped and counted. G10 covers the assembly itself.
func TestXMLRowsFailLoudly(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "tables.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cat, err := oracle.ReadCatalog(f)
	if err != nil {
		t.Fatal(err)
	}
	ins := `insert into "FINX"."XDOCS"("DOC_ID","KIND","PAYLOAD") values ('7','inv',NULL);`
	tests := []struct {
		name  string
		lob   string
		rows  []logminer.Row
		want  string // "" : no error in fail mode
		emits int
	}{
		{name: "write without XML_BEGIN", lob: "true", rows: []logminer.Row{
			{SCN: 10, OpCode: logminer.OpInsert, XID: "01", Owner: "FINX", Table: "XDOCS", SQLRedo: ins},
			{SCN: 11, OpCode: logminer.OpXMLWrite, XID: "01", Owner: "FINX", Table: "XDOCS", SQLRedo: "XML_REDO := HEXTORAW('3c612f3e'):4"},
			{SCN: 12, OpCode: logminer.OpCommit, XID: "01"}}, want: "without a preceding XML_BEGIN"},
		{name: "XML_BEGIN of a VARCHAR2 column", lob: "true", rows: []logminer.Row{
			{SCN: 10, OpCode: logminer.OpXMLBegin, XID: "01", Owner: "FINX", Table: "XDOCS", SQLRedo: `XML DOC BEGIN:  select "KIND" from "FINX"."XDOCS" where "DOC_ID" = '7'`},
			{SCN: 12, OpCode: logminer.OpCommit, XID: "01"}}, want: `names column "KIND"`},
		{name: "lob.enabled off skips XML rows", lob: "false", emits: 1, rows: []logminer.Row{
			{SCN: 10, OpCode: logminer.OpInsert, XID: "01", Owner: "FINX", Table: "XDOCS", SQLRedo: ins},
			{SCN: 11, OpCode: logminer.OpXMLBegin, XID: "01", Owner: "FINX", Table: "XDOCS", SQLRedo: "not even parsed"},
			{SCN: 12, OpCode: logminer.OpXMLWrite, XID: "01", Owner: "FINX", Table: "XDOCS", SQLRedo: "XML_REDO := NULL"},
			{SCN: 13, OpCode: logminer.OpCommit, XID: "01"}}},
		{name: "32K pieces are skipped, the DML is emitted", lob: "true", emits: 1, rows: []logminer.Row{
			{SCN: 10, OpCode: logminer.OpInsert, XID: "01", Owner: "FINX", Table: "XDOCS", SQLRedo: ins},
			{SCN: 11, OpCode: logminer.Op32KBegin, XID: "01", Owner: "FINX", Table: "XDOCS", SQLRedo: "DECLARE …"},
			{SCN: 12, OpCode: logminer.Op32KWrite, XID: "01", Owner: "FINX", Table: "XDOCS", SQLRedo: "…"},
			{SCN: 13, OpCode: logminer.Op32KEnd, XID: "01", Owner: "FINX", Table: "XDOCS"},
			{SCN: 14, OpCode: logminer.OpCommit, XID: "01"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := taskConfig()
			raw["lob.enabled"] = tt.lob
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
			if tt.want != "" {
				if got == nil || !strings.Contains(got.Error(), tt.want) || !strings.Contains(strings.ToLower(got.Error()), "scn") {
					t.Fatalf("err = %v, want it to name %q and the position", got, tt.want)
				}
				return
			}
			if got != nil {
				t.Fatal(got)
			}
			if n := len(st.Records()); n != tt.emits {
				t.Errorf("%d records, want %d", n, tt.emits)
			}
		})
	}
}
