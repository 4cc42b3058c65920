package herder

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/rest/entities"
	"github.com/gonnect/gonnect/worker"
	"github.com/gonnect/gonnect/worker/configstore"
	"github.com/gonnect/gonnect/worker/connconfig"
)

// This file implements rest.Herder. Reads are served from the latest config snapshot
// and the local status store; writes run on the herder goroutine and, where only the
// leader may write, fail with NotLeaderError so rest forwards them.

// ServerInfo implements rest.Herder.
func (h *Herder) ServerInfo(context.Context) (entities.ServerInfo, error) {
	return entities.ServerInfo{Version: h.cfg.Version, Commit: h.cfg.Commit, KafkaClusterID: h.cfg.KafkaClusterID}, nil
}

// Health implements rest.Herder: a no-op through the request queue.
func (h *Herder) Health(ctx context.Context) entities.Health {
	v := h.getView()
	if !v.ready {
		return entities.Health{Status: "starting", Message: "Worker is still starting up." + stageSuffix(v.stage)}
	}
	if err := h.do(ctx, func() error { return nil }); err != nil {
		return entities.Health{Status: "unhealthy", Message: "Worker was unable to handle this request and may be unable to handle other requests." + stageSuffix(h.Stage())}
	}
	return entities.Health{Status: "healthy", Message: "Worker has completed startup and is ready to handle requests."}
}

func stageSuffix(s *entities.Stage) string {
	if s == nil {
		return ""
	}
	return " " + s.Summarize()
}

func (h *Herder) snapshot() configstore.ClusterState { return h.configs.Snapshot() }

// Connectors implements rest.Herder.
func (h *Herder) Connectors(context.Context) ([]string, error) { return h.snapshot().Connectors(), nil }

// ConnectorInfo implements rest.Herder.
func (h *Herder) ConnectorInfo(_ context.Context, name string) (entities.ConnectorInfo, error) {
	s := h.snapshot()
	cfg, ok := s.ConnectorConfig(name)
	if !ok {
		return entities.ConnectorInfo{}, entities.ConnectorNotFound(name)
	}
	return h.info(s, name, cfg), nil
}

func (h *Herder) info(s configstore.ClusterState, name string, cfg connectors.Config) entities.ConnectorInfo {
	info := entities.ConnectorInfo{Name: name, Config: cfg, Type: entities.ConnectorType(h.w.ConnectorType(cfg))}
	info.Tasks = []entities.TaskID{}
	for _, id := range s.Tasks(name) {
		info.Tasks = append(info.Tasks, entities.TaskID{Connector: name, Task: id.Task})
	}
	return info
}

// ConnectorConfig implements rest.Herder.
func (h *Herder) ConnectorConfig(_ context.Context, name string) (map[string]string, error) {
	cfg, ok := h.snapshot().ConnectorConfig(name)
	if !ok {
		return nil, entities.ConnectorNotFound(name)
	}
	return cfg, nil
}

// ConnectorStatus implements rest.Herder.
func (h *Herder) ConnectorStatus(_ context.Context, name string) (entities.ConnectorStateInfo, error) {
	cs, ok := h.statuses.Connector(name)
	if !ok {
		return entities.ConnectorStateInfo{}, entities.NotFoundf("No status found for connector %s", name)
	}
	s := h.snapshot()
	cfg, _ := s.ConnectorConfig(name)
	out := entities.ConnectorStateInfo{
		Name:      name,
		Connector: entities.ConnectorState{State: entities.State(cs.State), WorkerID: cs.WorkerID, Trace: cs.Trace},
		Type:      entities.ConnectorType(h.w.ConnectorType(cfg)),
		Tasks:     []entities.TaskState{},
	}
	tasks := h.statuses.Tasks(name)
	ids := make([]int, 0, len(tasks))
	for id := range tasks {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		t := tasks[id]
		out.Tasks = append(out.Tasks, entities.TaskState{ID: id, State: entities.State(t.State), WorkerID: t.WorkerID, Trace: t.Trace})
	}
	return out, nil
}

// TaskStatus implements rest.Herder.
func (h *Herder) TaskStatus(_ context.Context, name string, task int) (entities.TaskState, error) {
	t, ok := h.statuses.Task(worker.TaskID{Connector: name, Task: task})
	if !ok {
		return entities.TaskState{}, entities.NotFoundf("No status found for task %s-%d", name, task)
	}
	return entities.TaskState{ID: task, State: entities.State(t.State), WorkerID: t.WorkerID, Trace: t.Trace}, nil
}

// TaskConfigs implements rest.Herder.
func (h *Herder) TaskConfigs(_ context.Context, name string) ([]entities.TaskInfo, error) {
	s := h.snapshot()
	if !s.Contains(name) {
		return nil, entities.ConnectorNotFound(name)
	}
	out := []entities.TaskInfo{}
	for _, id := range s.Tasks(name) {
		cfg, _ := s.TaskConfig(id)
		out = append(out, entities.TaskInfo{ID: entities.TaskID{Connector: name, Task: id.Task}, Config: cfg})
	}
	return out, nil
}

// ConnectorTopics implements rest.Herder.
func (h *Herder) ConnectorTopics(_ context.Context, name string) ([]string, error) {
	if !h.cfg.TopicTracking {
		return nil, &entities.NotAllowedError{Msg: "Topic tracking is disabled."}
	}
	return h.statuses.Topics(name), nil
}

// ResetConnectorTopics implements rest.Herder.
func (h *Herder) ResetConnectorTopics(ctx context.Context, name string) error {
	if !h.cfg.TopicTracking {
		return &entities.NotAllowedError{Msg: "Topic tracking is disabled."}
	}
	if !h.cfg.TopicReset {
		return &entities.NotAllowedError{Msg: "Topic tracking reset is disabled."}
	}
	return h.statuses.ResetTopics(ctx, name)
}

// writeChecks fails a leader-only write on a follower or during a rebalance.
func (h *Herder) writeChecks() error {
	v := h.getView()
	if v.rebalancing {
		return entities.ErrRebalanceNeeded
	}
	if !v.leader {
		// An empty URL makes rest answer Connect's 409 "no known leader URL".
		return &entities.NotLeaderError{LeaderURL: v.leaderURL}
	}
	return nil
}

// PutConnectorConfig implements rest.Herder.
func (h *Herder) PutConnectorConfig(ctx context.Context, name string, cfg map[string]string, allowReplace bool, initial *entities.TargetState) (entities.ConnectorInfo, bool, error) {
	var info entities.ConnectorInfo
	var created bool
	err := h.do(ctx, func() error {
		if err := h.writeChecks(); err != nil {
			return err
		}
		existing, exists := h.snap.ConnectorConfig(name)
		if exists && !allowReplace {
			return entities.ConnectorExists(name)
		}
		if err := h.validateForWrite(ctx, cfg); err != nil {
			return err
		}
		created = !exists
		if exists && maps.Equal(existing, connectors.Config(cfg)) {
			info = h.info(h.snap, name, existing)
			return nil // the same config again is a no-op
		}
		var target *configstore.TargetState
		if created && initial != nil {
			t := configstore.TargetState(toTarget(*initial))
			target = &t
		}
		if err := h.configs.PutConnectorConfig(ctx, name, cfg, target); err != nil {
			return err
		}
		if err := h.configs.Refresh(ctx); err != nil {
			return err
		}
		h.snap = h.configs.Snapshot()
		stored, _ := h.snap.ConnectorConfig(name)
		if stored == nil {
			stored = cfg
		}
		info = h.info(h.snap, name, stored)
		return nil
	})
	return info, created, err
}

func toTarget(t entities.TargetState) string {
	if t == "RUNNING" {
		return "STARTED"
	}
	return string(t)
}

// validateForWrite runs the connector's validation and turns errors into Java's 400.
func (h *Herder) validateForWrite(ctx context.Context, cfg map[string]string) error {
	if h.validate == nil {
		return nil
	}
	if _, err := h.reg.Connector(cfg["connector.class"]); err != nil {
		return err // 500 with the plugin message, as Java
	}
	res, err := h.validate(ctx, cfg)
	if err != nil {
		return err
	}
	return connconfig.InvalidError(res)
}

// PatchConnectorConfig implements rest.Herder.
func (h *Herder) PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (entities.ConnectorInfo, error) {
	cur, ok := h.snapshot().ConnectorConfig(name)
	if !ok {
		return entities.ConnectorInfo{}, entities.ConnectorNotFound(name)
	}
	next := maps.Clone(map[string]string(cur))
	for k, v := range patch {
		if v == nil {
			delete(next, k)
		} else {
			next[k] = *v
		}
	}
	info, _, err := h.PutConnectorConfig(ctx, name, next, true, nil)
	return info, err
}

// DeleteConnector implements rest.Herder.
func (h *Herder) DeleteConnector(ctx context.Context, name string) error {
	return h.do(ctx, func() error {
		if err := h.writeChecks(); err != nil {
			return err
		}
		if !h.snap.Contains(name) {
			return entities.ConnectorNotFound(name)
		}
		return h.configs.DeleteConnectorConfig(ctx, name)
	})
}

// RestartConnector implements rest.Herder.
func (h *Herder) RestartConnector(ctx context.Context, name string, includeTasks, onlyFailed bool) (*entities.ConnectorStateInfo, error) {
	if !includeTasks && !onlyFailed {
		return nil, h.do(ctx, func() error {
			if !h.snap.Contains(name) {
				return entities.ConnectorNotFound(name)
			}
			if !h.connectors[name] {
				st, _ := h.statuses.Connector(name)
				return h.notOwner(st.WorkerID)
			}
			h.restartConnector(h.runCtx, name)
			return nil
		})
	}
	var st entities.ConnectorStateInfo
	err := h.do(ctx, func() error {
		if err := h.writeChecks(); err != nil {
			return err
		}
		if !h.snap.Contains(name) {
			return entities.ConnectorNotFound(name)
		}
		// The plan is built from the statuses before the request is written, as
		// Java's buildRestartPlan: once written, workers may restart (and report
		// RUNNING) before we could read them.
		var err error
		if st, err = h.ConnectorStatus(ctx, name); err != nil {
			return err
		}
		return h.configs.PutRestartRequest(ctx, configstore.RestartRequest{Connector: name, IncludeTasks: includeTasks, OnlyFailed: onlyFailed})
	})
	if err != nil {
		return nil, err
	}
	if !onlyFailed || st.Connector.State == "FAILED" {
		st.Connector.State = "RESTARTING"
	}
	for i := range st.Tasks {
		if includeTasks && (!onlyFailed || st.Tasks[i].State == "FAILED") {
			st.Tasks[i].State = "RESTARTING"
		}
	}
	return &st, nil
}

// notOwner answers an owner-only request for something running elsewhere: a
// follower sends it to the leader; the leader sends it to the owner, found from the
// status the owner wrote (its worker id is its advertised host:port).
func (h *Herder) notOwner(ownerID string) error {
	v := h.getView()
	if !v.leader {
		return &entities.NotLeaderError{LeaderURL: v.leaderURL}
	}
	if ownerID == "" || ownerID == h.cfg.WorkerID {
		return &entities.NotAssignedError{}
	}
	scheme := "http"
	if i := strings.Index(h.cfg.URL, "://"); i > 0 {
		scheme = h.cfg.URL[:i]
	}
	return &entities.NotAssignedError{OwnerURL: scheme + "://" + ownerID + "/"}
}

// RestartTask implements rest.Herder.
func (h *Herder) RestartTask(ctx context.Context, name string, task int) error {
	return h.do(ctx, func() error {
		if !h.snap.Contains(name) {
			return entities.NotFoundf("Unknown connector: %s", name)
		}
		id := worker.TaskID{Connector: name, Task: task}
		if task < 0 || task >= h.snap.TaskCount(name) {
			return entities.NotFoundf("Unknown task: %s", id)
		}
		if !h.tasks[id] {
			st, _ := h.statuses.Task(id)
			return h.notOwner(st.WorkerID)
		}
		h.restartTask(id)
		return nil
	})
}

// PauseConnector implements rest.Herder (any worker writes it).
func (h *Herder) PauseConnector(ctx context.Context, name string) error {
	return h.putTarget(ctx, name, configstore.TargetState("PAUSED"))
}

// ResumeConnector implements rest.Herder.
func (h *Herder) ResumeConnector(ctx context.Context, name string) error {
	return h.putTarget(ctx, name, configstore.TargetState("STARTED"))
}

func (h *Herder) putTarget(ctx context.Context, name string, s configstore.TargetState) error {
	if !h.snapshot().Contains(name) {
		return entities.NotFoundf("Unknown connector %s", name)
	}
	return h.configs.PutTargetState(ctx, name, s)
}

// StopConnector implements rest.Herder: an empty task set, then STOPPED.
func (h *Herder) StopConnector(ctx context.Context, name string) error {
	return h.do(ctx, func() error {
		if err := h.writeChecks(); err != nil {
			return err
		}
		if !h.snap.Contains(name) {
			return entities.NotFoundf("Unknown connector %s", name)
		}
		if err := h.configs.PutTaskConfigs(ctx, name, nil); err != nil {
			return err
		}
		return h.configs.PutTargetState(ctx, name, configstore.TargetState("STOPPED"))
	})
}

// Offsets implements rest.Herder.
func (h *Herder) Offsets(ctx context.Context, name string) (entities.ConnectorOffsets, error) {
	if !h.snapshot().Contains(name) {
		return entities.ConnectorOffsets{}, entities.NotFoundf("Connector %s not found", name)
	}
	if h.isSink(name) {
		return h.sinkOffsets(ctx, name)
	}
	ps, err := h.offsets.Partitions(ctx, name)
	if err != nil {
		return entities.ConnectorOffsets{}, err
	}
	os, err := h.offsets.Get(ctx, name, ps)
	if err != nil {
		return entities.ConnectorOffsets{}, err
	}
	out := entities.ConnectorOffsets{Offsets: []entities.ConnectorOffset{}}
	for i, p := range ps {
		if os[i] == nil {
			continue
		}
		out.Offsets = append(out.Offsets, entities.ConnectorOffset{Partition: p, Offset: os[i]})
	}
	return out, nil
}

func (h *Herder) stoppedCheck(name string) error {
	if !h.snap.Contains(name) {
		return entities.NotFoundf("Connector %s not found", name)
	}
	if t, ok := h.snap.TargetState(name); !ok || string(t) != "STOPPED" || h.snap.TaskCount(name) != 0 {
		return &entities.BadRequestError{Msg: "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/" + name + "/stop' endpoint"}
	}
	return nil
}

// AlterOffsets implements rest.Herder.
func (h *Herder) AlterOffsets(ctx context.Context, name string, o entities.ConnectorOffsets) (entities.Message, error) {
	var msg entities.Message
	err := h.do(ctx, func() error {
		if err := h.writeChecks(); err != nil {
			return err
		}
		if err := h.stoppedCheck(name); err != nil {
			return err
		}
		if h.w.ConnectorType(mustConfig(h.snap, name)) == "sink" {
			if err := h.alterSinkOffsets(ctx, name, o); err != nil {
				return err
			}
			msg = entities.Message{Message: "The offsets for this connector have been altered successfully"}
			return nil
		}
		es := make([]offsets.Entry, 0, len(o.Offsets))
		for _, e := range o.Offsets {
			if e.Partition == nil {
				return &entities.BadRequestError{Msg: "Source partitions must not be null"}
			}
			es = append(es, offsets.Entry{Partition: e.Partition, Offset: e.Offset})
		}
		if err := h.offsets.Set(ctx, name, es); err != nil {
			return err
		}
		msg = entities.Message{Message: "The offsets for this connector have been altered successfully"}
		return nil
	})
	return msg, err
}

// ResetOffsets implements rest.Herder.
func (h *Herder) ResetOffsets(ctx context.Context, name string) (entities.Message, error) {
	var msg entities.Message
	err := h.do(ctx, func() error {
		if err := h.writeChecks(); err != nil {
			return err
		}
		if err := h.stoppedCheck(name); err != nil {
			return err
		}
		if h.w.ConnectorType(mustConfig(h.snap, name)) == "sink" {
			if err := h.resetSinkOffsets(ctx, name); err != nil {
				return err
			}
			msg = entities.Message{Message: "The offsets for this connector have been reset successfully"}
			return nil
		}
		ps, err := h.offsets.Partitions(ctx, name)
		if err != nil {
			return err
		}
		es := make([]offsets.Entry, len(ps))
		for i, p := range ps {
			es[i] = offsets.Entry{Partition: p}
		}
		if err := h.offsets.Set(ctx, name, es); err != nil {
			return err
		}
		msg = entities.Message{Message: "The offsets for this connector have been reset successfully"}
		return nil
	})
	return msg, err
}

// PutTaskConfigs implements rest.Herder (the internal endpoint, leader only).
func (h *Herder) PutTaskConfigs(ctx context.Context, name string, cfgs []map[string]string) error {
	return h.do(ctx, func() error {
		// Leader only, but not refused during a rebalance: a follower publishing the
		// task configs of a connector it just started is what ends the rebalance
		// cycle (Java does not check for a pending rebalance here either).
		if v := h.getView(); !v.leader {
			return &entities.NotLeaderError{LeaderURL: v.leaderURL}
		}
		if !h.snap.Contains(name) {
			return entities.ConnectorNotFound(name)
		}
		if t, ok := h.snap.TargetState(name); ok && string(t) == "STOPPED" && len(cfgs) > 0 {
			return &entities.BadRequestError{Msg: "Cannot submit non-empty set of task configs for stopped connector " + name}
		}
		tasks := make([]connectors.Config, len(cfgs))
		for i, c := range cfgs {
			tasks[i] = c
		}
		return h.configs.PutTaskConfigs(ctx, name, tasks)
	})
}

// FenceZombies implements rest.Herder; exactly-once source is not supported yet.
func (h *Herder) FenceZombies(context.Context, string) error {
	return &entities.BadRequestError{Msg: "Exactly-once source support is not enabled on this worker"}
}

// SessionKey implements rest.Herder.
func (h *Herder) SessionKey() (*entities.SessionKey, bool) {
	v := h.getView()
	if v.protocol != "sessioned" {
		return nil, false
	}
	if v.sessionKey == nil {
		return nil, true
	}
	return &entities.SessionKey{Key: v.sessionKey.Key, Algorithm: v.sessionKey.Algorithm}, true
}

// SetClusterLoggerLevel implements rest.Herder.
func (h *Herder) SetClusterLoggerLevel(ctx context.Context, namespace, level string) error {
	return h.configs.PutLoggerLevel(ctx, namespace, level)
}

// ValidateConfig implements rest.Herder.
func (h *Herder) ValidateConfig(ctx context.Context, cfg map[string]string) (entities.ConfigInfos, error) {
	if h.validate == nil {
		return entities.ConfigInfos{}, fmt.Errorf("validation is not available")
	}
	return h.validate(ctx, cfg)
}

// ConnectorState implements worker.StatusListener for this worker's runners.
func (h *Herder) ConnectorState(name string, s worker.State, err error) {
	h.statuses.ConnectorState(name, s, err, false)
	if s == worker.Failed {
		h.onConnectorFailed(name)
	}
}

// TaskState implements worker.StatusListener.
func (h *Herder) TaskState(id worker.TaskID, s worker.State, err error) {
	h.statuses.TaskState(id, s, err, false)
	if s == worker.Failed {
		h.onTaskFailed(id)
	}
}
