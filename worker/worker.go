// Package worker runs the connectors and tasks assigned to this process: connector
// lifecycles, the source-task loop (poll, transform, convert, produce, track, commit)
// and the sink-task loop. The herder (worker/herder) decides what runs; Worker runs it.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// Deps are the pieces a Worker is built from. cmd/gonnect wires the real ones; tests
// wire the same ones on kfake.
type Deps struct {
	Registry *connectors.Registry
	Offsets  offsets.Store
	Status   StatusListener
	// Converter builds a key (isKey) or value converter from a class name and its
	// settings (prefix stripped); retry bounds its retries of transient failures such
	// as a schema registry outage (the connector's errors.retry.timeout).
	Converter func(ctx context.Context, class string, cfg map[string]string, isKey bool, retry time.Duration) (schemas.Converter, error)
	// HeaderConverter builds a header converter.
	HeaderConverter func(ctx context.Context, class string, cfg map[string]string) (schemas.HeaderConverter, error)
	// Transforms builds the transform chain of a connector config (nil, nil: none).
	Transforms func(cfg connectors.Config) (Transformer, error)
	// Resolve resolves config-provider references (${env:..}, ${file:..}).
	Resolve func(cfg connectors.Config) (connectors.Config, error)
	// KafkaOpts are the client options for task producers (bootstrap, security,
	// producer.* overrides).
	KafkaOpts []kgo.Opt
	// ConsumerOpts are the client options for sink task consumers (bootstrap,
	// security, consumer.* overrides); nil: KafkaOpts.
	ConsumerOpts []kgo.Opt
	// Admin creates topics for topic.creation.*; nil disables it.
	Admin *kadm.Client
	// OnReconfigure is called when a connector asks for task reconfiguration.
	OnReconfigure func(connector string)
	Logger        *slog.Logger
	// Metrics is where connector- and task-owned collectors (connectors.MetricsProvider)
	// are registered while they run; nil: not exported.
	Metrics prometheus.Registerer
}

// Settings are the worker-level knobs of the runtime.
type Settings struct {
	WorkerID            string            // advertised host:port
	KeyConverter        string            // key.converter
	KeyConverterCfg     map[string]string // key.converter.* (prefix stripped)
	ValueConverter      string
	ValueConverterCfg   map[string]string
	HeaderConverter     string
	HeaderConverterCfg  map[string]string
	FlushInterval       time.Duration // offset.flush.interval.ms
	FlushTimeout        time.Duration // offset.flush.timeout.ms
	ShutdownTimeout     time.Duration // task.shutdown.graceful.timeout.ms
	TopicCreationEnable bool          // topic.creation.enable
}

// Worker runs connectors and tasks. Its methods are called by the herder goroutine;
// they are also safe for concurrent use (a mutex guards the registries of running
// things), and none of them blocks on connector code for longer than its ctx allows.
type Worker struct {
	deps Deps
	set  Settings
	log  *slog.Logger

	mu         sync.Mutex // guards connectors and tasks
	connectors map[string]*connectorRunner
	tasks      map[TaskID]*taskRunner
}

// New returns a Worker.
func New(deps Deps, set Settings) (*Worker, error) {
	if deps.Registry == nil || deps.Offsets == nil || deps.Status == nil || deps.Converter == nil {
		return nil, errors.New("worker: Registry, Offsets, Status and Converter are required")
	}
	if set.FlushInterval <= 0 {
		set.FlushInterval = 60 * time.Second
	}
	if set.FlushTimeout <= 0 {
		set.FlushTimeout = 5 * time.Second
	}
	if set.ShutdownTimeout <= 0 {
		set.ShutdownTimeout = 5 * time.Second
	}
	if set.HeaderConverter == "" {
		set.HeaderConverter = "org.apache.kafka.connect.storage.SimpleHeaderConverter"
	}
	log := deps.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Worker{deps: deps, set: set, log: log.With("worker", set.WorkerID),
		connectors: map[string]*connectorRunner{}, tasks: map[TaskID]*taskRunner{}}, nil
}

// ID returns the worker id (advertised host:port).
func (w *Worker) ID() string { return w.set.WorkerID }

// ConnectorType returns "source", "sink" or "unknown" for a connector config.
func (w *Worker) ConnectorType(cfg connectors.Config) string {
	p, err := w.deps.Registry.Connector(cfg["connector.class"])
	if err != nil {
		return "unknown"
	}
	return string(p.Type())
}

func (w *Worker) resolve(cfg connectors.Config) (connectors.Config, error) {
	if w.deps.Resolve == nil {
		return cfg, nil
	}
	return w.deps.Resolve(cfg)
}

// ---- connectors ----

type connectorRunner struct {
	name    string
	plugin  *connectors.Plugin
	conn    connectors.Connector
	raw     connectors.Config // as stored
	cfg     connectors.Config // resolved
	target  TargetState
	started bool
	failed  error
	mu      sync.Mutex // guards the fields above against RaiseError from connector goroutines
}

type connectorCtx struct {
	w    *Worker
	name string
}

func (c *connectorCtx) RequestTaskReconfiguration() {
	if c.w.deps.OnReconfigure != nil {
		c.w.deps.OnReconfigure(c.name)
	}
}

func (c *connectorCtx) RaiseError(err error) {
	c.w.mu.Lock()
	r := c.w.connectors[c.name]
	c.w.mu.Unlock()
	if r == nil {
		return
	}
	r.mu.Lock()
	r.failed = err
	r.mu.Unlock()
	c.w.log.Error("connector raised an error", "connector", c.name, "error", err)
	c.w.deps.Status.ConnectorState(c.name, Failed, err)
}

func (c *connectorCtx) Offsets() connectors.OffsetReader {
	return offsetReader{c.w.deps.Offsets, c.name}
}

type offsetReader struct {
	store     offsets.Store
	connector string
}

func (o offsetReader) Offsets(ctx context.Context, ps []offsets.Partition) ([]offsets.Offset, error) {
	return o.store.Get(ctx, o.connector, ps)
}

// StartConnector instantiates and starts a connector in the given target state. A
// failure is reported as FAILED through the StatusListener and returned.
func (w *Worker) StartConnector(ctx context.Context, name string, raw connectors.Config, target TargetState) error {
	w.mu.Lock()
	if _, running := w.connectors[name]; running {
		w.mu.Unlock()
		return fmt.Errorf("connector %s already running on this worker", name)
	}
	r := &connectorRunner{name: name, target: target, raw: raw}
	w.connectors[name] = r
	w.mu.Unlock()

	fail := func(err error) error {
		r.mu.Lock()
		r.failed = err
		r.mu.Unlock()
		w.log.Error("connector failed to start", "connector", name, "error", err)
		w.deps.Status.ConnectorState(name, Failed, err)
		return err
	}
	plugin, err := w.deps.Registry.Connector(raw["connector.class"])
	if err != nil {
		return fail(err)
	}
	cfg, err := w.resolve(raw)
	if err != nil {
		return fail(fmt.Errorf("resolving config providers: %w", err))
	}
	r.plugin, r.cfg = plugin, cfg
	r.conn = plugin.NewConnector()
	if target == TargetStopped {
		w.deps.Status.ConnectorState(name, Stopped, nil)
		return nil
	}
	if err := safeCall(func() error { return r.conn.Start(ctx, cfg, &connectorCtx{w, name}) }); err != nil {
		return fail(err)
	}
	r.mu.Lock()
	r.started = true
	r.mu.Unlock()
	if target == TargetPaused {
		w.deps.Status.ConnectorState(name, Paused, nil)
	} else {
		w.deps.Status.ConnectorState(name, Running, nil)
	}
	w.log.Info("connector started", "connector", name, "class", plugin.Class, "target", string(target))
	return nil
}

// TaskConfigs asks a running connector for its task configs (at most tasks.max).
func (w *Worker) TaskConfigs(name string) ([]connectors.Config, error) {
	w.mu.Lock()
	r := w.connectors[name]
	w.mu.Unlock()
	if r == nil || !r.started {
		return nil, fmt.Errorf("connector %s is not running on this worker", name)
	}
	maxTasks := 1
	if v, ok := r.cfg["tasks.max"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("Invalid value %s for configuration tasks.max: Value must be at least 1", v)
		}
		maxTasks = n
	}
	var cfgs []connectors.Config
	err := safeCall(func() (err error) { cfgs, err = r.conn.TaskConfigs(maxTasks); return err })
	if err != nil {
		return nil, err
	}
	if len(cfgs) > maxTasks && r.cfg["tasks.max.enforce"] != "false" {
		return nil, fmt.Errorf("The connector %s has generated %d tasks, which is greater than %d, the maximum number of tasks it is configured to create. ", name, len(cfgs), maxTasks)
	}
	// Each task config carries the task class, as Java's worker adds task.class.
	out := make([]connectors.Config, len(cfgs))
	for i, c := range cfgs {
		c = c.Clone()
		c["task.class"] = r.plugin.Class + "Task"
		out[i] = reverseTransform(r.cfg, r.raw, c)
	}
	return out, nil
}

// reverseTransform keeps resolved secrets out of stored task configs: for every
// connector key whose raw value holds a ${...} reference, the task's value of that key
// goes back to the raw reference (Java's WorkerConfigTransformer reverse transform).
func reverseTransform(resolved, raw, task connectors.Config) connectors.Config {
	for k, rv := range raw {
		if tv, ok := task[k]; ok && tv == resolved[k] && containsRef(rv) {
			task[k] = rv
		}
	}
	return task
}

func containsRef(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '$' && s[i+1] == '{' {
			return true
		}
	}
	return false
}

// SetConnectorTarget moves a connector running here, and its tasks running here, to
// PAUSED or STARTED.
func (w *Worker) SetConnectorTarget(name string, target TargetState) {
	w.mu.Lock()
	r := w.connectors[name]
	var tasks []*taskRunner
	for id, t := range w.tasks {
		if id.Connector == name {
			tasks = append(tasks, t)
		}
	}
	w.mu.Unlock()
	// Tasks often run on workers that do not run their connector instance: they
	// follow the target state on their own.
	for _, t := range tasks {
		t.state.set(target == TargetPaused)
	}
	if r == nil {
		return
	}
	r.mu.Lock()
	r.target = target
	failed := r.failed
	r.mu.Unlock()
	if failed != nil {
		return
	}
	switch target {
	case TargetPaused:
		w.deps.Status.ConnectorState(name, Paused, nil)
	case TargetStarted:
		w.deps.Status.ConnectorState(name, Running, nil)
	}
}

// StopConnector stops a connector (not its tasks), bounded by the shutdown timeout.
func (w *Worker) StopConnector(name string) {
	w.mu.Lock()
	r := w.connectors[name]
	delete(w.connectors, name)
	w.mu.Unlock()
	if r == nil || r.conn == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), w.set.ShutdownTimeout)
	defer cancel()
	if r.started {
		if err := safeCall(func() error { return r.conn.Stop(ctx) }); err != nil {
			w.log.Warn("connector stop failed", "connector", name, "error", err)
		}
	}
	w.log.Info("connector stopped", "connector", name)
}

// Connectors returns the names of the connectors running here, sorted.
func (w *Worker) Connectors() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.connectors))
	for n := range w.connectors {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Tasks returns the ids of the tasks running here, sorted.
func (w *Worker) Tasks() []TaskID {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]TaskID, 0, len(w.tasks))
	for id := range w.tasks {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Connector != out[j].Connector {
			return out[i].Connector < out[j].Connector
		}
		return out[i].Task < out[j].Task
	})
	return out
}

// IsConnectorFailed reports whether a running connector has failed.
func (w *Worker) IsConnectorFailed(name string) bool {
	w.mu.Lock()
	r := w.connectors[name]
	w.mu.Unlock()
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed != nil
}
