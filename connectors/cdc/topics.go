package cdc

import "strings"

// maxTopicLength is Kafka's topic name limit.
const maxTopicLength = 249

// SanitizeTopic replaces characters outside [A-Za-z0-9._-] with '_' and cuts the name to
// 249 characters, as Debezium's topic naming strategies do.
func SanitizeTopic(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '.' || r == '_' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	out := b.String()
	if len(out) > maxTopicLength {
		out = out[:maxTopicLength]
	}
	return out
}

// Topics computes Debezium's topic names from topic.prefix and friends.
type Topics struct {
	Prefix          string // topic.prefix
	Delimiter       string // topic.delimiter, default "."
	HeartbeatPrefix string // topic.heartbeat.prefix, default "__debezium-heartbeat"
	HeartbeatName   string // topic.heartbeat.name, overrides the whole name when set
	Transaction     string // topic.transaction, default "transaction"
}

func (t Topics) delim() string {
	if t.Delimiter == "" {
		return "."
	}
	return t.Delimiter
}

// Data returns the topic of a table: <prefix>.<db>.<table> (MySQL) or
// <prefix>.<SCHEMA>.<TABLE> (Oracle; pass the TableID without Catalog).
func (t Topics) Data(id TableID) string {
	parts := append([]string{t.Prefix}, id.parts()...)
	return SanitizeTopic(strings.Join(parts, t.delim()))
}

// SchemaChange returns the schema-change topic, the prefix itself.
func (t Topics) SchemaChange() string { return SanitizeTopic(t.Prefix) }

// Heartbeat returns __debezium-heartbeat.<prefix> (or topic.heartbeat.name).
func (t Topics) Heartbeat() string {
	if t.HeartbeatName != "" {
		return t.HeartbeatName
	}
	p := t.HeartbeatPrefix
	if p == "" {
		p = "__debezium-heartbeat"
	}
	return SanitizeTopic(p + t.delim() + t.Prefix)
}

// TransactionTopic returns <prefix>.transaction.
func (t Topics) TransactionTopic() string {
	x := t.Transaction
	if x == "" {
		x = "transaction"
	}
	return SanitizeTopic(t.Prefix + t.delim() + x)
}
