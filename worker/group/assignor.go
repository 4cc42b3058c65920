package group

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Snapshot is the leader's configuration at the moment it assigns.
type Snapshot struct {
	ConfigOffset int64          // offset of the config topic the snapshot reflects
	Connectors   map[string]int // every configured connector and its task count
}

// Round is one leader assignment round, as the Member hands it to
// Handler.Assign.
type Round struct {
	LeaderID   string
	Protocol   Protocol // protocol the coordinator picked for this generation
	Generation int32    // generation being assigned
	// LastCompletedGeneration is the generation of the leader's last
	// successful SyncGroup (-1 for none). The cooperative assignor forgets
	// its previous assignment when it did not compute that generation.
	LastCompletedGeneration int32
	Members                 []MemberMetadata
}

// MaxConfigOffset returns the highest config offset any member reports, or
// -1 when there are no members. The leader must have read the config topic
// at least that far before it assigns (connect.md §3.3).
func MaxConfigOffset(members []MemberMetadata) int64 {
	maxOff := int64(-1)
	for _, m := range members {
		maxOff = max(maxOff, m.ConfigOffset)
	}
	return maxOff
}

// Assignor is the leader's assignment engine: it dispatches to EagerAssign
// for the "default" protocol and runs the incremental cooperative assignor
// (KIP-415, connect.md §3.4) for "compatible" and "sessioned", keeping that
// assignor's state (previous assignment, revocations, delay, scheduled
// rebalance, candidate workers, successive revoking rounds) between rounds.
//
// An Assignor is not safe for concurrent use: the herder owns one and calls
// it from its loop (through Handler.Assign).
type Assignor struct {
	maxDelay time.Duration
	now      func() time.Time
	log      *slog.Logger

	previous           items
	previousRevocation items
	previousGeneration int32
	previousMembers    map[string]bool
	delay              time.Duration // current delay carried in assignments; 0 = none
	scheduled          time.Time     // when the delayed rebalance is due; zero = none
	candidates         map[string]bool
	revokedInPrevious  bool
	successiveRevoking int
}

// AssignorOpt configures an Assignor.
type AssignorOpt func(*Assignor)

// WithClock sets the clock the cooperative assignor reads for its delays.
// Default time.Now. Tests inject a fake clock.
func WithClock(now func() time.Time) AssignorOpt { return func(a *Assignor) { a.now = now } }

// WithAssignorLogger sets the logger for assignment decisions (debug level).
// Default slog.Default().
func WithAssignorLogger(l *slog.Logger) AssignorOpt { return func(a *Assignor) { a.log = l } }

// NewAssignor returns an Assignor. maxDelay is
// scheduled.rebalance.max.delay.ms (Java default 300000 ms): how long lost
// connectors and tasks stay unassigned waiting for their worker to return;
// 0 reassigns them at once. A negative maxDelay is an error.
func NewAssignor(maxDelay time.Duration, opts ...AssignorOpt) (*Assignor, error) {
	if maxDelay < 0 {
		return nil, fmt.Errorf("scheduled.rebalance.max.delay.ms: must not be negative, got %v", maxDelay)
	}
	a := &Assignor{
		maxDelay:           maxDelay,
		now:                time.Now,
		log:                slog.Default(),
		previous:           newItems(),
		previousRevocation: newItems(),
		previousGeneration: -1,
		candidates:         map[string]bool{},
	}
	for _, o := range opts {
		o(a)
	}
	return a, nil
}

// Assign computes every member's assignment for round r against snapshot s.
//
// When s is behind the highest config offset a member reports, every member
// gets an ErrorConfigMismatch assignment stamped with that offset and
// nothing assigned, so all of them read the config topic and rejoin. The
// caller (the herder) should re-read the config topic and pass a fresher
// snapshot before accepting that outcome.
//
// It errors when r has no members, when the leader is not among them, or
// when the protocol is unknown. The result holds one entry per member, with
// Version set from r.Protocol.
func (a *Assignor) Assign(r Round, s Snapshot) (map[string]Assignment, error) {
	if len(r.Members) == 0 {
		return nil, errors.New("assigning: no members")
	}
	version := r.Protocol.Version()
	if version < 0 {
		return nil, fmt.Errorf("assigning: unknown protocol %q", r.Protocol)
	}
	var leaderURL string
	found := false
	for _, m := range r.Members {
		if m.MemberID == r.LeaderID {
			leaderURL, found = m.URL, true
		}
	}
	if !found {
		return nil, fmt.Errorf("assigning: leader %q is not a member", r.LeaderID)
	}
	if maxOff := MaxConfigOffset(r.Members); s.ConfigOffset < maxOff {
		a.log.Info("config snapshot behind a member; returning CONFIG_MISMATCH",
			"leader_offset", s.ConfigOffset, "max_member_offset", maxOff, "generation", r.Generation)
		out := make(map[string]Assignment, len(r.Members))
		for _, m := range r.Members {
			out[m.MemberID] = Assignment{Version: version, Error: ErrorConfigMismatch,
				Leader: r.LeaderID, LeaderURL: leaderURL, ConfigOffset: maxOff}
		}
		return out, nil
	}
	if !r.Protocol.Cooperative() {
		return EagerAssign(r.Members, s.Connectors, r.LeaderID, leaderURL, s.ConfigOffset), nil
	}
	return a.cooperative(r, s, version, leaderURL), nil
}

// Delay returns the delay the last cooperative round put in its assignments
// (0 when none). For metrics and tests.
func (a *Assignor) Delay() time.Duration { return a.delay }
