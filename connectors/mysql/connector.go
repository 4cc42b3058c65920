// Package mysql is Gonnect's Debezium-compatible MySQL and MariaDB source connector:
// binlog streaming on go-mysql's replication package, consistent snapshots, schema
// tracking with the TiDB parser and Debezium's topics, envelopes, offsets and schema
// history (connectors/cdc).
package mysql

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/gonnect/gonnect/connectors"
)

// Version is reported by /connector-plugins.
const Version = "3.1.2.Final"

// Plugin returns io.debezium.connector.mysql.MySqlConnector for the registry.
func Plugin() *connectors.Plugin {
	return &connectors.Plugin{Class: "io.debezium.connector.mysql.MySqlConnector", Aliases: []string{"MySqlConnector", "mysql"},
		Version: Version, NewConnector: func() connectors.Connector { return NewConnector(false) },
		NewSourceTask: func() connectors.SourceTask { return NewTask(false) }}
}

// MariaDBPlugin returns io.debezium.connector.mariadb.MariaDbConnector for the registry.
func MariaDBPlugin() *connectors.Plugin {
	return &connectors.Plugin{Class: "io.debezium.connector.mariadb.MariaDbConnector", Aliases: []string{"MariaDbConnector", "mariadb"},
		Version: Version, NewConnector: func() connectors.Connector { return NewConnector(true) },
		NewSourceTask: func() connectors.SourceTask { return NewTask(true) }}
}

// Connector is the MySQL/MariaDB source connector: one task, like Debezium's.
type Connector struct {
	connectors.Source
	mariadb bool
	cfg     connectors.Config
}

// NewConnector returns an unstarted connector.
func NewConnector(mariadb bool) *Connector { return &Connector{mariadb: mariadb} }

// ConfigDef implements connectors.Connector.
func (c *Connector) ConfigDef() *connectors.ConfigDef { return ConfigDef(c.mariadb) }

// Start validates the configuration; it does not connect.
func (c *Connector) Start(_ context.Context, cfg connectors.Config, _ connectors.ConnectorContext) error {
	if _, err := ParseConfig(cfg, c.mariadb); err != nil {
		return err
	}
	c.cfg = cfg.Clone()
	return nil
}

// TaskConfigs returns one task config whatever maxTasks is.
func (c *Connector) TaskConfigs(int) ([]connectors.Config, error) {
	t := c.cfg.Clone()
	t["task.id"] = "0"
	return []connectors.Config{t}, nil
}

// Stop implements connectors.Connector.
func (c *Connector) Stop(context.Context) error { return nil }

// Validate runs the ConfigDef checks, then connects and checks the server: binlog on,
// binlog_format=ROW, binlog_row_image=FULL, the user's privileges and that no other
// replica uses database.server.id. Each problem is reported on the key to change.
func (c *Connector) Validate(ctx context.Context, raw connectors.Config) []connectors.ConfigValue {
	norm := Normalize(raw)
	vals := ConfigDef(c.mariadb).Validate(norm)
	idx := map[string]int{}
	for i, v := range vals {
		if len(v.Errors) > 0 {
			return vals
		}
		idx[v.Name] = i
	}
	add := func(key, msg string) {
		i := idx[key]
		vals[i].Errors = append(vals[i].Errors, msg)
	}
	cfg, err := ParseConfig(norm, c.mariadb)
	if err != nil {
		add("topic.prefix", err.Error())
		return vals
	}
	d := &dialer{cfg: cfg, log: discardLogger()}
	conn, err := d.connect(ctx)
	if err != nil {
		add("database.hostname", fmt.Sprintf("Unable to connect: %v", err))
		return vals
	}
	defer conn.Close()
	check := func(variable, want, key, fix string) {
		got, err := queryOne(conn, "SELECT @@GLOBAL."+variable)
		if err != nil {
			add(key, fmt.Sprintf("cannot read %s: %v", variable, err))
			return
		}
		if !strings.EqualFold(got, want) {
			add(key, fmt.Sprintf("The MySQL server is not configured for CDC: %s is %s, it must be %s. %s", variable, got, want, fix))
		}
	}
	check("log_bin", "1", "database.hostname", "Start the server with log_bin enabled (e.g. --log-bin=binlog).")
	check("binlog_format", "ROW", "database.hostname", "Run SET GLOBAL binlog_format=ROW or set binlog_format=ROW in the server config.")
	check("binlog_row_image", "FULL", "database.hostname", "Run SET GLOBAL binlog_row_image=FULL or set it in the server config.")
	grants, err := queryRows(conn, "SHOW GRANTS FOR CURRENT_USER()")
	if err == nil {
		all := ""
		for _, g := range grants {
			for _, v := range g {
				all += strings.ToUpper(v) + "\n"
			}
		}
		need := []string{"SELECT", "RELOAD", "SHOW DATABASES", "REPLICATION SLAVE"}
		if !strings.Contains(all, "ALL PRIVILEGES") {
			var missing []string
			for _, p := range need {
				if !strings.Contains(all, p) {
					missing = append(missing, p)
				}
			}
			if !strings.Contains(all, "REPLICATION CLIENT") && !strings.Contains(all, "BINLOG MONITOR") {
				missing = append(missing, "REPLICATION CLIENT")
			}
			if len(missing) > 0 {
				add("database.user", fmt.Sprintf("User %s lacks privileges %s; run GRANT %s ON *.* TO '%s'@'%%'",
					cfg.User, strings.Join(missing, ", "), strings.Join(missing, ", "), cfg.User))
			}
		}
	}
	// another replica with our server id?
	if own, err := queryOne(conn, "SELECT @@GLOBAL.server_id"); err == nil && own == strconv.FormatUint(uint64(cfg.ServerID), 10) {
		add("database.server.id", fmt.Sprintf("database.server.id %d is the server's own server_id; choose a unique id", cfg.ServerID))
	}
	if rows, err := queryRows(conn, "SHOW SLAVE HOSTS"); err == nil {
		for _, r := range rows {
			if r["Server_id"] == strconv.FormatUint(uint64(cfg.ServerID), 10) {
				add("database.server.id", fmt.Sprintf("database.server.id %d is already used by replica %s; choose a unique id", cfg.ServerID, r["Host"]))
			}
		}
	}
	return vals
}

var _ connectors.Validator = (*Connector)(nil)
var _ connectors.SourceConnector = (*Connector)(nil)
