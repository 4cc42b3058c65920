// Package herder is the distributed control plane: one goroutine owns the cluster
// view (config snapshot, assignment, leadership) and turns config-topic updates and
// group rebalances into connector and task starts and stops on this worker. Only the
// leader writes connector configs, task configs and the session key; REST calls are
// requests queued to that goroutine (Java's DistributedHerder, without its threads).
package herder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/rest/entities"
	"github.com/gonnect/gonnect/worker"
	"github.com/gonnect/gonnect/worker/configstore"
	"github.com/gonnect/gonnect/worker/group"
)

// ConfigStore is what the herder needs of the config topic (configstore's Kafka and
// memory stores implement it).
type ConfigStore interface {
	Snapshot() configstore.ClusterState
	PutConnectorConfig(ctx context.Context, name string, cfg connectors.Config, target *configstore.TargetState) error
	DeleteConnectorConfig(ctx context.Context, name string) error
	PutTaskConfigs(ctx context.Context, name string, tasks []connectors.Config) error
	PutTargetState(ctx context.Context, name string, s configstore.TargetState) error
	PutRestartRequest(ctx context.Context, r configstore.RestartRequest) error
	PutSessionKey(ctx context.Context, k configstore.SessionKey) error
	PutLoggerLevel(ctx context.Context, namespace, level string) error
	Refresh(ctx context.Context) error
	Updates() <-chan configstore.Update
}

// Config are the herder's settings, from the worker config.
type Config struct {
	WorkerID          string // advertised host:port
	URL               string // advertised REST URL, e.g. http://10.0.0.5:8083/
	KafkaClusterID    string // for GET /
	Version           string // for GET /
	Commit            string // for GET /
	Protocol          group.Protocol
	WorkerSyncTimeout time.Duration // worker.sync.timeout.ms
	KeyTTL            time.Duration // inter.worker.key.ttl.ms
	TopicTracking     bool          // topic.tracking.enable
	TopicReset        bool          // topic.tracking.allow.reset
	// MaxDelay is scheduled.rebalance.max.delay.ms for the cooperative assignor.
	MaxDelay time.Duration
	// Admin reads and alters sink connectors' consumer group offsets; nil disables it.
	Admin *kadm.Client
	// AutoRestart restarts FAILED tasks and connectors with exponential backoff
	// (off when Enabled is false, the default, as in Java).
	AutoRestart AutoRestart
}

// Herder is the distributed herder. Create it with New and run it with Run; its
// exported methods (the rest.Herder interface) are safe for concurrent use.
type Herder struct {
	cfg      Config
	w        *worker.Worker
	configs  ConfigStore
	statuses StatusStore
	offsets  offsets.Store
	reg      *connectors.Registry
	validate Validator
	log      *slog.Logger
	forward  *forwarder

	requests    chan request
	reconfigure chan string
	events      chan groupEvent
	rejoin      func() // asks the group member to rejoin
	// cancelRejoin withdraws rejoin requests not yet acted on (Membership.CancelRejoin).
	cancelRejoin func()

	// Owned by the Run goroutine.
	snap       configstore.ClusterState
	connectors map[string]bool        // assigned here
	tasks      map[worker.TaskID]bool // assigned here
	needTasks  map[string]bool        // connectors whose task configs must be (re)published
	started    bool
	// runCtx is Run's context: connectors started by the herder live as long as it.
	runCtx         context.Context
	nextPublish    time.Time
	publishBackoff time.Duration

	ms       membershipState
	rstats   rebalanceStats
	restarts *restarter

	mu   sync.RWMutex // guards view
	view view
}

// view is what REST goroutines may read without a round trip through the queue.
type view struct {
	ready       bool
	leader      bool
	leaderURL   string
	generation  int32
	rebalancing bool
	protocol    group.Protocol
	sessionKey  *configstore.SessionKey
	stage       *entities.Stage
}

// Validator validates a connector config (worker/connconfig.Validate).
type Validator func(ctx context.Context, cfg map[string]string) (entities.ConfigInfos, error)

type request struct {
	fn   func() error
	done chan error
}

// New returns a herder. statuses receives every state change of this worker's
// connectors and tasks; validate backs PUT .../config/validate and config writes.
func New(cfg Config, w *worker.Worker, configs ConfigStore, statuses StatusStore, store offsets.Store,
	reg *connectors.Registry, validate Validator, log *slog.Logger) *Herder {
	if log == nil {
		log = slog.Default()
	}
	h := &Herder{
		cfg: cfg, w: w, configs: configs, statuses: statuses, offsets: store, reg: reg, validate: validate,
		log:          log.With("worker", cfg.WorkerID),
		requests:     make(chan request),
		reconfigure:  make(chan string, 64),
		events:       make(chan groupEvent),
		connectors:   map[string]bool{},
		tasks:        map[worker.TaskID]bool{},
		needTasks:    map[string]bool{},
		rejoin:       func() {},
		cancelRejoin: func() {},
	}
	h.forward = newForwarder(h)
	h.restarts = newRestarter(cfg.AutoRestart)
	h.ms.assignor, _ = group.NewAssignor(max(cfg.MaxDelay, 0), group.WithAssignorLogger(h.log))
	return h
}

// RequestReconfiguration is the worker's OnReconfigure hook: a connector asked for
// its task configs to be regenerated.
func (h *Herder) RequestReconfiguration(connector string) {
	select {
	case h.reconfigure <- connector:
	default:
		h.log.Warn("reconfiguration queue full; request dropped", "connector", connector)
	}
}

// Run is the herder's goroutine: it applies config updates and rebalances, serves
// queued requests and publishes task configs until ctx is cancelled, then stops
// everything this worker runs. m is the group member it asks for rebalances (nil:
// none, for tests that drive the group callbacks themselves).
func (h *Herder) Run(ctx context.Context, m Membership) error {
	if m != nil {
		h.rejoin, h.cancelRejoin = m.Rejoin, m.CancelRejoin
	}
	h.runCtx = ctx
	h.setStage("reading to the end of the config topic")
	if err := h.configs.Refresh(ctx); err != nil {
		return fmt.Errorf("reading config topic: %w", err)
	}
	h.snap = h.configs.Snapshot()
	h.updateView(func(v *view) {
		v.ready = true
		if k, ok := h.snap.SessionKey(); ok {
			v.sessionKey = &k
		}
	})
	h.started = true
	h.setStage("")
	retry := time.NewTimer(time.Hour)
	defer retry.Stop()
	keyCheck := time.NewTicker(max(min(h.cfg.KeyTTL/4, time.Minute), time.Second))
	defer keyCheck.Stop()
	cleanUp := time.NewTicker(10 * time.Second)
	defer cleanUp.Stop()
	for {
		select {
		case <-keyCheck.C:
			h.rotateSessionKey(ctx)
		case <-cleanUp.C:
			// A status written by a worker that had not yet seen a deletion (or a
			// smaller task count) can land after the leader's tombstone: the leader
			// sweeps again now and then.
			if h.getView().leader {
				h.statuses.CleanUp(ctx, h.snap)
			}
		case <-ctx.Done():
			h.shutdown()
			return nil
		case r := <-h.requests:
			r.done <- h.safe(r.fn)
		case u, ok := <-h.configs.Updates():
			if !ok {
				h.shutdown()
				return errors.New("config store closed")
			}
			h.onConfigUpdate(ctx, u)
		case ev := <-h.events:
			err := h.onGroupEvent(ctx, ev)
			h.setCurrent()
			ev.done <- err
		case c := <-h.reconfigure:
			if h.connectors[c] {
				h.needTasks[c] = true
			}
		case <-retry.C:
		}
		// Task configs are published when asked for, with a growing backoff after a
		// failure (250 ms up to 60 s, as Java), not after every loop turn.
		if len(h.needTasks) > 0 && !time.Now().Before(h.nextPublish) {
			if h.publishTaskConfigs(ctx) {
				h.publishBackoff = 0
			} else {
				h.publishBackoff = min(max(2*h.publishBackoff, 250*time.Millisecond), time.Minute)
				h.nextPublish = time.Now().Add(h.publishBackoff)
				retry.Reset(h.publishBackoff)
			}
		}
	}
}

// safe runs a queued request, turning a panic into an error.
func (h *Herder) safe(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("herder request panicked: %v", p)
			h.log.Error("herder request panicked", "panic", p)
		}
	}()
	return fn()
}

// rebalanceWait bounds how long a request that met a rebalance waits for it to settle
// before answering 409.
const rebalanceWait = 30 * time.Second

// do queues fn to the herder goroutine and waits for its result or ctx. A request that
// meets an unresolved rebalance (entities.ErrRebalanceNeeded, returned before fn has
// changed anything) waits for the rebalance to settle and runs again, as Java's herder
// holds queued requests while its member rejoins; it answers 409 only when the
// rebalance outlasts rebalanceWait or the request's own deadline.
func (h *Herder) do(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(rebalanceWait)
	for {
		err := h.doOnce(ctx, fn)
		if !unsettled(err) || !h.waitSettled(ctx, deadline) {
			return err
		}
	}
}

// unsettled reports the answers a request gets while this worker's membership is not
// settled: a rebalance under way, or no leader known yet (a worker that has not had
// its first assignment). Both are returned before a request changes anything.
func unsettled(err error) bool {
	if errors.Is(err, entities.ErrRebalanceNeeded) {
		return true
	}
	var nl *entities.NotLeaderError
	return errors.As(err, &nl) && nl.LeaderURL == ""
}

// waitSettled waits until this worker is not rebalancing and knows the leader; false
// when ctx ends or the deadline passes first.
func (h *Herder) waitSettled(ctx context.Context, deadline time.Time) bool {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		if v := h.getView(); !v.rebalancing && (v.leader || v.leaderURL != "") {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
}

func (h *Herder) doOnce(ctx context.Context, fn func() error) error {
	r := request{fn: fn, done: make(chan error, 1)}
	select {
	case h.requests <- r:
	case <-ctx.Done():
		return h.timeout(ctx)
	}
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		return h.timeout(ctx)
	}
}

func (h *Herder) timeout(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		h.mu.RLock()
		st := h.view.stage
		h.mu.RUnlock()
		return &entities.TimeoutError{Stage: st}
	}
	return ctx.Err()
}

func (h *Herder) setStage(desc string) {
	h.updateView(func(v *view) {
		if desc == "" {
			if v.stage != nil && v.stage.Completed.IsZero() {
				// Copy on write: readers hold the old pointer outside the lock.
				done := *v.stage
				done.Completed = time.Now()
				v.stage = &done
			}
			return
		}
		v.stage = &entities.Stage{Description: desc, Started: time.Now()}
	})
}

// Stage implements rest.StageReporter.
func (h *Herder) Stage() *entities.Stage {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.view.stage
}

func (h *Herder) updateView(fn func(v *view)) {
	h.mu.Lock()
	fn(&h.view)
	h.mu.Unlock()
}

func (h *Herder) getView() view {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.view
}

// shutdown stops everything this worker runs (tasks first), committing offsets.
func (h *Herder) shutdown() {
	h.setStage("stopping connectors and tasks")
	ids := h.w.Tasks()
	h.w.StopTasks(ids)
	for _, id := range ids {
		h.statuses.TaskState(id, worker.Unassigned, nil, true)
	}
	for _, c := range h.w.Connectors() {
		h.w.StopConnector(c)
		h.statuses.ConnectorState(c, worker.Unassigned, nil, true)
	}
	h.connectors = map[string]bool{}
	h.tasks = map[worker.TaskID]bool{}
}
