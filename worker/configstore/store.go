package configstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/gonnect/gonnect/connectors"
)

// ConfigStore is the cluster's connector configuration on the config topic. Writes
// follow the Java worker's record sequences exactly (connect.md §2.3); reads apply the
// topic with the same algorithm. Only the leader should write connector configs, task
// configs and session keys; the store does not check.
//
// Every Put* and Delete* call blocks until its records are acknowledged and the store
// has read the topic to its end, so Snapshot reflects the write (and everything written
// before it) when the call returns. Cancelling ctx abandons the wait; records already
// sent may still land. Implementations are safe for concurrent use.
type ConfigStore interface {
	// Snapshot returns the state as read so far. It does not block on I/O.
	Snapshot() ClusterState
	// PutConnectorConfig writes connector-<name> (preceded by target-state-<name>
	// when target is not nil: a create with initial_state).
	PutConnectorConfig(ctx context.Context, name string, cfg connectors.Config, target *TargetState) error
	// DeleteConnectorConfig writes tombstones for connector-<name> then
	// target-state-<name>. Task and commit records are left in place.
	DeleteConnectorConfig(ctx context.Context, name string) error
	// PutTaskConfigs reads to the end, writes task-<name>-0..n-1 and waits for their
	// acks, reads to the end, writes commit-<name> {"tasks":n}, and reads to the end.
	// With no tasks only the commit is written (a stopped connector).
	PutTaskConfigs(ctx context.Context, name string, tasks []connectors.Config) error
	// PutTargetState writes target-state-<name> (pause, resume, stop).
	PutTargetState(ctx context.Context, name string, s TargetState) error
	// PutRestartRequest writes restart-connector-<name>.
	PutRestartRequest(ctx context.Context, r RestartRequest) error
	// PutTaskCount writes tasks-fencing-<name> (exactly-once source, KIP-618).
	PutTaskCount(ctx context.Context, name string, count int) error
	// PutSessionKey writes session-key.
	PutSessionKey(ctx context.Context, k SessionKey) error
	// PutLoggerLevel writes logger-cluster-<namespace>.
	PutLoggerLevel(ctx context.Context, namespace, level string) error
	// Refresh blocks until everything written to the topic before the call has been
	// read and applied.
	Refresh(ctx context.Context) error
	// Updates delivers the changes read from the topic, in log order, including those
	// caused by this store's own writes. The channel is unbuffered but the store never
	// waits on its reader: updates queue up until drained. It is closed by Close.
	Updates() <-chan Update
}

// ErrClosed is returned by calls on a closed store.
var ErrClosed = errors.New("config store closed")

// recordLog is the transport under a store: the config topic or its memory stand-in.
type recordLog interface {
	// send produces the records in order and returns once all are acknowledged.
	send(ctx context.Context, recs ...Record) error
	// readToEnd returns once every record acknowledged before the call has been
	// passed to the store's apply.
	readToEnd(ctx context.Context) error
}

// store implements ConfigStore on top of a recordLog; Memory and Kafka embed it.
type store struct {
	log     *slog.Logger
	updates *updateQueue

	mu   sync.Mutex // guards st and rlog
	st   *applier
	rlog recordLog
}

// rlogSet swaps the transport (Kafka: at Start and Close).
func (s *store) rlogSet(l recordLog) {
	s.mu.Lock()
	s.rlog = l
	s.mu.Unlock()
}

func (s *store) recordLog() recordLog {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rlog
}

func newStore(log *slog.Logger) *store {
	return &store{log: log, st: newApplier(log), updates: newUpdateQueue()}
}

// apply is the consume callback of the record log.
func (s *store) apply(offset int64, key string, value []byte) {
	s.mu.Lock()
	us := s.st.apply(offset, key, value)
	s.mu.Unlock()
	s.updates.push(us)
}

// markStarted ends start-up: from now on restart requests and logger levels count.
func (s *store) markStarted() {
	s.mu.Lock()
	s.st.started = true
	s.mu.Unlock()
}

// Snapshot implements ConfigStore.
func (s *store) Snapshot() ClusterState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.snapshot()
}

// Updates implements ConfigStore.
func (s *store) Updates() <-chan Update { return s.updates.out }

// Refresh implements ConfigStore.
func (s *store) Refresh(ctx context.Context) error {
	if err := s.recordLog().readToEnd(ctx); err != nil {
		return fmt.Errorf("reading config topic to end: %w", err)
	}
	return nil
}

// write sends recs and reads them back.
func (s *store) write(ctx context.Context, what string, recs ...Record) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("writing %s to config topic: %w", what, err)
	}
	if err := s.recordLog().send(ctx, recs...); err != nil {
		return fmt.Errorf("writing %s to config topic: %w", what, err)
	}
	if err := s.recordLog().readToEnd(ctx); err != nil {
		return fmt.Errorf("reading back %s from config topic: %w", what, err)
	}
	return nil
}

func checkName(name string) error {
	if name == "" {
		return errors.New("connector name is empty")
	}
	return nil
}

// PutConnectorConfig implements ConfigStore.
func (s *store) PutConnectorConfig(ctx context.Context, name string, cfg connectors.Config, target *TargetState) error {
	if err := checkName(name); err != nil {
		return err
	}
	var recs []Record
	if target != nil {
		if !target.Valid() {
			return fmt.Errorf("connector %q: invalid target state %q", name, *target)
		}
		recs = append(recs, TargetStateRecord(name, *target))
	}
	recs = append(recs, ConnectorConfigRecord(name, cfg))
	s.log.Debug("writing connector config", "connector", name)
	return s.write(ctx, "connector config", recs...)
}

// DeleteConnectorConfig implements ConfigStore.
func (s *store) DeleteConnectorConfig(ctx context.Context, name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	s.log.Debug("removing connector config", "connector", name)
	return s.write(ctx, "connector removal", ConnectorTombstone(name), TargetStateTombstone(name))
}

// PutTaskConfigs implements ConfigStore.
func (s *store) PutTaskConfigs(ctx context.Context, name string, tasks []connectors.Config) error {
	if err := checkName(name); err != nil {
		return err
	}
	// Catch up first: we should be the only writer, but lagging data must not land
	// between our task records and our commit.
	if err := s.Refresh(ctx); err != nil {
		return err
	}
	if len(tasks) > 0 {
		recs := make([]Record, len(tasks))
		for i, cfg := range tasks {
			recs[i] = TaskConfigRecord(TaskID{Connector: name, Task: i}, cfg)
		}
		s.log.Debug("writing task configs", "connector", name, "tasks", len(tasks))
		if err := s.write(ctx, "task configs", recs...); err != nil {
			return err
		}
	}
	return s.write(ctx, "task commit", CommitRecord(name, len(tasks)))
}

// PutTargetState implements ConfigStore.
func (s *store) PutTargetState(ctx context.Context, name string, t TargetState) error {
	if err := checkName(name); err != nil {
		return err
	}
	if !t.Valid() {
		return fmt.Errorf("connector %q: invalid target state %q", name, t)
	}
	return s.write(ctx, "target state", TargetStateRecord(name, t))
}

// PutRestartRequest implements ConfigStore.
func (s *store) PutRestartRequest(ctx context.Context, r RestartRequest) error {
	if err := checkName(r.Connector); err != nil {
		return err
	}
	return s.write(ctx, "restart request", RestartRecord(r))
}

// PutTaskCount implements ConfigStore.
func (s *store) PutTaskCount(ctx context.Context, name string, count int) error {
	if err := checkName(name); err != nil {
		return err
	}
	if count < 0 {
		return fmt.Errorf("connector %q: negative task count %d", name, count)
	}
	return s.write(ctx, "task count", TaskCountRecord(name, count))
}

// PutSessionKey implements ConfigStore.
func (s *store) PutSessionKey(ctx context.Context, k SessionKey) error {
	if len(k.Key) == 0 || k.Algorithm == "" {
		return errors.New("session key: key and algorithm are required")
	}
	return s.write(ctx, "session key", SessionKeyRecord(k))
}

// PutLoggerLevel implements ConfigStore.
func (s *store) PutLoggerLevel(ctx context.Context, namespace, level string) error {
	if namespace == "" || level == "" {
		return errors.New("logger level: namespace and level are required")
	}
	return s.write(ctx, "logger level", LoggerLevelRecord(namespace, level))
}
