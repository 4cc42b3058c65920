package worker

import (
	"context"
	"fmt"
	"sync"
)

// TaskID names one task of a connector.
type TaskID struct {
	Connector string
	Task      int
}

// String renders the id as Connect does, "<connector>-<task>".
func (id TaskID) String() string { return fmt.Sprintf("%s-%d", id.Connector, id.Task) }

// State is a connector or task state as the status topic and REST report it.
type State string

// The states.
const (
	Unassigned State = "UNASSIGNED"
	Running    State = "RUNNING"
	Paused     State = "PAUSED"
	Stopped    State = "STOPPED"
	Failed     State = "FAILED"
	Restarting State = "RESTARTING"
	Destroyed  State = "DESTROYED"
)

// TargetState is what the config topic asks a connector to be.
type TargetState string

// Target states (the state.v2 values of target-state- records).
const (
	TargetStarted TargetState = "STARTED"
	TargetPaused  TargetState = "PAUSED"
	TargetStopped TargetState = "STOPPED"
)

// StatusListener is told about every state change of the connectors and tasks this
// worker runs (the herder writes them to the status topic). Calls come from runner
// goroutines and must not block for long.
type StatusListener interface {
	ConnectorState(name string, s State, err error)
	TaskState(id TaskID, s State, err error)
}

// taskState is the pause/resume switch of one task. The herder goroutine flips it; the
// task goroutine waits on it between polls.
type taskState struct {
	mu      sync.Mutex // guards paused, changed
	paused  bool
	changed chan struct{} // closed and replaced on every change
	report  func(State)

	reportMu sync.Mutex // serializes reports; guards shown
	shown    State      // last state reported
}

func newTaskState(paused bool, report func(State)) *taskState {
	return &taskState{paused: paused, changed: make(chan struct{}), report: report}
}

func (s *taskState) set(paused bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.paused == paused {
		return
	}
	s.paused = paused
	close(s.changed)
	s.changed = make(chan struct{})
}

// running reports RUNNING once the task has started, unless it starts paused (the
// first wait reports PAUSED then).
func (s *taskState) running() {
	s.mu.Lock()
	paused := s.paused
	s.mu.Unlock()
	if !paused {
		s.showCurrent()
	}
}

// showCurrent reports RUNNING or PAUSED as the switch stands now, unless that was the
// last state reported. Safe from any goroutine (a source task's poller and its send
// loop both report): the switch is read under the report lock, so a report from
// another goroutine cannot leave a stale state shown.
func (s *taskState) showCurrent() {
	s.reportMu.Lock()
	defer s.reportMu.Unlock()
	s.mu.Lock()
	st := Running
	if s.paused {
		st = Paused
	}
	s.mu.Unlock()
	if s.shown != st {
		s.shown = st
		s.report(st)
	}
}

// waitRunnable returns nil once the task may run, reporting PAUSED and RUNNING as the
// switch moves, or ctx's error when the task is being stopped.
func (s *taskState) waitRunnable(ctx context.Context) error {
	for {
		s.mu.Lock()
		paused, changed := s.paused, s.changed
		s.mu.Unlock()
		s.showCurrent()
		if !paused {
			return ctx.Err()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

// pausedNow reports whether the task is paused and the channel closed at the next
// change of that state, without blocking or reporting a state.
func (s *taskState) pausedNow() (bool, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused, s.changed
}
