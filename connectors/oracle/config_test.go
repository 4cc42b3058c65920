package oracle

import (
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
)

func TestPluginIdentity(t *testing.T) {
	r := connectors.NewRegistry()
	r.Add(Plugin())
	for _, name := range []string{"io.debezium.connector.oracle.OracleConnector", "OracleConnector", "Oracle", "oracle"} {
		p, err := r.Connector(name)
		if err != nil || p.Class != Class {
			t.Errorf("Connector(%q) = %v, %v", name, p, err)
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	def := ConfigDef()
	want := map[string]string{"log.mining.strategy": "online_catalog", "log.mining.query.filter.mode": "none",
		"log.mining.batch.size.min": "1000", "log.mining.batch.size.default": "20000", "log.mining.batch.size.max": "100000",
		"log.mining.sleep.time.default.ms": "1000", "log.mining.sleep.time.max.ms": "3000", "log.mining.transaction.retention.ms": "0",
		"lob.enabled": "false", "database.connection.adapter": "logminer", "time.precision.mode": "adaptive",
		"interval.handling.mode": "numeric", "snapshot.locking.mode": "shared", "database.port": "1528",
		"topic.naming.strategy": "io.debezium.schema.SchemaTopicNamingStrategy", "decimal.handling.mode": "precise", "tombstones.on.delete": "true"}
	for k, v := range want {
		key, ok := def.Key(k)
		if !ok || key.Default == nil || *key.Default != v {
			t.Errorf("%s default = %v, want %s", k, key, v)
		}
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	base := func() connectors.Config { return connectors.Config{"topic.prefix": "p", "database.dbname": "CBS"} }
	tests := []struct {
		name string
		set  map[string]string
		want string
	}{
		{name: "missing dbname", set: map[string]string{"database.dbname": ""}, want: "database.dbname"},
		{name: "xstream", set: map[string]string{"database.connection.adapter": "xstream"}, want: "database.connection.adapter"},
		{name: "bad filter mode", set: map[string]string{"log.mining.query.filter.mode": "glob"}, want: "log.mining.query.filter.mode"},
		{name: "both schema lists", set: map[string]string{"schema.include.list": "A", "schema.exclude.list": "B"}, want: "schema.include.list and schema.exclude.list"},
		{name: "bad table regex", set: map[string]string{"table.include.list": "FINX\\.(ACCOUNTS"}, want: "table.include.list"},
		{name: "lob with hybrid", set: map[string]string{"lob.enabled": "true", "log.mining.strategy": "hybrid"}, want: "lob.enabled"},
		{name: "batch sizes inverted", set: map[string]string{"log.mining.batch.size.min": "50000"}, want: "log.mining.batch.size.default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base()
			for k, v := range tt.set {
				if v == "" {
					delete(cfg, k)
				} else {
					cfg[k] = v
				}
			}
			_, err := ParseConfig(cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to name %q", err, tt.want)
			}
		})
	}
}

// TestIncludeListSemantics checks spec §1.6: table patterns match SCHEMA.TABLE,
// anchored and case-insensitive, AND-ed with the schema list; a table pattern
// without the schema part never matches; built-in schemas are dropped.
func TestIncludeListSemantics(t *testing.T) {
	tests := []struct {
		name   string
		cfg    map[string]string
		table  string
		expect bool
	}{
		{name: "schema.table regex", cfg: map[string]string{"table.include.list": `FINX\.ACC.*`}, table: "FINX.ACCOUNTS", expect: true},
		{name: "case-insensitive", cfg: map[string]string{"table.include.list": `finx\.accounts`}, table: "FINX.ACCOUNTS", expect: true},
		{name: "anchored: no substring match", cfg: map[string]string{"table.include.list": `FINX\.ACC`}, table: "FINX.ACCOUNTS", expect: false},
		{name: "table pattern without schema never matches", cfg: map[string]string{"table.include.list": "ACCOUNTS"}, table: "FINX.ACCOUNTS", expect: false},
		{name: "schema list only", cfg: map[string]string{"schema.include.list": "FINX"}, table: "FINX.ANYTHING", expect: true},
		{name: "schema list excludes other schemas", cfg: map[string]string{"schema.include.list": "FINX"}, table: "HR.EMP", expect: false},
		{name: "schema AND table", cfg: map[string]string{"schema.include.list": "HR", "table.include.list": `FINX\..*`}, table: "FINX.ACCOUNTS", expect: false},
		{name: "exclude list", cfg: map[string]string{"table.exclude.list": `FINX\.AUDIT_LOG`}, table: "FINX.AUDIT_LOG", expect: false},
		{name: "escaped comma in a pattern", cfg: map[string]string{"table.include.list": `FINX\.A{1\,2}`}, table: "FINX.AA", expect: true},
		{name: "built-in schema dropped", cfg: map[string]string{}, table: "SYS.OBJ$", expect: false},
		{name: "built-in kept when table.ignore.builtin=false", cfg: map[string]string{"table.ignore.builtin": "false"}, table: "SYSTEM.T", expect: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := connectors.Config{"topic.prefix": "p", "database.dbname": "CBS"}
			for k, v := range tt.cfg {
				c[k] = v
			}
			cfg, err := ParseConfig(c)
			if err != nil {
				t.Fatal(err)
			}
			owner, table, _ := strings.Cut(tt.table, ".")
			if got := cfg.Filters.Captured(cdc.TableID{Schema: owner, Table: table}); got != tt.expect {
				t.Fatalf("Captured(%s) = %v, want %v", tt.table, got, tt.expect)
			}
		})
	}
}
