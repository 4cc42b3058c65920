package group

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// memberIs matches the heartbeats and joins of one member, for kfake faults.
func memberIs(id string) func(kmsg.Request) bool {
	return func(req kmsg.Request) bool {
		switch r := req.(type) {
		case *kmsg.HeartbeatRequest:
			return r.MemberID == id
		case *kmsg.JoinGroupRequest:
			return r.MemberID == id
		}
		return false
	}
}

// failOneHeartbeat answers the victim's next heartbeat with err and returns
// the generation the victim was in.
func failOneHeartbeat(t *testing.T, c *kfake.Cluster, victim *testMember, err *kerr.Error) Generation {
	t.Helper()
	g0, _, _ := victim.h.snapshot()
	f := c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Heartbeat}, Err: err, Group: testGroup,
		TopLevel: true, When: memberIs(g0.MemberID)})
	t.Cleanup(f.Remove)
	return g0
}

func TestMemberCoordinatorFaults(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, c *kfake.Cluster, ms []*testMember)
	}{
		{name: "one NOT_COORDINATOR heartbeat is retried by kgo", run: func(t *testing.T, c *kfake.Cluster, ms []*testMember) {
			g0, _, _ := ms[0].h.snapshot()
			f := c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Heartbeat}, Err: kerr.NotCoordinator, Group: testGroup, TopLevel: true})
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := f.Wait(ctx, 1); err != nil {
				t.Fatal(err)
			}
			obs := c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Heartbeat}, Group: testGroup, Observe: true, Count: -1})
			defer obs.Remove()
			if err := obs.Wait(ctx, 6); err != nil {
				t.Fatal(err)
			}
			for _, tm := range ms {
				if n := len(tm.h.revocations(RevokeCoordinatorLost)); n != 0 {
					t.Fatalf("%s revoked %d times for a single retried heartbeat", tm.name, n)
				}
			}
			if g, _, _ := ms[0].h.snapshot(); g.ID != g0.ID {
				t.Fatalf("generation moved %d→%d", g0.ID, g.ID)
			}
		}},
		{name: "coordinator unreachable for a heartbeat interval revokes everything", run: func(t *testing.T, c *kfake.Cluster, ms []*testMember) {
			victim := ms[0]
			g, held, _ := victim.h.snapshot()
			if held.empty() {
				t.Fatal("victim runs nothing; the test needs work to revoke")
			}
			f := c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Heartbeat, kmsg.JoinGroup}, Err: kerr.NotCoordinator,
				Group: testGroup, TopLevel: true, Count: -1, When: memberIs(g.MemberID)})
			waitFor(t, 5*time.Second, "coordinator-lost revocation", func() (bool, string) {
				return len(victim.h.revocations(RevokeCoordinatorLost)) > 0, "none yet"
			})
			ev := victim.h.revocations(RevokeCoordinatorLost)[0]
			if !ev.items.equal(held) {
				t.Fatalf("revoked %v, want everything held %v", ev.items, held)
			}
			if _, running, _ := victim.h.snapshot(); !running.empty() {
				t.Fatalf("still running %v", running)
			}
			f.Remove()
			waitFor(t, 20*time.Second, "recovery", converged(c, ms...))
		}},
		{name: "UNKNOWN_MEMBER_ID resets the member id", run: func(t *testing.T, c *kfake.Cluster, ms []*testMember) {
			victim := ms[1]
			g0 := failOneHeartbeat(t, c, victim, kerr.UnknownMemberID)
			waitFor(t, 10*time.Second, "victim back under a new id", func() (bool, string) {
				ok, st := converged(c, ms...)()
				g, _, _ := victim.h.snapshot()
				return ok && g.MemberID != g0.MemberID, st
			})
		}},
		{name: "ILLEGAL_GENERATION rejoins under the same id", run: func(t *testing.T, c *kfake.Cluster, ms []*testMember) {
			victim := ms[1]
			g0 := failOneHeartbeat(t, c, victim, kerr.IllegalGeneration)
			waitFor(t, 10*time.Second, "victim at a newer generation", func() (bool, string) {
				ok, st := converged(c, ms...)()
				g, _, _ := victim.h.snapshot()
				return ok && g.ID > g0.ID, st
			})
			if g, _, _ := victim.h.snapshot(); g.MemberID != g0.MemberID {
				t.Fatalf("member id changed %s→%s", g0.MemberID, g.MemberID)
			}
		}},
		{name: "NOT_COORDINATOR on JoinGroup through Control is retried", run: func(t *testing.T, c *kfake.Cluster, ms []*testMember) {
			g0, _, _ := ms[0].h.snapshot()
			answered := make(chan struct{})
			c.ControlKey(int16(kmsg.JoinGroup), func(req kmsg.Request) (kmsg.Response, error, bool) {
				resp := req.ResponseKind().(*kmsg.JoinGroupResponse)
				resp.ErrorCode = kerr.NotCoordinator.Code
				close(answered)
				return resp, nil, true // handled once, then the control is dropped
			})
			ms[0].m.RequestRejoin()
			select {
			case <-answered:
			case <-time.After(5 * time.Second):
				t.Fatal("JoinGroup never reached the control function")
			}
			waitFor(t, 10*time.Second, "a new generation", func() (bool, string) {
				ok, st := converged(c, ms...)()
				g, _, _ := ms[0].h.snapshot()
				return ok && g.ID > g0.ID, st
			})
		}},
		{name: "coordinator moves", run: func(t *testing.T, c *kfake.Cluster, ms []*testMember) {
			before := c.CoordinatorFor(testGroup)
			for range 20 {
				c.RehashCoordinators()
				if c.CoordinatorFor(testGroup) != before {
					break
				}
			}
			if c.CoordinatorFor(testGroup) == before {
				t.Fatal("coordinator did not move")
			}
			obs := c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Heartbeat}, Group: testGroup, Observe: true, Count: -1})
			defer obs.Remove()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := obs.Wait(ctx, 6); err != nil {
				t.Fatal(err)
			}
			waitFor(t, 10*time.Second, "group after the move", converged(c, ms...))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCluster(t)
			ms := []*testMember{
				startMember(t, c, "w1", 0),
				startMember(t, c, "w2", 0),
				startMember(t, c, "w3", 0),
			}
			waitFor(t, 15*time.Second, "three members to converge", converged(c, ms...))
			tt.run(t, c, ms)
		})
	}
}
