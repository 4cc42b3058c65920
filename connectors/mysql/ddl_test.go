package mysql

import (
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/schemas"
)

func fieldNames(s *schemas.Schema) string {
	var n []string
	for _, f := range s.Fields {
		n = append(n, f.Name+":"+cdctest.SchemaSummary(f.Schema))
	}
	return strings.Join(n, ",")
}

// TestDDLDuringStreaming applies every kind of DDL mid-stream and checks the schema of
// the next event, then restarts the task and checks the schema recovered from the
// history.
func TestDDLDuringStreaming(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "ddl")
	q := func(s string) string { return strings.ReplaceAll(s, "$", db) }
	srv.Exec(t, q("CREATE TABLE $.t (id INT PRIMARY KEY, a VARCHAR(10)) PARTITION BY HASH(id) PARTITIONS 2"), q("INSERT INTO $.t VALUES (1,'x')"))
	h := newHarness(t, srv, db, map[string]string{"skipped.operations": "none"})
	h.start()
	topic := "srv." + db + ".t"
	h.pollTopic(topic, 1)
	steps := []struct {
		name  string
		ddl   []string
		write string
		topic string
		want  string // value fields of the event written after the DDL
	}{
		{name: "add column", ddl: []string{"ALTER TABLE $.t ADD COLUMN b INT NOT NULL DEFAULT 7 AFTER id"}, write: "INSERT INTO $.t VALUES (2,3,'y')",
			want: "id:int32,b:int32 default=7,a:string?"},
		{name: "modify column", ddl: []string{"ALTER TABLE $.t MODIFY COLUMN a VARCHAR(20) NOT NULL"}, write: "INSERT INTO $.t VALUES (3,3,'z')",
			want: "id:int32,b:int32 default=7,a:string"},
		{name: "rename column", ddl: []string{"ALTER TABLE $.t RENAME COLUMN a TO aa"}, write: "INSERT INTO $.t VALUES (4,4,'w')",
			want: "id:int32,b:int32 default=7,aa:string"},
		{name: "change column", ddl: []string{"ALTER TABLE $.t CHANGE COLUMN aa c VARCHAR(30) NULL COMMENT 'renamed'"}, write: "INSERT INTO $.t VALUES (5,5,'v')",
			want: "id:int32,b:int32 default=7,c:string?"},
		{name: "drop column", ddl: []string{"ALTER TABLE $.t DROP COLUMN b"}, write: "INSERT INTO $.t VALUES (6,'u')",
			want: "id:int32,c:string?"},
		{name: "partition maintenance", ddl: []string{"ALTER TABLE $.t COALESCE PARTITION 1", "ALTER TABLE $.t ADD INDEX ic (c)", "OPTIMIZE TABLE $.t"},
			write: "INSERT INTO $.t VALUES (7,'t')", want: "id:int32,c:string?"},
		{name: "unparseable ddl elsewhere", ddl: []string{"CREATE TABLE $.other (id INT PRIMARY KEY)", "CREATE OR REPLACE SEQUENCE $.seq1", "CREATE DEFINER=CURRENT_USER PROCEDURE $.p() SELECT 1"},
			write: "INSERT INTO $.t VALUES (8,'s')", want: "id:int32,c:string?"},
		{name: "rename table", ddl: []string{"RENAME TABLE $.t TO $.t2"}, write: "INSERT INTO $.t2 VALUES (9,'r')", topic: "t2",
			want: "id:int32,c:string?"},
		{name: "rotation", ddl: []string{"CREATE TABLE $.t2_new (id INT PRIMARY KEY, c INT, d VARCHAR(3))", "RENAME TABLE $.t2 TO $.t2_old, $.t2_new TO $.t2", "DROP TABLE $.t2_old"},
			write: "INSERT INTO $.t2 VALUES (10,1,'r')", topic: "t2", want: "id:int32,c:int32?,d:string?"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			for _, d := range st.ddl {
				srv.Exec(t, q(d))
			}
			srv.Exec(t, q(st.write))
			tp := topic
			if st.topic != "" {
				tp = "srv." + db + "." + st.topic
			}
			before := len(onTopic(h.got, tp))
			recs := h.pollTopic(tp, before+1)
			got := recs[len(recs)-1]
			if v := fieldNames(got.ValueSchema.Fields[1].Schema); v != st.want {
				t.Fatalf("value fields after %s:\n got %s\nwant %s", st.name, v, st.want)
			}
		})
	}
	t.Run("truncate", func(t *testing.T) {
		srv.Exec(t, q("TRUNCATE TABLE $.t2"))
		tp := "srv." + db + ".t2"
		recs := h.pollTopic(tp, len(onTopic(h.got, tp))+1)
		last := recs[len(recs)-1]
		if last.Key != nil || last.Value.(*schemas.Struct).Get("op") != "t" {
			t.Fatalf("truncate event: key %v op %v", last.Key, last.Value.(*schemas.Struct).Get("op"))
		}
	})
	t.Run("restart recovers schema from history", func(t *testing.T) {
		h.stop()
		h.got = nil
		h.start()
		srv.Exec(t, q("INSERT INTO $.t2 VALUES (11,2,'s')"))
		tp := "srv." + db + ".t2"
		recs := h.pollTopic(tp, 1)
		if v := fieldNames(recs[0].ValueSchema.Fields[1].Schema); v != "id:int32,c:int32?,d:string?" {
			t.Fatalf("after restart: %s", v)
		}
	})
	t.Run("schema change events", func(t *testing.T) {
		var ddls []string
		for _, r := range onTopic(h.got, "srv") {
			ddls = append(ddls, r.Value.(*schemas.Struct).Get("ddl").(string))
		}
		_ = ddls
	})
	var ddlRecords []any
	for _, b := range h.history.(*cdc.MemoryHistory).Raw() {
		r, err := cdc.UnmarshalHistoryRecord(b, true)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(r.DDL, "SET ") || r.DatabaseName != db {
			continue
		}
		ch := []string{}
		for _, c := range r.TableChanges {
			s := string(c.Type) + " " + c.ID.String()
			if c.PreviousID != nil {
				s += " from " + c.PreviousID.String()
			}
			ch = append(ch, s)
		}
		ddlRecords = append(ddlRecords, map[string]any{"ddl": strings.ReplaceAll(r.DDL, db, "$"), "changes": ch})
	}
	cdctest.Golden(t, "ddl_history.json", ddlRecords)
	_ = connectors.Config{}
}
