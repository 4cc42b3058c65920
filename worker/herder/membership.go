package herder

import (
	"context"
	"sync"
	"time"

	"github.com/gonnect/gonnect/worker/group"
)

// Membership is how the herder takes part in a cluster: the Connect group over Kafka
// (distributed mode) or a group of one (standalone mode). Run drives callbacks into
// the herder's group methods below until ctx is cancelled; Rejoin asks for a new
// rebalance and must not block.
type Membership interface {
	Run(ctx context.Context) error
	Rejoin()
	// CancelRejoin withdraws Rejoin requests the member has not acted on yet. The
	// herder calls it when an assignment already reflects every config change it
	// had asked to rebalance for, so a request made while that rebalance was under
	// way does not cost the group another round.
	CancelRejoin()
}

// membershipState is the part of the herder the group member reads from its own
// goroutine: this worker's current assignment and the leader's assignor.
type membershipState struct {
	mu       sync.Mutex // guards current
	current  *group.Assignment
	memberID string

	assignor *group.Assignor // used only from the member's goroutine
}

func (h *Herder) setCurrent() {
	a := h.currentAssignment()
	h.ms.mu.Lock()
	h.ms.current = a
	h.ms.mu.Unlock()
}

// GroupMetadata is what this worker reports when it joins: its URL, its config
// offset and its current assignment. Safe to call from the member goroutine.
func (h *Herder) GroupMetadata() (url string, configOffset int64, current *group.Assignment) {
	h.ms.mu.Lock()
	defer h.ms.mu.Unlock()
	return h.cfg.URL, h.configs.Snapshot().Offset(), h.ms.current
}

// GroupAssign computes the assignment as leader. It re-reads the config topic when
// the snapshot is behind a member's offset, as Java's leader does, before letting the
// assignor answer CONFIG_MISMATCH.
func (h *Herder) GroupAssign(ctx context.Context, r group.Round) (map[string]group.Assignment, error) {
	snap := h.configs.Snapshot()
	if snap.Offset() < group.MaxConfigOffset(r.Members) {
		rctx, cancel := context.WithTimeout(ctx, h.cfg.WorkerSyncTimeout)
		_ = h.configs.Refresh(rctx)
		cancel()
		snap = h.configs.Snapshot()
	}
	return h.ms.assignor.Assign(r, group.Snapshot{ConfigOffset: snap.Offset(), Connectors: snapshotTaskCounts(snap)})
}

// GroupAssigned applies an assignment on the herder goroutine and returns when done.
func (h *Herder) GroupAssigned(ctx context.Context, a group.Assignment, generation int32, memberID string, protocol group.Protocol) {
	h.ms.mu.Lock()
	h.ms.memberID = memberID
	h.ms.mu.Unlock()
	h.send(ctx, groupEvent{assigned: &a, generation: generation, memberID: memberID, protocol: protocol})
}

// GroupRevoked stops what the assignment names (eager rebalances revoke everything
// before rejoining). Returns when done.
func (h *Herder) GroupRevoked(ctx context.Context, a group.Assignment) {
	h.send(ctx, groupEvent{revoked: &a})
}

// GroupLost stops everything: the coordinator is unreachable, so another worker may
// soon be given this worker's tasks.
func (h *Herder) GroupLost(ctx context.Context) {
	h.send(ctx, groupEvent{lost: true})
}

// Solo is the membership of a worker alone (standalone mode): it is always the leader
// and assigns itself everything, incrementally, whenever a rebalance is asked for.
type Solo struct {
	h        *Herder
	kick     chan struct{}
	gen      int32
	memberID string
}

// NewSolo returns a group of one for h.
func NewSolo(h *Herder) *Solo {
	return &Solo{h: h, kick: make(chan struct{}, 1), memberID: "standalone"}
}

// Rejoin implements Membership.
func (s *Solo) Rejoin() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// CancelRejoin implements Membership.
func (s *Solo) CancelRejoin() {
	select {
	case <-s.kick:
	default:
	}
}

// Run implements Membership.
func (s *Solo) Run(ctx context.Context) error {
	s.Rejoin()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.kick:
		}
		s.gen++
		url, off, cur := s.h.GroupMetadata()
		r := group.Round{LeaderID: s.memberID, Protocol: group.ProtocolCompatible, Generation: s.gen,
			LastCompletedGeneration: s.gen - 1,
			Members:                 []group.MemberMetadata{{MemberID: s.memberID, Metadata: group.Metadata{Version: 1, URL: url, ConfigOffset: off, Current: cur}}}}
		as, err := s.h.GroupAssign(ctx, r)
		if err != nil {
			s.h.log.Error("standalone assignment failed", "error", err)
			continue
		}
		a := merge(cur, as[s.memberID])
		s.h.GroupAssigned(ctx, a, s.gen, s.memberID, group.ProtocolCompatible)
		if a.Delay > 0 {
			time.AfterFunc(time.Duration(a.Delay)*time.Millisecond, s.Rejoin)
		}
	}
}

// GroupHandler adapts the herder to group.Handler for the Connect group over Kafka.
func (h *Herder) GroupHandler() group.Handler { return groupHandler{h} }

type groupHandler struct{ h *Herder }

func (g groupHandler) Metadata() (string, int64) {
	return g.h.cfg.URL, g.h.configs.Snapshot().Offset()
}

func (g groupHandler) Assign(ctx context.Context, r group.Round) (map[string]group.Assignment, error) {
	return g.h.GroupAssign(ctx, r)
}

func (g groupHandler) Assigned(ctx context.Context, a group.Assignment, gen group.Generation) {
	g.h.GroupAssigned(ctx, a, gen.ID, gen.MemberID, gen.Protocol)
}

func (g groupHandler) Revoked(ctx context.Context, a group.Assignment, _ group.Generation, reason group.RevokeReason) {
	if reason == group.RevokeCoordinatorLost {
		g.h.GroupLost(ctx)
		return
	}
	g.h.GroupRevoked(ctx, a)
}

// merge turns a cooperative assignment (new items and revocations) into the complete
// set to run, as group.Member does for Handler.Assigned.
func merge(cur *group.Assignment, a group.Assignment) group.Assignment {
	if cur == nil {
		return a
	}
	revC := map[string]bool{}
	for _, c := range a.RevokedConnectors {
		revC[c] = true
	}
	revT := map[group.TaskID]bool{}
	for _, t := range a.RevokedTasks {
		revT[t] = true
	}
	out := a
	out.Connectors, out.Tasks = nil, nil
	seenC := map[string]bool{}
	for _, c := range append(append([]string{}, cur.Connectors...), a.Connectors...) {
		if !revC[c] && !seenC[c] {
			seenC[c] = true
			out.Connectors = append(out.Connectors, c)
		}
	}
	seenT := map[group.TaskID]bool{}
	for _, t := range append(append([]group.TaskID{}, cur.Tasks...), a.Tasks...) {
		if !revT[t] && !seenT[t] {
			seenT[t] = true
			out.Tasks = append(out.Tasks, t)
		}
	}
	return out
}
