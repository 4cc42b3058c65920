// Package distributed assembles one distributed worker from its parts: the internal
// topics' stores, the worker runtime, the herder, the Connect group member and the
// REST server. cmd/gonnect and the in-process cluster tests (worker/workertest) both
// build workers with it.
package distributed

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/rest"
	"github.com/gonnect/gonnect/worker"
	"github.com/gonnect/gonnect/worker/configstore"
	"github.com/gonnect/gonnect/worker/group"
	"github.com/gonnect/gonnect/worker/herder"
	"github.com/gonnect/gonnect/worker/statusstore"
	"github.com/gonnect/gonnect/worker/workerconfig"
)

// Info is what the worker reports about itself in GET /.
type Info struct {
	Version string // the Kafka Connect version reported
	Commit  string
}

// Worker is one running distributed worker: built by New, run by Run.
type Worker struct {
	cfg      *workerconfig.Config
	log      *slog.Logger
	client   *kgo.Client
	adm      *kadm.Client
	herder   *herder.Herder
	member   herder.Membership
	server   *rest.Server
	closers  []func()
	workerID string
	metrics  *prometheus.Registry
}

// Metrics returns the worker's Prometheus registry (served at GET /metrics).
func (c *Worker) Metrics() *prometheus.Registry { return c.metrics }

// ID returns the worker id (advertised host:port).
func (c *Worker) ID() string { return c.workerID }

// Herder returns the worker's herder (for tests and the declarative-connector loader).
func (c *Worker) Herder() *herder.Herder { return c.herder }

// Addrs returns the REST listeners' bound addresses once Run has started them.
func (c *Worker) Addrs() []string { return c.server.Addrs() }

// advertised works out the worker id and REST URL from listeners and the
// rest.advertised.* keys, as Java's RestServer.advertisedUrl: an unset host falls back
// to the listener's host, then to this machine's host name.
func advertised(cfg *workerconfig.Config) (id, restURL string, err error) {
	first := "http://:8083"
	if len(cfg.Listeners) > 0 {
		first = cfg.Listeners[0]
	}
	u, err := url.Parse(strings.TrimSpace(first))
	if err != nil {
		return "", "", fmt.Errorf("Invalid value %s for configuration listeners: %v", first, err)
	}
	scheme := u.Scheme
	if cfg.RestAdvertisedListener != "" {
		scheme = cfg.RestAdvertisedListener
	}
	host := cfg.RestAdvertisedHostName
	if host == "" {
		host = u.Hostname()
	}
	if host == "" {
		if host, err = os.Hostname(); err != nil || host == "" {
			host = "localhost"
		}
	}
	port := u.Port()
	if cfg.RestAdvertisedPort != 0 {
		port = strconv.Itoa(cfg.RestAdvertisedPort)
	}
	if port == "" {
		port = "8083"
	}
	id = net.JoinHostPort(host, port)
	return id, scheme + "://" + id + "/", nil
}

// New builds a worker from its validated configuration: it connects to Kafka, and in
// distributed mode creates or checks the internal topics and reads them, then prepares
// the herder, the membership (the Connect group, or a group of one in standalone
// mode) and the REST server. Nothing runs until Run.
func New(ctx context.Context, cfg *workerconfig.Config, reg *connectors.Registry, info Info, log *slog.Logger) (*Worker, error) {
	c := &Worker{cfg: cfg, log: log}
	id, restURL, err := advertised(cfg)
	if err != nil {
		return nil, err
	}
	c.workerID = id
	wopts, err := cfg.KafkaOpts(workerconfig.RoleWorker)
	if err != nil {
		return nil, err
	}
	popts, err := cfg.KafkaOpts(workerconfig.RoleProducer)
	if err != nil {
		return nil, err
	}
	copts, err := cfg.KafkaOpts(workerconfig.RoleConsumer)
	if err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(wopts...)
	if err != nil {
		return nil, fmt.Errorf("bootstrap.servers: %w", err)
	}
	c.client, c.adm = cl, kadm.NewClient(cl)
	c.closers = append(c.closers, cl.Close)

	meta, err := c.adm.BrokerMetadata(ctx)
	if err != nil {
		cl.Close()
		return nil, fmt.Errorf("connecting to Kafka at %s: %w", strings.Join(cfg.BootstrapServers, ","), err)
	}

	var configs herder.ConfigStore
	var store offsets.Store
	var statuses herder.StatusStore
	var proto group.Protocol
	if cfg.Mode == workerconfig.Standalone {
		// Standalone (connect-standalone): configs and statuses in memory, offsets in a
		// file, a group of one.
		fs, err := offsets.NewFileStore(cfg.OffsetFile)
		if err != nil {
			c.close()
			return nil, err
		}
		mem := configstore.NewMemory(configstore.MemoryLogger(log))
		sw := herder.NewStatusWriter(statusstore.NewMemory(statusstore.MemoryLogger(log)), id, log)
		c.closers = append(c.closers, func() { mem.Close() }, sw.Close)
		configs, store, statuses, proto = mem, fs, sw, group.ProtocolCompatible
	} else {
		kconfigs, err := configstore.NewKafka(cl, cfg.ConfigStorage.Topic,
			configstore.KafkaReplicationFactor(cfg.ConfigStorage.ReplicationFactor),
			configstore.KafkaTopicConfigs(cfg.ConfigStorage.Configs), configstore.KafkaLogger(log))
		if err != nil {
			c.close()
			return nil, err
		}
		if err := kconfigs.Start(ctx); err != nil {
			c.close()
			return nil, err
		}
		c.closers = append(c.closers, func() { kconfigs.Close() })
		ks, kstatuses, err := internalStores(ctx, cl, cfg, id, log)
		if err != nil {
			c.close()
			return nil, err
		}
		c.closers = append(c.closers, kstatuses.close, ks.close)
		if proto, err = group.ParseConnectProtocol(cfg.ConnectProtocol); err != nil {
			c.close()
			return nil, err
		}
		configs, store, statuses = kconfigs, ks.Store, kstatuses
	}
	var h *herder.Herder
	c.metrics = prometheus.NewRegistry()
	c.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	deps := workerDeps(reg, store, statusListener{func() *herder.Herder { return h }}, cfg, popts, c.adm, func(name string) { h.RequestReconfiguration(name) }, log)
	deps.Metrics = c.metrics
	deps.ConsumerOpts = copts // consumer.* settings reach sink task consumers
	w, err := worker.New(deps, workerSettings(cfg, id))
	if err != nil {
		c.close()
		return nil, err
	}
	h = herder.New(herder.Config{
		WorkerID: id, URL: restURL, KafkaClusterID: meta.Cluster, Version: info.Version, Commit: info.Commit,
		Protocol:          proto,
		WorkerSyncTimeout: cfg.WorkerSyncTimeout,
		KeyTTL:            cfg.InterWorkerKeyTTL,
		TopicTracking:     cfg.TopicTrackingEnable,
		TopicReset:        cfg.TopicTrackingAllowReset,
		MaxDelay:          cfg.ScheduledRebalanceMaxDelay,
		Admin:             c.adm,
		AutoRestart:       autoRestart(cfg),
	}, w, configs, statuses, store, reg, validator(reg), log)
	c.herder = h
	if cfg.Mode == workerconfig.Standalone {
		c.member = herder.NewSolo(h)
	} else if c.member, err = newMember(cl, cfg, h, proto, log); err != nil {
		c.close()
		return nil, err
	}
	c.metrics.MustRegister(w.Collector(), h.Collector())
	ropts, err := rest.OptionsFromProps(cfg.Prefixed(""), os.Getenv("KAFKA_OPTS"))
	if err != nil {
		c.close()
		return nil, err
	}
	ropts = append(ropts, rest.WithLogger(log), rest.Route(http.MethodGet, "/metrics", promhttp.HandlerFor(c.metrics, promhttp.HandlerOpts{})))
	c.server, err = rest.New(h, ropts...)
	if err != nil {
		c.close()
		return nil, err
	}
	h.SetForwardClient(c.server.ForwardClient())
	return c, nil
}

func (c *Worker) close() {
	for i := len(c.closers) - 1; i >= 0; i-- {
		c.closers[i]()
	}
}

// Run serves REST, runs the herder and the group member until ctx is cancelled, then
// shuts down in order: stop tasks (committing offsets), leave the group, close stores.
func (c *Worker) Run(ctx context.Context) error {
	defer c.close()
	if err := c.server.Start(); err != nil {
		return err
	}
	c.log.Info("REST server listening", "addrs", strings.Join(c.server.Addrs(), ","), "worker", c.workerID)
	hctx, hcancel := context.WithCancel(context.Background())
	herr := make(chan error, 1)
	go func() { herr <- c.herder.Run(hctx, c.member) }()
	mctx, mcancel := context.WithCancel(context.Background())
	merr := make(chan error, 1)
	go func() { merr <- c.member.Run(mctx) }()

	var err error
	select {
	case <-ctx.Done():
	case err = <-herr:
		err = fmt.Errorf("herder stopped: %w", err)
	case err = <-merr:
		err = fmt.Errorf("group membership stopped: %w", err)
	}
	c.log.Info("shutting down")
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	_ = c.server.Shutdown(sctx)
	scancel()
	hcancel() // stops tasks, committing acknowledged offsets
	<-herr
	mcancel() // leaves the group
	<-merr
	return err
}

// statusListener defers to the herder once it exists (the worker is built first).
type statusListener struct{ h func() *herder.Herder }

func (s statusListener) ConnectorState(name string, st worker.State, err error) {
	s.h().ConnectorState(name, st, err)
}
func (s statusListener) TaskState(id worker.TaskID, st worker.State, err error) {
	s.h().TaskState(id, st, err)
}

func workerSettings(cfg *workerconfig.Config, id string) worker.Settings {
	return worker.Settings{
		WorkerID:            id,
		KeyConverter:        cfg.KeyConverter,
		KeyConverterCfg:     cfg.KeyConverterConfig,
		ValueConverter:      cfg.ValueConverter,
		ValueConverterCfg:   cfg.ValueConverterConfig,
		HeaderConverter:     cfg.HeaderConverter,
		HeaderConverterCfg:  cfg.HeaderConverterConfig,
		FlushInterval:       cfg.OffsetFlushInterval,
		FlushTimeout:        cfg.OffsetFlushTimeout,
		ShutdownTimeout:     cfg.TaskShutdownGracefulTimeout,
		TopicCreationEnable: cfg.TopicCreationEnable,
	}
}

// Crash cuts the worker's Kafka connections without leaving the group, as a killed
// process would; tests use it. Run must still be cancelled afterwards.
func (c *Worker) Crash() {
	c.client.Close()
}

// autoRestart reads the gonnect.auto.restart.* worker properties.
func autoRestart(cfg *workerconfig.Config) herder.AutoRestart {
	ms := func(k string) time.Duration {
		v, _ := cfg.Get(k)
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return 0
		}
		return time.Duration(n) * time.Millisecond
	}
	on, _ := cfg.Get("gonnect.auto.restart.enable")
	return herder.AutoRestart{
		Enabled:        strings.EqualFold(strings.TrimSpace(on), "true"),
		InitialBackoff: ms("gonnect.auto.restart.initial.backoff.ms"),
		MaxBackoff:     ms("gonnect.auto.restart.max.backoff.ms"),
	}
}
