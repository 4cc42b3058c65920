package oracle

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
)

// memDictionary answers data-dictionary queries from tables keyed by the first
// words of the query and the bind values, as a small in-memory catalog.
type memDictionary map[string][][]string

func (m memDictionary) Query(_ context.Context, q string, args ...any) ([][]string, error) {
	key := q
	for _, a := range args {
		key += "|" + fmt.Sprint(a)
	}
	for k, v := range m {
		if strings.HasPrefix(k, "ERR:") && strings.Contains(key, strings.TrimPrefix(k, "ERR:")) {
			return nil, fmt.Errorf("ORA-00942: table or view does not exist")
		}
		if key == k {
			return v, nil
		}
	}
	return nil, nil
}

func sampleDictionary(logMode, suppMin, suppAll string, logGroup string, privs ...string) memDictionary {
	d := memDictionary{
		qDatabase: {{logMode, suppMin, suppAll}},
		qTables:   {{"FINX", "ACCOUNTS", "DISABLED", "NO"}, {"FINX", "SETTLEMENTS", "ENABLED", "YES"}, {"HR", "EMP", "DISABLED", "NO"}},
		qColumns + "|FINX|ACCOUNTS": {{"ACCT_ID", "NUMBER", "10", "0", "", "22", "N"}, {"BALANCE", "NUMBER", "15", "2", "", "22", "N"},
			{"STATUS", "VARCHAR2", "", "", "10", "10", "Y"}, {"SCORE", "NUMBER", "", "", "", "22", "Y"}, {"N", "NUMBER", "", "0", "", "22", "Y"}},
		qPrimaryKey + "|FINX|ACCOUNTS":    {{"ACCT_ID"}},
		qObjects + "|FINX|ACCOUNTS":       {{"74007"}},
		qLogGroup + "|FINX|ACCOUNTS":      {{logGroup}},
		qColumns + "|FINX|SETTLEMENTS":    {{"SETTLE_ID", "NUMBER", "12", "0", "", "22", "N"}, {"VALUE_DATE", "DATE", "", "", "", "7", "N"}},
		qPrimaryKey + "|FINX|SETTLEMENTS": {{"SETTLE_ID"}},
		qObjects + "|FINX|SETTLEMENTS":    {{"77801"}, {"77802"}},
		qPartKey + "|FINX|SETTLEMENTS":    {{"VALUE_DATE"}},
		qLogGroup + "|FINX|SETTLEMENTS":   {{"1"}},
		qPrivs:                            {},
	}
	for _, p := range privs {
		d[qPrivs] = append(d[qPrivs], []string{p})
	}
	return d
}

func TestReadDictionary(t *testing.T) {
	cfg, err := ParseConfig(connectors.Config{"topic.prefix": "p", "database.dbname": "CBS", "schema.include.list": "FINX"})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := ReadDictionary(context.Background(), sampleDictionary("ARCHIVELOG", "YES", "NO", "1"), cfg.Filters)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cat.Names(), ","); got != "FINX.ACCOUNTS,FINX.SETTLEMENTS" {
		t.Fatalf("tables = %s (HR.EMP must be filtered by schema.include.list)", got)
	}
	acc := cat["FINX.ACCOUNTS"]
	var types []string
	for i := range acc.Table.Columns {
		types = append(types, columnType(&acc.Table.Columns[i]).String())
	}
	if got := strings.Join(types, " "); got != "NUMBER(10,0) NUMBER(15,2) VARCHAR2(10) NUMBER NUMBER(38,0)" {
		t.Errorf("types = %s", got)
	}
	if !acc.SupplementalAll || acc.Partitioned || strings.Join(acc.Table.PrimaryKey, ",") != "ACCT_ID" {
		t.Errorf("ACCOUNTS facts wrong: %+v", acc)
	}
	st := cat["FINX.SETTLEMENTS"]
	if !st.Partitioned || !st.RowMovement || fmt.Sprint(st.DataObjectIDs) != "[77801 77802]" || fmt.Sprint(st.PartitionKey) != "[VALUE_DATE]" {
		t.Errorf("SETTLEMENTS facts wrong: %+v", st)
	}
}

func TestValidateDatabase(t *testing.T) {
	all := append([]string(nil), requiredPrivileges...)
	tests := []struct {
		name string
		dict memDictionary
		want []string // substrings, one per expected problem
	}{
		{name: "ready", dict: sampleDictionary("ARCHIVELOG", "YES", "NO", "1", all...)},
		{name: "noarchivelog", dict: sampleDictionary("NOARCHIVELOG", "YES", "NO", "1", all...), want: []string{"ALTER DATABASE ARCHIVELOG"}},
		{name: "no minimal logging", dict: sampleDictionary("ARCHIVELOG", "NO", "NO", "1", all...), want: []string{"ALTER DATABASE ADD SUPPLEMENTAL LOG DATA;"}},
		{name: "table without ALL columns logging", dict: sampleDictionary("ARCHIVELOG", "YES", "NO", "0", all...),
			want: []string{`ALTER TABLE "FINX"."ACCOUNTS" ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS;`}},
		{name: "database-wide ALL logging covers the table", dict: sampleDictionary("ARCHIVELOG", "YES", "YES", "0", all...)},
		{name: "missing grants", dict: sampleDictionary("ARCHIVELOG", "YES", "NO", "1", "CREATE SESSION", "SELECT ANY TABLE", "SELECT_CATALOG_ROLE", "EXECUTE_CATALOG_ROLE", "LOCK ANY TABLE", "FLASHBACK ANY TABLE"),
			want: []string{"GRANT SELECT ANY TRANSACTION TO C##DBZUSER;", "GRANT LOGMINING TO C##DBZUSER;"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseConfig(connectors.Config{"topic.prefix": "p", "database.dbname": "CBS", "schema.include.list": "FINX"})
			if err != nil {
				t.Fatal(err)
			}
			cat, err := ReadDictionary(context.Background(), tt.dict, cfg.Filters)
			if err != nil {
				t.Fatal(err)
			}
			probs := ValidateDatabase(context.Background(), tt.dict, cat, "C##DBZUSER")
			if len(probs) != len(tt.want) {
				t.Fatalf("problems = %+v, want %d", probs, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(probs[i].Message, w) {
					t.Errorf("problem %d = %q, want it to say %q", i, probs[i].Message, w)
				}
			}
		})
	}
}

func TestDSN(t *testing.T) {
	cfg, err := ParseConfig(connectors.Config{"topic.prefix": "p", "database.dbname": "cbs", "database.hostname": "db1", "database.port": "1521",
		"database.user": "c##dbz", "database.password": `p"w d`})
	if err != nil {
		t.Fatal(err)
	}
	d := cfg.DSN()
	if !strings.Contains(d, `connectString=db1:1521/CBS`) || !strings.Contains(d, "c##dbz") {
		t.Errorf("DSN = %q", d)
	}
	cfg.URL = "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(HOST=rac-scan)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=CBS)))"
	if d := cfg.DSN(); !strings.Contains(d, "(DESCRIPTION=") || strings.Contains(d, "jdbc:") {
		t.Errorf("DSN from database.url = %q", d)
	}
}
