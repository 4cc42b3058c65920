package mysql

import (
	"encoding/json"
	"testing"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
)

// TestDDLModel pins the tableChanges the DDL model writes to the schema history for a
// series of statements (type names, JDBC codes, lengths, keys, renames).
func TestDDLModel(t *testing.T) {
	m := newSchemaModel()
	stmts := []string{
		"CREATE TABLE inv.products (id INT UNSIGNED NOT NULL AUTO_INCREMENT, sku CHAR(8) NOT NULL, name VARCHAR(255) CHARACTER SET latin1, " +
			"price DECIMAL(10,2) DEFAULT '0.00', weight FLOAT(7,3), qty SMALLINT ZEROFILL, flags BIT(3), made DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3), " +
			"seen TIMESTAMP NULL, doc JSON, img MEDIUMBLOB, kind ENUM('a','b') NOT NULL, loc POINT, PRIMARY KEY (id), UNIQUE KEY (sku)) DEFAULT CHARSET=utf8mb4",
		"CREATE TABLE inv.nopk (code VARCHAR(3) NOT NULL, v INT, UNIQUE KEY u (code))",
		"ALTER TABLE inv.products ADD COLUMN note TEXT FIRST, DROP COLUMN qty, CHANGE COLUMN name title VARCHAR(300) NOT NULL AFTER sku",
		"ALTER TABLE inv.products DROP PRIMARY KEY, ADD PRIMARY KEY (sku)",
		"RENAME TABLE inv.products TO inv.items",
		"CREATE TABLE inv.copy LIKE inv.items",
		"DROP TABLE inv.copy, inv.nothere",
		"TRUNCATE inv.items",
	}
	var out []any
	for _, s := range stmts {
		parsed, err := m.parse(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		for _, st := range parsed {
			o, err := m.apply(st, "inv")
			if err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			h := &cdc.HistoryRecord{DDL: s, DatabaseName: o.database, TableChanges: o.changes}
			b, _ := json.Marshal(h)
			var doc map[string]any
			_ = json.Unmarshal(b, &doc)
			out = append(out, map[string]any{"ddl": s, "tableChanges": doc["tableChanges"], "truncated": len(o.truncated)})
		}
	}
	cdctest.Golden(t, "ddl_model.json", out)
	if _, err := m.parse("ALTER TABLE inv.items ADD COLUMN"); err == nil {
		t.Fatal("incomplete DDL parsed")
	}
	st, _ := m.parse("ALTER TABLE inv.unknown ADD COLUMN x INT")
	if _, err := m.apply(st[0], "inv"); err == nil || err.Error() != "ALTER TABLE inv.unknown: table is unknown" {
		t.Fatalf("got %v", err)
	}
}

// FuzzDDL feeds arbitrary statements to the parser and model: no panics, and a model
// that stays usable.
func FuzzDDL(f *testing.F) {
	for _, s := range []string{
		"CREATE TABLE t (id INT PRIMARY KEY, p POINT)",
		"ALTER TABLE t ADD COLUMN x INT AFTER id, DROP COLUMN id",
		"RENAME TABLE t TO u, u TO t",
		"ALTER TABLE t CHANGE COLUMN x y VARCHAR(3) FIRST",
		"DROP DATABASE d",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ddl string) {
		m := newSchemaModel()
		if st, err := m.parse("CREATE TABLE t (id INT PRIMARY KEY, a INT)"); err == nil {
			_, _ = m.apply(st[0], "d")
		}
		stmts, err := m.parse(ddl)
		if err != nil {
			return
		}
		for _, st := range stmts {
			_, _ = m.apply(st, "d")
		}
		for _, tbl := range m.tables {
			for i := range tbl.Columns {
				// every tracked column maps to a Connect schema or a clear error
				_, _, _ = (mapper{}).MapColumn(tbl, &tbl.Columns[i])
			}
		}
	})
}
