package mysqlevents

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/mysql"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/transforms"
)

func TestMain(m *testing.M) { os.Exit(mysqltest.Main(m)) }

// row renders a struct as name=value pairs in field order.
func row(v any) string {
	st, ok := v.(*schemas.Struct)
	if !ok || st == nil {
		return fmt.Sprint(v)
	}
	var parts []string
	for i, f := range st.Schema().Fields {
		x := st.Raw(i)
		if s, ok := x.(string); ok {
			x = strconv.Quote(s)
		}
		if x == nil {
			x = "null"
		}
		parts = append(parts, fmt.Sprintf("%s=%v", f.Name, x))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// TestUnwrapAndRouterOnMariaDBEvents streams a snapshot read, an insert, an update
// and a delete (with its tombstone) from two shard tables, and runs them through
// ByLogicalTableRouter then ExtractNewRecordState (rewrite mode, op and table added).
func TestUnwrapAndRouterOnMariaDBEvents(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "smt")
	for _, s := range []string{"1", "2"} {
		srv.Exec(t, "CREATE TABLE "+db+".customers_shard"+s+" (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, email VARCHAR(80))")
	}
	srv.Exec(t, "INSERT INTO "+db+".customers_shard1 VALUES (1,'ann','a@x')")

	task := mysql.NewTask(true)
	cfg := connectors.Config{
		"name": "smt", "topic.prefix": "srv", "database.hostname": srv.Host, "database.port": strconv.Itoa(srv.Port),
		"database.user": srv.User, "database.password": srv.Password, "database.server.id": "7301",
		"database.include.list": db, "schema.history.internal": "io.debezium.relational.history.MemorySchemaHistory",
		"poll.interval.ms": "50",
	}
	if err := task.Start(context.Background(), cfg, cdctest.TaskContext{O: &cdctest.Offsets{}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = task.Stop(context.Background()) })

	prefix := "srv." + db + ".customers_shard"
	var got []*connectors.SourceRecord
	pollUntil := func(what string, n int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			data := 0
			for _, r := range got {
				if strings.HasPrefix(r.Topic, prefix) {
					data++
				}
			}
			if data >= n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s: %d data records", what, data)
			}
			rs, err := task.Poll(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, rs...)
		}
	}
	pollUntil("the snapshot", 1)
	srv.Exec(t, "INSERT INTO "+db+".customers_shard2 VALUES (1,'bob',NULL)",
		"UPDATE "+db+".customers_shard1 SET email='ann@x' WHERE id=1",
		"DELETE FROM "+db+".customers_shard2 WHERE id=1")
	pollUntil("r, c, u, d and the tombstone", 5)

	chain, err := transforms.NewChain(connectors.Config{
		"transforms":                                       "reroute,unwrap",
		"transforms.reroute.type":                          "io.debezium.transforms.ByLogicalTableRouter",
		"transforms.reroute.topic.regex":                   `(.*)customers_shard(\d+)`,
		"transforms.reroute.topic.replacement":             "$1customers",
		"transforms.reroute.key.field.regex":               `.*_shard(\d+)`,
		"transforms.reroute.key.field.replacement":         "shard$1",
		"transforms.unwrap.type":                           "io.debezium.transforms.ExtractNewRecordState",
		"transforms.unwrap.delete.tombstone.handling.mode": "rewrite",
		"transforms.unwrap.add.fields":                     "op,table",
	})
	if err != nil {
		t.Fatal(err)
	}
	logical := "srv." + db + ".customers"
	var out []string
	for _, r := range got {
		before := r.Record
		res, err := chain.Apply(&r.Record)
		if err != nil {
			t.Fatalf("record on %s: %v", r.Topic, err)
		}
		if !strings.HasPrefix(r.Topic, prefix) {
			// Schema changes and other non-envelope records pass through.
			if res == nil || res.Topic != before.Topic || res.Value != before.Value {
				t.Errorf("record on %s changed: %+v", r.Topic, res)
			}
			continue
		}
		if res == nil {
			out = append(out, "DROPPED")
			continue
		}
		if res.Topic != logical || res.KeySchema.Name != logical+".Key" || res.ValueSchema.Name != logical+".Value" {
			t.Errorf("topic %s, key schema %s, value schema %s; want names after %s", res.Topic, res.KeySchema.Name, res.ValueSchema.Name, logical)
		}
		out = append(out, row(res.Key)+" "+row(res.Value))
	}
	want := []string{
		`{id=1,__dbz__physicalTableIdentifier="shard1"} {id=1,name="ann",email="a@x",__deleted="false",__op="r",__table="customers_shard1"}`,
		`{id=1,__dbz__physicalTableIdentifier="shard2"} {id=1,name="bob",email=null,__deleted="false",__op="c",__table="customers_shard2"}`,
		`{id=1,__dbz__physicalTableIdentifier="shard1"} {id=1,name="ann",email="ann@x",__deleted="false",__op="u",__table="customers_shard1"}`,
		`{id=1,__dbz__physicalTableIdentifier="shard2"} {id=1,name="bob",email=null,__deleted="true",__op="d",__table="customers_shard2"}`,
		"DROPPED",
	}
	if strings.Join(out, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(out, "\n"), strings.Join(want, "\n"))
	}
}
