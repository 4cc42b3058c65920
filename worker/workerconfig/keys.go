package workerconfig

import (
	"strings"
)

// The worker keys Gonnect knows, as data. Keys under knownPrefixes are accepted
// whatever follows the prefix; anything else not listed here draws an "unknown
// configuration" warning, as Java logs "was supplied but isn't a known config".
var knownKeys = map[string]bool{
	// Read by the REST basic-auth extension (rest.OptionsFromProps).
	"java.security.auth.login.config": true, "rest.basic.auth.exempt.root": true,
	"bootstrap.servers": true, "group.id": true, "client.id": true,
	"config.storage.topic": true, "config.storage.replication.factor": true,
	"offset.storage.topic": true, "offset.storage.partitions": true, "offset.storage.replication.factor": true,
	"status.storage.topic": true, "status.storage.partitions": true, "status.storage.replication.factor": true,
	"offset.storage.file.filename": true,
	"key.converter":                true, "value.converter": true, "header.converter": true,
	"listeners": true, "admin.listeners": true,
	"rest.advertised.host.name": true, "rest.advertised.port": true, "rest.advertised.listener": true,
	"rest.host.name": true, "rest.port": true,
	"rest.extension.classes": true, "response.http.headers.config": true,
	"access.control.allow.origin": true, "access.control.allow.methods": true,
	"offset.flush.interval.ms": true, "offset.flush.timeout.ms": true,
	"task.shutdown.graceful.timeout.ms": true,
	"scheduled.rebalance.max.delay.ms":  true,
	"connect.protocol":                  true,
	"session.timeout.ms":                true, "heartbeat.interval.ms": true, "rebalance.timeout.ms": true,
	"worker.sync.timeout.ms": true, "worker.unsync.backoff.ms": true,
	"inter.worker.key.ttl.ms": true, "inter.worker.key.generation.algorithm": true,
	"inter.worker.key.size": true, "inter.worker.signature.algorithm": true,
	"inter.worker.verification.algorithms": true,
	"topic.creation.enable":                true, "topic.tracking.enable": true, "topic.tracking.allow.reset": true,
	"plugin.path": true, "plugin.discovery": true,
	"config.providers":                        true,
	"exactly.once.source.support":             true,
	"connector.client.config.override.policy": true,
	"security.protocol":                       true,
	"metric.reporters":                        true, "metrics.sample.window.ms": true, "metrics.num.samples": true,
	"metrics.recording.level": true, "auto.include.jmx.reporter": true,
	"client.dns.lookup": true, "metadata.max.age.ms": true,
	"send.buffer.bytes": true, "receive.buffer.bytes": true,
	"reconnect.backoff.ms": true, "reconnect.backoff.max.ms": true,
	"retry.backoff.ms": true, "retry.backoff.max.ms": true,
	"request.timeout.ms": true, "connections.max.idle.ms": true,
	"socket.connection.setup.timeout.ms": true, "socket.connection.setup.timeout.max.ms": true,
	"metadata.recovery.strategy": true, "metadata.recovery.rebootstrap.trigger.ms": true,
}

var knownPrefixes = []string{
	"gonnect.", // Gonnect-only settings (gonnect.auto.restart.*), read where they are used
	"producer.", "consumer.", "admin.",
	"key.converter.", "value.converter.", "header.converter.",
	"config.storage.", "offset.storage.", "status.storage.",
	"config.providers.", "listeners.https.", "admin.listeners.https.",
	"ssl.", "sasl.", "metrics.context.", "rest.extension.",
}

// ignoredKeys are accepted with a warning saying why they do nothing.
var ignoredKeys = map[string]string{
	"plugin.path":               "plugin.path is ignored: Gonnect's connectors, converters and transforms are built in",
	"plugin.discovery":          "plugin.discovery is ignored: Gonnect's plugins are built in",
	"internal.key.converter":    "internal.key.converter is ignored: internal topics always use schemaless JSON (as since Kafka 3.0)",
	"internal.value.converter":  "internal.value.converter is ignored: internal topics always use schemaless JSON (as since Kafka 3.0)",
	"config.storage.partitions": "config.storage.partitions is ignored: the config topic always has one partition",
	"metric.reporters":          "metric.reporters is ignored: Gonnect exposes Prometheus metrics",
}

// topicSettingKeys are the suffixes under <x>.storage. that are worker settings,
// not topic configs to pass on topic creation.
var topicSettingKeys = map[string]bool{"topic": true, "partitions": true, "replication.factor": true, "file.filename": true}

// sensitiveSuffixes mark keys whose values are secrets (Java's PASSWORD type);
// they are hidden in Redacted, under any prefix.
var sensitiveSuffixes = []string{
	"password", "sasl.jaas.config", "ssl.keystore.key", "ssl.keystore.certificate.chain",
	"ssl.truststore.certificates", "secret",
}

// IsSensitive reports whether key's value is a secret that logs must not show.
func IsSensitive(key string) bool {
	k := strings.ToLower(key)
	for _, s := range sensitiveSuffixes {
		if strings.HasSuffix(k, s) {
			return true
		}
	}
	return strings.Contains(k, "secret")
}

func isKnown(key string) bool {
	if knownKeys[key] {
		return true
	}
	for _, p := range knownPrefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}
