package mysql

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
)

func TestPlugins(t *testing.T) {
	reg := connectors.NewRegistry()
	reg.Add(Plugin())
	reg.Add(MariaDBPlugin())
	tests := []struct{ name, lookup, class string }{
		{name: "mysql class", lookup: "io.debezium.connector.mysql.MySqlConnector", class: "io.debezium.connector.mysql.MySqlConnector"},
		{name: "mysql alias", lookup: "MySqlConnector", class: "io.debezium.connector.mysql.MySqlConnector"},
		{name: "mariadb class", lookup: "io.debezium.connector.mariadb.MariaDbConnector", class: "io.debezium.connector.mariadb.MariaDbConnector"},
		{name: "mariadb alias", lookup: "MariaDbConnector", class: "io.debezium.connector.mariadb.MariaDbConnector"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := reg.Connector(tc.lookup)
			if err != nil {
				t.Fatal(err)
			}
			if p.Class != tc.class || p.Type() != connectors.PluginSource {
				t.Fatalf("got %s %s", p.Class, p.Type())
			}
		})
	}
}

func TestConfigDefaultsAndAliases(t *testing.T) {
	base := connectors.Config{"database.hostname": "h", "database.user": "u", "database.server.id": "7"}
	tests := []struct {
		name    string
		mariadb bool
		extra   connectors.Config
		check   func(*Config) string
		wantErr string
	}{
		{name: "defaults", extra: connectors.Config{"topic.prefix": "p"}, check: func(c *Config) string {
			if c.Port != 3306 || c.SSLMode != "preferred" || c.SnapshotMode != "initial" || !c.Tombstones || !c.Skipped.Has("t") ||
				c.MaxBatch != 2048 || c.MaxQueue != 8192 || c.Modes.timePrecision != "adaptive_time_microseconds" || !c.IncludeSchema {
				return "wrong defaults"
			}
			return ""
		}},
		{name: "mariadb ssl default", mariadb: true, extra: connectors.Config{"topic.prefix": "p"}, check: func(c *Config) string {
			if c.SSLMode != "disabled" {
				return "ssl " + c.SSLMode
			}
			return ""
		}},
		{name: "database.server.name alias", extra: connectors.Config{"database.server.name": "old"}, check: func(c *Config) string {
			if c.TopicPrefix != "old" {
				return "prefix " + c.TopicPrefix
			}
			return ""
		}},
		{name: "whitelist alias", extra: connectors.Config{"topic.prefix": "p", "table.whitelist": "db\\.a"}, check: func(c *Config) string {
			if c.Filters.Table.Allows("db.b") || !c.Filters.Table.Allows("DB.A") {
				return "table filter"
			}
			return ""
		}},
		{name: "legacy snapshot mode", extra: connectors.Config{"topic.prefix": "p", "snapshot.mode": "schema_only"}, check: func(c *Config) string {
			if c.SnapshotMode != "no_data" {
				return c.SnapshotMode
			}
			return ""
		}},
		{name: "missing prefix", wantErr: `Missing required configuration "topic.prefix" which has no default value.`},
		{name: "bad prefix", extra: connectors.Config{"topic.prefix": "a b"}, wantErr: "Invalid value a b for configuration topic.prefix: Topic prefix must contain only characters A-Z, a-z, 0-9, '.', '_' or '-'"},
		{name: "both lists", extra: connectors.Config{"topic.prefix": "p", "table.include.list": "a", "table.exclude.list": "b"},
			wantErr: "table.include.list and table.exclude.list are mutually exclusive: set only one of them"},
		{name: "queue too small", extra: connectors.Config{"topic.prefix": "p", "max.queue.size": "10", "max.batch.size": "10"},
			wantErr: "max.queue.size (10) must be larger than max.batch.size (10)"},
		{name: "bad mode", extra: connectors.Config{"topic.prefix": "p", "decimal.handling.mode": "exact"},
			wantErr: "Invalid value exact for configuration decimal.handling.mode: String must be one of: precise, double, string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base.Clone()
			for k, v := range tc.extra {
				cfg[k] = v
			}
			c, err := ParseConfig(cfg, tc.mariadb)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("got %v, want %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if msg := tc.check(c); msg != "" {
				t.Fatal(msg)
			}
		})
	}
	def := ConfigDef(false)
	if k, ok := def.Key("database.password"); !ok || k.Type != connectors.TypePassword {
		t.Fatal("database.password is not a PASSWORD key")
	}
}

func TestValidate(t *testing.T) {
	srv := mysqltest.Start(t)
	good := connectors.Config{"topic.prefix": "p", "database.hostname": srv.Host, "database.port": strconv.Itoa(srv.Port),
		"database.user": srv.User, "database.password": srv.Password, "database.server.id": "4242"}
	tests := []struct {
		name  string
		extra connectors.Config
		key   string
		want  string
	}{
		{name: "ok"},
		{name: "weak user", extra: connectors.Config{"database.user": "weak", "database.password": "weakpw"}, key: "database.user",
			want: "User weak lacks privileges RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT; run GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'weak'@'%'"},
		{name: "server's own id", extra: connectors.Config{"database.server.id": "1"}, key: "database.server.id",
			want: "database.server.id 1 is the server's own server_id; choose a unique id"},
		{name: "wrong password", extra: connectors.Config{"database.password": "nope"}, key: "database.hostname", want: "Unable to connect"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good.Clone()
			for k, v := range tc.extra {
				cfg[k] = v
			}
			vals := NewConnector(true).Validate(context.Background(), cfg)
			var errs []string
			for _, v := range vals {
				for _, e := range v.Errors {
					errs = append(errs, v.Name+": "+e)
				}
				if v.Name == "database.password" && v.Value != nil && *v.Value != connectors.HiddenValue {
					t.Fatalf("password shown as %q", *v.Value)
				}
			}
			if tc.want == "" {
				if len(errs) > 0 {
					t.Fatalf("unexpected errors %v", errs)
				}
				return
			}
			if len(errs) != 1 || !strings.HasPrefix(errs[0], tc.key+": "+tc.want) {
				t.Fatalf("errors %v, want one on %s starting %q", errs, tc.key, tc.want)
			}
		})
	}
}

func TestValidateBinlogSettings(t *testing.T) {
	srv := mysqltest.Start(t)
	srv.Exec(t, "SET GLOBAL binlog_format = 'STATEMENT'")
	t.Cleanup(func() { srv.Exec(t, "SET GLOBAL binlog_format = 'ROW'") })
	cfg := connectors.Config{"topic.prefix": "p", "database.hostname": srv.Host, "database.port": strconv.Itoa(srv.Port),
		"database.user": srv.User, "database.password": srv.Password, "database.server.id": "4243"}
	vals := NewConnector(false).Validate(context.Background(), cfg)
	for _, v := range vals {
		if v.Name == "database.hostname" {
			if len(v.Errors) != 1 || v.Errors[0] != "The MySQL server is not configured for CDC: binlog_format is STATEMENT, it must be ROW. Run SET GLOBAL binlog_format=ROW or set binlog_format=ROW in the server config." {
				t.Fatalf("errors %v", v.Errors)
			}
			return
		}
	}
	t.Fatal("no database.hostname value")
}
