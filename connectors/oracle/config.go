package oracle

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
)

// builtInSchemas are the Oracle schemas dropped when table.ignore.builtin=true
// (spec §1.2).
var builtInSchemas = map[string]bool{"APPQOSSYS": true, "AUDSYS": true, "CTXSYS": true, "DVSYS": true, "DBSFWUSER": true,
	"DBSNMP": true, "GGSHAREDCAP": true, "GSMADMIN_INTERNAL": true, "LBACSYS": true, "MDSYS": true, "OJVMSYS": true,
	"OLAPSYS": true, "ORDDATA": true, "ORDSYS": true, "OUTLN": true, "SYS": true, "SYSTEM": true, "VECSYS": true,
	"WMSYS": true, "XDB": true}

type key struct {
	name, typ, def, doc string
	val                 func(any) error
}

// oracleKeys are Debezium's Oracle keys (spec §1.5) with their defaults, plus the
// Gonnect buffer keys (log.mining.buffer.memory.limit.bytes, log.mining.buffer.spill.dir).
var oracleKeys = []key{
	{"database.port", "INT", "1528", "Oracle listener port (Debezium's code default).", nil},
	{"database.dbname", "STRING", "", "Database (CDB) service name; upper-cased unless double-quoted.", nil},
	{"database.pdb.name", "STRING", "", "PDB to capture; becomes source.db.", nil},
	{"database.url", "STRING", "", "Raw connect string (TNS, RAC); replaces host/port/dbname.", nil},
	{"database.connection.adapter", "STRING", "logminer", "logminer, logminer_unbuffered, xstream, olr.", connectors.OneOf("logminer", "LogMiner", "logminer_unbuffered", "LogMiner_Unbuffered", "xstream", "XStream", "olr", "OLR")},
	{"schema.include.list", "LIST", "", "Schemas to capture (anchored, case-insensitive regexes).", nil},
	{"schema.exclude.list", "LIST", "", "Schemas not to capture.", nil},
	{"snapshot.locking.mode", "STRING", "shared", "shared, none, custom.", connectors.OneOf("shared", "none", "custom")},
	{"snapshot.database.errors.max.retries", "INT", "0", "", nil},
	{"snapshot.fetch.size", "INT", "10000", "", nil},
	{"topic.naming.strategy", "CLASS", "io.debezium.schema.SchemaTopicNamingStrategy", "", nil},
	{"time.precision.mode", "STRING", "adaptive", "adaptive, adaptive_time_microseconds, connect, isostring, microseconds, nanoseconds.", connectors.OneOf("adaptive", "adaptive_time_microseconds", "connect", "isostring", "microseconds", "nanoseconds")},
	{"interval.handling.mode", "STRING", "numeric", "numeric or string.", connectors.OneOf("numeric", "string")},
	{"log.mining.strategy", "STRING", "online_catalog", "online_catalog, redo_log_catalog, hybrid, dictionary_from_file.", connectors.OneOf("online_catalog", "redo_log_catalog", "hybrid", "dictionary_from_file")},
	{"log.mining.query.filter.mode", "STRING", "none", "none, in, regex.", connectors.OneOf("none", "in", "regex")},
	{"log.mining.batch.size.min", "LONG", "1000", "", nil},
	{"log.mining.batch.size.default", "LONG", "20000", "", nil},
	{"log.mining.batch.size.max", "LONG", "100000", "", nil},
	{"log.mining.batch.size.increment", "LONG", "20000", "", nil},
	{"log.mining.sleep.time.min.ms", "LONG", "0", "", nil},
	{"log.mining.sleep.time.default.ms", "LONG", "1000", "", nil},
	{"log.mining.sleep.time.max.ms", "LONG", "3000", "", nil},
	{"log.mining.sleep.time.increment.ms", "LONG", "200", "", nil},
	{"log.mining.log.count.min", "INT", "2", "", nil},
	{"log.mining.scn.gap.detection.gap.size.min", "LONG", "1000000", "", nil},
	{"log.mining.scn.gap.detection.time.interval.max.ms", "LONG", "20000", "", nil},
	{"log.mining.transaction.retention.ms", "LONG", "0", "Discard open transactions older than this (0: never).", nil},
	{"log.mining.window.max.ms", "LONG", "0", "", nil},
	{"log.mining.session.max.ms", "LONG", "0", "", nil},
	{"log.mining.restart.connection", "BOOLEAN", "false", "", nil},
	{"log.mining.archive.log.only.mode", "BOOLEAN", "false", "", nil},
	{"log.mining.archive.log.only.scn.poll.interval.ms", "LONG", "10000", "", nil},
	{"archive.log.hours", "LONG", "0", "", nil},
	{"archive.destination.name", "STRING", "", "", nil},
	{"log.mining.buffer.type", "STRING", "memory", "memory (Gonnect spills large transactions to disk itself).", nil},
	{"log.mining.buffer.drop.on.stop", "BOOLEAN", "false", "", nil},
	{"log.mining.buffer.transaction.events.threshold", "LONG", "0", "", nil},
	{"log.mining.buffer.memory.limit.bytes", "LONG", "268435456", "Gonnect: bytes of buffered rows kept in memory before the largest transaction spills to disk (0: unbounded).", nil},
	{"log.mining.buffer.spill.dir", "STRING", "", "Gonnect: directory for spilled transactions (default: the OS temp dir).", nil},
	{"log.mining.username.include.list", "LIST", "", "", nil},
	{"log.mining.username.exclude.list", "LIST", "", "", nil},
	{"log.mining.clientid.include.list", "LIST", "", "", nil},
	{"log.mining.clientid.exclude.list", "LIST", "", "", nil},
	{"log.mining.flush.table.name", "STRING", "LOG_MINING_FLUSH", "", nil},
	{"log.mining.include.redo.sql", "BOOLEAN", "false", "", nil},
	{"log.mining.read.only", "BOOLEAN", "false", "", nil},
	{"lob.enabled", "BOOLEAN", "false", "Capture CLOB/NCLOB/BLOB values.", nil},
	{"rac.nodes", "LIST", "", "host[:port[/service]] of each RAC instance: the LGWR flush runs on each; GV$TRANSACTION at snapshots.", nil},
	{"query.fetch.size", "INT", "10000", "", nil},
	{"legacy.decimal.handling.strategy", "BOOLEAN", "false", "", nil},
	{"incremental.snapshot.java.time.zone", "STRING", "UTC", "Gonnect: default time zone (IANA name) of the Java worker running Debezium on the same offsets; Oracle's driver turns DATE keys of incremental snapshots into java.sql.Timestamp in it.", validZone},
	{"capture.mode", "STRING", "primary", "primary, physical_standby, downstream.", nil},
}

// ConfigDef returns the Oracle connector's keys merged over Debezium's common keys.
func ConfigDef() *connectors.ConfigDef {
	def := connectors.NewConfigDef()
	for i, k := range oracleKeys {
		ck := connectors.ConfigKey{Name: k.name, Type: connectors.ConfigType(k.typ), Documentation: k.doc,
			Group: "Oracle", OrderInGroup: i, Validator: k.val}
		if k.def != "" || k.typ == "LIST" || k.typ == "STRING" {
			if k.def != "" {
				ck.Default = connectors.Str(k.def)
			}
		}
		def.Define(ck)
	}
	for _, k := range cdc.SignalConfigKeys() {
		def.Define(k)
	}
	return def.Merge(cdc.CommonConfigDef())
}

// Config is the parsed connector configuration.
type Config struct {
	Common       *cdc.Common
	Raw          connectors.Config
	DBName       string
	PDBName      string
	URL          string
	Host         string
	Port         int32
	User         string
	Password     string
	Filters      *cdc.TableFilters
	Modes        Modes
	FilterMode   string
	Retention    time.Duration
	BufferLimit  int64
	SpillDir     string
	Batch        BatchSizing
	ArchiveOnly  bool
	RACNodes     []string
	Adapter      string
	FetchSize    int
	ArchiveHours int64
	SessionMax   time.Duration
	// GapSize and GapTime are log.mining.scn.gap.detection.gap.size.min and
	// .time.interval.max.ms: an SCN jump at least GapSize within GapTime of wall clock
	// (an SCN bump through a DB link, say) is mined in one window.
	GapSize uint64
	GapTime time.Duration
	// Signals is signal.enabled.channels and the Kafka signal channel's keys.
	Signals cdc.SignalConfig
	// JavaZone is incremental.snapshot.java.time.zone (see IncrementalSource).
	JavaZone *time.Location
}

// BatchSizing is the adaptive SCN window (log.mining.batch.size.*, log.mining.sleep.time.*).
type BatchSizing struct {
	Min, Default, Max, Increment                     uint64
	SleepMin, SleepDefault, SleepMax, SleepIncrement time.Duration
}

// ParseConfig parses and validates a connector configuration; errors name the key.
func ParseConfig(cfg connectors.Config) (*Config, error) {
	v, err := ConfigDef().Parse(cfg)
	if err != nil {
		return nil, err
	}
	common, err := cdc.ParseCommon(v)
	if err != nil {
		return nil, err
	}
	str := func(k string) string { s, _ := v[k].(string); return s }
	i64 := func(k string) int64 {
		switch n := v[k].(type) {
		case int64:
			return n
		case int32:
			return int64(n)
		}
		return 0
	}
	c := &Config{Common: common, Raw: cfg, DBName: dbName(str("database.dbname")), PDBName: dbName(str("database.pdb.name")),
		URL: str("database.url"), Host: str("database.hostname"), User: str("database.user"), Password: str("database.password"),
		FilterMode: str("log.mining.query.filter.mode"), Retention: time.Duration(i64("log.mining.transaction.retention.ms")) * time.Millisecond,
		BufferLimit: i64("log.mining.buffer.memory.limit.bytes"), SpillDir: str("log.mining.buffer.spill.dir"),
		ArchiveOnly: v["log.mining.archive.log.only.mode"] == true, Adapter: strings.ToLower(str("database.connection.adapter"))}
	c.Port = int32(i64("database.port"))
	if c.DBName == "" && c.URL == "" {
		return nil, fmt.Errorf("database.dbname: required unless database.url is set")
	}
	if c.Adapter != "logminer" {
		return nil, fmt.Errorf("database.connection.adapter: %q is not supported by Gonnect (only logminer)", str("database.connection.adapter"))
	}
	if c.SpillDir == "" {
		c.SpillDir = os.TempDir()
	}
	if c.BufferLimit < 0 {
		return nil, fmt.Errorf("log.mining.buffer.memory.limit.bytes: must not be negative")
	}
	c.Modes = DefaultModes()
	c.Modes.Decimal, c.Modes.Binary = common.DecimalMode, common.BinaryMode
	c.Modes.Time, c.Modes.Interval = str("time.precision.mode"), str("interval.handling.mode")
	c.Modes.LOBEnabled = v["lob.enabled"] == true
	c.Modes.Placeholder = str("unavailable.value.placeholder")
	if err := c.Modes.Validate(); err != nil {
		return nil, err
	}
	if c.Modes.LOBEnabled && str("log.mining.strategy") == "hybrid" {
		return nil, fmt.Errorf("lob.enabled: cannot be combined with log.mining.strategy=hybrid")
	}
	c.RACNodes, _ = v["rac.nodes"].([]string)
	if _, err := c.RACNodeConnectStrings(); err != nil {
		return nil, err
	}
	if c.JavaZone, err = time.LoadLocation(str("incremental.snapshot.java.time.zone")); err != nil {
		return nil, fmt.Errorf("incremental.snapshot.java.time.zone: %w", err)
	}
	c.FetchSize = int(i64("query.fetch.size"))
	c.ArchiveHours = i64("archive.log.hours")
	c.SessionMax = ms(i64("log.mining.session.max.ms"))
	c.GapSize = uint64(i64("log.mining.scn.gap.detection.gap.size.min"))
	c.GapTime = ms(i64("log.mining.scn.gap.detection.time.interval.max.ms"))
	c.Batch = BatchSizing{Min: uint64(i64("log.mining.batch.size.min")), Default: uint64(i64("log.mining.batch.size.default")),
		Max: uint64(i64("log.mining.batch.size.max")), Increment: uint64(i64("log.mining.batch.size.increment")),
		SleepMin: ms(i64("log.mining.sleep.time.min.ms")), SleepDefault: ms(i64("log.mining.sleep.time.default.ms")),
		SleepMax: ms(i64("log.mining.sleep.time.max.ms")), SleepIncrement: ms(i64("log.mining.sleep.time.increment.ms"))}
	if c.Batch.Min > c.Batch.Default || c.Batch.Default > c.Batch.Max {
		return nil, fmt.Errorf("log.mining.batch.size.default: must lie between log.mining.batch.size.min and .max")
	}
	if c.Filters, err = newFilters(cfg, v["table.ignore.builtin"] == true, common.SignalTable); err != nil {
		return nil, err
	}
	if err := c.checkSignalTable(); err != nil {
		return nil, err
	}
	if c.Signals, err = cdc.ParseSignalConfig(cfg, common.TopicPrefix); err != nil {
		return nil, err
	}
	return c, nil
}

func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

// dbName upper-cases a name unless it is double-quoted (Debezium's rule).
func dbName(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return strings.ToUpper(s)
}

// SourceDB is source.db: the PDB name when set, else the database name.
func (c *Config) SourceDB() string {
	if c.PDBName != "" {
		return c.PDBName
	}
	return c.DBName
}

// newFilters builds the §1.6 capture filter: schema lists on the owner, table lists
// on "SCHEMA.TABLE" (a table pattern without the schema part never matches).
func newFilters(cfg connectors.Config, ignoreBuiltin bool, signal string) (*cdc.TableFilters, error) {
	schemaF, err := cdc.NewFilter("schema.include.list", cfg["schema.include.list"], "schema.exclude.list", cfg["schema.exclude.list"])
	if err != nil {
		return nil, err
	}
	tableF, err := cdc.NewFilter("table.include.list", cfg["table.include.list"], "table.exclude.list", cfg["table.exclude.list"])
	if err != nil {
		return nil, err
	}
	colF, err := cdc.NewFilter("column.include.list", cfg["column.include.list"], "column.exclude.list", cfg["column.exclude.list"])
	if err != nil {
		return nil, err
	}
	f := &cdc.TableFilters{Container: schemaF, Table: tableF, Column: colF, Signal: signalTableName(signal),
		TableName:     func(id cdc.TableID) string { return id.Schema + "." + id.Table },
		ContainerName: func(id cdc.TableID) string { return id.Schema }}
	if ignoreBuiltin {
		f.BuiltIn = func(s string) bool { return builtInSchemas[strings.ToUpper(s)] }
	}
	return f, nil
}

// StreamConfig derives the streaming engine's configuration.
func (c *Config) StreamConfig() StreamConfig {
	return StreamConfig{Topics: c.Common.Topics, DB: c.SourceDB(), Filters: c.Filters,
		Emit: cdc.EmitOptions{Tombstones: c.Common.Tombstones, Skipped: c.Common.Skipped}, Failure: c.Common.Failure,
		Modes: c.Modes, Keys: c.Common.KeyColumns, Retention: c.Retention, BufferLimit: c.BufferLimit, SpillDir: c.SpillDir,
		IncludeSchemaChanges: c.Common.IncludeSchema, TxMetadata: c.Common.TxMetadata,
		SkipUnchanged: strings.EqualFold(strings.TrimSpace(c.Raw["skip.messages.without.change"]), "true"),
		SignalTable:   c.Common.SignalTable, SourceSignalsOff: !c.Signals.Source, Incremental: IncrementalSource{ChunkSize: c.chunkSize(),
			DeleteWatermarks: strings.EqualFold(strings.TrimSpace(c.Raw["incremental.snapshot.watermarking.strategy"]), "INSERT_DELETE"),
			JavaZone:         c.JavaZone}}
}

// validZone checks a time zone name.
func validZone(v any) error {
	if s, _ := v.(string); s != "" {
		if _, err := time.LoadLocation(s); err != nil {
			return fmt.Errorf("unknown time zone %q", s)
		}
	}
	return nil
}

// chunkSize is incremental.snapshot.chunk.size (default 1024).
func (c *Config) chunkSize() int {
	if n, err := strconv.Atoi(strings.TrimSpace(c.Raw["incremental.snapshot.chunk.size"])); err == nil && n > 0 {
		return n
	}
	return 1024
}

// checkSignalTable validates signal.data.collection: Debezium's Oracle form
// <databaseName>.<schemaName>.<tableName>, where with a PDB the database name is the
// root database's (database.dbname); the PDB's name is accepted too.
func (c *Config) checkSignalTable() error {
	sig := strings.TrimSpace(c.Common.SignalTable)
	if sig == "" {
		return nil
	}
	parts := strings.Split(sig, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return fmt.Errorf("signal.data.collection: %q must be <databaseName>.<schemaName>.<tableName>", sig)
	}
	if c.DBName != "" && !strings.EqualFold(parts[0], c.DBName) && !strings.EqualFold(parts[0], c.PDBName) {
		return fmt.Errorf("signal.data.collection: database %q is neither database.dbname %q nor database.pdb.name %q", parts[0], c.DBName, c.PDBName)
	}
	return nil
}
