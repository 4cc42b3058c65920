// Package group is Connect's group membership over Kafka's classic group
// protocol (protocol type "connect", connect.md §3): the wire codecs for
// JoinGroup metadata and SyncGroup assignments (v0 "default", v1
// "compatible", v2 "sessioned"), the Member that joins, syncs, heartbeats
// and leaves with raw kmsg requests through a *kgo.Client, and the eager and
// incremental cooperative (KIP-415) assignors.
//
// There is no consensus of our own: the broker's group coordinator elects
// the leader and fences generations. The herder owns one Member and one
// Assignor:
//
//	a, _ := group.NewAssignor(maxDelay)            // scheduled.rebalance.max.delay.ms
//	m, _ := group.NewMember(cl, groupID, herder,    // herder implements group.Handler
//		group.WithProtocol(p), group.WithSessionTimeout(st), group.WithHeartbeatInterval(hi),
//		group.WithRebalanceTimeout(rt))
//	go m.Run(ctx)                                    // callbacks arrive on this goroutine
//
// and in Handler.Assign (leader only) refreshes its config snapshot to at
// least MaxConfigOffset(r.Members) and returns a.Assign(r, snapshot).
//
// The kgo client should carry the worker's group client id (client.id, else
// "connect-<advertised host>:<port>"). kgo routes the group requests to the
// coordinator, rediscovering it on NOT_COORDINATOR; its default retry
// timeout for JoinGroup/SyncGroup is kgo's own session timeout option.
package group
