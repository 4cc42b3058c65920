package statusstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
)

// StatusStore keeps connector, task and topic statuses on the status topic. Reads come
// from the local copy of the topic, so they are eventually consistent: a write shows
// in reads once the store has read it back (Refresh waits for that).
//
// Writes block until the record is acknowledged or ctx is done. Implementations are
// safe for concurrent use.
type StatusStore interface {
	// PutConnector writes the connector's status (a tombstone for DESTROYED).
	PutConnector(ctx context.Context, s ConnectorStatus) error
	// PutConnectorSafe is PutConnector unless the cached status came from another
	// worker with a newer generation; then nothing is written and it returns nil.
	PutConnectorSafe(ctx context.Context, s ConnectorStatus) error
	// PutTask writes the task's status (a tombstone for DESTROYED).
	PutTask(ctx context.Context, s TaskStatus) error
	// PutTaskSafe is PutTask with PutConnectorSafe's generation rule.
	PutTaskSafe(ctx context.Context, s TaskStatus) error
	// DeleteConnector writes tombstones for the connector's status and every task
	// status read for it.
	DeleteConnector(ctx context.Context, name string) error
	// DeleteTask writes a tombstone for one task status.
	DeleteTask(ctx context.Context, id TaskID) error
	// PutTopic records that a task used a topic.
	PutTopic(ctx context.Context, s TopicStatus) error
	// DeleteTopics writes tombstones for every topic status read for the connector.
	DeleteTopics(ctx context.Context, connector string) error

	// Connector returns the connector's status.
	Connector(name string) (ConnectorStatus, bool)
	// Task returns one task's status.
	Task(id TaskID) (TaskStatus, bool)
	// Tasks returns the connector's task statuses in task order.
	Tasks(name string) []TaskStatus
	// Topics returns the topics the connector used, sorted by topic.
	Topics(connector string) []TopicStatus
	// Connectors lists, sorted, the connectors with a connector or task status.
	Connectors() []string
	// Refresh blocks until everything written to the topic before the call is read.
	Refresh(ctx context.Context) error
}

// ErrClosed is returned by calls on a closed store.
var ErrClosed = errors.New("status store closed")

// recordLog is the transport under a store: the status topic or its memory stand-in.
type recordLog interface {
	// send produces one record and returns once it is acknowledged.
	send(ctx context.Context, r Record) error
	// readToEnd returns once every record acknowledged before the call is applied.
	readToEnd(ctx context.Context) error
}

// store implements StatusStore on a recordLog; Memory and Kafka embed it.
type store struct {
	log *slog.Logger

	mu   sync.Mutex // guards c and rlog
	c    *cache
	rlog recordLog
}

func newStore(log *slog.Logger) *store { return &store{log: log, c: newCache(log)} }

// apply is the consume callback of the record log.
func (s *store) apply(key string, value []byte) {
	s.mu.Lock()
	s.c.apply(key, value)
	s.mu.Unlock()
}

func (s *store) setLog(l recordLog) {
	s.mu.Lock()
	s.rlog = l
	s.mu.Unlock()
}

func (s *store) recordLog() recordLog {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rlog
}

func (s *store) send(ctx context.Context, r Record) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("writing %s to status topic: %w", r.Key, err)
	}
	if err := s.recordLog().send(ctx, r); err != nil {
		return fmt.Errorf("writing %s to status topic: %w", r.Key, err)
	}
	return nil
}

func checkState(st State) error {
	if !st.Valid() {
		return fmt.Errorf("invalid status state %q", st)
	}
	return nil
}

func checkConnector(s ConnectorStatus) error {
	if s.Connector == "" {
		return errors.New("connector status: empty connector name")
	}
	return checkState(s.State)
}

func checkTask(s TaskStatus) error {
	if s.ID.Connector == "" || s.ID.Task < 0 {
		return fmt.Errorf("task status: invalid task id %q", s.ID)
	}
	return checkState(s.State)
}

// PutConnector implements StatusStore.
func (s *store) PutConnector(ctx context.Context, st ConnectorStatus) error {
	if err := checkConnector(st); err != nil {
		return err
	}
	return s.send(ctx, ConnectorRecord(st))
}

// PutConnectorSafe implements StatusStore.
func (s *store) PutConnectorSafe(ctx context.Context, st ConnectorStatus) error {
	if err := checkConnector(st); err != nil {
		return err
	}
	s.mu.Lock()
	cur, ok := s.c.connectors[st.Connector]
	s.mu.Unlock()
	if ok && !canOverwrite(&cur, st.wire()) {
		s.log.Debug("status topic: safe write skipped, newer status from another worker",
			"connector", st.Connector, "current", cur.String(), "generation", st.Generation)
		return nil
	}
	return s.send(ctx, ConnectorRecord(st))
}

// PutTask implements StatusStore.
func (s *store) PutTask(ctx context.Context, st TaskStatus) error {
	if err := checkTask(st); err != nil {
		return err
	}
	return s.send(ctx, TaskRecord(st))
}

// PutTaskSafe implements StatusStore.
func (s *store) PutTaskSafe(ctx context.Context, st TaskStatus) error {
	if err := checkTask(st); err != nil {
		return err
	}
	s.mu.Lock()
	cur, ok := s.c.tasks[st.ID.Connector][st.ID.Task]
	s.mu.Unlock()
	if ok && !canOverwrite(&cur, st.wire()) {
		s.log.Debug("status topic: safe write skipped, newer status from another worker",
			"connector", st.ID.Connector, "task", st.ID.Task, "current", cur.String(), "generation", st.Generation)
		return nil
	}
	return s.send(ctx, TaskRecord(st))
}

// DeleteConnector implements StatusStore.
func (s *store) DeleteConnector(ctx context.Context, name string) error {
	if name == "" {
		return errors.New("delete connector status: empty connector name")
	}
	s.mu.Lock()
	tasks := s.c.taskList(name)
	s.mu.Unlock()
	if err := s.send(ctx, Record{Key: ConnectorKey(name)}); err != nil {
		return err
	}
	for _, t := range tasks {
		if err := s.send(ctx, Record{Key: TaskKey(t.ID)}); err != nil {
			return err
		}
	}
	return nil
}

// DeleteTask implements StatusStore.
func (s *store) DeleteTask(ctx context.Context, id TaskID) error {
	if id.Connector == "" || id.Task < 0 {
		return fmt.Errorf("delete task status: invalid task id %q", id)
	}
	return s.send(ctx, Record{Key: TaskKey(id)})
}

// PutTopic implements StatusStore.
func (s *store) PutTopic(ctx context.Context, t TopicStatus) error {
	if t.Topic == "" || t.Connector == "" || t.Task < 0 {
		return fmt.Errorf("topic status: topic %q, connector %q and task %d must be set", t.Topic, t.Connector, t.Task)
	}
	return s.send(ctx, TopicRecord(t))
}

// DeleteTopics implements StatusStore.
func (s *store) DeleteTopics(ctx context.Context, connector string) error {
	if connector == "" {
		return errors.New("delete topic statuses: empty connector name")
	}
	s.mu.Lock()
	topics := s.c.topicList(connector)
	s.mu.Unlock()
	for _, t := range topics {
		if err := s.send(ctx, TopicTombstone(t.Topic, connector)); err != nil {
			return err
		}
	}
	return nil
}

// Connector implements StatusStore.
func (s *store) Connector(name string) (ConnectorStatus, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c.connector(name)
}

// Task implements StatusStore.
func (s *store) Task(id TaskID) (TaskStatus, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c.task(id)
}

// Tasks implements StatusStore.
func (s *store) Tasks(name string) []TaskStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c.taskList(name)
}

// Topics implements StatusStore.
func (s *store) Topics(connector string) []TopicStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c.topicList(connector)
}

// Connectors implements StatusStore.
func (s *store) Connectors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c.names()
}

// Refresh implements StatusStore.
func (s *store) Refresh(ctx context.Context) error {
	if err := s.recordLog().readToEnd(ctx); err != nil {
		return fmt.Errorf("reading status topic to end: %w", err)
	}
	return nil
}
