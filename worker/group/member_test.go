package group

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

const (
	testGroup     = "connect-cluster"
	testSession   = time.Second
	testHeartbeat = 100 * time.Millisecond
)

var testConnectors = map[string]int{"c1": 3, "c2": 3}

type revokeEvent struct {
	gen    Generation
	items  items
	reason RevokeReason
}

// testHandler is a tiny herder: it assigns with a real Assignor, tracks what
// it "runs", and rejoins after revocations and delays as the herder does.
type testHandler struct {
	url        string
	connectors map[string]int
	assignor   *Assignor
	member     *Member

	mu         sync.Mutex
	slow       time.Duration // how long Assigned takes, to model slow task starts
	offset     int64         // config-topic offset this worker has "read"
	mismatches int           // CONFIG_MISMATCH assignments seen
	gen        Generation
	last       Assignment // last Assigned
	running    items
	assigned   int
	revokes    []revokeEvent
	starts     int                             // RebalanceStarting calls
	computed   map[int32]map[string]Assignment // what this worker computed as leader, by generation
}

func (h *testHandler) Metadata() (string, int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.url, h.offset
}

func (h *testHandler) Assign(_ context.Context, r Round) (map[string]Assignment, error) {
	h.mu.Lock()
	offset := h.offset
	h.mu.Unlock()
	out, err := h.assignor.Assign(r, Snapshot{ConfigOffset: offset, Connectors: h.connectors})
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	h.computed[r.Generation] = out
	h.mu.Unlock()
	return out, nil
}

func (h *testHandler) Assigned(_ context.Context, a Assignment, g Generation) {
	h.mu.Lock()
	slow := h.slow
	h.mu.Unlock()
	if slow > 0 {
		<-time.After(slow) // starting tasks takes this long
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.gen, h.last, h.assigned = g, a, h.assigned+1
	h.running = itemsOf(a.Connectors, a.Tasks)
	if a.Error == ErrorConfigMismatch {
		h.mismatches++
		h.offset = max(h.offset, a.ConfigOffset) // "read the config topic to end"
	}
	if a.Delay > 0 {
		time.AfterFunc(time.Duration(a.Delay)*time.Millisecond, h.member.RequestRejoin)
	}
}

func (h *testHandler) RebalanceStarting(context.Context, Generation) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.starts++
}

func (h *testHandler) Revoked(_ context.Context, a Assignment, g Generation, reason RevokeReason) {
	h.mu.Lock()
	defer h.mu.Unlock()
	it := itemsOf(a.Connectors, a.Tasks)
	h.revokes = append(h.revokes, revokeEvent{gen: g, items: it, reason: reason})
	if h.running.connectors != nil {
		h.running.removeAll(it)
	}
	if reason == RevokeByLeader {
		h.member.RequestRejoin()
	}
}

func (h *testHandler) snapshot() (Generation, items, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := newItems()
	if h.running.connectors != nil {
		r = h.running.clone()
	}
	return h.gen, r, h.assigned
}

func (h *testHandler) revocations(reason RevokeReason) []revokeEvent {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []revokeEvent
	for _, e := range h.revokes {
		if e.reason == reason {
			out = append(out, e)
		}
	}
	return out
}

type testMember struct {
	name   string
	h      *testHandler
	m      *Member
	cl     *kgo.Client
	cancel context.CancelFunc
	done   chan struct{} // closed when Run returned
	err    error         // Run's result, set before done closes
}

// stop cancels Run (which sends LeaveGroup) and waits for it.
func (tm *testMember) stop(t *testing.T) {
	t.Helper()
	tm.cancel()
	<-tm.done
	if tm.err != nil {
		t.Fatalf("%s: Run: %v", tm.name, tm.err)
	}
}

// crash kills the member without LeaveGroup: its client dies first.
func (tm *testMember) crash() {
	tm.cl.Close()
	tm.cancel()
	<-tm.done
}

func newTestCluster(t *testing.T) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.GroupMinSessionTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func startMember(t *testing.T, c *kfake.Cluster, name string, maxDelay time.Duration, opts ...Opt) *testMember {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RetryBackoffFn(func(int) time.Duration { return 20 * time.Millisecond }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	a, err := NewAssignor(maxDelay, WithAssignorLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	h := &testHandler{url: "http://" + name + ":8083/", connectors: testConnectors, assignor: a,
		computed: map[int32]map[string]Assignment{}}
	base := []Opt{WithSessionTimeout(testSession), WithHeartbeatInterval(testHeartbeat),
		WithRebalanceTimeout(3 * time.Second), WithRetryBackoff(20*time.Millisecond, 200*time.Millisecond),
		WithLogger(quietLogger().With("worker", name))}
	m, err := NewMember(cl, testGroup, h, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	h.member = m
	ctx, cancel := context.WithCancel(context.Background())
	tm := &testMember{name: name, h: h, m: m, cl: cl, cancel: cancel, done: make(chan struct{})}
	go func() {
		tm.err = m.Run(ctx)
		close(tm.done)
	}()
	t.Cleanup(func() {
		cancel()
		<-tm.done
	})
	return tm
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var last string
	for {
		ok, state := cond()
		if ok {
			return
		}
		last = state
		select {
		case <-tick.C:
			continue
		case <-deadline.C:
		}
		break
	}
	t.Fatalf("timed out after %v waiting for %s; last state: %s", d, what, last)
}

// converged holds when the coordinator's group is stable with exactly these
// members at one generation that every member has been assigned, and the
// members together run every connector and task exactly once.
func converged(c *kfake.Cluster, ms ...*testMember) func() (bool, string) {
	return func() (bool, string) {
		gi := c.GroupInfo(testGroup)
		if gi == nil || gi.State != "Stable" || len(gi.Members) != len(ms) {
			return false, fmt.Sprintf("group %+v", gi)
		}
		all := newItems()
		total := 0
		var state string
		for _, tm := range ms {
			g, running, _ := tm.h.snapshot()
			state += fmt.Sprintf("%s gen %d runs %d/%d; ", tm.name, g.ID, len(running.connectors), len(running.tasks))
			if g.ID != gi.Epoch {
				return false, state + fmt.Sprintf("group epoch %d", gi.Epoch)
			}
			all.addAll(running)
			total += len(running.connectors) + len(running.tasks)
		}
		want := configuredItems(testConnectors)
		ok := all.equal(want) && total == len(want.connectors)+len(want.tasks)
		return ok, state
	}
}

func describe(t *testing.T, cl *kgo.Client) kmsg.DescribeGroupsResponseGroup {
	t.Helper()
	req := kmsg.NewPtrDescribeGroupsRequest()
	req.Groups = []string{testGroup}
	resp, err := req.RequestWith(context.Background(), cl)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Groups) != 1 {
		t.Fatalf("describe groups: %d groups", len(resp.Groups))
	}
	if err := kerr.ErrorForCode(resp.Groups[0].ErrorCode); err != nil {
		t.Fatal(err)
	}
	return resp.Groups[0]
}

func TestMemberGroupFormsAndAssignmentIsByteExact(t *testing.T) {
	c := newTestCluster(t)
	ms := []*testMember{
		startMember(t, c, "w1", time.Minute),
		startMember(t, c, "w2", time.Minute),
		startMember(t, c, "w3", time.Minute),
	}
	waitFor(t, 15*time.Second, "three members to converge", converged(c, ms...))

	g := describe(t, ms[0].cl)
	if g.ProtocolType != ProtocolType || g.Protocol != string(ProtocolSessioned) || g.State != "Stable" {
		t.Fatalf("group type %q protocol %q state %q", g.ProtocolType, g.Protocol, g.State)
	}
	gen, _, _ := ms[0].h.snapshot()
	var computed map[string]Assignment
	urls := map[string]string{}
	for _, tm := range ms {
		tm.h.mu.Lock()
		if out, ok := tm.h.computed[gen.ID]; ok {
			computed = out
		}
		tm.h.mu.Unlock()
		g, _, _ := tm.h.snapshot()
		urls[g.MemberID] = tm.h.url
	}
	if computed == nil {
		t.Fatalf("no member computed generation %d", gen.ID)
	}
	for _, mem := range g.Members {
		want, err := computed[mem.MemberID].MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(mem.MemberAssignment, want) {
			t.Fatalf("member %s assignment on the coordinator\n%x\nleader computed\n%x", mem.MemberID, mem.MemberAssignment, want)
		}
		md, err := DecodeMetadata(mem.ProtocolMetadata)
		if err != nil {
			t.Fatal(err)
		}
		if md.Version != 2 || md.URL != urls[mem.MemberID] {
			t.Fatalf("member %s metadata %+v, want v2 with url %s", mem.MemberID, md, urls[mem.MemberID])
		}
	}
}

func TestMemberEvictedAfterSessionTimeout(t *testing.T) {
	c := newTestCluster(t)
	ms := []*testMember{
		startMember(t, c, "w1", 0),
		startMember(t, c, "w2", 0),
		startMember(t, c, "w3", 0),
	}
	waitFor(t, 15*time.Second, "three members to converge", converged(c, ms...))
	before := c.GroupInfo(testGroup).Epoch

	crashed := time.Now()
	ms[2].crash()
	waitFor(t, 10*time.Second, "survivors to take over", converged(c, ms[0], ms[1]))
	if gi := c.GroupInfo(testGroup); gi.Epoch <= before {
		t.Fatalf("epoch %d, want above %d", gi.Epoch, before)
	}
	// Without LeaveGroup only the session timeout can remove the member.
	if el := time.Since(crashed); el < testSession-2*testHeartbeat {
		t.Fatalf("rebalanced %v after the crash, before the session timeout", el)
	}
}

func TestMemberLeaveGroupRebalancesAtOnce(t *testing.T) {
	c := newTestCluster(t)
	long := []Opt{WithSessionTimeout(30 * time.Second)}
	ms := []*testMember{
		startMember(t, c, "w1", 0, long...),
		startMember(t, c, "w2", 0, long...),
		startMember(t, c, "w3", 0, long...),
	}
	waitFor(t, 15*time.Second, "three members to converge", converged(c, ms...))
	left := time.Now()
	ms[1].stop(t)
	waitFor(t, 10*time.Second, "the rest to converge", converged(c, ms[0], ms[2]))
	if el := time.Since(left); el >= 10*time.Second {
		t.Fatalf("rebalance took %v after LeaveGroup", el)
	}
}

func TestMemberRejoinGetsNewGeneration(t *testing.T) {
	c := newTestCluster(t)
	// A short scheduled.rebalance.max.delay: the restarted worker below gets
	// the departed one's work when the delay ends and its rejoin fires.
	const delay = 300 * time.Millisecond
	ms := []*testMember{startMember(t, c, "w1", delay), startMember(t, c, "w2", delay)}
	waitFor(t, 15*time.Second, "two members to converge", converged(c, ms...))
	g0, run0, _ := ms[0].h.snapshot()

	ms[1].m.RequestRejoin()
	waitFor(t, 10*time.Second, "a new generation", func() (bool, string) {
		ok, st := converged(c, ms...)()
		g, _, _ := ms[0].h.snapshot()
		return ok && g.ID > g0.ID, st
	})
	g1, run1, _ := ms[0].h.snapshot()
	if g1.MemberID != g0.MemberID || !run1.equal(run0) {
		t.Fatalf("rejoin changed member %s→%s or work %v→%v", g0.MemberID, g1.MemberID, run0, run1)
	}
	for _, tm := range ms {
		tm.h.mu.Lock()
		starts, assigned := tm.h.starts, tm.h.assigned
		tm.h.mu.Unlock()
		if starts < 2 || starts > assigned {
			t.Fatalf("%s: %d RebalanceStarting calls for %d assignments", tm.name, starts, assigned)
		}
	}

	// A restarted worker is a new member at a newer generation.
	ms[1].stop(t)
	w2 := startMember(t, c, "w2", delay)
	waitFor(t, 10*time.Second, "restarted member to converge", converged(c, ms[0], w2))
	g2, _, _ := w2.h.snapshot()
	if g2.ID <= g1.ID {
		t.Fatalf("restarted member at generation %d, want above %d", g2.ID, g1.ID)
	}
}

func TestMemberProtocolDowngrade(t *testing.T) {
	c := newTestCluster(t)
	ms := []*testMember{startMember(t, c, "w1", time.Minute), startMember(t, c, "w2", time.Minute)}
	waitFor(t, 15*time.Second, "two sessioned members", converged(c, ms...))

	eager := startMember(t, c, "w3", time.Minute, WithProtocol(ProtocolEager))
	all := append(ms, eager)
	waitFor(t, 15*time.Second, "downgraded group to converge", func() (bool, string) {
		ok, st := converged(c, all...)()
		g, _, _ := ms[0].h.snapshot()
		return ok && g.Protocol == ProtocolEager, st
	})
	if g := describe(t, ms[0].cl); g.Protocol != string(ProtocolEager) {
		t.Fatalf("protocol %q, want default", g.Protocol)
	}
	if len(ms[0].h.revocations(RevokeRebalance)) == 0 {
		t.Fatal("cooperative work was not stopped when the group went eager")
	}
	ms[0].h.mu.Lock()
	v := ms[0].h.last.Version
	ms[0].h.mu.Unlock()
	if v != 0 {
		t.Fatalf("eager assignment version %d", v)
	}

	eager.stop(t)
	waitFor(t, 15*time.Second, "group back on sessioned", func() (bool, string) {
		ok, st := converged(c, ms...)()
		g, _, _ := ms[0].h.snapshot()
		return ok && g.Protocol == ProtocolSessioned, st
	})
}

func TestMemberSlowCallbackKeepsSession(t *testing.T) {
	c := newTestCluster(t)
	ms := []*testMember{startMember(t, c, "w1", time.Minute), startMember(t, c, "w2", time.Minute)}
	waitFor(t, 15*time.Second, "two members to converge", converged(c, ms...))
	g0, _, n0 := ms[1].h.snapshot()
	ms[1].h.mu.Lock()
	ms[1].h.slow = testSession * 3 / 2
	ms[1].h.mu.Unlock()
	ms[0].m.RequestRejoin()
	waitFor(t, 10*time.Second, "the slow Assigned to finish", func() (bool, string) {
		_, _, n := ms[1].h.snapshot()
		return n > n0, "still in Assigned"
	})
	g1, _, _ := ms[1].h.snapshot()
	if g1.MemberID != g0.MemberID {
		t.Fatalf("member id changed %s→%s: the session expired during the callback", g0.MemberID, g1.MemberID)
	}
	waitFor(t, 5*time.Second, "group stable", converged(c, ms...))
	if gi := c.GroupInfo(testGroup); gi.Epoch != g1.ID {
		t.Fatalf("group moved to generation %d after the slow callback of generation %d", gi.Epoch, g1.ID)
	}
}

func TestMemberConfigMismatch(t *testing.T) {
	c := newTestCluster(t)
	w1 := startMember(t, c, "w1", time.Minute)
	waitFor(t, 10*time.Second, "leader alone", converged(c, w1))
	// w2 has read the config topic further than the leader's snapshot.
	w2 := startMember(t, c, "w2", time.Minute)
	w2.h.mu.Lock()
	w2.h.offset = 7
	w2.h.mu.Unlock()
	w2.m.RequestRejoin()
	waitFor(t, 10*time.Second, "both at offset 7", func() (bool, string) {
		ok, st := converged(c, w1, w2)()
		w1.h.mu.Lock()
		defer w1.h.mu.Unlock()
		return ok && w1.h.offset == 7 && w1.h.last.ConfigOffset == 7, st
	})
	w1.h.mu.Lock()
	n := w1.h.mismatches
	w1.h.mu.Unlock()
	if n == 0 {
		t.Fatal("the leader never saw CONFIG_MISMATCH")
	}
}

func TestNewMemberValidation(t *testing.T) {
	cl, err := kgo.NewClient(kgo.SeedBrokers("127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	h := &testHandler{}
	tests := []struct {
		name    string
		cl      *kgo.Client
		group   string
		h       Handler
		opts    []Opt
		wantErr string
	}{
		{name: "empty group", cl: cl, h: h, wantErr: "group.id: must not be empty"},
		{name: "nil client", group: "g", h: h, wantErr: "nil kgo client"},
		{name: "nil handler", cl: cl, group: "g", wantErr: "nil handler"},
		{name: "heartbeat not below session", cl: cl, group: "g", h: h,
			opts: []Opt{WithSessionTimeout(time.Second), WithHeartbeatInterval(time.Second)}, wantErr: "heartbeat.interval.ms"},
		{name: "unknown protocol", cl: cl, group: "g", h: h, opts: []Opt{WithProtocol("range")}, wantErr: "connect.protocol"},
		{name: "zero rebalance timeout", cl: cl, group: "g", h: h, opts: []Opt{WithRebalanceTimeout(0)}, wantErr: "rebalance.timeout.ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewMember(tt.cl, tt.group, tt.h, tt.opts...)
			if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestCancelRejoinWithdrawsRequest: a withdrawn request leaves nothing for the member
// to act on; a request made afterwards is kept.
func TestCancelRejoinWithdrawsRequest(t *testing.T) {
	m := &Member{rejoin: make(chan struct{}, 1)}
	m.RequestRejoin()
	m.RequestRejoin() // coalesces
	m.CancelRejoin()
	if n := len(m.rejoin); n != 0 {
		t.Fatalf("%d requests pending after CancelRejoin, want 0", n)
	}
	m.CancelRejoin() // nothing pending: no block
	m.RequestRejoin()
	if n := len(m.rejoin); n != 1 {
		t.Fatalf("%d requests pending after a new RequestRejoin, want 1", n)
	}
}
