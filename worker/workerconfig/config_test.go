package workerconfig

import (
	"bytes"
	"errors"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// minimal is the smallest valid distributed configuration.
func minimal() map[string]string {
	return map[string]string{
		"group.id": "connect-cluster", "config.storage.topic": "connect-configs",
		"offset.storage.topic": "connect-offsets", "status.storage.topic": "connect-status",
		"key.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter": "org.apache.kafka.connect.json.JsonConverter",
	}
}

func with(m map[string]string, kv ...string) map[string]string {
	out := maps.Clone(m)
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func TestDefaults(t *testing.T) {
	c, warnings, err := Parse(minimal(), Distributed)
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Fatalf("warnings %v for a minimal config", warnings)
	}
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"bootstrap.servers", c.BootstrapServers, []string{"localhost:9092"}},
		{"config topic", c.ConfigStorage, TopicSettings{Topic: "connect-configs", Partitions: 1, ReplicationFactor: 3, Configs: map[string]string{}}},
		{"offset topic", c.OffsetStorage, TopicSettings{Topic: "connect-offsets", Partitions: 25, ReplicationFactor: 3, Configs: map[string]string{}}},
		{"status topic", c.StatusStorage, TopicSettings{Topic: "connect-status", Partitions: 5, ReplicationFactor: 3, Configs: map[string]string{}}},
		{"header.converter", c.HeaderConverter, "org.apache.kafka.connect.storage.SimpleHeaderConverter"},
		{"listeners", c.Listeners, []string{"http://:8083"}},
		{"admin.listeners", c.AdminListenersSet, false},
		{"offset.flush.interval.ms", c.OffsetFlushInterval, 60 * time.Second},
		{"offset.flush.timeout.ms", c.OffsetFlushTimeout, 5 * time.Second},
		{"task.shutdown.graceful.timeout.ms", c.TaskShutdownGracefulTimeout, 5 * time.Second},
		{"scheduled.rebalance.max.delay.ms", c.ScheduledRebalanceMaxDelay, 5 * time.Minute},
		{"connect.protocol", c.ConnectProtocol, "sessioned"},
		{"session.timeout.ms", c.SessionTimeout, 10 * time.Second},
		{"heartbeat.interval.ms", c.HeartbeatInterval, 3 * time.Second},
		{"rebalance.timeout.ms", c.RebalanceTimeout, time.Minute},
		{"worker.sync.timeout.ms", c.WorkerSyncTimeout, 3 * time.Second},
		{"worker.unsync.backoff.ms", c.WorkerUnsyncBackoff, 5 * time.Minute},
		{"inter.worker.key.ttl.ms", c.InterWorkerKeyTTL, time.Hour},
		{"inter.worker.signature.algorithm", c.InterWorkerSignatureAlgorithm, "HmacSHA256"},
		{"inter.worker.verification.algorithms", c.InterWorkerVerificationAlgorithms, []string{"HmacSHA256"}},
		{"topic.creation.enable", c.TopicCreationEnable, true},
		{"exactly.once.source.support", c.ExactlyOnceSourceSupport, "disabled"},
		{"connector.client.config.override.policy", c.ClientConfigOverridePolicy, "All"},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s = %#v, want %#v", ch.name, ch.got, ch.want)
		}
	}
}

func TestTypedValuesAndPrefixes(t *testing.T) {
	raw := with(minimal(),
		"bootstrap.servers", " b1:9092 , b2:9092 ",
		"offset.storage.partitions", "-1", "offset.storage.replication.factor", "-1",
		"offset.storage.min.insync.replicas", "2", "offset.storage.cleanup.policy", "delete",
		"config.storage.partitions", "3",
		"key.converter.schemas.enable", "false", "value.converter.schema.registry.url", "http://sr:8081",
		"listeners", "http://0.0.0.0:8083,https://:8443", "admin.listeners", "",
		"rest.advertised.host.name", "w1", "rest.advertised.port", "18083", "rest.advertised.listener", "HTTPS",
		"connect.protocol", "EAGER", "topic.creation.enable", "FALSE",
		"plugin.path", "/usr/share/java", "producer.linger.ms", "5", "unknown.key", "x",
	)
	c, warnings, err := Parse(raw, Distributed)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.BootstrapServers, []string{"b1:9092", "b2:9092"}) {
		t.Errorf("bootstrap %v", c.BootstrapServers)
	}
	if c.OffsetStorage.Partitions != -1 || c.OffsetStorage.ReplicationFactor != -1 {
		t.Errorf("broker-default partitions/RF not kept: %+v", c.OffsetStorage)
	}
	if !maps.Equal(c.OffsetStorage.Configs, map[string]string{"min.insync.replicas": "2"}) {
		t.Errorf("offset topic configs %v: want only min.insync.replicas (no topic/partitions/cleanup.policy)", c.OffsetStorage.Configs)
	}
	if c.ConfigStorage.Partitions != 1 {
		t.Errorf("config topic partitions %d, want always 1", c.ConfigStorage.Partitions)
	}
	if c.KeyConverterConfig["schemas.enable"] != "false" || c.ValueConverterConfig["schema.registry.url"] != "http://sr:8081" {
		t.Errorf("converter configs %v %v", c.KeyConverterConfig, c.ValueConverterConfig)
	}
	if !c.AdminListenersSet || len(c.AdminListeners) != 0 {
		t.Errorf("admin.listeners= must mean set and empty: %v %v", c.AdminListenersSet, c.AdminListeners)
	}
	if c.RestAdvertisedPort != 18083 || c.RestAdvertisedListener != "https" || c.ConnectProtocol != "eager" || c.TopicCreationEnable {
		t.Errorf("typed values: %+v", c)
	}
	wantWarnings := []string{
		"config.storage.partitions is ignored",
		"plugin.path is ignored",
		"The configuration 'unknown.key' was supplied but isn't a known config.",
		"offset.storage.cleanup.policy is ignored",
	}
	joined := strings.Join(warnings, "\n")
	for _, w := range wantWarnings {
		if !strings.Contains(joined, w) {
			t.Errorf("warnings lack %q:\n%s", w, joined)
		}
	}
	if len(warnings) != len(wantWarnings) {
		t.Errorf("got %d warnings, want %d:\n%s", len(warnings), len(wantWarnings), joined)
	}
}

func TestInvalidValuesNameTheKey(t *testing.T) {
	tests := []struct {
		name    string
		mode    Mode
		raw     map[string]string
		wantErr string
	}{
		{name: "missing group.id", raw: with(minimal(), "group.id", ""), wantErr: `Missing required configuration "group.id" which has no default value.`},
		{name: "missing converter", raw: func() map[string]string { m := minimal(); delete(m, "value.converter"); return m }(),
			wantErr: `Missing required configuration "value.converter"`},
		{name: "standalone needs the offsets file", mode: Standalone, raw: with(minimal()), wantErr: `"offset.storage.file.filename"`},
		{name: "not an int", raw: with(minimal(), "session.timeout.ms", "10s"), wantErr: "Invalid value 10s for configuration session.timeout.ms: Not a number of type INT"},
		{name: "int overflow", raw: with(minimal(), "rebalance.timeout.ms", "3000000000"), wantErr: "configuration rebalance.timeout.ms: Not a number of type INT"},
		{name: "not a long", raw: with(minimal(), "offset.flush.interval.ms", "soon"), wantErr: "Invalid value soon for configuration offset.flush.interval.ms: Not a number of type LONG"},
		{name: "short overflow", raw: with(minimal(), "status.storage.replication.factor", "40000"), wantErr: "status.storage.replication.factor: Not a number of type SHORT"},
		{name: "zero partitions", raw: with(minimal(), "offset.storage.partitions", "0"), wantErr: "configuration offset.storage.partitions: Number of partitions must be positive, or -1"},
		{name: "negative interval", raw: with(minimal(), "offset.flush.interval.ms", "-5"), wantErr: "offset.flush.interval.ms: Value must be at least 0"},
		{name: "bad boolean", raw: with(minimal(), "topic.creation.enable", "yes"), wantErr: "Invalid value yes for configuration topic.creation.enable: Expected value to be either true or false"},
		{name: "bad protocol", raw: with(minimal(), "connect.protocol", "fast"), wantErr: "connect.protocol: String must be one of: eager, compatible, sessioned"},
		{name: "bad exactly once", raw: with(minimal(), "exactly.once.source.support", "maybe"), wantErr: "exactly.once.source.support"},
		{name: "heartbeat above session", raw: with(minimal(), "heartbeat.interval.ms", "20000"), wantErr: "heartbeat.interval.ms: must be lower than session.timeout.ms"},
		{name: "signature not verifiable", raw: with(minimal(), "inter.worker.signature.algorithm", "HmacSHA512"), wantErr: "inter.worker.signature.algorithm"},
		{name: "empty bootstrap", raw: with(minimal(), "bootstrap.servers", " , "), wantErr: "bootstrap.servers: Empty list"},
		{name: "bad listener", raw: with(minimal(), "listeners", "tcp://:8083"), wantErr: "configuration listeners"},
		{name: "bad advertised listener", raw: with(minimal(), "rest.advertised.listener", "ftp"), wantErr: "rest.advertised.listener: String must be one of: http, https"},
		{name: "bad security protocol", raw: with(minimal(), "security.protocol", "TLS"), wantErr: "Invalid value TLS for configuration security.protocol"},
		{name: "bad producer override", raw: with(minimal(), "producer.compression.type", "brotli"), wantErr: "configuration producer.compression.type"},
		{name: "bad consumer override", raw: with(minimal(), "consumer.fetch.max.bytes", "lots"), wantErr: "configuration consumer.fetch.max.bytes"},
		{name: "bad override policy", raw: with(minimal(), "connector.client.config.override.policy", "Some"), wantErr: "connector.client.config.override.policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse(tt.raw, tt.mode)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v\nwant one containing %q", err, tt.wantErr)
			}
		})
	}
	// Every bad key is reported, not only the first.
	_, _, err := Parse(with(minimal(), "session.timeout.ms", "x", "topic.creation.enable", "y"), Distributed)
	if err == nil || !strings.Contains(err.Error(), "session.timeout.ms") || !strings.Contains(err.Error(), "topic.creation.enable") {
		t.Fatalf("error %v, want both keys", err)
	}
}

func TestLoadLayersFileOverridesAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "worker.properties")
	file := "bootstrap.servers=file:9092\ngroup.id=from-file\nconfig.storage.topic=c\noffset.storage.topic=o\nstatus.storage.topic=s\n" +
		"key.converter=org.apache.kafka.connect.storage.StringConverter\nvalue.converter=org.apache.kafka.connect.storage.StringConverter\n" +
		"rest.advertised.host.name=file-host\n"
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	c, _, err := Load(path, Distributed,
		WithOverrides(map[string]string{"group.id": "from-override", "rest.advertised.host.name": "override-host"}),
		WithEnviron([]string{"CONNECT_BOOTSTRAP_SERVERS=env:9092", "CONNECT_GROUP_ID=from-env", "PATH=/bin"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.BootstrapServers[0] != "env:9092" || c.GroupID != "from-env" || c.RestAdvertisedHostName != "override-host" {
		t.Fatalf("precedence file < overrides < environment broken: %v %s %s", c.BootstrapServers, c.GroupID, c.RestAdvertisedHostName)
	}
	if _, _, err := Load(filepath.Join(dir, "missing.properties"), Distributed, WithEnviron(nil)); err == nil || !strings.Contains(err.Error(), "missing.properties") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestRedactedHidesSecrets(t *testing.T) {
	raw := with(minimal(),
		"sasl.jaas.config", `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="s3cret";`,
		"producer.ssl.keystore.password", "s3cret", "ssl.key.password", "s3cret", "ssl.truststore.password", "s3cret",
		"listeners.https.ssl.keystore.password", "s3cret", "ssl.keystore.key", "-----BEGIN PRIVATE KEY-----s3cret",
		"config.providers.vault.param.secret.id", "s3cret",
	)
	c, _, err := Parse(raw, Distributed)
	if err != nil {
		t.Fatal(err)
	}
	red := c.Redacted()
	for k, v := range red {
		if strings.Contains(v, "s3cret") {
			t.Errorf("Redacted()[%s] shows the secret", k)
		}
	}
	if red["group.id"] != "connect-cluster" || red["sasl.jaas.config"] != "[hidden]" {
		t.Errorf("redaction hid too much or too little: %v", red)
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("starting worker", "config", c)
	if strings.Contains(buf.String(), "s3cret") || !strings.Contains(buf.String(), "config.group.id=connect-cluster") {
		t.Fatalf("slog output leaks or lacks the config:\n%s", buf.String())
	}
	if c.Raw()["ssl.key.password"] != "s3cret" {
		t.Fatal("Raw must keep the real values")
	}
}

func TestParseErrorsAreJoined(t *testing.T) {
	_, _, err := Parse(map[string]string{}, Distributed)
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 6 {
		t.Fatalf("empty config: %v, want 6 missing-key errors", err)
	}
}
