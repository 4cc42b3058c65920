package herder

import (
	"context"
	"sort"
	"time"

	"github.com/gonnect/gonnect/worker"
	"github.com/gonnect/gonnect/worker/configstore"
	"github.com/gonnect/gonnect/worker/group"
)

// groupEvent carries a group callback to the herder goroutine, which applies it and
// answers on done before the member goes on (so revocations finish before rejoining).
type groupEvent struct {
	assigned   *group.Assignment
	revoked    *group.Assignment
	lost       bool // coordinator unreachable: stop everything
	generation int32
	leaderID   string
	memberID   string
	protocol   group.Protocol
	done       chan error
}

func (h *Herder) send(ctx context.Context, ev groupEvent) {
	ev.done = make(chan error, 1)
	select {
	case h.events <- ev:
		select {
		case <-ev.done:
		case <-ctx.Done():
		}
	case <-ctx.Done():
	}
}

func (h *Herder) onGroupEvent(ctx context.Context, ev groupEvent) error {
	switch {
	case ev.lost:
		h.log.Warn("lost contact with the group coordinator; stopping all connectors and tasks so no other worker runs them twice")
		h.revoke(h.currentConnectors(), h.currentTasks())
		h.updateView(func(v *view) { v.rebalancing = true; v.leader = false })
	case ev.revoked != nil:
		h.updateView(func(v *view) { v.rebalancing = true })
		h.revoke(ev.revoked.Connectors, toWorkerIDs(ev.revoked.Tasks))
	case ev.assigned != nil:
		h.onAssigned(ctx, ev)
	}
	return nil
}

func (h *Herder) onAssigned(ctx context.Context, ev groupEvent) {
	a := ev.assigned
	if a.Failed() {
		h.log.Info("assignment failed with CONFIG_MISMATCH; reading the config topic and rejoining")
		rctx, cancel := context.WithTimeout(ctx, h.cfg.WorkerSyncTimeout)
		_ = h.configs.Refresh(rctx)
		cancel()
		h.snap = h.configs.Snapshot()
		h.rejoin()
		return
	}
	if h.snap.Offset() < a.ConfigOffset {
		rctx, cancel := context.WithTimeout(ctx, h.cfg.WorkerSyncTimeout)
		err := h.configs.Refresh(rctx)
		cancel()
		h.snap = h.configs.Snapshot()
		if err != nil || h.snap.Offset() < a.ConfigOffset {
			h.log.Warn("could not catch up with the config topic; rejoining", "have", h.snap.Offset(), "want", a.ConfigOffset)
			h.rejoin()
			return
		}
	}
	if h.snap.Offset() != a.ConfigOffset {
		h.log.Info("config offset moved past the assignment's; rejoining", "have", h.snap.Offset(), "assignment", a.ConfigOffset)
		h.rejoin()
		return
	}
	// The assignment reflects every config change this worker has read: rebalances
	// it requested for them while this one was under way are answered already (an
	// extra round would wait for the other members' next heartbeats). Requests made
	// below, for revocations and delays, are made after this.
	h.cancelRejoin()
	leader := a.Leader == ev.memberID
	h.updateView(func(v *view) {
		v.leader, v.leaderURL, v.generation, v.protocol, v.rebalancing = leader, a.LeaderURL, ev.generation, ev.protocol, false
	})
	h.statuses.SetGeneration(ev.generation)
	h.rstats.completed.Add(1)
	h.rstats.lastNanos.Store(time.Now().UnixNano())
	h.log.Info("joined group", "generation", ev.generation, "leader", leader, "leader_url", a.LeaderURL,
		"connectors", len(a.Connectors), "tasks", len(a.Tasks), "revoked_connectors", len(a.RevokedConnectors), "revoked_tasks", len(a.RevokedTasks))

	revoked := len(a.RevokedConnectors) > 0 || len(a.RevokedTasks) > 0
	if revoked {
		h.revoke(a.RevokedConnectors, toWorkerIDs(a.RevokedTasks))
	}
	// a holds the complete set this worker should run: stop anything else.
	keepC := map[string]bool{}
	for _, c := range a.Connectors {
		keepC[c] = true
	}
	keepT := map[worker.TaskID]bool{}
	for _, id := range toWorkerIDs(a.Tasks) {
		keepT[id] = true
	}
	var dropC []string
	var dropT []worker.TaskID
	for c := range h.connectors {
		if !keepC[c] {
			dropC = append(dropC, c)
		}
	}
	for id := range h.tasks {
		if !keepT[id] {
			dropT = append(dropT, id)
		}
	}
	h.revoke(dropC, dropT)
	for _, c := range a.Connectors {
		if h.connectors[c] {
			continue
		}
		h.connectors[c] = true
		h.startConnector(ctx, c)
	}
	for _, id := range toWorkerIDs(a.Tasks) {
		if h.tasks[id] {
			continue
		}
		if h.startTask(id) {
			h.tasks[id] = true
		}
	}
	if leader {
		h.leaderDuties(ctx)
	}
	if revoked {
		h.rejoin() // the follow-up round hands what we gave up to others
	}
	if a.Delay > 0 {
		d := time.Duration(a.Delay) * time.Millisecond
		time.AfterFunc(d, h.rejoin)
	}
	// Connectors whose stored task set is inconsistent are rewritten by their owner.
	for _, c := range h.snap.Inconsistent() {
		if h.connectors[c] {
			h.needTasks[c] = true
		}
	}
}

// revoke stops tasks then connectors and marks them UNASSIGNED with a safe write.
func (h *Herder) revoke(conns []string, tasks []worker.TaskID) {
	if len(tasks) > 0 {
		h.w.StopTasks(tasks)
		for _, id := range tasks {
			delete(h.tasks, id)
			if !h.snap.Contains(id.Connector) || id.Task >= h.snap.TaskCount(id.Connector) {
				// The task was removed from the config (connector deleted or tasks.max
				// lowered): an UNASSIGNED status now would resurrect the status the
				// leader tombstones for it.
				continue
			}
			h.statuses.TaskState(id, worker.Unassigned, nil, true)
		}
	}
	for _, c := range conns {
		h.w.StopConnector(c)
		delete(h.connectors, c)
		delete(h.needTasks, c)
		h.statuses.ConnectorState(c, worker.Unassigned, nil, true)
	}
}

// leaderDuties: distribute or rotate the session key, and tombstone the statuses of
// deleted connectors and of tasks beyond the current task counts.
func (h *Herder) leaderDuties(ctx context.Context) {
	h.rotateSessionKey(ctx)
	h.statuses.CleanUp(ctx, h.snap)
}

// rotateSessionKey writes a new session key when this worker leads a sessioned group
// and the current key is missing or older than inter.worker.key.ttl.ms. The herder
// calls it after each rebalance and periodically, so keys rotate in a stable group too.
func (h *Herder) rotateSessionKey(ctx context.Context) {
	v := h.getView()
	if !v.leader || v.protocol != group.ProtocolSessioned {
		return
	}
	k, ok := h.snap.SessionKey()
	if ok && time.Since(k.Created) <= h.cfg.KeyTTL {
		return
	}
	nk, err := newSessionKey()
	if err == nil {
		err = h.configs.PutSessionKey(ctx, nk)
	}
	if err != nil {
		h.log.Error("writing session key failed", "error", err)
		return
	}
	h.snap = h.configs.Snapshot()
	h.updateView(func(v *view) { v.sessionKey = &nk })
	h.log.Info("session key rotated")
}

func (h *Herder) currentConnectors() []string {
	out := make([]string, 0, len(h.connectors))
	for c := range h.connectors {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

func (h *Herder) currentTasks() []worker.TaskID {
	out := make([]worker.TaskID, 0, len(h.tasks))
	for id := range h.tasks {
		out = append(out, id)
	}
	return out
}

func toWorkerIDs(ts []group.TaskID) []worker.TaskID {
	out := make([]worker.TaskID, len(ts))
	for i, t := range ts {
		out[i] = worker.TaskID{Connector: t.Connector, Task: int(t.Task)}
	}
	return out
}

func toGroupIDs(ts []worker.TaskID) []group.TaskID {
	out := make([]group.TaskID, len(ts))
	for i, t := range ts {
		out[i] = group.TaskID{Connector: t.Connector, Task: int32(t.Task)}
	}
	return out
}

// currentAssignment is what this worker reports in its JoinGroup metadata. It reads
// herder-owned maps, so it is computed on the herder goroutine via a request.
func (h *Herder) currentAssignment() *group.Assignment {
	return &group.Assignment{Connectors: h.currentConnectors(), Tasks: toGroupIDs(h.currentTasks())}
}

// snapshotTaskCounts returns the connectors and task counts the assignors work from.
func snapshotTaskCounts(s configstore.ClusterState) map[string]int {
	out := map[string]int{}
	for _, c := range s.Connectors() {
		out[c] = len(s.Tasks(c)) // empty for an inconsistent connector, as Java's tasks()
	}
	return out
}
