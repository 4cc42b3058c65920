package group

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// errNoAssignment reports an empty SyncGroup assignment: the leader had
// nothing for this member (its metadata did not decode, or Assign failed).
var errNoAssignment = errors.New("empty assignment from leader")

// errRejoin marks a round that ended in an answer asking for an immediate
// rejoin (REBALANCE_IN_PROGRESS, UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION).
var errRejoin = errors.New("rejoin needed")

// fatalCodes are group errors that rejoining cannot fix.
var fatalCodes = []*kerr.Error{
	kerr.InconsistentGroupProtocol,
	kerr.InvalidSessionTimeout,
	kerr.InvalidGroupID,
	kerr.GroupAuthorizationFailed,
	kerr.GroupMaxSizeReached,
	kerr.UnsupportedVersion,
}

func isFatal(err error) bool {
	for _, f := range fatalCodes {
		if errors.Is(err, f) {
			return true
		}
	}
	return false
}

// Join and sync may legitimately wait for a whole rebalance, so a failure
// of theirs counts as coordinator trouble from the moment it is seen; a
// heartbeat, which answers at once, counts from when it was sent.

// joinAndSync runs one rebalance from this member's side: eager
// revocation, JoinGroup (repeated for MEMBER_ID_REQUIRED), assignment if
// leader, SyncGroup, and the Handler callbacks. Run has cleared needJoin;
// it is set again when the assignment failed or a heartbeat during a
// callback asked for a rejoin. A returned *errFatal ends Run; errRejoin is
// retried at once; any other error after a backoff.
func (m *Member) joinAndSync(ctx context.Context) error {
	// This join satisfies every rejoin requested so far; requests made from
	// the callbacks below stay queued for the next round.
	select {
	case <-m.rejoin:
	default:
	}
	if !m.rebalancing {
		m.rebalancing = true
		if l, ok := m.h.(RebalanceListener); ok {
			l.RebalanceStarting(ctx, m.gen())
		}
	}
	if !m.protocol.Cooperative() && m.current != nil {
		held := *m.current
		m.current = nil
		if !held.Failed() && (len(held.Connectors) > 0 || len(held.Tasks) > 0) {
			m.withHeartbeats(ctx, func() {
				m.h.Revoked(ctx, revocation(held.Connectors, held.Tasks, held), m.gen(), RevokeRebalance)
			})
		}
	}

	join, err := m.join(ctx)
	if err != nil {
		return err
	}
	protocol := Protocol("")
	if join.Protocol != nil {
		protocol = Protocol(*join.Protocol)
	}
	if protocol.Version() < 0 {
		return &errFatal{fmt.Errorf("coordinator picked unknown protocol %q", protocol)}
	}
	m.memberID, m.generation = join.MemberID, join.Generation
	m.log.Info("joined the group", "member", m.memberID, "generation", m.generation,
		"protocol", protocol, "leader", join.LeaderID, "members", len(join.Members))

	var assignments map[string][]byte
	if join.LeaderID == join.MemberID {
		assignments = m.lead(ctx, join, protocol)
	}
	raw, err := m.sync(ctx, protocol, assignments)
	if err != nil {
		return err
	}
	a, err := DecodeAssignment(raw)
	if len(raw) == 0 {
		err = errNoAssignment
	}
	if err != nil {
		return fmt.Errorf("generation %d: %w", m.generation, err)
	}
	m.complete(ctx, a, protocol)
	return nil
}

func (m *Member) join(ctx context.Context) (*kmsg.JoinGroupResponse, error) {
	url, offset := m.h.Metadata()
	for {
		req := kmsg.NewPtrJoinGroupRequest()
		req.Group = m.group
		req.SessionTimeoutMillis = int32(m.cfg.sessionTimeout.Milliseconds())
		req.RebalanceTimeoutMillis = int32(m.cfg.rebalanceTimeout.Milliseconds())
		req.MemberID = m.memberID
		req.ProtocolType = ProtocolType
		for _, p := range m.cfg.protocol.Offered() {
			md := Metadata{Version: p.Version(), URL: url, ConfigOffset: offset}
			if p.Cooperative() {
				md.Current = m.current
			}
			b, err := md.MarshalBinary()
			if err != nil {
				return nil, &errFatal{fmt.Errorf("encoding %s metadata: %w", p, err)}
			}
			proto := kmsg.NewJoinGroupRequestProtocol()
			proto.Name, proto.Metadata = string(p), b
			req.Protocols = append(req.Protocols, proto)
		}
		resp, err := req.RequestWith(ctx, m.cl)
		if err != nil {
			m.onCoordinatorTrouble(ctx, err, time.Now())
			return nil, fmt.Errorf("join group: %w", err)
		}
		err = kerr.ErrorForCode(resp.ErrorCode)
		switch {
		case err == nil:
			m.troubleSince = time.Time{}
			return resp, nil
		case errors.Is(err, kerr.MemberIDRequired):
			m.memberID = resp.MemberID
			continue
		case errors.Is(err, kerr.UnknownMemberID):
			m.memberID = ""
			continue
		case isFatal(err):
			return nil, &errFatal{fmt.Errorf("join group: %w", err)}
		case errors.Is(err, kerr.NotCoordinator), errors.Is(err, kerr.CoordinatorNotAvailable),
			errors.Is(err, kerr.CoordinatorLoadInProgress):
			m.onCoordinatorTrouble(ctx, err, time.Now())
		}
		return nil, fmt.Errorf("join group: %w", err)
	}
}

// lead decodes the members' metadata, asks the Handler for assignments and
// encodes them. Members whose metadata cannot be decoded, and every member
// when the Handler fails, get an empty assignment, which makes them rejoin.
func (m *Member) lead(ctx context.Context, join *kmsg.JoinGroupResponse, protocol Protocol) map[string][]byte {
	r := Round{LeaderID: join.LeaderID, Protocol: protocol, Generation: join.Generation,
		LastCompletedGeneration: m.lastCompleted}
	out := make(map[string][]byte, len(join.Members))
	for _, mem := range join.Members {
		out[mem.MemberID] = nil
		md, err := DecodeMetadata(mem.ProtocolMetadata)
		if err != nil {
			m.log.Warn("skipping member with undecodable metadata", "member", mem.MemberID, "generation", join.Generation, "err", err)
			continue
		}
		r.Members = append(r.Members, MemberMetadata{MemberID: mem.MemberID, Metadata: md})
	}
	var as map[string]Assignment
	var err error
	m.withHeartbeats(ctx, func() { as, err = m.h.Assign(ctx, r) })
	if err != nil {
		m.log.Error("assignment failed; members will rejoin", "generation", join.Generation, "err", err)
		return out
	}
	for id, a := range as {
		if _, ok := out[id]; !ok {
			m.log.Warn("assignment for a non-member dropped", "member", id, "generation", join.Generation)
			continue
		}
		a.Version = protocol.Version()
		b, err := a.MarshalBinary()
		if err != nil {
			m.log.Error("encoding assignment failed", "member", id, "generation", join.Generation, "err", err)
			continue
		}
		out[id] = b
	}
	return out
}

func (m *Member) sync(ctx context.Context, protocol Protocol, assignments map[string][]byte) ([]byte, error) {
	req := kmsg.NewPtrSyncGroupRequest()
	req.Group, req.Generation, req.MemberID = m.group, m.generation, m.memberID
	pt, p := ProtocolType, string(protocol)
	req.ProtocolType, req.Protocol = &pt, &p
	for id, b := range assignments {
		ga := kmsg.NewSyncGroupRequestGroupAssignment()
		ga.MemberID, ga.MemberAssignment = id, b
		if ga.MemberAssignment == nil {
			ga.MemberAssignment = []byte{}
		}
		req.GroupAssignment = append(req.GroupAssignment, ga)
	}
	resp, err := req.RequestWith(ctx, m.cl)
	if err != nil {
		m.onCoordinatorTrouble(ctx, err, time.Now())
		return nil, fmt.Errorf("sync group: %w", err)
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		if isFatal(err) {
			return nil, &errFatal{fmt.Errorf("sync group: %w", err)}
		}
		gen := m.generation
		if m.onGroupError(err) {
			return nil, fmt.Errorf("sync group generation %d: %w: %w", gen, errRejoin, err)
		}
		m.onCoordinatorTrouble(ctx, err, time.Now())
		m.needJoin = true
		return nil, fmt.Errorf("sync group generation %d: %w", gen, err)
	}
	m.troubleSince = time.Time{}
	return resp.MemberAssignment, nil
}

// complete applies a received assignment: cooperative revocations first,
// then the merged full assignment to Assigned.
func (m *Member) complete(ctx context.Context, a Assignment, protocol Protocol) {
	prev := m.current
	m.protocol = protocol
	g := m.gen()
	full := a
	if protocol.Cooperative() {
		if len(a.RevokedConnectors) > 0 || len(a.RevokedTasks) > 0 {
			m.withHeartbeats(ctx, func() {
				m.h.Revoked(ctx, revocation(a.RevokedConnectors, a.RevokedTasks, a), g, RevokeByLeader)
			})
		}
		if prev != nil {
			kept := itemsOf(prev.Connectors, prev.Tasks).minus(itemsOf(a.RevokedConnectors, a.RevokedTasks))
			kept.addAll(itemsOf(a.Connectors, a.Tasks))
			full.Connectors, full.Tasks = kept.sortedConnectors(), kept.sortedTasks()
		}
	} else if prev != nil && !prev.Failed() && (len(prev.Connectors) > 0 || len(prev.Tasks) > 0) {
		// Downgraded to eager while running cooperative work: stop it all first.
		m.withHeartbeats(ctx, func() {
			m.h.Revoked(ctx, revocation(prev.Connectors, prev.Tasks, *prev), g, RevokeRebalance)
		})
	}
	m.current = &full
	m.lastCompleted = m.generation
	m.rebalancing = false
	if full.Failed() {
		m.needJoin = true
	}
	m.log.Info("assignment received", "member", m.memberID, "generation", m.generation, "protocol", protocol,
		"leader", full.Leader, "error", full.Error, "offset", full.ConfigOffset, "connectors", len(full.Connectors),
		"tasks", len(full.Tasks), "revoked_connectors", len(a.RevokedConnectors), "revoked_tasks", len(a.RevokedTasks), "delay_ms", full.Delay)
	m.withHeartbeats(ctx, func() { m.h.Assigned(ctx, full, g) })
}

// sendHeartbeat heartbeats once for generation gen, bounded by the heartbeat
// interval (the coordinator discovery timeout). It returns nil, the group
// error the coordinator answered, or the transport error. Safe for
// concurrent use: it touches no member state.
func (m *Member) sendHeartbeat(ctx context.Context, gen int32, memberID string) error {
	hctx, cancel := context.WithTimeout(ctx, m.cfg.heartbeatInterval)
	defer cancel()
	req := kmsg.NewPtrHeartbeatRequest()
	req.Group, req.Generation, req.MemberID = m.group, gen, memberID
	resp, err := req.RequestWith(hctx, m.cl)
	if err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	return nil
}

func (m *Member) sendLeave(ctx context.Context) error {
	req := kmsg.NewPtrLeaveGroupRequest()
	req.Group, req.MemberID = m.group, m.memberID
	lm := kmsg.NewLeaveGroupRequestMember()
	lm.MemberID = m.memberID
	reason := "the Connect worker is shutting down"
	lm.Reason = &reason
	req.Members = append(req.Members, lm)
	resp, err := req.RequestWith(ctx, m.cl)
	if err != nil {
		return err
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return err
	}
	for _, mr := range resp.Members {
		if err := kerr.ErrorForCode(mr.ErrorCode); err != nil {
			return fmt.Errorf("member %s: %w", mr.MemberID, err)
		}
	}
	return nil
}
