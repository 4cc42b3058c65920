package cdc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// SignalConfigKeys returns the Kafka signal channel's keys (Debezium's
// KafkaSignalChannel names and defaults) for a dialect's ConfigDef;
// signal.enabled.channels and signal.poll.interval.ms are in CommonConfigDef.
func SignalConfigKeys() []connectors.ConfigKey {
	return []connectors.ConfigKey{
		{Name: "signal.kafka.topic", Type: connectors.TypeString, Group: "Signals",
			Documentation: "Topic the kafka signal channel reads (partition 0); default <topic.prefix>-signal."},
		{Name: "signal.kafka.bootstrap.servers", Type: connectors.TypeString, Group: "Signals",
			Documentation: "Kafka brokers of the signal topic; required when signal.enabled.channels includes kafka."},
		{Name: "signal.kafka.groupId", Type: connectors.TypeString, Default: d("kafka-signal"), Group: "Signals",
			Documentation: "Consumer group whose committed offset on the signal topic marks the signals already executed."},
		{Name: "signal.kafka.poll.timeout.ms", Type: connectors.TypeInt, Default: d("0"), Group: "Signals",
			Validator: connectors.AtLeast(0), Documentation: "How long one read of the signal topic waits for records."},
	}
}

// SignalConfig is the parsed signal channel configuration.
type SignalConfig struct {
	Source       bool          // "source" channel: signals inserted into signal.data.collection
	Kafka        bool          // "kafka" channel
	KafkaTopic   string        // signal.kafka.topic
	KafkaServers []string      // signal.kafka.bootstrap.servers
	KafkaGroup   string        // signal.kafka.groupId
	KafkaWait    time.Duration // signal.kafka.poll.timeout.ms
	Interval     time.Duration // signal.poll.interval.ms: how often the kafka channel is read
}

// ParseSignalConfig reads the signal keys from the raw connector config; prefix is
// topic.prefix (the default topic is <prefix>-signal). Errors name the key.
func ParseSignalConfig(raw connectors.Config, prefix string) (SignalConfig, error) {
	sc := SignalConfig{KafkaGroup: "kafka-signal", Interval: 5 * time.Second}
	channels := SignalChannelSource
	if v, ok := raw["signal.enabled.channels"]; ok {
		channels = v
	}
	for _, ch := range strings.Split(channels, ",") {
		switch c := strings.ToLower(strings.TrimSpace(ch)); c {
		case "":
		case SignalChannelSource:
			sc.Source = true
		case SignalChannelKafka:
			sc.Kafka = true
		default:
			return sc, fmt.Errorf("signal.enabled.channels: channel %q is not supported by Gonnect; use source and/or kafka", c)
		}
	}
	if v := strings.TrimSpace(raw["signal.poll.interval.ms"]); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return sc, fmt.Errorf("signal.poll.interval.ms=%q must be a positive number of milliseconds", v)
		}
		sc.Interval = time.Duration(n) * time.Millisecond
	}
	sc.KafkaTopic = strings.TrimSpace(raw["signal.kafka.topic"])
	if sc.KafkaTopic == "" {
		sc.KafkaTopic = prefix + "-signal"
	}
	if g := strings.TrimSpace(raw["signal.kafka.groupId"]); g != "" {
		sc.KafkaGroup = g
	}
	if v := strings.TrimSpace(raw["signal.kafka.poll.timeout.ms"]); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return sc, fmt.Errorf("signal.kafka.poll.timeout.ms=%q must be a non-negative number of milliseconds", v)
		}
		sc.KafkaWait = time.Duration(n) * time.Millisecond
	}
	for _, s := range strings.Split(raw["signal.kafka.bootstrap.servers"], ",") {
		if s = strings.TrimSpace(s); s != "" {
			sc.KafkaServers = append(sc.KafkaServers, s)
		}
	}
	if sc.Kafka && len(sc.KafkaServers) == 0 {
		return sc, fmt.Errorf("signal.kafka.bootstrap.servers must be set when signal.enabled.channels includes kafka")
	}
	return sc, nil
}

// KafkaSignals reads signals from partition 0 of the signal topic, as Debezium's
// KafkaSignalChannel does: records whose key is not the connector's topic.prefix are
// ignored, values are {"id":…,"type":…,"data":{…}}. The consumer group's committed
// offset marks what was executed; reading starts there (or at the earliest offset).
// It is owned by one goroutine (the connector's streaming goroutine) and is not safe
// for concurrent use; Read never blocks longer than signal.kafka.poll.timeout.ms (at
// least a millisecond) or ctx.
type KafkaSignals struct {
	cl     *kgo.Client
	adm    *kadm.Client
	cfg    SignalConfig
	prefix string
	log    *slog.Logger
	last   time.Time // last read
}

// NewKafkaSignals connects to the signal topic; prefix is topic.prefix, the record
// key that addresses this connector. ctx bounds the committed-offset lookup.
func NewKafkaSignals(ctx context.Context, cfg SignalConfig, prefix string, log *slog.Logger) (*KafkaSignals, error) {
	meta, err := kgo.NewClient(kgo.SeedBrokers(cfg.KafkaServers...))
	if err != nil {
		return nil, fmt.Errorf("signal.kafka.bootstrap.servers: %w", err)
	}
	adm := kadm.NewClient(meta)
	start := kgo.NewOffset().AtStart()
	fetched, err := adm.FetchOffsets(ctx, cfg.KafkaGroup)
	if err != nil && !errors.Is(err, kerr.GroupIDNotFound) {
		meta.Close()
		return nil, fmt.Errorf("reading the committed offset of signal.kafka.groupId %s: %w", cfg.KafkaGroup, err)
	}
	if o, ok := fetched.Lookup(cfg.KafkaTopic, 0); ok && o.Err == nil && o.At >= 0 {
		start = kgo.NewOffset().At(o.At)
	}
	meta.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(cfg.KafkaServers...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{cfg.KafkaTopic: {0: start}}),
		kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		return nil, fmt.Errorf("signal.kafka.bootstrap.servers: %w", err)
	}
	log.Info("reading signals from Kafka", "topic", cfg.KafkaTopic, "group", cfg.KafkaGroup)
	return &KafkaSignals{cl: cl, adm: kadm.NewClient(cl), cfg: cfg, prefix: prefix, log: log}, nil
}

// Interval is signal.poll.interval.ms.
func (k *KafkaSignals) Interval() time.Duration { return k.cfg.Interval }

// Due reports whether signal.poll.interval.ms passed since the last Read.
func (k *KafkaSignals) Due(now time.Time) bool { return now.Sub(k.last) >= k.cfg.Interval }

// Read returns the signals that arrived since the last read and commits their offset
// to the group (a commit failure is logged: the signals would run again after a
// restart, as with Debezium's auto-commit).
func (k *KafkaSignals) Read(ctx context.Context) []Signal {
	k.last = time.Now()
	pctx, cancel := context.WithTimeout(ctx, max(k.cfg.KafkaWait, time.Millisecond))
	fs := k.cl.PollRecords(pctx, 1000)
	cancel()
	fs.EachError(func(t string, p int32, err error) {
		if ctx.Err() == nil && pctx.Err() == nil {
			k.log.Warn("reading the signal topic", "topic", t, "partition", p, "error", err)
		}
	})
	var out []Signal
	next := int64(-1)
	fs.EachRecord(func(r *kgo.Record) {
		next = r.Offset + 1
		if string(r.Key) != k.prefix {
			k.log.Info("ignoring signal whose key is not the connector's topic.prefix", "key", string(r.Key), "offset", r.Offset)
			return
		}
		if len(r.Value) == 0 {
			return
		}
		sig, err := ParseSignalRecord(r.Value)
		if err != nil {
			k.log.Warn("ignoring signal that is not JSON", "offset", r.Offset, "error", err)
			return
		}
		out = append(out, sig)
	})
	if next >= 0 {
		os := kadm.Offsets{}
		os.Add(kadm.Offset{Topic: k.cfg.KafkaTopic, Partition: 0, At: next, LeaderEpoch: -1})
		if _, err := k.adm.CommitOffsets(ctx, k.cfg.KafkaGroup, os); err != nil {
			k.log.Warn("committing the signal topic offset", "group", k.cfg.KafkaGroup, "error", err)
		}
	}
	return out
}

// Close releases the client.
func (k *KafkaSignals) Close() { k.cl.Close() }
