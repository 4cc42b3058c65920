// Package connconfig is the framework's part of every connector configuration (Kafka
// Connect's ConnectorConfig, SourceConnectorConfig and SinkConnectorConfig): the
// common keys with their groups, defaults and validators, validation into the
// ConfigInfos body of PUT /connector-plugins/{p}/config/validate, and a typed view
// (Parsed) the worker reads. Everything here is pure: safe for concurrent use.
package connconfig

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/gonnect/gonnect/connectors"
)

// Groups the framework uses, in the order /validate lists them.
const (
	GroupCommon        = "Common"
	GroupTransforms    = "Transforms"
	GroupPredicates    = "Predicates"
	GroupErrors        = "Error Handling"
	GroupTopicCreation = "Topic Creation"
	GroupExactlyOnce   = "Exactly Once Support"
	GroupOffsetsTopic  = "offsets.topic"
)

// Common connector keys.
const (
	Name               = "name"
	ConnectorClass     = "connector.class"
	TasksMax           = "tasks.max"
	TasksMaxEnforce    = "tasks.max.enforce"
	KeyConverter       = "key.converter"
	ValueConverter     = "value.converter"
	HeaderConverter    = "header.converter"
	Transforms         = "transforms"
	Predicates         = "predicates"
	ConfigActionReload = "config.action.reload"
	ErrorsRetryTimeout = "errors.retry.timeout"
	ErrorsRetryDelay   = "errors.retry.delay.max.ms"
	ErrorsTolerance    = "errors.tolerance"
	ErrorsLogEnable    = "errors.log.enable"
	ErrorsLogMessages  = "errors.log.include.messages"
	// Sink keys.
	Topics               = "topics"
	TopicsRegex          = "topics.regex"
	DLQTopic             = "errors.deadletterqueue.topic.name"
	DLQReplicationFactor = "errors.deadletterqueue.topic.replication.factor"
	DLQContextHeaders    = "errors.deadletterqueue.context.headers.enable"
	// Source keys.
	TopicCreationGroups   = "topic.creation.groups"
	TopicCreationPrefix   = "topic.creation."
	ExactlyOnceSupport    = "exactly.once.support"
	TransactionBoundary   = "transaction.boundary"
	TransactionIntervalMs = "transaction.boundary.interval.ms"
	OffsetsStorageTopic   = "offsets.storage.topic"
)

func str(s string) *string { return &s }

// nameValidator is Java's NonEmptyStringWithoutControlChars.
func nameValidator(v any) error {
	s, _ := v.(string)
	if s == "" {
		return fmt.Errorf("String may not be empty")
	}
	var bad []string
	for _, r := range s {
		if unicode.IsControl(r) {
			bad = append(bad, fmt.Sprint(int(r)))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("String may not contain control sequences but had the following ASCII chars: %s", strings.Join(bad, ", "))
	}
	return nil
}

// validString is Java's ValidString.in (case-sensitive) or CaseInsensitiveValidString.
func validString(caseInsensitive bool, values ...string) func(any) error {
	return func(v any) error {
		s, _ := v.(string)
		for _, x := range values {
			if s == x || (caseInsensitive && strings.EqualFold(s, x)) {
				return nil
			}
		}
		if caseInsensitive {
			return fmt.Errorf("String must be one of (case insensitive): %s", strings.Join(values, ", "))
		}
		return fmt.Errorf("String must be one of: %s", strings.Join(values, ", "))
	}
}

func uniqueAliases(v any) error {
	l, _ := v.([]string)
	seen := map[string]bool{}
	for _, a := range l {
		if seen[a] {
			return fmt.Errorf("Duplicate alias provided.")
		}
		seen[a] = true
	}
	return nil
}

func regexValidator(v any) error {
	s, _ := v.(string)
	if _, err := regexp.Compile(s); err != nil {
		return fmt.Errorf("Syntax error in regular expression: %v", err)
	}
	return nil
}

func atLeastZeroOrNull(v any) error {
	if v == nil {
		return nil
	}
	return connectors.AtLeast(0)(v)
}

// commonKeys defines ConnectorConfig's keys in Java's order.
func commonKeys(d *connectors.ConfigDef, converter func(key string, header bool) func(any) error) *connectors.ConfigDef {
	order := 0
	next := func() int { order++; return order }
	d.Define(connectors.ConfigKey{Name: Name, Type: connectors.TypeString, Required: true, Validator: nameValidator,
		Importance: connectors.High, Documentation: "Unique name of this connector within the Connect cluster.",
		Group: GroupCommon, OrderInGroup: next(), Width: connectors.WidthMedium, DisplayName: "Connector name"})
	d.Define(connectors.ConfigKey{Name: ConnectorClass, Type: connectors.TypeString, Required: true,
		Importance: connectors.High, Documentation: "Class name or alias of the connector to run, for example io.debezium.connector.mysql.MySqlConnector, MySqlConnector or MySql.",
		Group: GroupCommon, OrderInGroup: next(), Width: connectors.WidthLong, DisplayName: "Connector class"})
	d.Define(connectors.ConfigKey{Name: TasksMax, Type: connectors.TypeInt, Default: str("1"), Validator: connectors.AtLeast(1),
		Importance: connectors.High, Documentation: "Upper bound on the number of tasks the connector may run.",
		Group: GroupCommon, OrderInGroup: next(), Width: connectors.WidthShort, DisplayName: "Tasks max"})
	d.Define(connectors.ConfigKey{Name: TasksMaxEnforce, Type: connectors.TypeBoolean, Default: str("true"),
		Importance: connectors.Low, Documentation: "(Deprecated) When true, a connector that returns more task configs than tasks.max fails; when false, the extra tasks are allowed to run.",
		Group: GroupCommon, OrderInGroup: next(), Width: connectors.WidthShort, DisplayName: "Enforce tasks max"})
	for _, c := range []struct{ key, display, side string }{
		{KeyConverter, "Key converter class", "record keys"},
		{ValueConverter, "Value converter class", "record values"},
		{HeaderConverter, "Header converter class", "record headers"},
	} {
		d.Define(connectors.ConfigKey{Name: c.key, Type: connectors.TypeClass, Validator: converter(c.key, c.key == HeaderConverter),
			Importance: connectors.Low, Documentation: "Converter between the Connect data model and the bytes of " + c.side + " in Kafka, overriding the worker's setting for this connector.",
			Group: GroupCommon, OrderInGroup: next(), Width: connectors.WidthShort, DisplayName: c.display})
	}
	d.Define(connectors.ConfigKey{Name: Transforms, Type: connectors.TypeList, Default: str(""), Validator: uniqueAliases,
		Importance: connectors.Low, Documentation: "Aliases of the single message transformations to apply to records, in order.",
		Group: GroupTransforms, OrderInGroup: next(), Width: connectors.WidthLong, DisplayName: "Transforms"})
	d.Define(connectors.ConfigKey{Name: Predicates, Type: connectors.TypeList, Default: str(""), Validator: uniqueAliases,
		Importance: connectors.Low, Documentation: "Aliases of the predicates the transformations may refer to.",
		Group: GroupPredicates, OrderInGroup: next(), Width: connectors.WidthLong, DisplayName: "Predicates"})
	d.Define(connectors.ConfigKey{Name: ConfigActionReload, Type: connectors.TypeString, Default: str("restart"), Validator: validString(false, "none", "restart"),
		Importance: connectors.Low, Documentation: "What to do when a config provider reports that a referenced value changed: 'restart' restarts the connector with the new values, 'none' does nothing.",
		Group: GroupCommon, OrderInGroup: next(), Width: connectors.WidthMedium, DisplayName: "Reload Action"})
	eo := 0
	nextE := func() int { eo++; return eo }
	d.Define(connectors.ConfigKey{Name: ErrorsRetryTimeout, Type: connectors.TypeLong, Default: str("0"),
		Importance: connectors.Medium, Documentation: "How long, in milliseconds, a failed operation is retried: 0 (the default) means never, -1 means forever.",
		Group: GroupErrors, OrderInGroup: nextE(), Width: connectors.WidthMedium, DisplayName: "Retry Timeout for Errors"})
	d.Define(connectors.ConfigKey{Name: ErrorsRetryDelay, Type: connectors.TypeLong, Default: str("60000"),
		Importance: connectors.Medium, Documentation: "Upper bound, in milliseconds, of the backoff between retries; jitter is added once it is reached.",
		Group: GroupErrors, OrderInGroup: nextE(), Width: connectors.WidthMedium, DisplayName: "Maximum Delay Between Retries for Errors"})
	d.Define(connectors.ConfigKey{Name: ErrorsTolerance, Type: connectors.TypeString, Default: str("none"), Validator: validString(false, "none", "all"),
		Importance: connectors.Medium, Documentation: "'none' (the default) fails the task on the first record error; 'all' skips records that fail.",
		Group: GroupErrors, OrderInGroup: nextE(), Width: connectors.WidthShort, DisplayName: "Error Tolerance"})
	d.Define(connectors.ConfigKey{Name: ErrorsLogEnable, Type: connectors.TypeBoolean, Default: str("false"),
		Importance: connectors.Medium, Documentation: "When true, each tolerated error and the operation that failed are written to the worker log.",
		Group: GroupErrors, OrderInGroup: nextE(), Width: connectors.WidthShort, DisplayName: "Log Errors"})
	d.Define(connectors.ConfigKey{Name: ErrorsLogMessages, Type: connectors.TypeBoolean, Default: str("false"),
		Importance: connectors.Medium, Documentation: "When true, error log entries include the failed record (key, value, headers, topic, partition, offsets); off by default so record contents stay out of logs.",
		Group: GroupErrors, OrderInGroup: nextE(), Width: connectors.WidthShort, DisplayName: "Log Error Details"})
	return d
}

// sinkKeys adds SinkConnectorConfig's keys.
func sinkKeys(d *connectors.ConfigDef) *connectors.ConfigDef {
	d.Define(connectors.ConfigKey{Name: Topics, Type: connectors.TypeList, Default: str(""),
		Importance: connectors.High, Documentation: "Comma-separated topics to consume.",
		Group: GroupCommon, OrderInGroup: 4, Width: connectors.WidthLong, DisplayName: "Topics"})
	d.Define(connectors.ConfigKey{Name: TopicsRegex, Type: connectors.TypeString, Default: str(""), Validator: regexValidator,
		Importance: connectors.High, Documentation: "Regular expression selecting the topics to consume; set either this or topics, not both.",
		Group: GroupCommon, OrderInGroup: 4, Width: connectors.WidthLong, DisplayName: "Topics regex"})
	d.Define(connectors.ConfigKey{Name: DLQTopic, Type: connectors.TypeString, Default: str(""),
		Importance: connectors.Medium, Documentation: "Topic that receives records which failed in the converter, a transformation or the sink (dead letter queue); empty means no dead letter queue.",
		Group: GroupErrors, OrderInGroup: 6, Width: connectors.WidthMedium, DisplayName: "Dead Letter Queue Topic Name"})
	d.Define(connectors.ConfigKey{Name: DLQReplicationFactor, Type: connectors.TypeShort, Default: str("3"),
		Importance: connectors.Medium, Documentation: "Replication factor of the dead letter queue topic when the worker creates it.",
		Group: GroupErrors, OrderInGroup: 7, Width: connectors.WidthMedium, DisplayName: "Dead Letter Queue Topic Replication Factor"})
	d.Define(connectors.ConfigKey{Name: DLQContextHeaders, Type: connectors.TypeBoolean, Default: str("false"),
		Importance: connectors.Medium, Documentation: "When true, dead letter queue records carry __connect.errors.* headers describing the failure.",
		Group: GroupErrors, OrderInGroup: 8, Width: connectors.WidthMedium, DisplayName: "Enable Error Context Headers"})
	return d
}

// sourceKeys adds SourceConnectorConfig's keys.
func sourceKeys(d *connectors.ConfigDef) *connectors.ConfigDef {
	d.Define(connectors.ConfigKey{Name: TopicCreationGroups, Type: connectors.TypeList, Default: str(""), Validator: uniqueAliases,
		Importance: connectors.Low, Documentation: "Names of the topic creation groups, besides 'default', whose settings apply to topics this connector creates.",
		Group: GroupTopicCreation, OrderInGroup: 1, Width: connectors.WidthLong, DisplayName: "Topic Creation Groups"})
	d.Define(connectors.ConfigKey{Name: ExactlyOnceSupport, Type: connectors.TypeString, Default: str("requested"), Validator: validString(true, "requested", "required"),
		Importance: connectors.Medium, Documentation: "'required' makes validation check that the connector can give exactly-once delivery with this config; 'requested' does not check.",
		Group: GroupExactlyOnce, OrderInGroup: 2, Width: connectors.WidthShort, DisplayName: "Exactly once support"})
	d.Define(connectors.ConfigKey{Name: TransactionBoundary, Type: connectors.TypeString, Default: str("poll"), Validator: validString(true, "poll", "interval", "connector"),
		Importance: connectors.Medium, Documentation: "With exactly-once sources, when producer transactions commit: 'poll' after each batch, 'interval' every transaction.boundary.interval.ms, 'connector' where the connector says.",
		Group: GroupExactlyOnce, OrderInGroup: 3, Width: connectors.WidthShort, DisplayName: "Transaction Boundary"})
	d.Define(connectors.ConfigKey{Name: TransactionIntervalMs, Type: connectors.TypeLong, Validator: atLeastZeroOrNull,
		Importance: connectors.Low, Documentation: "Commit interval in milliseconds when transaction.boundary is 'interval'; defaults to the worker's offset.flush.interval.ms.",
		Group: GroupExactlyOnce, OrderInGroup: 4, Width: connectors.WidthShort, DisplayName: "Transaction boundary interval"})
	d.Define(connectors.ConfigKey{Name: OffsetsStorageTopic, Type: connectors.TypeString, Validator: func(v any) error {
		if s, ok := v.(string); ok && s == "" {
			return fmt.Errorf("String must be non-empty")
		}
		return nil
	},
		Importance: connectors.Low, Documentation: "A topic of its own for this connector's source offsets (created when missing); unset means the worker's offsets topic.",
		Group: GroupOffsetsTopic, OrderInGroup: 1, Width: connectors.WidthLong, DisplayName: "Offsets topic"})
	return d
}

// topicCreationKeys defines topic.creation.<group>.* for one group. The default
// group requires replication.factor and partitions; other groups default to -1
// ("use the default group's").
func topicCreationKeys(d *connectors.ConfigDef, group string) {
	p := TopicCreationPrefix + group + "."
	var rf, parts, include *string = str("-1"), str("-1"), str("")
	if group == "default" {
		rf, parts, include = nil, nil, str(".*")
	}
	regexList := func(v any) error {
		l, _ := v.([]string)
		for _, r := range l {
			if _, err := regexp.Compile(r); err != nil {
				return fmt.Errorf("Syntax error in regular expression: %v", err)
			}
		}
		return nil
	}
	d.Define(connectors.ConfigKey{Name: p + "include", Type: connectors.TypeList, Default: include, Validator: regexList,
		Importance: connectors.Low, Documentation: "Regular expressions of the topic names this group's settings apply to.",
		Group: group, OrderInGroup: 1, Width: connectors.WidthLong, DisplayName: "Inclusion Topic Pattern for " + group})
	d.Define(connectors.ConfigKey{Name: p + "exclude", Type: connectors.TypeList, Default: str(""), Validator: regexList,
		Importance: connectors.Low, Documentation: "Regular expressions of topic names excluded from this group; exclusions win over inclusions.",
		Group: group, OrderInGroup: 2, Width: connectors.WidthLong, DisplayName: "Exclusion Topic Pattern for " + group})
	d.Define(connectors.ConfigKey{Name: p + "replication.factor", Type: connectors.TypeShort, Default: rf, Required: rf == nil,
		Validator: func(v any) error {
			if n, ok := v.(int16); ok && n != -1 && n < 1 {
				return fmt.Errorf("Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default")
			}
			return nil
		},
		Importance: connectors.Low, Documentation: "Replication factor of topics created with this group's settings; -1 means the broker default.",
		Group: group, OrderInGroup: 3, Width: connectors.WidthLong, DisplayName: "Replication Factor for Topics in " + group})
	d.Define(connectors.ConfigKey{Name: p + "partitions", Type: connectors.TypeInt, Default: parts, Required: parts == nil,
		Validator: func(v any) error {
			if n, ok := v.(int32); ok && n != -1 && n < 1 {
				return fmt.Errorf("Number of partitions must be positive, or -1 to use the broker's default")
			}
			return nil
		},
		Importance: connectors.Low, Documentation: "Partition count of topics created with this group's settings; -1 means the broker default.",
		Group: group, OrderInGroup: 4, Width: connectors.WidthLong, DisplayName: "Partition Count for Topics in " + group})
}
