package workerconfig

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Mode is how the worker runs, which decides the required keys.
type Mode int

const (
	// Distributed requires group.id and the three storage topics.
	Distributed Mode = iota
	// Standalone requires offset.storage.file.filename.
	Standalone
)

// TopicSettings are one internal topic's settings: <prefix>topic, partitions,
// replication.factor and the topic configs under the prefix (for creation).
type TopicSettings struct {
	Topic             string
	Partitions        int32 // -1: broker default
	ReplicationFactor int16 // -1: broker default
	Configs           map[string]string
}

// Config is a validated worker configuration. Typed fields hold resolved values
// (config provider references replaced); Raw keeps what the file and environment
// said. Defaults are Java's (connect.md §2.1, §4.1).
type Config struct {
	Mode Mode

	BootstrapServers []string // bootstrap.servers, default localhost:9092
	ClientID         string   // client.id, default ""
	GroupID          string   // group.id, required in distributed mode

	ConfigStorage TopicSettings // config.storage.*: partitions always 1, replication factor 3
	OffsetStorage TopicSettings // offset.storage.*: 25 partitions, replication factor 3
	StatusStorage TopicSettings // status.storage.*: 5 partitions, replication factor 3
	OffsetFile    string        // offset.storage.file.filename, required in standalone mode

	KeyConverter, ValueConverter, HeaderConverter string            // classes; header default SimpleHeaderConverter
	KeyConverterConfig, ValueConverterConfig      map[string]string // key.converter.*, value.converter.*
	HeaderConverterConfig                         map[string]string // header.converter.*

	Listeners                                           []string          // listeners, default http://:8083
	AdminListeners                                      []string          // admin.listeners; nil when unset (admin endpoints on listeners)
	AdminListenersSet                                   bool              // admin.listeners was given (an empty list disables admin endpoints)
	ListenersHTTPS                                      map[string]string // listeners.https.* (ssl.* for the REST https listener), resolved
	AdminListenersHTTPS                                 map[string]string // admin.listeners.https.*, resolved
	RestAdvertisedHostName                              string            // rest.advertised.host.name
	RestAdvertisedPort                                  int               // rest.advertised.port, 0 when unset
	RestAdvertisedListener                              string            // rest.advertised.listener: "", http or https
	RestExtensionClasses                                []string          // rest.extension.classes
	ResponseHTTPHeaders                                 string            // response.http.headers.config
	AccessControlAllowOrigin, AccessControlAllowMethods string

	OffsetFlushInterval         time.Duration // offset.flush.interval.ms, 60000
	OffsetFlushTimeout          time.Duration // offset.flush.timeout.ms, 5000
	TaskShutdownGracefulTimeout time.Duration // task.shutdown.graceful.timeout.ms, 5000
	ScheduledRebalanceMaxDelay  time.Duration // scheduled.rebalance.max.delay.ms, 300000
	ConnectProtocol             string        // connect.protocol: eager, compatible or sessioned (default)
	SessionTimeout              time.Duration // session.timeout.ms, 10000
	HeartbeatInterval           time.Duration // heartbeat.interval.ms, 3000
	RebalanceTimeout            time.Duration // rebalance.timeout.ms, 60000
	WorkerSyncTimeout           time.Duration // worker.sync.timeout.ms, 3000
	WorkerUnsyncBackoff         time.Duration // worker.unsync.backoff.ms, 300000

	InterWorkerKeyTTL                 time.Duration // inter.worker.key.ttl.ms, 3600000
	InterWorkerKeyGenerationAlgorithm string        // inter.worker.key.generation.algorithm, HmacSHA256
	InterWorkerKeySize                int           // inter.worker.key.size, 0 = algorithm default
	InterWorkerSignatureAlgorithm     string        // inter.worker.signature.algorithm, HmacSHA256
	InterWorkerVerificationAlgorithms []string      // inter.worker.verification.algorithms, [HmacSHA256]

	TopicCreationEnable        bool     // topic.creation.enable, true
	TopicTrackingEnable        bool     // topic.tracking.enable, true
	TopicTrackingAllowReset    bool     // topic.tracking.allow.reset, true
	ExactlyOnceSourceSupport   string   // exactly.once.source.support: disabled (default), preparing, enabled
	ClientConfigOverridePolicy string   // connector.client.config.override.policy: All (default), None, Principal
	PluginPath                 []string // plugin.path, ignored
	ConfigProviders            []string // config.providers names

	raw       map[string]string // unresolved, as loaded
	resolved  map[string]string // raw with provider references resolved
	providers *Providers
}

// LoadOpt adjusts Load.
type LoadOpt func(*loadOptions)

type loadOptions struct {
	overrides map[string]string
	environ   []string
	envSet    bool
}

// WithOverrides sets keys that win over the file (but not over CONNECT_* variables),
// e.g. dev-mode defaults a file may not mention.
func WithOverrides(m map[string]string) LoadOpt {
	return func(o *loadOptions) { o.overrides = m }
}

// WithEnviron replaces os.Environ() both for CONNECT_* overlays and for the env
// config provider (tests use it).
func WithEnviron(env []string) LoadOpt {
	return func(o *loadOptions) { o.environ, o.envSet = env, true }
}

// Load reads the properties file at path (none when path is ""), applies the
// overrides, then CONNECT_* environment variables, and parses the result with
// Parse. The returned warnings are for the caller to log.
func Load(path string, mode Mode, opts ...LoadOpt) (*Config, []string, error) {
	o := loadOptions{}
	for _, opt := range opts {
		opt(&o)
	}
	if !o.envSet {
		o.environ = os.Environ()
	}
	raw := map[string]string{}
	if path != "" {
		var err error
		if raw, err = LoadProperties(path); err != nil {
			return nil, nil, err
		}
	}
	maps.Copy(raw, o.overrides)
	maps.Copy(raw, EnvProperties(o.environ))
	env := o.environ
	return parse(raw, mode, func() []string { return env })
}

// Parse validates raw worker properties (unresolved) into a Config. Values are
// resolved through config.providers first. Every invalid value is reported, each
// naming its key (errors.Join); unknown keys come back as warnings.
func Parse(raw map[string]string, mode Mode) (*Config, []string, error) {
	return parse(maps.Clone(raw), mode, os.Environ)
}

func parse(raw map[string]string, mode Mode, environ func() []string) (*Config, []string, error) {
	providers, err := NewProviders(raw, environ)
	if err != nil {
		return nil, nil, err
	}
	resolved, err := providers.Resolve(raw)
	if err != nil {
		return nil, nil, err
	}
	c := &Config{Mode: mode, raw: raw, resolved: resolved, providers: providers}
	p := &parser{props: resolved}
	c.fill(p)
	if mode == Distributed {
		p.require("group.id", "config.storage.topic", "offset.storage.topic", "status.storage.topic")
	} else {
		p.require("offset.storage.file.filename")
	}
	p.require("key.converter", "value.converter")
	c.validate(p)
	var warnings []string
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		if why, ok := ignoredKeys[k]; ok {
			warnings = append(warnings, why)
			continue
		}
		if strings.HasPrefix(k, "internal.key.converter.") || strings.HasPrefix(k, "internal.value.converter.") {
			warnings = append(warnings, k+" is ignored: internal topics always use schemaless JSON")
			continue
		}
		if !isKnown(k) {
			warnings = append(warnings, fmt.Sprintf("The configuration '%s' was supplied but isn't a known config.", k))
		}
	}
	warnings = append(warnings, p.warnings...)
	if len(p.errs) > 0 {
		return nil, warnings, errors.Join(p.errs...)
	}
	return c, warnings, nil
}

func (c *Config) fill(p *parser) {
	c.BootstrapServers = p.list("bootstrap.servers", "localhost:9092")
	c.ClientID = p.str("client.id", "")
	c.GroupID = p.str("group.id", "")
	c.ConfigStorage = p.topic("config.storage.", 1, 3)
	c.ConfigStorage.Partitions = 1
	c.OffsetStorage = p.topic("offset.storage.", 25, 3)
	c.StatusStorage = p.topic("status.storage.", 5, 3)
	c.OffsetFile = p.str("offset.storage.file.filename", "")

	c.KeyConverter = p.str("key.converter", "")
	c.ValueConverter = p.str("value.converter", "")
	c.HeaderConverter = p.str("header.converter", "org.apache.kafka.connect.storage.SimpleHeaderConverter")
	c.KeyConverterConfig = prefixed(p.props, "key.converter.")
	c.ValueConverterConfig = prefixed(p.props, "value.converter.")
	c.HeaderConverterConfig = prefixed(p.props, "header.converter.")

	c.Listeners = p.list("listeners", "http://:8083")
	if _, set := p.props["listeners"]; !set {
		// Deprecated rest.host.name / rest.port still pick the listener when given.
		host, port := p.str("rest.host.name", ""), p.str("rest.port", "")
		if port != "" {
			c.Listeners = []string{"http://" + host + ":" + port}
			p.warnings = append(p.warnings, "rest.host.name and rest.port are deprecated: use listeners")
		}
	}
	_, c.AdminListenersSet = p.props["admin.listeners"]
	if c.AdminListenersSet {
		c.AdminListeners = p.list("admin.listeners", "")
	}
	c.ListenersHTTPS = prefixed(p.props, "listeners.https.")
	c.AdminListenersHTTPS = prefixed(p.props, "admin.listeners.https.")
	c.RestAdvertisedHostName = p.str("rest.advertised.host.name", "")
	c.RestAdvertisedPort = int(p.integer("rest.advertised.port", 0, 0, 65535, "INT"))
	c.RestAdvertisedListener = p.oneOf("rest.advertised.listener", "", "", "http", "https")
	c.RestExtensionClasses = p.list("rest.extension.classes", "")
	c.ResponseHTTPHeaders = p.str("response.http.headers.config", "")
	c.AccessControlAllowOrigin = p.str("access.control.allow.origin", "")
	c.AccessControlAllowMethods = p.str("access.control.allow.methods", "")

	c.OffsetFlushInterval = p.ms("offset.flush.interval.ms", 60000, 0, "LONG")
	c.OffsetFlushTimeout = p.ms("offset.flush.timeout.ms", 5000, 0, "LONG")
	c.TaskShutdownGracefulTimeout = p.ms("task.shutdown.graceful.timeout.ms", 5000, 0, "LONG")
	c.ScheduledRebalanceMaxDelay = p.ms("scheduled.rebalance.max.delay.ms", 300000, 0, "INT")
	c.ConnectProtocol = strings.ToLower(p.oneOf("connect.protocol", "sessioned", "eager", "compatible", "sessioned"))
	c.SessionTimeout = p.ms("session.timeout.ms", 10000, 1, "INT")
	c.HeartbeatInterval = p.ms("heartbeat.interval.ms", 3000, 1, "INT")
	c.RebalanceTimeout = p.ms("rebalance.timeout.ms", 60000, 1, "INT")
	c.WorkerSyncTimeout = p.ms("worker.sync.timeout.ms", 3000, 0, "INT")
	c.WorkerUnsyncBackoff = p.ms("worker.unsync.backoff.ms", 300000, 0, "INT")

	c.InterWorkerKeyTTL = p.ms("inter.worker.key.ttl.ms", 3600000, 0, "INT")
	c.InterWorkerKeyGenerationAlgorithm = p.str("inter.worker.key.generation.algorithm", "HmacSHA256")
	c.InterWorkerKeySize = int(p.integer("inter.worker.key.size", 0, 1, 1<<31-1, "INT"))
	c.InterWorkerSignatureAlgorithm = p.str("inter.worker.signature.algorithm", "HmacSHA256")
	c.InterWorkerVerificationAlgorithms = p.list("inter.worker.verification.algorithms", "HmacSHA256")

	c.TopicCreationEnable = p.boolean("topic.creation.enable", true)
	c.TopicTrackingEnable = p.boolean("topic.tracking.enable", true)
	c.TopicTrackingAllowReset = p.boolean("topic.tracking.allow.reset", true)
	c.ExactlyOnceSourceSupport = strings.ToLower(p.oneOf("exactly.once.source.support", "disabled", "disabled", "preparing", "enabled"))
	c.ClientConfigOverridePolicy = p.str("connector.client.config.override.policy", "All")
	c.PluginPath = p.list("plugin.path", "")
	c.ConfigProviders = p.list("config.providers", "")
}

// validate checks the relations between keys, and the security keys.
func (c *Config) validate(p *parser) {
	if c.HeartbeatInterval >= c.SessionTimeout {
		p.fail("heartbeat.interval.ms", strconv.FormatInt(c.HeartbeatInterval.Milliseconds(), 10),
			fmt.Sprintf("must be lower than session.timeout.ms (%d)", c.SessionTimeout.Milliseconds()))
	}
	if !slices.Contains(c.InterWorkerVerificationAlgorithms, c.InterWorkerSignatureAlgorithm) {
		p.fail("inter.worker.signature.algorithm", c.InterWorkerSignatureAlgorithm,
			"Signature algorithm must be present in inter.worker.verification.algorithms list")
	}
	if len(c.BootstrapServers) == 0 {
		p.fail("bootstrap.servers", p.props["bootstrap.servers"], "Empty list")
	}
	for _, l := range c.Listeners {
		u, err := url.Parse(l)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			p.fail("listeners", strings.Join(c.Listeners, ","), fmt.Sprintf("listener %q must look like http://host:port or https://host:port", l))
		}
	}
	for _, policy := range []string{"All", "None", "Principal"} {
		if strings.EqualFold(c.ClientConfigOverridePolicy, policy) {
			c.ClientConfigOverridePolicy = policy
		}
	}
	if s := c.ClientConfigOverridePolicy; s != "All" && s != "None" && s != "Principal" {
		p.fail("connector.client.config.override.policy", s, "String must be one of: All, None, Principal")
	}
	seen := map[string]bool{} // a worker-level mistake is inherited by every role: report it once
	for _, role := range []string{RoleWorker, RoleProducer, RoleConsumer, RoleAdmin} {
		if _, err := c.clientSettings(role); err != nil && !seen[err.Error()] {
			seen[err.Error()] = true
			p.errs = append(p.errs, err)
		}
	}
}

// Raw returns a copy of the properties as loaded: file, overrides, environment,
// with config provider references unresolved. This is what may be shown or stored.
func (c *Config) Raw() map[string]string { return maps.Clone(c.raw) }

// Get returns the resolved value of key and whether it was set.
func (c *Config) Get(key string) (string, bool) {
	v, ok := c.resolved[key]
	return v, ok
}

// Prefixed returns the resolved keys under prefix with the prefix removed, e.g.
// Prefixed("producer.") for a connector producer's overrides.
func (c *Config) Prefixed(prefix string) map[string]string { return prefixed(c.resolved, prefix) }

// Providers returns the config providers declared by the worker, to resolve
// connector configs with before starting a connector (Resolve is a shortcut).
func (c *Config) Providers() *Providers { return c.providers }

// Resolve returns a copy of cfg (e.g. a connector config) with its references to
// the worker's config providers resolved. cfg itself stays raw, to be stored raw.
func (c *Config) Resolve(cfg map[string]string) (map[string]string, error) {
	return c.providers.Resolve(cfg)
}

// Redacted returns the raw properties with every secret value (passwords,
// sasl.jaas.config, inline keys and certificates, under any prefix) replaced by
// "[hidden]", for logs.
func (c *Config) Redacted() map[string]string {
	out := make(map[string]string, len(c.raw))
	for k, v := range c.raw {
		if IsSensitive(k) {
			v = "[hidden]"
		}
		out[k] = v
	}
	return out
}

// LogValue makes slog print the redacted properties, so logging a Config never
// leaks a secret.
func (c *Config) LogValue() slog.Value {
	var attrs []slog.Attr
	red := c.Redacted()
	for _, k := range slices.Sorted(maps.Keys(red)) {
		attrs = append(attrs, slog.String(k, red[k]))
	}
	return slog.GroupValue(attrs...)
}
