// Package oracle is Gonnect's Debezium-compatible Oracle LogMiner source connector:
// the same connector.class, keys, topics, envelopes, schemas, offsets and schema
// history as Debezium's, with a transaction buffer that pairs undo rows correctly,
// spills large transactions to disk, and never turns an UPDATE into a DELETE unless
// the primary key changed (see applyRules and docs/oracle.md).
//
// Layout: sqlredo parses SQL_REDO; logminer is the mining session (godror or
// recorded rows); Stream (stream.go) is the engine shared by the task and by
// `gonnect oracle replay` (package replay).
package oracle

import (
	"context"
	"fmt"
	"strings"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
)

// Version is reported by /connector-plugins.
const Version = "3.1.2.Final"

// Class is Debezium's connector class name.
const Class = "io.debezium.connector.oracle.OracleConnector"

// Plugin returns io.debezium.connector.oracle.OracleConnector for the registry
// (aliases OracleConnector and oracle).
func Plugin() *connectors.Plugin {
	return &connectors.Plugin{Class: Class, Aliases: []string{"OracleConnector", "oracle"}, Version: Version,
		NewConnector:  func() connectors.Connector { return NewConnector() },
		NewSourceTask: func() connectors.SourceTask { return NewTask() }}
}

// Connector is the Oracle source connector: one task, like Debezium's.
// The worker calls its methods from one goroutine.
type Connector struct {
	connectors.Source
	cfg connectors.Config
}

// NewConnector returns an unstarted connector.
func NewConnector() *Connector { return &Connector{} }

// ConfigDef implements connectors.Connector.
func (c *Connector) ConfigDef() *connectors.ConfigDef { return ConfigDef() }

// Start validates the configuration; it does not connect.
func (c *Connector) Start(_ context.Context, cfg connectors.Config, _ connectors.ConnectorContext) error {
	if _, err := ParseConfig(cfg); err != nil {
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

// Validate runs the ConfigDef checks, then connects and checks ARCHIVELOG mode,
// supplemental logging of the database and of every captured table, and the user's
// privileges (ValidateDatabase). Problems are reported on the key to change, with
// the statement to run. It blocks for at most ctx.
func (c *Connector) Validate(ctx context.Context, raw connectors.Config) []connectors.ConfigValue {
	vals := ConfigDef().Validate(raw)
	idx := map[string]int{}
	for i, v := range vals {
		if len(v.Errors) > 0 {
			return vals
		}
		idx[v.Name] = i
	}
	add := func(key, msg string) {
		i, ok := idx[key]
		if !ok {
			i = idx["topic.prefix"]
		}
		vals[i].Errors = append(vals[i].Errors, msg)
	}
	cfg, err := ParseConfig(raw)
	if err != nil {
		add(keyOf(err), err.Error())
		return vals
	}
	db, err := logminer.Open(ctx, cfg.DSN(), logminer.Options{})
	if err != nil {
		add("database.hostname", fmt.Sprintf("Unable to connect: %v", err))
		return vals
	}
	defer db.Close(ctx)
	dict := SQLDictionary{DB: db.SQL(), PDB: cfg.PDBName}
	cat, err := ReadDictionary(ctx, dict, cfg.Filters)
	if err != nil {
		add("database.user", fmt.Sprintf("cannot read the data dictionary: %v", err))
		return vals
	}
	for _, p := range ValidateDatabase(ctx, dict, cat, cfg.User) {
		add(p.Key, p.Message)
	}
	return vals
}

// keyOf extracts the config key an error message starts with ("key: ...").
func keyOf(err error) string {
	k, _, ok := strings.Cut(err.Error(), ":")
	if !ok || strings.ContainsAny(k, " \"") {
		return "topic.prefix"
	}
	return k
}
