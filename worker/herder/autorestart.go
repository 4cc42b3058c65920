package herder

import (
	"context"
	"sync"
	"time"

	"github.com/gonnect/gonnect/worker"
)

// AutoRestart restarts FAILED connectors and tasks running on this worker after an
// exponentially growing delay, so operators need no script polling the status
// endpoint. Java Connect has no such feature; it is off by default. Worker properties:
// gonnect.auto.restart.enable, gonnect.auto.restart.initial.backoff.ms (1000),
// gonnect.auto.restart.max.backoff.ms (300000).
type AutoRestart struct {
	Enabled        bool
	InitialBackoff time.Duration // first delay; default 1 s
	MaxBackoff     time.Duration // cap; default 5 min
	// StableAfter: a restarted instance that ran this long without failing starts over
	// at InitialBackoff; default 10 × InitialBackoff.
	StableAfter time.Duration
}

// restarter holds the backoff state; calls come from runner goroutines.
type restarter struct {
	cfg      AutoRestart
	mu       sync.Mutex // guards attempts, last
	attempts map[string]int
	last     map[string]time.Time
}

func newRestarter(cfg AutoRestart) *restarter {
	if cfg.InitialBackoff <= 0 {
		cfg.InitialBackoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 5 * time.Minute
	}
	if cfg.StableAfter <= 0 {
		cfg.StableAfter = 10 * cfg.InitialBackoff
	}
	return &restarter{cfg: cfg, attempts: map[string]int{}, last: map[string]time.Time{}}
}

// next returns the delay before the next restart of key and counts the attempt.
func (r *restarter) next(key string) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.last[key]; ok && time.Since(t) > r.cfg.StableAfter+r.cfg.MaxBackoff {
		r.attempts[key] = 0
	}
	d := r.cfg.InitialBackoff
	for i := 0; i < r.attempts[key] && d < r.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, r.cfg.MaxBackoff)
	r.attempts[key]++
	r.last[key] = time.Now().Add(d)
	return d
}

// onTaskFailed schedules a restart of a failed task that runs here.
func (h *Herder) onTaskFailed(id worker.TaskID) {
	if !h.cfg.AutoRestart.Enabled {
		return
	}
	d := h.restarts.next("task/" + id.String())
	h.log.Info("task failed; restarting it automatically after a backoff", "connector", id.Connector, "task", id.Task, "backoff", d)
	time.AfterFunc(d, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = h.do(ctx, func() error {
			st, ok := h.statuses.Task(id)
			if h.tasks[id] && ok && st.State == string(worker.Failed) {
				h.statuses.TaskState(id, worker.Restarting, nil, false)
				h.restartTask(id)
			}
			return nil
		})
	})
}

// onConnectorFailed schedules a restart of a failed connector instance that runs here.
func (h *Herder) onConnectorFailed(name string) {
	if !h.cfg.AutoRestart.Enabled {
		return
	}
	d := h.restarts.next("connector/" + name)
	h.log.Info("connector failed; restarting it automatically after a backoff", "connector", name, "backoff", d)
	time.AfterFunc(d, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = h.do(ctx, func() error {
			st, ok := h.statuses.Connector(name)
			if h.connectors[name] && ok && st.State == string(worker.Failed) {
				h.statuses.ConnectorState(name, worker.Restarting, nil, false)
				h.restartConnector(h.runCtx, name)
			}
			return nil
		})
	})
}
