package herder

import (
	"context"
	"sync"

	"github.com/gonnect/gonnect/worker"
	"github.com/gonnect/gonnect/worker/configstore"
)

// MemoryStatus is an in-process StatusStore: standalone mode's (as Java's
// MemoryStatusBackingStore) and the herder tests'. Safe for concurrent use.
type MemoryStatus struct {
	workerID string
	mu       sync.Mutex // guards everything below
	gen      int32
	conns    map[string]Status
	tasks    map[worker.TaskID]Status
	topics   map[string][]string
}

// NewMemoryStatus returns an empty status store for a worker.
func NewMemoryStatus(workerID string) *MemoryStatus {
	return &MemoryStatus{workerID: workerID, conns: map[string]Status{}, tasks: map[worker.TaskID]Status{}, topics: map[string][]string{}}
}

func (m *MemoryStatus) SetGeneration(gen int32) { m.mu.Lock(); m.gen = gen; m.mu.Unlock() }

func (m *MemoryStatus) status(s worker.State, err error) Status {
	return Status{State: string(s), Trace: worker.Trace(err), WorkerID: m.workerID, Generation: m.gen}
}

// allowed is the safe-write rule: no previous value, the same worker, or a generation
// at least as new.
func allowed(prev Status, ok bool, next Status) bool {
	return !ok || prev.WorkerID == next.WorkerID || next.Generation >= prev.Generation
}

func (m *MemoryStatus) ConnectorState(name string, s worker.State, err error, safe bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	next := m.status(s, err)
	if prev, ok := m.conns[name]; safe && !allowed(prev, ok, next) {
		return
	}
	if s == worker.Destroyed {
		delete(m.conns, name)
		return
	}
	m.conns[name] = next
}

func (m *MemoryStatus) TaskState(id worker.TaskID, s worker.State, err error, safe bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	next := m.status(s, err)
	if prev, ok := m.tasks[id]; safe && !allowed(prev, ok, next) {
		return
	}
	if s == worker.Destroyed {
		delete(m.tasks, id)
		return
	}
	m.tasks[id] = next
}

func (m *MemoryStatus) Connector(name string) (Status, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.conns[name]
	return s, ok
}

func (m *MemoryStatus) Task(id worker.TaskID) (Status, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.tasks[id]
	return s, ok
}

func (m *MemoryStatus) Tasks(name string) map[int]Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[int]Status{}
	for id, s := range m.tasks {
		if id.Connector == name {
			out[id.Task] = s
		}
	}
	return out
}

func (m *MemoryStatus) Topics(name string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string{}, m.topics[name]...)
}

func (m *MemoryStatus) ResetTopics(_ context.Context, name string) error {
	m.mu.Lock()
	delete(m.topics, name)
	m.mu.Unlock()
	return nil
}

// CleanUp forgets deleted connectors and tasks beyond each connector's task count.
func (m *MemoryStatus) CleanUp(_ context.Context, s configstore.ClusterState) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for name := range m.conns {
		if !s.Contains(name) {
			delete(m.conns, name)
		}
	}
	for id := range m.tasks {
		if !s.Contains(id.Connector) || id.Task >= s.TaskCount(id.Connector) {
			delete(m.tasks, id)
		}
	}
}
