package mysql

import (
	"fmt"
	"strings"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
)

func str(s string) *string { return &s }

// mysqlKeys are the MySQL/MariaDB keys of §1.4 and the dialect's defaults of common keys.
func mysqlKeys(mariadb bool) []connectors.ConfigKey {
	ssl := connectors.ConfigKey{Name: "database.ssl.mode", Type: connectors.TypeString, Default: str("preferred"),
		Documentation: "TLS to the database: disabled, preferred (falls back to plain), required, verify_ca, verify_identity.",
		Validator:     connectors.OneOf("disabled", "preferred", "required", "verify_ca", "verify_identity", "disable", "trust", "verify-ca", "verify-full")}
	if mariadb {
		ssl.Default = str("disable")
	}
	return []connectors.ConfigKey{
		{Name: "database.port", Type: connectors.TypeInt, Default: str("3306"), Documentation: "Database port.", Validator: connectors.AtLeast(1)},
		{Name: "database.server.id", Type: connectors.TypeLong, Required: true, Importance: connectors.High,
			Documentation: "Replication client id; unique among all replicas and clients of the server.", Validator: connectors.AtLeast(1)},
		{Name: "database.server.id.offset", Type: connectors.TypeLong, Default: str("10000")},
		{Name: "database.include.list", Type: connectors.TypeList, Documentation: "Regexes of databases to capture."},
		{Name: "database.exclude.list", Type: connectors.TypeList, Documentation: "Regexes of databases not to capture."},
		ssl,
		{Name: "database.ssl.keystore", Type: connectors.TypeString},
		{Name: "database.ssl.keystore.password", Type: connectors.TypePassword},
		{Name: "database.ssl.truststore", Type: connectors.TypeString},
		{Name: "database.ssl.truststore.password", Type: connectors.TypePassword},
		{Name: "connect.timeout.ms", Type: connectors.TypeInt, Default: str("30000"), Validator: connectors.AtLeast(1)},
		{Name: "connect.keep.alive", Type: connectors.TypeBoolean, Default: str("true")},
		{Name: "connect.keep.alive.interval.ms", Type: connectors.TypeLong, Default: str("60000"), Validator: connectors.AtLeast(1)},
		{Name: "binlog.net.write.timeout", Type: connectors.TypeInt, Default: str("0")},
		{Name: "binlog.net.read.timeout", Type: connectors.TypeInt, Default: str("0")},
		{Name: "binlog.buffer.size", Type: connectors.TypeInt, Default: str("0")},
		{Name: "min.row.count.to.stream.results", Type: connectors.TypeLong, Default: str("1000")},
		{Name: "snapshot.locking.mode", Type: connectors.TypeString, Default: str("minimal"),
			Validator: connectors.OneOf("minimal", "extended", "minimal_percona", "minimal_percona_no_table_locks", "none", "custom")},
		{Name: "gtid.source.includes", Type: connectors.TypeList, Documentation: "Regexes of GTID source ids to use."},
		{Name: "gtid.source.excludes", Type: connectors.TypeList, Documentation: "Regexes of GTID source ids to ignore."},
		{Name: "gtid.source.filter.dml.events", Type: connectors.TypeBoolean, Default: str("true")},
		{Name: "include.query", Type: connectors.TypeBoolean, Default: str("false")},
		{Name: "bigint.unsigned.handling.mode", Type: connectors.TypeString, Default: str("long"), Validator: connectors.OneOf("long", "precise")},
		{Name: "time.precision.mode", Type: connectors.TypeString, Default: str("adaptive_time_microseconds"),
			Validator: connectors.OneOf("adaptive_time_microseconds", "connect", "isostring", "microseconds", "nanoseconds")},
		{Name: "inconsistent.schema.handling.mode", Type: connectors.TypeString, Default: str("fail"), Validator: connectors.OneOf("fail", "warn", "skip", "ignore")},
		{Name: "event.deserialization.failure.handling.mode", Type: connectors.TypeString, Default: str("fail"), Validator: connectors.OneOf("fail", "warn", "skip", "ignore")},
		{Name: "enable.time.adjuster", Type: connectors.TypeBoolean, Default: str("true")},
		{Name: "database.initial.statements", Type: connectors.TypeString},
		{Name: "database.jdbc.driver", Type: connectors.TypeClass, Default: str("com.mysql.cj.jdbc.Driver")},
		{Name: "database.protocol", Type: connectors.TypeString, Default: str("jdbc:mysql")},
		{Name: "database.connectionTimeZone", Type: connectors.TypeString, Default: str("SERVER")},
		{Name: "ddl.parser.type", Type: connectors.TypeString, Default: str("default"), Validator: connectors.OneOf("default", "legacy")},
		{Name: "resolve.create.table.like.schema", Type: connectors.TypeBoolean, Default: str("false")},
		{Name: "use.nongraceful.disconnect", Type: connectors.TypeBoolean, Default: str("false")},
		{Name: "read.only", Type: connectors.TypeBoolean, Default: str("false")},
		{Name: "topic.naming.strategy", Type: connectors.TypeClass, Default: str("io.debezium.schema.DefaultTopicNamingStrategy")},
	}
}

// ConfigDef returns the MySQL (or MariaDB) connector's keys: the dialect keys first,
// then Debezium's common keys.
func ConfigDef(mariadb bool) *connectors.ConfigDef {
	def := connectors.NewConfigDef()
	for i, k := range append(mysqlKeys(mariadb), cdc.SignalConfigKeys()...) {
		if k.Group == "" {
			k.Group, k.OrderInGroup = "MySQL", i
		}
		def.Define(k)
	}
	return def.Merge(cdc.CommonConfigDef())
}

// renamed maps old key names to their replacements (2.0 renames and aliases).
var renamed = map[string]string{
	"database.server.name":                            "topic.prefix",
	"database.history.kafka.topic":                    "schema.history.internal.kafka.topic",
	"database.history.kafka.bootstrap.servers":        "schema.history.internal.kafka.bootstrap.servers",
	"database.history.skip.unparseable.ddl":           "schema.history.internal.skip.unparseable.ddl",
	"database.history.store.only.captured.tables.ddl": "schema.history.internal.store.only.captured.tables.ddl",
	"database.history":                                "schema.history.internal",
	"database.whitelist":                              "database.include.list",
	"database.blacklist":                              "database.exclude.list",
	"table.whitelist":                                 "table.include.list",
	"table.blacklist":                                 "table.exclude.list",
	"column.whitelist":                                "column.include.list",
	"column.blacklist":                                "column.exclude.list",
	"gtid.source.includes.list":                       "gtid.source.includes",
	"heartbeat.topics.prefix":                         "topic.heartbeat.prefix",
}

// Normalize returns cfg with renamed keys mapped to their current names (a current
// key wins over its old name) and MariaDB's ssl mode names mapped to MySQL's.
func Normalize(cfg connectors.Config) connectors.Config {
	out := cfg.Clone()
	for old, cur := range renamed {
		if v, ok := cfg[old]; ok {
			if _, set := cfg[cur]; !set {
				out[cur] = v
			}
		}
	}
	if m, ok := out["database.ssl.mode"]; ok {
		out["database.ssl.mode"] = sslMode(m)
	}
	return out
}

// sslMode maps MariaDB's ssl mode names to MySQL's.
func sslMode(m string) string {
	switch strings.ToLower(m) {
	case "disable":
		return "disabled"
	case "trust":
		return "required"
	case "verify-ca":
		return "verify_ca"
	case "verify-full":
		return "verify_identity"
	}
	return strings.ToLower(m)
}

// Config is the parsed connector configuration.
type Config struct {
	*cdc.Common
	MariaDB bool

	Host, User, Password string
	Port                 int
	ServerID             uint32
	SSLMode              string
	TLS                  tlsStores // database.ssl.truststore and database.ssl.keystore, read
	ConnectTimeout       time.Duration
	KeepAlive            bool
	KeepAliveInterval    time.Duration
	LockingMode          string
	LockTimeout          time.Duration
	FetchSize            int
	IncludeQuery         bool
	Modes                typeModes
	Filters              *cdc.TableFilters
	GTIDIncludes         cdc.PatternList
	GTIDExcludes         cdc.PatternList
	SnapshotDelay        time.Duration
	InitialStatements    []string
	StoreOnlyCaptured    bool
	HistoryClass         string
	IncrementalChunk     int
	Signals              cdc.SignalConfig
	SnapshotThreads      int
}

var builtinDBs = map[string]bool{"mysql": true, "performance_schema": true, "sys": true, "information_schema": true}

// ParseConfig validates and parses cfg (after Normalize).
func ParseConfig(cfg connectors.Config, mariadb bool) (*Config, error) {
	cfg = Normalize(cfg)
	v, err := ConfigDef(mariadb).Parse(cfg)
	if err != nil {
		return nil, err
	}
	common, err := cdc.ParseCommon(v)
	if err != nil {
		return nil, err
	}
	s := func(k string) string { x, _ := v[k].(string); return x }
	c := &Config{Common: common, MariaDB: mariadb,
		Host: s("database.hostname"), User: s("database.user"), Password: s("database.password"),
		SSLMode: sslMode(s("database.ssl.mode")), LockingMode: s("snapshot.locking.mode"),
		IncludeQuery: v["include.query"] == true, KeepAlive: v["connect.keep.alive"] == true,
		StoreOnlyCaptured: v["schema.history.internal.store.only.captured.tables.ddl"] == true,
		HistoryClass:      s("schema.history.internal")}
	if c.Host == "" {
		return nil, fmt.Errorf("database.hostname must be set")
	}
	if c.TLS, err = loadTLSStores(s); err != nil {
		return nil, err
	}
	if c.User == "" {
		return nil, fmt.Errorf("database.user must be set")
	}
	port, _ := v["database.port"].(int32)
	c.Port = int(port)
	sid, _ := v["database.server.id"].(int64)
	if sid > 1<<32-1 {
		return nil, fmt.Errorf("database.server.id %d does not fit in 32 bits", sid)
	}
	c.ServerID = uint32(sid)
	ct, _ := v["connect.timeout.ms"].(int32)
	c.ConnectTimeout = time.Duration(ct) * time.Millisecond
	ka, _ := v["connect.keep.alive.interval.ms"].(int64)
	c.KeepAliveInterval = time.Duration(ka) * time.Millisecond
	lt, _ := v["snapshot.lock.timeout.ms"].(int64)
	c.LockTimeout = time.Duration(lt) * time.Millisecond
	sd, _ := v["snapshot.delay.ms"].(int64)
	c.SnapshotDelay = time.Duration(sd) * time.Millisecond
	if n, ok := v["snapshot.max.threads"].(int32); ok {
		c.SnapshotThreads = int(n)
	}
	if n, ok := v["incremental.snapshot.chunk.size"].(int32); ok {
		c.IncrementalChunk = int(n)
	}
	if fs, ok := v["snapshot.fetch.size"].(int32); ok {
		c.FetchSize = int(fs)
	}
	c.Modes = typeModes{decimal: s("decimal.handling.mode"), timePrecision: s("time.precision.mode"),
		bigintUnsigned: s("bigint.unsigned.handling.mode"), binary: s("binary.handling.mode")}
	switch c.Modes.timePrecision {
	case "adaptive_time_microseconds", "connect":
	default:
		return nil, fmt.Errorf("time.precision.mode=%s is not supported by Gonnect yet; use adaptive_time_microseconds or connect", c.Modes.timePrecision)
	}
	switch c.SnapshotMode {
	case "always", "initial", "initial_only", "no_data", "recovery", "when_needed", "never":
	default:
		return nil, fmt.Errorf("snapshot.mode=%s is not supported by Gonnect; use initial, initial_only, when_needed, no_data, never, recovery or always", c.SnapshotMode)
	}
	if stmts := s("database.initial.statements"); stmts != "" {
		for _, st := range strings.Split(stmts, ";") {
			if st = strings.TrimSpace(st); st != "" {
				c.InitialStatements = append(c.InitialStatements, st)
			}
		}
	}
	raw := func(k string) string { return cfg[k] }
	dbf, err := cdc.NewFilter("database.include.list", raw("database.include.list"), "database.exclude.list", raw("database.exclude.list"))
	if err != nil {
		return nil, err
	}
	tf, err := cdc.NewFilter("table.include.list", raw("table.include.list"), "table.exclude.list", raw("table.exclude.list"))
	if err != nil {
		return nil, err
	}
	cf, err := cdc.NewFilter("column.include.list", raw("column.include.list"), "column.exclude.list", raw("column.exclude.list"))
	if err != nil {
		return nil, err
	}
	ignoreBuiltin := v["table.ignore.builtin"] == true
	c.Filters = &cdc.TableFilters{Container: dbf, Table: tf, Column: cf, Signal: common.SignalTable,
		BuiltIn:       func(db string) bool { return ignoreBuiltin && builtinDBs[strings.ToLower(db)] },
		TableName:     func(id cdc.TableID) string { return id.Catalog + "." + id.Table },
		ContainerName: func(id cdc.TableID) string { return id.Catalog }}
	if c.Signals, err = cdc.ParseSignalConfig(cfg, common.TopicPrefix); err != nil {
		return nil, err
	}
	if raw("gtid.source.includes") != "" && raw("gtid.source.excludes") != "" {
		return nil, fmt.Errorf("gtid.source.includes and gtid.source.excludes are mutually exclusive: set only one of them")
	}
	if c.GTIDIncludes, err = cdc.ParsePatternList("gtid.source.includes", raw("gtid.source.includes")); err != nil {
		return nil, err
	}
	if c.GTIDExcludes, err = cdc.ParsePatternList("gtid.source.excludes", raw("gtid.source.excludes")); err != nil {
		return nil, err
	}
	return c, nil
}
