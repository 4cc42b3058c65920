package herder

import (
	"context"
	"maps"

	"github.com/gonnect/gonnect/logging"
	"github.com/gonnect/gonnect/worker"
	"github.com/gonnect/gonnect/worker/configstore"
)

// onConfigUpdate applies one config-topic change (Java's ConfigUpdateListener
// callbacks): membership changes need a rebalance, a changed config restarts the
// connector where it runs, target states apply locally.
func (h *Herder) onConfigUpdate(ctx context.Context, u configstore.Update) {
	prev := h.snap
	h.snap = h.configs.Snapshot()
	switch u.Kind {
	case configstore.ConnectorAdded, configstore.ConnectorRemoved:
		// A connector deleted (or deleted and created again) stops here at once: the
		// incremental assignor would otherwise leave the old instance and tasks running.
		h.stopLocal(u.Connector, true)
		h.requestRebalance("connector " + u.Kind.String())
	case configstore.TaskConfigsCommitted:
		if u.Inconsistent {
			// The stored task set is incomplete: whoever runs the connector rewrites it.
			if h.connectors[u.Connector] {
				h.needTasks[u.Connector] = true
			}
			return
		}
		if n := h.snap.TaskCount(u.Connector); n > 0 && n == prev.TaskCount(u.Connector) {
			// The same task set with new configs: the assignment cannot change, so
			// every worker restarts the tasks it runs with their new configs and no
			// rebalance is needed (Java rebalances here; each rebalance makes every
			// member rejoin, and requests wait for it).
			h.restartLocalTasks(u.Connector)
			return
		}
		// The task count changed: the tasks running here stop, and the next
		// assignment starts the new set with the new configs, as Java does.
		h.stopLocal(u.Connector, false)
		h.requestRebalance("task configs committed")
	case configstore.ConnectorChanged:
		if h.connectors[u.Connector] {
			// Compare with what the instance runs: a write on this (leader) goroutine
			// may already have moved h.snap, and prev, to the new config.
			oldCfg, _ := h.w.ConnectorConfig(u.Connector)
			newCfg, _ := h.snap.ConnectorConfig(u.Connector)
			if !maps.Equal(oldCfg, newCfg) {
				h.restartConnector(ctx, u.Connector)
			}
		}
	case configstore.TargetStateChanged:
		h.applyTargetState(ctx, u.Connector, u.TargetState)
	case configstore.RestartRequested:
		if !u.BeforeStart {
			h.applyRestart(ctx, u.Restart)
		}
	case configstore.SessionKeyChanged:
		k := u.SessionKey
		h.updateView(func(v *view) { v.sessionKey = &k })
	case configstore.LoggerLevelChanged:
		if !u.BeforeStart {
			if _, err := logging.SetLevel(u.Namespace, u.Level); err != nil {
				h.log.Warn("ignoring cluster logger level", "namespace", u.Namespace, "level", u.Level, "error", err)
			}
		}
	}
}

// stopLocal stops the tasks of a connector running here (and, with instance, the
// connector itself) and forgets them, so the next assignment starts them afresh.
func (h *Herder) stopLocal(name string, instance bool) {
	if ids := h.localTasks(name); len(ids) > 0 {
		h.w.StopTasks(ids)
		for _, id := range ids {
			delete(h.tasks, id)
		}
	}
	if instance && h.connectors[name] {
		h.w.StopConnector(name)
		delete(h.connectors, name)
		delete(h.needTasks, name)
	}
}

// localTasks lists the tasks of a connector running here.
func (h *Herder) localTasks(name string) []worker.TaskID {
	var ids []worker.TaskID
	for id := range h.tasks {
		if id.Connector == name {
			ids = append(ids, id)
		}
	}
	return ids
}

// restartLocalTasks restarts the tasks of a connector running here with the task
// configs of the current snapshot.
func (h *Herder) restartLocalTasks(name string) {
	ids := h.localTasks(name)
	if len(ids) == 0 {
		return
	}
	h.w.StopTasks(ids)
	for _, id := range ids {
		if !h.startTask(id) {
			delete(h.tasks, id)
		}
	}
}

func (h *Herder) requestRebalance(why string) {
	h.log.Info("requesting rebalance", "reason", why)
	h.updateView(func(v *view) { v.rebalancing = true })
	h.rejoin()
}

// restartConnector stops and starts a connector instance running here, then asks it
// for task configs again.
func (h *Herder) restartConnector(ctx context.Context, name string) {
	h.w.StopConnector(name)
	h.startConnector(ctx, name)
}

func (h *Herder) startConnector(ctx context.Context, name string) {
	cfg, ok := h.snap.ConnectorConfig(name)
	if !ok {
		return
	}
	target := h.target(name)
	if err := h.w.StartConnector(ctx, name, cfg, target); err != nil {
		return // reported FAILED by the worker
	}
	if target != worker.TargetStopped {
		h.needTasks[name] = true
	}
}

func (h *Herder) target(name string) worker.TargetState {
	if t, ok := h.snap.TargetState(name); ok {
		return worker.TargetState(t)
	}
	return worker.TargetStarted
}

// applyTargetState moves the connector and its tasks running here to s. STOPPED is
// reached through an empty task set and a rebalance; here it only stops the instance.
func (h *Herder) applyTargetState(ctx context.Context, name string, s configstore.TargetState) {
	if !h.connectors[name] && !h.hasTasksOf(name) {
		return
	}
	switch worker.TargetState(s) {
	case worker.TargetStopped:
		if h.connectors[name] {
			h.w.StopConnector(name)
			h.w.StartConnector(ctx, name, mustConfig(h.snap, name), worker.TargetStopped)
		}
	case worker.TargetStarted:
		if h.connectors[name] && !containsStr(h.w.Connectors(), name) {
			h.startConnector(ctx, name)
		} else if h.connectors[name] {
			// Back from STOPPED (instance present but not started) or PAUSED.
			h.w.StopConnector(name)
			h.startConnector(ctx, name)
		}
		h.w.SetConnectorTarget(name, worker.TargetStarted)
	default:
		h.w.SetConnectorTarget(name, worker.TargetPaused)
	}
}

func (h *Herder) hasTasksOf(name string) bool {
	for id := range h.tasks {
		if id.Connector == name {
			return true
		}
	}
	return false
}

func mustConfig(s configstore.ClusterState, name string) map[string]string {
	c, _ := s.ConnectorConfig(name)
	return c
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// applyRestart acts on a KIP-745 restart request for what runs here.
func (h *Herder) applyRestart(ctx context.Context, r configstore.RestartRequest) {
	if h.connectors[r.Connector] {
		st, ok := h.statuses.Connector(r.Connector)
		if !r.OnlyFailed || (ok && st.State == string(worker.Failed)) {
			h.statuses.ConnectorState(r.Connector, worker.Restarting, nil, false)
			h.restartConnector(ctx, r.Connector)
		}
	}
	if !r.IncludeTasks {
		return
	}
	for id := range h.tasks {
		if id.Connector != r.Connector {
			continue
		}
		if r.OnlyFailed {
			st, ok := h.statuses.Task(id)
			if !ok || st.State != string(worker.Failed) {
				continue
			}
		}
		h.statuses.TaskState(id, worker.Restarting, nil, false)
		h.restartTask(id)
	}
}

func (h *Herder) restartTask(id worker.TaskID) {
	h.w.StopTasks([]worker.TaskID{id})
	h.startTask(id)
}

// startTask starts an assigned task and reports whether it now runs here; a task
// without a stored config is not tracked, so a later assignment starts it.
func (h *Herder) startTask(id worker.TaskID) bool {
	cfg, ok := h.snap.ConnectorConfig(id.Connector)
	if !ok {
		return false
	}
	if h.target(id.Connector) == worker.TargetStopped {
		return false // a STOPPED connector runs no tasks, whatever an assignment says
	}
	tcfg, ok := h.snap.TaskConfig(configstore.TaskID{Connector: id.Connector, Task: id.Task})
	if !ok {
		h.log.Warn("no task config for assigned task", "connector", id.Connector, "task", id.Task)
		return false
	}
	_ = h.w.StartTask(id, cfg, tcfg, h.target(id.Connector))
	return true // a task that failed to start is tracked too: it is FAILED here
}
