package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/logging"
	"github.com/gonnect/gonnect/rest"
	"github.com/gonnect/gonnect/rest/entities"
	"github.com/gonnect/gonnect/worker"
	"github.com/gonnect/gonnect/worker/configstore"
	"github.com/gonnect/gonnect/worker/group"
	"github.com/gonnect/gonnect/worker/herder"
)

func runDistributed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: gonnect distributed worker.properties")
	}
	return startDistributed(ctx, args[0], nil, stdout, stderr)
}

// cluster is everything one distributed worker runs; built by newCluster, run by run.
type cluster struct {
	props    props
	log      *slog.Logger
	client   *kgo.Client
	adm      *kadm.Client
	herder   *herder.Herder
	member   herder.Membership
	server   *rest.Server
	closers  []func()
	workerID string
}

// startDistributed loads the worker config (file, then overrides, then CONNECT_*
// environment variables), builds the worker and runs it until ctx is cancelled.
func startDistributed(ctx context.Context, file string, overrides map[string]string, stdout, stderr io.Writer) error {
	p, warnings, err := loadProps(file, overrides)
	if err != nil {
		return err
	}
	setupLogging(stderr)
	log := logging.Logger("org.apache.kafka.connect.runtime")
	for _, w := range warnings {
		log.Warn(w)
	}
	c, err := newCluster(ctx, p, log)
	if err != nil {
		return err
	}
	return c.run(ctx)
}

func setupLogging(stderr io.Writer) {
	logging.Default.SetOutput(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	slog.SetDefault(logging.Logger("root"))
}

// advertised works out the worker id and REST URL from listeners and the
// rest.advertised.* keys, as Java's RestServer.advertisedUrl.
func advertised(p props) (id, restURL string, err error) {
	first := strings.Split(p.get("listeners", "http://:8083"), ",")[0]
	u, err := url.Parse(strings.TrimSpace(first))
	if err != nil {
		return "", "", fmt.Errorf("Invalid value %s for configuration listeners: %v", first, err)
	}
	scheme := p.get("rest.advertised.listener", u.Scheme)
	host := p.get("rest.advertised.host.name", u.Hostname())
	if host == "" {
		host = "localhost"
	}
	port := p.get("rest.advertised.port", u.Port())
	if port == "" {
		port = "8083"
	}
	id = net.JoinHostPort(host, port)
	return id, scheme + "://" + id + "/", nil
}

func newCluster(ctx context.Context, p props, log *slog.Logger) (*cluster, error) {
	c := &cluster{props: p, log: log}
	for _, k := range []string{"group.id", "config.storage.topic", "offset.storage.topic", "status.storage.topic"} {
		if p.get(k, "") == "" {
			return nil, fmt.Errorf("Missing required configuration \"%s\" which has no default value.", k)
		}
	}
	id, restURL, err := advertised(p)
	if err != nil {
		return nil, err
	}
	c.workerID = id
	kopts, err := kafkaOpts(p, "admin")
	if err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(kopts...)
	if err != nil {
		return nil, fmt.Errorf("bootstrap.servers: %w", err)
	}
	c.client, c.adm = cl, kadm.NewClient(cl)
	c.closers = append(c.closers, cl.Close)

	meta, err := c.adm.BrokerMetadata(ctx)
	if err != nil {
		cl.Close()
		return nil, fmt.Errorf("connecting to Kafka at %s: %w", p.get("bootstrap.servers", "localhost:9092"), err)
	}

	configs, err := configstore.NewKafka(cl, p.get("config.storage.topic", ""),
		configstore.KafkaReplicationFactor(int16(p.int("config.storage.replication.factor", 3))),
		configstore.KafkaTopicConfigs(p.prefixed("config.storage.")), configstore.KafkaLogger(log))
	if err != nil {
		cl.Close()
		return nil, err
	}
	if err := configs.Start(ctx); err != nil {
		cl.Close()
		return nil, err
	}
	c.closers = append(c.closers, func() { configs.Close() })

	store, statuses, err := internalStores(ctx, cl, p, id, log)
	if err != nil {
		c.close()
		return nil, err
	}
	c.closers = append(c.closers, statuses.close, store.close)

	reg := buildRegistry()
	proto, err := group.ParseConnectProtocol(p.get("connect.protocol", "sessioned"))
	if err != nil {
		c.close()
		return nil, err
	}
	var h *herder.Herder
	w, err := worker.New(workerDeps(reg, store.Store, statusListener{func() *herder.Herder { return h }}, p, kopts, c.adm, func(name string) { h.RequestReconfiguration(name) }, log),
		workerSettings(p, id))
	if err != nil {
		c.close()
		return nil, err
	}
	h = herder.New(herder.Config{
		WorkerID: id, URL: restURL, KafkaClusterID: meta.Cluster, Version: kafkaVersion, Commit: version,
		Protocol:          proto,
		WorkerSyncTimeout: p.ms("worker.sync.timeout.ms", 3000),
		KeyTTL:            p.ms("inter.worker.key.ttl.ms", 3600000),
		TopicTracking:     p.bool("topic.tracking.enable", true),
		TopicReset:        p.bool("topic.tracking.allow.reset", true),
		MaxDelay:          p.ms("scheduled.rebalance.max.delay.ms", 300000),
	}, w, configs, statuses, store.Store, reg, validator(reg), log)
	c.herder = h
	c.member, err = newMember(cl, p, h, proto, log)
	if err != nil {
		c.close()
		return nil, err
	}
	c.server, err = rest.New(h, restOpts(p, log)...)
	if err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

// kafkaVersion is the Kafka Connect version Gonnect reports (GET / and plugins).
const kafkaVersion = "3.9.0"

func (c *cluster) close() {
	for i := len(c.closers) - 1; i >= 0; i-- {
		c.closers[i]()
	}
}

// run serves REST, runs the herder and the group member until ctx is cancelled, then
// shuts down in order: stop tasks (committing offsets), leave the group, close stores.
func (c *cluster) run(ctx context.Context) error {
	defer c.close()
	if err := c.server.Start(); err != nil {
		return err
	}
	c.log.Info("REST server listening", "addrs", strings.Join(c.server.Addrs(), ","), "worker", c.workerID)
	hctx, hcancel := context.WithCancel(context.Background())
	herr := make(chan error, 1)
	go func() { herr <- c.herder.Run(hctx, c.member.Rejoin) }()
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

func workerSettings(p props, id string) worker.Settings {
	return worker.Settings{
		WorkerID:            id,
		KeyConverter:        p.get("key.converter", ""),
		KeyConverterCfg:     p.prefixed("key.converter."),
		ValueConverter:      p.get("value.converter", ""),
		ValueConverterCfg:   p.prefixed("value.converter."),
		HeaderConverter:     p.get("header.converter", ""),
		HeaderConverterCfg:  p.prefixed("header.converter."),
		FlushInterval:       p.ms("offset.flush.interval.ms", 60000),
		FlushTimeout:        p.ms("offset.flush.timeout.ms", 5000),
		ShutdownTimeout:     p.ms("task.shutdown.graceful.timeout.ms", 5000),
		TopicCreationEnable: p.bool("topic.creation.enable", true),
	}
}

func restOpts(p props, log *slog.Logger) []rest.Opt {
	opts := []rest.Opt{rest.WithLogger(log), rest.Listeners(strings.Split(p.get("listeners", "http://:8083"), ",")...)}
	if v, ok := p.lookup("admin.listeners"); ok {
		if strings.TrimSpace(v) == "" {
			opts = append(opts, rest.AdminListeners())
		} else {
			opts = append(opts, rest.AdminListeners(strings.Split(v, ",")...))
		}
	}
	if o := p.get("access.control.allow.origin", ""); o != "" {
		opts = append(opts, rest.CORS(o, p.get("access.control.allow.methods", "")))
	}
	return opts
}

var _ = strconv.Itoa
var _ = entities.ServerInfo{}
var _ connectors.Config
