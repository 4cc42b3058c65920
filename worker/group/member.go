package group

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Member is this worker's membership in the Connect group: it joins group
// group.id with protocol type "connect" through raw JoinGroup, SyncGroup,
// Heartbeat and LeaveGroup requests (kgo routes them to the group
// coordinator, discovers it, and retries NOT_COORDINATOR by rediscovering),
// and reports what happens to a Handler.
//
// It handles MEMBER_ID_REQUIRED (rejoin with the id given), heartbeats that
// answer REBALANCE_IN_PROGRESS (rejoin), UNKNOWN_MEMBER_ID and
// ILLEGAL_GENERATION (reset and rejoin), failed or CONFIG_MISMATCH
// assignments (rejoin), and a coordinator that cannot be reached for a
// heartbeat interval (revoke everything, KAFKA-9184, then rejoin).
//
// Create it with NewMember and drive it with Run. Only RequestRejoin is safe
// to call from other goroutines.
type Member struct {
	cl     *kgo.Client
	group  string
	h      Handler
	cfg    memberConfig
	log    *slog.Logger
	rejoin chan struct{}

	// Everything below is owned by the Run goroutine.
	memberID      string
	generation    int32
	protocol      Protocol    // protocol of the last completed generation
	current       *Assignment // what this worker runs; nil = nothing
	lastCompleted int32
	needJoin      bool
	troubleSince  time.Time // start of the current run of failed coordinator contacts
	joinFailures  int
	rebalancing   bool // between the start of a join and the next Assigned
}

// NewMember returns a member of group groupID that issues its requests
// through cl (a client without a consumer group of its own; it may be shared
// with other work). It fails on an empty group id, a nil client or handler,
// or invalid options, naming the worker property at fault.
func NewMember(cl *kgo.Client, groupID string, h Handler, opts ...Opt) (*Member, error) {
	if cl == nil {
		return nil, errors.New("group member: nil kgo client")
	}
	if groupID == "" {
		return nil, errors.New("group.id: must not be empty")
	}
	if h == nil {
		return nil, errors.New("group member: nil handler")
	}
	cfg := defaultMemberConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Member{
		cl: cl, group: groupID, h: h, cfg: cfg,
		log:        cfg.log.With("group", groupID),
		rejoin:     make(chan struct{}, 1),
		generation: -1, lastCompleted: -1, protocol: cfg.protocol,
	}, nil
}

// RequestRejoin asks the member to rejoin the group, starting a rebalance.
// The herder calls it after reading a config change that adds or removes
// connectors or changes task configs, after it stopped revoked work, and when
// an assignment's delay elapses. It never blocks and is safe for concurrent
// use; requests made before the member rejoins coalesce into one.
func (m *Member) RequestRejoin() {
	select {
	case m.rejoin <- struct{}{}:
	default:
	}
}

// CancelRejoin withdraws a RequestRejoin the member has not acted on yet (a
// rebalance already under way is not affected). It never blocks and is safe for
// concurrent use.
func (m *Member) CancelRejoin() {
	select {
	case <-m.rejoin:
	default:
	}
}

// errFatal marks group errors the member cannot recover from by rejoining.
type errFatal struct{ err error }

func (e *errFatal) Error() string { return e.err.Error() }
func (e *errFatal) Unwrap() error { return e.err }

// Run joins the group and keeps this worker in it: join, sync, heartbeat,
// and rejoin whenever needed, calling the Handler on this goroutine. It
// blocks until ctx is cancelled, then sends LeaveGroup (bounded by the
// heartbeat interval) so the group rebalances at once, and returns nil. It
// returns an error only for conditions rejoining cannot fix (for example
// INCONSISTENT_GROUP_PROTOCOL, GROUP_AUTHORIZATION_FAILED,
// INVALID_SESSION_TIMEOUT), after leaving. Run must be called once.
func (m *Member) Run(ctx context.Context) error {
	defer m.leave(ctx)
	m.needJoin = true
	hb := time.NewTimer(m.cfg.heartbeatInterval)
	defer hb.Stop()
	for ctx.Err() == nil {
		if m.needJoin {
			m.needJoin = false
			err := m.joinAndSync(ctx)
			if ctx.Err() != nil {
				return nil
			}
			if err != nil {
				m.needJoin = true
			}
			var fatal *errFatal
			if errors.As(err, &fatal) {
				m.log.Error("leaving the group for good", "member", m.memberID, "err", err)
				return fatal.err
			}
			if errors.Is(err, errRejoin) {
				m.log.Info("rejoining", "member", m.memberID, "err", err)
				continue
			}
			if err != nil {
				m.joinFailures++
				backoff := m.backoff()
				m.log.Warn("joining the group failed; retrying", "member", m.memberID, "backoff", backoff, "err", err)
				if !m.sleep(ctx, backoff) {
					return nil
				}
				continue
			}
			m.joinFailures = 0
			hb.Reset(m.cfg.heartbeatInterval)
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-m.rejoin:
			m.log.Info("rejoin requested", "member", m.memberID, "generation", m.generation)
			m.needJoin = true
		case <-hb.C:
			start := time.Now()
			err := m.sendHeartbeat(ctx, m.generation, m.memberID)
			if ctx.Err() != nil {
				return nil
			}
			m.onHeartbeat(ctx, err, start)
			next := m.cfg.heartbeatInterval
			if !m.troubleSince.IsZero() {
				next = m.cfg.retryBackoff
			}
			hb.Reset(next)
		}
	}
	return nil
}

func (m *Member) backoff() time.Duration {
	d := m.cfg.retryBackoff
	for i := 1; i < m.joinFailures && d < m.cfg.retryBackoffMax; i++ {
		d *= 2
	}
	return min(d, m.cfg.retryBackoffMax)
}

// sleep waits d, returning false if ctx ended first. A rejoin request does
// not cut it short: the member is rejoining already.
func (m *Member) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// onHeartbeat reacts to a heartbeat's outcome (err is nil, a group error, or
// a transport/coordinator error).
func (m *Member) onHeartbeat(ctx context.Context, err error, start time.Time) {
	if err == nil {
		m.troubleSince = time.Time{}
		return
	}
	if m.onGroupError(err) {
		m.troubleSince = time.Time{}
		return
	}
	m.onCoordinatorTrouble(ctx, err, start)
}

// onGroupError handles the answers that mean "this member must rejoin" and
// reports whether err was one of them.
func (m *Member) onGroupError(err error) bool {
	switch {
	case errors.Is(err, kerr.RebalanceInProgress):
		m.log.Info("group is rebalancing; rejoining", "member", m.memberID, "generation", m.generation)
	case errors.Is(err, kerr.UnknownMemberID):
		m.log.Warn("coordinator no longer knows this member; rejoining with a new id", "member", m.memberID, "generation", m.generation)
		m.memberID, m.generation = "", -1
	case errors.Is(err, kerr.IllegalGeneration):
		m.log.Warn("generation is stale; rejoining", "member", m.memberID, "generation", m.generation)
		m.generation = -1
	default:
		return false
	}
	m.needJoin = true
	return true
}

// onCoordinatorTrouble records a failed contact with the coordinator (an
// attempt that began at start) and, once contact has failed for a heartbeat
// interval, revokes everything this worker runs (KAFKA-9184) and arranges a
// rejoin.
func (m *Member) onCoordinatorTrouble(ctx context.Context, err error, start time.Time) {
	now := time.Now()
	if m.troubleSince.IsZero() {
		m.troubleSince = start
	}
	m.log.Warn("cannot reach the group coordinator", "member", m.memberID, "generation", m.generation,
		"for", now.Sub(m.troubleSince).Round(time.Millisecond), "err", err)
	if now.Sub(m.troubleSince) < m.cfg.heartbeatInterval {
		return
	}
	m.needJoin = true
	if m.current == nil || m.current.Failed() {
		return
	}
	held := *m.current
	m.current = nil
	m.log.Warn("coordinator unreachable for the heartbeat interval; revoking the whole assignment",
		"member", m.memberID, "generation", m.generation, "connectors", len(held.Connectors), "tasks", len(held.Tasks))
	m.h.Revoked(ctx, revocation(held.Connectors, held.Tasks, held), m.gen(), RevokeCoordinatorLost)
}

func (m *Member) gen() Generation {
	return Generation{ID: m.generation, MemberID: m.memberID, Protocol: m.protocol}
}

// revocation builds the Assignment handed to Revoked: the header of from, the
// given items.
func revocation(connectors []string, tasks []TaskID, from Assignment) Assignment {
	return Assignment{Version: from.Version, Leader: from.Leader, LeaderURL: from.LeaderURL,
		ConfigOffset: from.ConfigOffset, Connectors: connectors, Tasks: tasks}
}

// leave sends LeaveGroup when this worker is a member, bounded by the
// heartbeat interval, so the group rebalances without waiting for the
// session timeout.
func (m *Member) leave(ctx context.Context) {
	if m.memberID == "" {
		return
	}
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), m.cfg.heartbeatInterval)
	defer cancel()
	err := m.sendLeave(lctx)
	if err != nil {
		m.log.Warn("leaving the group failed; the coordinator will evict this member after the session timeout",
			"member", m.memberID, "err", err)
		return
	}
	m.log.Info("left the group", "member", m.memberID, "generation", m.generation)
}

// withHeartbeats runs fn (a Handler callback) while a helper goroutine keeps
// heartbeating for the current generation, so that a slow callback does not
// cost the session. A heartbeat answer that requires a rejoin is applied
// after fn returns.
func (m *Member) withHeartbeats(ctx context.Context, fn func()) {
	if m.memberID == "" || m.generation < 0 {
		fn()
		return
	}
	gen, id := m.generation, m.memberID
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		var outcome error
		t := time.NewTicker(m.cfg.heartbeatInterval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				done <- outcome
				return
			case <-t.C:
				if err := m.sendHeartbeat(ctx, gen, id); err != nil && outcome == nil &&
					(errors.Is(err, kerr.RebalanceInProgress) || errors.Is(err, kerr.UnknownMemberID) || errors.Is(err, kerr.IllegalGeneration)) {
					outcome = err
				}
			}
		}
	}()
	fn()
	close(stop)
	if err := <-done; err != nil && m.generation == gen {
		m.onGroupError(err)
	}
}
