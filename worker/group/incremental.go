package group

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// workerLoad is what one member runs (or will run) during a round.
type workerLoad struct {
	id string
	items
}

// cooperative runs one round of the incremental cooperative assignor
// (connect.md §3.4). The step numbers refer to that section.
func (a *Assignor) cooperative(r Round, s Snapshot, version int16, leaderURL string) map[string]Assignment {
	now := a.now()

	// 1. Forget a previous assignment whose sync did not land.
	if a.previousGeneration != r.LastCompletedGeneration {
		a.previous = newItems()
	}

	// 2. Base sets.
	configured := configuredItems(s.Connectors)
	current := make(map[string]items, len(r.Members))
	ids := make([]string, 0, len(r.Members))
	active := newItems()
	for _, m := range r.Members {
		held := newItems()
		if m.Current != nil {
			held = itemsOf(m.Current.Connectors, m.Current.Tasks)
		}
		if _, dup := current[m.MemberID]; !dup {
			ids = append(ids, m.MemberID)
		}
		current[m.MemberID] = held
		active.addAll(held)
	}
	slices.Sort(ids)

	// 3. A revocation of the previous round that some member still reports
	// did not take effect: start again from what is actually running.
	if !a.previousRevocation.empty() {
		if a.previousRevocation.overlaps(active) {
			a.previous = active.clone()
		}
		a.previousRevocation = newItems()
	}

	// 4. Derived sets. Deleted also covers anything a member runs that is no
	// longer configured, even when the previous view was forgotten in step 1.
	deleted := a.previous.minus(configured)
	deleted.addAll(active.minus(configured))
	lost := a.previous.minus(active, deleted)
	created := configured.minus(a.previous, active)
	duplicated := duplicatedItems(ids, current)

	// 5. Revoke deleted and duplicated items from whoever holds them.
	toRevoke := make(map[string]items, len(ids))
	next := make([]*workerLoad, 0, len(ids))
	for _, id := range ids {
		rv := current[id].intersect(deleted)
		rv.addAll(current[id].intersect(duplicated))
		toRevoke[id] = rv
		next = append(next, &workerLoad{id: id, items: current[id].minus(rv)})
	}

	// 6. Lost items: reassign now, hand to candidates, or keep waiting.
	a.handleLost(now, lost, created, next, ids)

	// 7. Load-balancing revocations, unless a delay is running.
	if a.delay == 0 {
		balance := balancingRevocations(configured, next)
		switch {
		case len(balance) > 0 && a.revokedInPrevious:
			a.successiveRevoking++
			a.delay = a.revokingBackoff(a.successiveRevoking)
			if a.delay != 0 {
				a.scheduled = now.Add(a.delay)
				a.log.Debug("successive revoking rebalance; delaying revocations", "delay", a.delay, "rounds", a.successiveRevoking)
				break
			}
			applyRevocations(balance, toRevoke, next)
		case len(balance) > 0:
			applyRevocations(balance, toRevoke, next)
			a.revokedInPrevious = true
		default:
			a.revokedInPrevious = false
			a.successiveRevoking = 0
		}
	} else {
		a.revokedInPrevious = false
	}

	// 8. Assign new (and immediately reassigned lost) items to the least loaded.
	assignLeastLoaded(next, created.sortedConnectors(), nil)
	assignLeastLoaded(next, nil, created.sortedTasks())

	// 9. Emit increments and remember what this round leaves running.
	delayMs := int32(min(a.delay.Milliseconds(), math.MaxInt32))
	out := make(map[string]Assignment, len(ids))
	nextPrevious := newItems()
	a.previousRevocation = newItems()
	for _, w := range next {
		added := w.minus(current[w.id])
		rv := toRevoke[w.id]
		out[w.id] = Assignment{
			Version: version, Leader: r.LeaderID, LeaderURL: leaderURL, ConfigOffset: s.ConfigOffset,
			Connectors: added.sortedConnectors(), Tasks: added.sortedTasks(),
			RevokedConnectors: rv.sortedConnectors(), RevokedTasks: rv.sortedTasks(),
			Delay: delayMs,
		}
		nextPrevious.addAll(w.items)
		a.previousRevocation.addAll(rv)
	}
	// Lost items still waiting for their worker stay in the previous view so
	// the next round sees them as lost again rather than as new.
	nextPrevious.addAll(lost.minus(nextPrevious, deleted))
	a.previous = nextPrevious
	a.previousGeneration = r.Generation
	a.previousMembers = make(map[string]bool, len(ids))
	for _, id := range ids {
		a.previousMembers[id] = true
	}
	return out
}

func duplicatedItems(ids []string, current map[string]items) items {
	seenC := map[string]int{}
	seenT := map[TaskID]int{}
	for _, id := range ids {
		for c := range current[id].connectors {
			seenC[c]++
		}
		for t := range current[id].tasks {
			seenT[t]++
		}
	}
	d := newItems()
	for c, n := range seenC {
		if n > 1 {
			d.connectors[c] = struct{}{}
		}
	}
	for t, n := range seenT {
		if n > 1 {
			d.tasks[t] = struct{}{}
		}
	}
	return d
}

// handleLost is step 6. It may add lost items to created (reassign as new),
// give them to candidate workers in next, or start/continue the delay.
func (a *Assignor) handleLost(now time.Time, lost, created items, next []*workerLoad, ids []string) {
	if lost.empty() && !a.revokedInPrevious {
		a.resetDelay()
		return
	}
	present := make(map[string]bool, len(ids))
	for _, id := range ids {
		present[id] = true
	}
	allPreviousPresent := true
	for id := range a.previousMembers {
		if !present[id] {
			allPreviousPresent = false
		}
	}
	switch {
	case a.scheduled.IsZero() && allPreviousPresent:
		// Nobody left: the items went missing because a sync did not land.
		created.addAll(lost)
	case a.maxDelay == 0:
		// KAFKA-15693: with no delay configured, reassign at once.
		created.addAll(lost)
	case !a.scheduled.IsZero() && !now.Before(a.scheduled):
		var cands []*workerLoad
		for _, w := range next {
			if a.candidates[w.id] {
				cands = append(cands, w)
			}
		}
		if len(cands) == 0 {
			created.addAll(lost)
		} else {
			for i, c := range lost.sortedConnectors() {
				cands[i%len(cands)].connectors[c] = struct{}{}
			}
			for i, t := range lost.sortedTasks() {
				cands[i%len(cands)].tasks[t] = struct{}{}
			}
		}
		a.log.Debug("delayed rebalance expired; reassigning lost items", "candidates", len(cands))
		a.resetDelay()
		a.revokedInPrevious = false
	case lost.empty() && a.scheduled.IsZero():
		// Only a revoking round before us and nothing lost: no delay to start.
	default:
		for _, w := range next {
			if w.empty() {
				a.candidates[w.id] = true
			}
		}
		if now.Before(a.scheduled) {
			a.delay = min(a.scheduled.Sub(now), a.maxDelay)
		} else {
			a.delay = a.maxDelay
		}
		a.scheduled = now.Add(a.delay)
		a.log.Debug("lost items wait for their worker", "delay", a.delay)
	}
}

func (a *Assignor) resetDelay() {
	clear(a.candidates)
	a.scheduled = time.Time{}
	a.delay = 0
}

// revokingBackoff is KAFKA-12495's backoff for successive revoking rounds:
// 1 ms × 40^n, capped at the max delay (0 when the max delay is 0).
func (a *Assignor) revokingBackoff(n int) time.Duration {
	if a.maxDelay == 0 {
		return 0
	}
	d := float64(time.Millisecond) * math.Pow(40, float64(n))
	if d >= float64(a.maxDelay) {
		return a.maxDelay
	}
	return time.Duration(d)
}

// balancingRevocations is step 7: per resource kind, each worker may keep
// floor(total/workers) items, and total mod workers of them one more; the
// surplus is revoked. Nothing is revoked when the load is already balanced
// or when no worker runs anything.
func balancingRevocations(configured items, next []*workerLoad) map[string]items {
	out := map[string]items{}
	if len(next) == 0 {
		return out
	}
	busy := false
	for _, w := range next {
		busy = busy || !w.empty()
	}
	if !busy {
		return out
	}
	conns := surplus(len(configured.connectors), next, func(w *workerLoad) []string { return w.items.sortedConnectors() })
	tasks := surplus(len(configured.tasks), next, func(w *workerLoad) []TaskID { return w.items.sortedTasks() })
	for _, w := range next {
		if cs, ts := conns[w.id], tasks[w.id]; len(cs) > 0 || len(ts) > 0 {
			out[w.id] = itemsOf(cs, ts)
		}
	}
	return out
}

func surplus[E any](total int, workers []*workerLoad, held func(*workerLoad) []E) map[string][]E {
	minPer := total / len(workers)
	extras := total % len(workers)
	atMin, atMinPlusOne := 0, 0
	for _, w := range workers {
		switch len(held(w)) {
		case minPer:
			atMin++
		case minPer + 1:
			atMinPlusOne++
		}
	}
	if atMinPlusOne == extras && atMin+atMinPlusOne == len(workers) {
		return nil
	}
	out := map[string][]E{}
	allocatedExtras := 0
	for _, w := range workers {
		h := held(w)
		if len(h) <= minPer {
			continue
		}
		limit := minPer
		if allocatedExtras < extras {
			allocatedExtras++
			if len(h) == minPer+1 {
				continue
			}
			limit = minPer + 1
		}
		out[w.id] = h[:len(h)-limit]
	}
	return out
}

func applyRevocations(balance, toRevoke map[string]items, next []*workerLoad) {
	for _, w := range next {
		rv, ok := balance[w.id]
		if !ok {
			continue
		}
		toRevoke[w.id].addAll(rv)
		w.removeAll(rv)
	}
}

// assignLeastLoaded gives each connector (then each task) to the worker with
// the fewest of that kind, ties broken by member id; this round-robins
// across the workers tied at the lowest load.
func assignLeastLoaded(next []*workerLoad, connectors []string, tasks []TaskID) {
	if len(next) == 0 {
		return
	}
	pick := func(size func(*workerLoad) int) *workerLoad {
		return slices.MinFunc(next, func(x, y *workerLoad) int {
			if c := cmp.Compare(size(x), size(y)); c != 0 {
				return c
			}
			return cmp.Compare(x.id, y.id)
		})
	}
	for _, c := range connectors {
		pick(func(w *workerLoad) int { return len(w.connectors) }).connectors[c] = struct{}{}
	}
	for _, t := range tasks {
		pick(func(w *workerLoad) int { return len(w.tasks) }).tasks[t] = struct{}{}
	}
}
