package cdc

import (
	"fmt"
	"regexp"

	"github.com/gonnect/gonnect/connectors"
)

type keyDef struct {
	name string
	typ  connectors.ConfigType
	def  *string
	doc  string
	val  func(any) error
}

func d(s string) *string { return &s }

var topicPrefixRe = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

func validTopicPrefix(v any) error {
	s, _ := v.(string)
	if !topicPrefixRe.MatchString(s) {
		return fmt.Errorf("Topic prefix must contain only characters A-Z, a-z, 0-9, '.', '_' or '-'")
	}
	return nil
}

// commonKeys are Debezium's common connector keys (§1.3) with their defaults.
var commonKeys = []keyDef{
	{"topic.prefix", connectors.TypeString, nil, "Logical name of the source; prefix of every topic and the source partition id. Must never change.", validTopicPrefix},
	{"database.hostname", connectors.TypeString, nil, "Database host.", nil},
	{"database.user", connectors.TypeString, nil, "Database user.", nil},
	{"database.password", connectors.TypePassword, nil, "Database password.", nil},
	{"database.query.timeout.ms", connectors.TypeInt, d("600000"), "Query timeout.", connectors.AtLeast(0)},
	{"table.include.list", connectors.TypeList, nil, "Regexes of tables to capture.", nil},
	{"table.exclude.list", connectors.TypeList, nil, "Regexes of tables not to capture.", nil},
	{"table.ignore.builtin", connectors.TypeBoolean, d("true"), "Ignore built-in system tables.", nil},
	{"column.include.list", connectors.TypeList, nil, "Regexes of columns to include.", nil},
	{"column.exclude.list", connectors.TypeList, nil, "Regexes of columns to exclude.", nil},
	{"message.key.columns", connectors.TypeString, nil, "Custom message keys: <table regex>:<col>,...;...", nil},
	{"snapshot.mode", connectors.TypeString, d("initial"), "Snapshot mode.", connectors.OneOf("always", "initial", "initial_only", "no_data", "recovery", "when_needed", "configuration_based", "custom", "schema_only", "schema_only_recovery", "never")},
	{"snapshot.mode.configuration.based.snapshot.data", connectors.TypeBoolean, d("false"), "", nil},
	{"snapshot.mode.configuration.based.snapshot.schema", connectors.TypeBoolean, d("false"), "", nil},
	{"snapshot.mode.configuration.based.start.stream", connectors.TypeBoolean, d("false"), "", nil},
	{"snapshot.mode.configuration.based.snapshot.on.schema.error", connectors.TypeBoolean, d("false"), "", nil},
	{"snapshot.mode.configuration.based.snapshot.on.data.error", connectors.TypeBoolean, d("false"), "", nil},
	{"snapshot.mode.custom.name", connectors.TypeString, nil, "", nil},
	{"snapshot.lock.timeout.ms", connectors.TypeLong, d("10000"), "Lock wait timeout during the snapshot.", nil},
	{"snapshot.fetch.size", connectors.TypeInt, nil, "Rows fetched per round trip during the snapshot.", nil},
	{"snapshot.include.collection.list", connectors.TypeList, nil, "Subset of captured tables to snapshot.", nil},
	{"snapshot.select.statement.overrides", connectors.TypeString, nil, "Tables whose snapshot SELECT is overridden.", nil},
	{"snapshot.delay.ms", connectors.TypeLong, d("0"), "", connectors.AtLeast(0)},
	{"streaming.delay.ms", connectors.TypeLong, d("0"), "", connectors.AtLeast(0)},
	{"snapshot.max.threads", connectors.TypeInt, d("1"), "Threads used to snapshot tables.", connectors.AtLeast(1)},
	{"snapshot.query.mode", connectors.TypeString, d("select_all"), "", connectors.OneOf("select_all", "custom")},
	{"snapshot.tables.order.by.row.count", connectors.TypeString, d("disabled"), "", connectors.OneOf("disabled", "ascending", "descending")},
	{"max.batch.size", connectors.TypeInt, d("2048"), "Maximum records per poll.", connectors.AtLeast(1)},
	{"max.queue.size", connectors.TypeInt, d("8192"), "Maximum queued records; must exceed max.batch.size.", connectors.AtLeast(1)},
	{"max.queue.size.in.bytes", connectors.TypeLong, d("0"), "", connectors.AtLeast(0)},
	{"poll.interval.ms", connectors.TypeLong, d("500"), "Wait for new records before returning an empty poll.", connectors.AtLeast(0)},
	{"heartbeat.interval.ms", connectors.TypeInt, d("0"), "Heartbeat interval; 0 disables.", connectors.AtLeast(0)},
	{"heartbeat.action.query", connectors.TypeString, nil, "SQL run on each heartbeat.", nil},
	{"topic.heartbeat.prefix", connectors.TypeString, d("__debezium-heartbeat"), "", nil},
	{"heartbeat.topics.prefix", connectors.TypeString, d("__debezium-heartbeat"), "Old name of topic.heartbeat.prefix.", nil},
	{"topic.heartbeat.name", connectors.TypeString, nil, "Full heartbeat topic name.", nil},
	{"topic.delimiter", connectors.TypeString, d("."), "", nil},
	{"topic.transaction", connectors.TypeString, d("transaction"), "", nil},
	{"topic.naming.strategy", connectors.TypeClass, d("io.debezium.schema.DefaultTopicNamingStrategy"), "", nil},
	{"topic.cache.size", connectors.TypeInt, d("10000"), "", nil},
	{"schema.history.internal", connectors.TypeClass, d("io.debezium.storage.kafka.history.KafkaSchemaHistory"), "", nil},
	{"schema.history.internal.kafka.topic", connectors.TypeString, nil, "Schema history topic.", nil},
	{"schema.history.internal.kafka.bootstrap.servers", connectors.TypeString, nil, "Kafka for the schema history.", nil},
	{"schema.history.internal.kafka.recovery.poll.interval.ms", connectors.TypeInt, d("100"), "", nil},
	{"schema.history.internal.kafka.recovery.attempts", connectors.TypeInt, d("100"), "", nil},
	{"schema.history.internal.kafka.query.timeout.ms", connectors.TypeLong, d("3000"), "", nil},
	{"schema.history.internal.kafka.create.timeout.ms", connectors.TypeLong, d("30000"), "", nil},
	{"schema.history.internal.skip.unparseable.ddl", connectors.TypeBoolean, d("false"), "", nil},
	{"schema.history.internal.store.only.captured.tables.ddl", connectors.TypeBoolean, d("false"), "", nil},
	{"schema.history.internal.store.only.captured.databases.ddl", connectors.TypeBoolean, d("false"), "", nil},
	{"schema.history.internal.prefer.ddl", connectors.TypeBoolean, d("false"), "", nil},
	{"include.schema.changes", connectors.TypeBoolean, d("true"), "Emit schema changes to the <topic.prefix> topic.", nil},
	{"include.schema.comments", connectors.TypeBoolean, d("false"), "", nil},
	{"tombstones.on.delete", connectors.TypeBoolean, d("true"), "Emit a tombstone after each delete.", nil},
	{"skipped.operations", connectors.TypeList, d("t"), "Operations not emitted: c, u, d, t or none.", func(v any) error {
		l, _ := v.([]string)
		for _, s := range l {
			if _, err := ParseSkippedOps(s); err != nil {
				return fmt.Errorf("Valid values are c, u, d, t and none")
			}
		}
		return nil
	}},
	{"skip.messages.without.change", connectors.TypeBoolean, d("false"), "", nil},
	{"provide.transaction.metadata", connectors.TypeBoolean, d("false"), "Emit BEGIN/END records and the envelope transaction block.", nil},
	{"decimal.handling.mode", connectors.TypeString, d("precise"), "", connectors.OneOf("precise", "double", "string")},
	{"binary.handling.mode", connectors.TypeString, d("bytes"), "", connectors.OneOf("bytes", "base64", "base64-url-safe", "hex")},
	{"schema.name.adjustment.mode", connectors.TypeString, d("none"), "", connectors.OneOf("none", "avro", "avro_unicode")},
	{"field.name.adjustment.mode", connectors.TypeString, d("none"), "", connectors.OneOf("none", "avro", "avro_unicode")},
	{"event.processing.failure.handling.mode", connectors.TypeString, d("fail"), "", connectors.OneOf("fail", "warn", "skip", "ignore")},
	{"event.converting.failure.handling.mode", connectors.TypeString, d("warn"), "", connectors.OneOf("fail", "warn", "skip", "ignore")},
	{"signal.data.collection", connectors.TypeString, nil, "Signal table.", nil},
	{"signal.enabled.channels", connectors.TypeList, d("source"), "", nil},
	{"signal.poll.interval.ms", connectors.TypeLong, d("5000"), "", nil},
	{"incremental.snapshot.chunk.size", connectors.TypeInt, d("1024"), "", connectors.AtLeast(1)},
	{"incremental.snapshot.watermarking.strategy", connectors.TypeString, d("INSERT_INSERT"), "", connectors.OneOf("INSERT_INSERT", "INSERT_DELETE")},
	{"incremental.snapshot.allow.schema.changes", connectors.TypeBoolean, d("false"), "", nil},
	{"unavailable.value.placeholder", connectors.TypeString, d("__debezium_unavailable_value"), "", nil},
	{"converters", connectors.TypeString, nil, "", nil},
	{"post.processors", connectors.TypeString, nil, "", nil},
	{"column.propagate.source.type", connectors.TypeList, nil, "", nil},
	{"datatype.propagate.source.type", connectors.TypeList, nil, "", nil},
	{"errors.max.retries", connectors.TypeInt, d("-1"), "", nil},
	{"retriable.restart.connector.wait.ms", connectors.TypeLong, d("10000"), "", nil},
	{"extended.headers.enabled", connectors.TypeBoolean, d("true"), "", nil},
	{"custom.metric.tags", connectors.TypeString, nil, "", nil},
}

// CommonConfigDef returns Debezium's common keys (§1.3) as a ConfigDef fragment. Dialects
// merge their own keys over it (keys they define first win with ConfigDef.Merge), e.g.
// the MySQL default of time.precision.mode.
func CommonConfigDef() *connectors.ConfigDef {
	def := connectors.NewConfigDef()
	for i, k := range commonKeys {
		ck := connectors.ConfigKey{Name: k.name, Type: k.typ, Default: k.def, Documentation: k.doc,
			Group: "Debezium", OrderInGroup: i, Validator: k.val, Importance: connectors.Medium}
		if k.name == "topic.prefix" {
			ck.Required, ck.Importance = true, connectors.High
		}
		def.Define(ck)
	}
	return def
}

// Common is the parsed common configuration, used by both dialects.
type Common struct {
	TopicPrefix     string
	Topics          Topics
	Tombstones      bool
	Skipped         SkippedOps
	Failure         FailureMode
	IncludeSchema   bool
	TxMetadata      bool
	Heartbeat       int32 // ms
	HeartbeatQuery  string
	MaxBatch        int
	MaxQueue        int
	PollInterval    int64 // ms
	SnapshotMode    string
	SkipUnparseable bool
	HistoryTopic    string
	HistoryServers  string
	KeyColumns      KeyColumns
	SignalTable     string
	DecimalMode     string
	BinaryMode      string
}

// ParseCommon reads the common keys from values parsed by a ConfigDef that includes
// CommonConfigDef. Legacy snapshot modes are mapped to their replacements
// (schema_only → no_data, schema_only_recovery → recovery).
func ParseCommon(v map[string]any) (*Common, error) {
	str := func(k string) string { s, _ := v[k].(string); return s }
	list := func(k string) []string { l, _ := v[k].([]string); return l }
	c := &Common{
		TopicPrefix:     str("topic.prefix"),
		Tombstones:      v["tombstones.on.delete"] == true,
		IncludeSchema:   v["include.schema.changes"] == true,
		TxMetadata:      v["provide.transaction.metadata"] == true,
		HeartbeatQuery:  str("heartbeat.action.query"),
		SnapshotMode:    str("snapshot.mode"),
		SkipUnparseable: v["schema.history.internal.skip.unparseable.ddl"] == true,
		HistoryTopic:    str("schema.history.internal.kafka.topic"),
		HistoryServers:  str("schema.history.internal.kafka.bootstrap.servers"),
		SignalTable:     str("signal.data.collection"),
		DecimalMode:     str("decimal.handling.mode"),
		BinaryMode:      str("binary.handling.mode"),
	}
	c.Heartbeat, _ = v["heartbeat.interval.ms"].(int32)
	mb, _ := v["max.batch.size"].(int32)
	mq, _ := v["max.queue.size"].(int32)
	c.MaxBatch, c.MaxQueue = int(mb), int(mq)
	if c.MaxQueue <= c.MaxBatch {
		return nil, fmt.Errorf("max.queue.size (%d) must be larger than max.batch.size (%d)", c.MaxQueue, c.MaxBatch)
	}
	c.PollInterval, _ = v["poll.interval.ms"].(int64)
	hp := str("topic.heartbeat.prefix")
	if hp == "__debezium-heartbeat" && str("heartbeat.topics.prefix") != "" {
		hp = str("heartbeat.topics.prefix")
	}
	c.Topics = Topics{Prefix: c.TopicPrefix, Delimiter: str("topic.delimiter"), HeartbeatPrefix: hp,
		HeartbeatName: str("topic.heartbeat.name"), Transaction: str("topic.transaction")}
	var err error
	joined := ""
	for i, s := range list("skipped.operations") {
		if i > 0 {
			joined += ","
		}
		joined += s
	}
	if c.Skipped, err = ParseSkippedOps(joined); err != nil {
		return nil, err
	}
	if c.Failure, err = ParseFailureMode(str("event.processing.failure.handling.mode")); err != nil {
		return nil, err
	}
	if c.KeyColumns, err = ParseKeyColumns("message.key.columns", str("message.key.columns")); err != nil {
		return nil, err
	}
	switch c.SnapshotMode {
	case "schema_only":
		c.SnapshotMode = "no_data"
	case "schema_only_recovery":
		c.SnapshotMode = "recovery"
	}
	return c, nil
}

// JoinList renders a parsed LIST value back into its comma-separated form (regex lists
// must be re-split with ParsePatternList to honour backslash-escaped commas).
func JoinList(v any) string {
	l, _ := v.([]string)
	out := ""
	for i, s := range l {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out
}
