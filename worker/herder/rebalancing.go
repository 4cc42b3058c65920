package herder

import (
	"context"

	"github.com/gonnect/gonnect/worker/group"
)

// RebalanceStarting implements group.RebalanceListener: from the moment this worker
// starts to rejoin the group until its next assignment, leader-only writes and queued
// reads answer 409 (the cluster's leader and config offset may be about to change), as
// Java's herder does while a rebalance is unresolved. Called on the member goroutine;
// it only flips the view under its lock.
func (g groupHandler) RebalanceStarting(context.Context, group.Generation) {
	g.h.updateView(func(v *view) { v.rebalancing = true })
}
