package group

import "context"

// Generation identifies the group generation a callback belongs to.
type Generation struct {
	ID       int32    // generation id from JoinGroup
	MemberID string   // this worker's member id
	Protocol Protocol // subprotocol the coordinator picked
}

// RevokeReason says why Handler.Revoked is called.
type RevokeReason int

const (
	// RevokeRebalance: eager protocol, a rebalance is starting and everything
	// stops before this worker rejoins (also when the group downgrades to
	// eager while this worker runs cooperative work).
	RevokeRebalance RevokeReason = iota
	// RevokeByLeader: cooperative protocol, the leader's assignment revoked
	// these items. The herder stops them and then calls RequestRejoin so the
	// follow-up round can hand them to someone else.
	RevokeByLeader
	// RevokeCoordinatorLost: the coordinator could not be reached for a
	// heartbeat interval (KAFKA-9184). Everything stops so that no two workers
	// run the same task once this worker's session expires; the member
	// rejoins when the coordinator is back.
	RevokeCoordinatorLost
)

func (r RevokeReason) String() string {
	switch r {
	case RevokeRebalance:
		return "rebalance"
	case RevokeByLeader:
		return "revoked by leader"
	case RevokeCoordinatorLost:
		return "coordinator lost"
	}
	return "unknown"
}

// Handler is what the herder implements to take part in the group.
//
// Every method is called on the goroutine running Member.Run, one at a time
// and in protocol order (Revoked before the Assigned of the same round). The
// member keeps heartbeating on a helper goroutine while Assign, Assigned and
// Revoked run, so they may block for as long as stopping or starting work
// takes (bounded by the session timeout in the worst case); ctx is Run's
// context, cancelled when the worker shuts down. A Handler must not call
// Run's blocking methods from a callback; RequestRejoin is fine.
type Handler interface {
	// Metadata returns this worker's advertised REST URL and the
	// config-topic offset it has read to. Called before every JoinGroup.
	Metadata() (url string, configOffset int64)

	// Assign is called on the leader only. The herder makes sure its config
	// snapshot has reached MaxConfigOffset(r.Members) (re-reading the config
	// topic if not) and then returns Assignor.Assign(r, snapshot). An error
	// fails the round: every member gets an empty assignment and rejoins.
	Assign(ctx context.Context, r Round) (map[string]Assignment, error)

	// Assigned delivers the round's outcome. a.Connectors and a.Tasks are
	// the complete set this worker should now run (for cooperative
	// protocols, what it ran minus the revoked items plus the new ones);
	// a.RevokedConnectors/a.RevokedTasks were already passed to Revoked.
	// When a.Failed() the member rejoins by itself after Assigned returns
	// (read the config topic to end first). When a.Delay > 0 the herder
	// calls RequestRejoin after that many milliseconds.
	Assigned(ctx context.Context, a Assignment, g Generation)

	// Revoked asks the herder to stop the connectors and tasks in
	// a.Connectors and a.Tasks before the member goes on.
	Revoked(ctx context.Context, a Assignment, g Generation, reason RevokeReason)
}

// RebalanceListener is an optional Handler ability, found by type assertion:
// RebalanceStarting is called on the Run goroutine when this worker starts
// to (re)join the group after having been settled, before any eager
// revocation, so the herder can report "rebalancing" (and answer 409s)
// until the next Assigned. g is the generation being left (ID -1 on the
// first join).
type RebalanceListener interface {
	RebalanceStarting(ctx context.Context, g Generation)
}
