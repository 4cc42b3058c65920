package group

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// sim drives an Assignor through rounds the way a group would: each worker
// applies its assignment (minus revoked, plus assigned) and reports the
// result as its current assignment in the next round.
type sim struct {
	t       *testing.T
	a       *Assignor
	now     time.Time
	gen     int32
	workers map[string]items // what each member currently runs
	offsets map[string]int64
	last    map[string]Assignment
}

func newSim(t *testing.T, maxDelay time.Duration, workers ...string) *sim {
	t.Helper()
	s := &sim{t: t, now: time.Unix(1_700_000_000, 0), workers: map[string]items{}, offsets: map[string]int64{}}
	a, err := NewAssignor(maxDelay, WithClock(func() time.Time { return s.now }))
	if err != nil {
		t.Fatal(err)
	}
	s.a = a
	for _, w := range workers {
		s.workers[w] = newItems()
	}
	return s
}

func (s *sim) join(id string)            { s.workers[id] = newItems() }
func (s *sim) leave(id string)           { delete(s.workers, id) }
func (s *sim) advance(d time.Duration)   { s.now = s.now.Add(d) }
func (s *sim) holds(id string, it items) { s.workers[id] = it }
func (s *sim) leader() string            { return slices.Sorted(maps.Keys(s.workers))[0] }
func (s *sim) members() []MemberMetadata {
	var ms []MemberMetadata
	for _, id := range slices.Sorted(maps.Keys(s.workers)) {
		it := s.workers[id]
		ms = append(ms, MemberMetadata{MemberID: id, Metadata: Metadata{
			Version: 2, URL: "http://" + id + "/", ConfigOffset: s.offsets[id],
			Current: &Assignment{Version: 2, Connectors: it.sortedConnectors(), Tasks: it.sortedTasks()},
		}})
	}
	return ms
}

// round runs one rebalance whose sync lands, and applies the result.
func (s *sim) round(snap Snapshot) map[string]Assignment {
	s.t.Helper()
	r := Round{LeaderID: s.leader(), Protocol: ProtocolSessioned, Generation: s.gen + 1,
		LastCompletedGeneration: s.gen, Members: s.members()}
	out, err := s.a.Assign(r, snap)
	if err != nil {
		s.t.Fatal(err)
	}
	s.gen++
	if len(out) != len(s.workers) {
		s.t.Fatalf("assignments for %d members, want %d", len(out), len(s.workers))
	}
	for id, a := range out {
		if a.Version != 2 || a.Leader != r.LeaderID || a.LeaderURL != "http://"+r.LeaderID+"/" || a.ConfigOffset != snap.ConfigOffset {
			s.t.Fatalf("%s: bad header %+v", id, a)
		}
		cur := s.workers[id]
		rv := itemsOf(a.RevokedConnectors, a.RevokedTasks)
		if !cur.intersect(rv).equal(rv) {
			s.t.Fatalf("%s: revoked %v that it does not run (%v)", id, rv, cur)
		}
		cur.removeAll(rv)
		add := itemsOf(a.Connectors, a.Tasks)
		if cur.overlaps(add) {
			s.t.Fatalf("%s: assigned %v that it already runs", id, add)
		}
		cur.addAll(add)
	}
	s.last = out
	return out
}

func (s *sim) counts() string {
	var parts []string
	for _, id := range slices.Sorted(maps.Keys(s.workers)) {
		parts = append(parts, fmt.Sprintf("%s:%d/%d", id, len(s.workers[id].connectors), len(s.workers[id].tasks)))
	}
	return strings.Join(parts, " ")
}

func (s *sim) running() items {
	all := newItems()
	for _, it := range s.workers {
		all.addAll(it)
	}
	return all
}

func (s items) equal(o items) bool {
	return reflect.DeepEqual(s.sortedConnectors(), o.sortedConnectors()) && reflect.DeepEqual(s.sortedTasks(), o.sortedTasks())
}

func snap(offset int64, kv ...any) Snapshot {
	s := Snapshot{ConfigOffset: offset, Connectors: map[string]int{}}
	for i := 0; i < len(kv); i += 2 {
		s.Connectors[kv[i].(string)] = kv[i+1].(int)
	}
	return s
}

func tasks(c string, ids ...int32) []TaskID {
	var out []TaskID
	for _, i := range ids {
		out = append(out, TaskID{c, i})
	}
	return out
}

func TestCooperativeAssignor(t *testing.T) {
	const maxDelay = 300 * time.Second
	cfg := snap(10, "c1", 3, "c2", 3)
	tests := []struct {
		name string
		run  func(t *testing.T, s *sim)
	}{
		{name: "first round spreads everything", run: func(t *testing.T, s *sim) {
			s.round(cfg)
			if got := s.counts(); got != "w1:1/3 w2:1/3" {
				t.Fatalf("counts %s", got)
			}
			if !s.running().equal(configuredItems(cfg.Connectors)) {
				t.Fatalf("running %v", s.running())
			}
		}},
		{name: "new worker joins: revoke surplus, follow-up round assigns it", run: func(t *testing.T, s *sim) {
			s.round(cfg)
			s.join("w3")
			out := s.round(cfg)
			if n := len(out["w1"].RevokedTasks) + len(out["w2"].RevokedTasks); n != 2 {
				t.Fatalf("revoked %d tasks, want 2: %+v", n, out)
			}
			if len(out["w3"].Tasks) != 0 || out["w3"].Delay != 0 {
				t.Fatalf("w3 got %+v in the revoking round", out["w3"])
			}
			s.round(cfg)
			if got := s.counts(); got != "w1:1/2 w2:1/2 w3:0/2" {
				t.Fatalf("counts %s", got)
			}
		}},
		{name: "worker lost: unassigned during the delay, then to the candidate", run: func(t *testing.T, s *sim) {
			s.join("w3")
			s.round(cfg)
			lostItems := s.workers["w3"].clone()
			s.leave("w3")
			out := s.round(cfg)
			if out["w1"].Delay != int32(maxDelay.Milliseconds()) || !itemsOf(out["w1"].Connectors, out["w1"].Tasks).empty() {
				t.Fatalf("w1 got %+v, want nothing and the full delay", out["w1"])
			}
			if s.running().overlaps(lostItems) {
				t.Fatal("lost items assigned during the delay")
			}
			s.advance(100 * time.Second)
			s.join("w4")
			out = s.round(cfg)
			if out["w4"].Delay != 200_000 || s.running().overlaps(lostItems) {
				t.Fatalf("mid-delay round: %+v", out)
			}
			s.advance(200 * time.Second)
			out = s.round(cfg)
			if !s.workers["w4"].equal(lostItems) {
				t.Fatalf("candidate w4 runs %v, want the lost %v", s.workers["w4"], lostItems)
			}
			if out["w4"].Delay != 0 || s.a.Delay() != 0 {
				t.Fatalf("delay not reset: %+v", out["w4"])
			}
		}},
		{name: "worker returns within the delay and keeps its work", run: func(t *testing.T, s *sim) {
			s.join("w3")
			s.round(cfg)
			held := s.workers["w3"].clone()
			s.leave("w3")
			s.round(cfg)
			s.advance(10 * time.Second)
			s.holds("w3", held)
			out := s.round(cfg)
			for id, a := range out {
				if !a.Empty() || a.Delay != 0 {
					t.Fatalf("%s: %+v, want no change and no delay", id, a)
				}
			}
		}},
		{name: "delay expired with no candidate: lost treated as new", run: func(t *testing.T, s *sim) {
			s.join("w3")
			s.round(cfg)
			s.leave("w3")
			s.round(cfg)
			s.advance(maxDelay)
			s.round(cfg)
			if !s.running().equal(configuredItems(cfg.Connectors)) {
				t.Fatalf("running %v", s.running())
			}
		}},
		{name: "deleted connector revoked from its holder", run: func(t *testing.T, s *sim) {
			s.round(cfg)
			holder := "w1"
			if _, ok := s.workers["w2"].connectors["c2"]; ok {
				holder = "w2"
			}
			out := s.round(snap(11, "c1", 3))
			if !slices.Contains(out[holder].RevokedConnectors, "c2") {
				t.Fatalf("c2 not revoked from %s: %+v", holder, out)
			}
			for _, it := range s.workers {
				if _, ok := it.connectors["c2"]; ok {
					t.Fatal("c2 still runs")
				}
				for tk := range it.tasks {
					if tk.Connector == "c2" {
						t.Fatalf("%v still runs", tk)
					}
				}
			}
		}},
		{name: "duplicated items revoked from every holder, then reassigned once", run: func(t *testing.T, s *sim) {
			s.holds("w1", itemsOf([]string{"c1"}, tasks("c1", 0, 1)))
			s.holds("w2", itemsOf(nil, tasks("c1", 1, 2)))
			out := s.round(snap(1, "c1", 3))
			for _, id := range []string{"w1", "w2"} {
				if !slices.Equal(out[id].RevokedTasks, tasks("c1", 1)) {
					t.Fatalf("%s revoked %v, want c1-1", id, out[id].RevokedTasks)
				}
			}
			s.round(snap(1, "c1", 3))
			if !s.running().equal(configuredItems(map[string]int{"c1": 3})) {
				t.Fatalf("running %v", s.running())
			}
		}},
		{name: "successive revoking rounds back off (KAFKA-12495)", run: func(t *testing.T, s *sim) {
			s.leave("w2")
			cfg := snap(1, "c1", 6)
			s.round(cfg) // w1 runs everything
			s.join("w2")
			out := s.round(cfg) // revokes 3 from w1
			if len(out["w1"].RevokedTasks) != 3 {
				t.Fatalf("first revoking round: %+v", out["w1"])
			}
			s.join("w3")
			out = s.round(cfg) // w2, w3 take the 3; w1 has 3 > 2 but must wait 40 ms
			if len(out["w1"].RevokedTasks) != 0 || out["w1"].Delay != 40 {
				t.Fatalf("second revoking round: %+v, want no revocation and delay 40", out["w1"])
			}
			s.advance(40 * time.Millisecond)
			out = s.round(cfg)
			if len(out["w1"].RevokedTasks) != 1 {
				t.Fatalf("after backoff: %+v", out["w1"])
			}
			s.round(cfg)
			if got := s.counts(); got != "w1:1/2 w2:0/2 w3:0/2" {
				t.Fatalf("counts %s", got)
			}
		}},
		{name: "generation mismatch forgets the previous view", run: func(t *testing.T, s *sim) {
			s.join("w3")
			s.round(cfg)
			s.leave("w3")
			s.gen += 5 // the leader's last sync did not land: its view is stale
			out := s.round(cfg)
			if out["w1"].Delay != 0 {
				t.Fatalf("delay %d with a forgotten previous view", out["w1"].Delay)
			}
			if !s.running().equal(configuredItems(cfg.Connectors)) {
				t.Fatalf("running %v", s.running())
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, newSim(t, maxDelay, "w1", "w2"))
		})
	}
}

func TestCooperativeZeroDelayReassignsImmediately(t *testing.T) {
	s := newSim(t, 0, "w1", "w2", "w3")
	cfg := snap(3, "c1", 4, "c2", 2)
	s.round(cfg)
	s.leave("w2")
	out := s.round(cfg)
	if out["w1"].Delay != 0 || !s.running().equal(configuredItems(cfg.Connectors)) {
		t.Fatalf("delay %d, running %v", out["w1"].Delay, s.running())
	}
}

func TestCooperativeBalanced(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 5, 8, 13, 30} {
		t.Run(fmt.Sprintf("%d tasks", n), func(t *testing.T) {
			s := newSim(t, time.Minute, "w1")
			cfg := snap(1, "a", n, "b", 1)
			s.round(cfg)
			s.join("w2")
			s.join("w3")
			for range 4 { // revoking round, follow-ups and backoff expiry
				s.round(cfg)
				s.advance(time.Minute)
			}
			if !s.running().equal(configuredItems(cfg.Connectors)) {
				t.Fatalf("running %v", s.running())
			}
			total := n + 1
			for id, it := range s.workers {
				if c := len(it.tasks); c < total/3 || c > (total+2)/3 {
					t.Fatalf("%s runs %d tasks of %d (%s)", id, c, total, s.counts())
				}
			}
		})
	}
}

func TestAssignConfigMismatchAndErrors(t *testing.T) {
	a, err := NewAssignor(time.Second)
	if err != nil {
		t.Fatal(err)
	}
	members := []MemberMetadata{
		{MemberID: "m1", Metadata: Metadata{Version: 2, URL: "u1", ConfigOffset: 5}},
		{MemberID: "m2", Metadata: Metadata{Version: 2, URL: "u2", ConfigOffset: 7}},
	}
	tests := []struct {
		name    string
		r       Round
		s       Snapshot
		wantErr string
		want    map[string]Assignment
	}{
		{name: "leader behind max member offset", r: Round{LeaderID: "m1", Protocol: ProtocolCompatible, Members: members},
			s: snap(5, "c", 1), want: map[string]Assignment{
				"m1": {Version: 1, Error: ErrorConfigMismatch, Leader: "m1", LeaderURL: "u1", ConfigOffset: 7},
				"m2": {Version: 1, Error: ErrorConfigMismatch, Leader: "m1", LeaderURL: "u1", ConfigOffset: 7},
			}},
		{name: "eager dispatch", r: Round{LeaderID: "m2", Protocol: ProtocolEager, Members: members},
			s: snap(7, "c", 1), want: map[string]Assignment{
				"m1": {Version: 0, Leader: "m2", LeaderURL: "u2", ConfigOffset: 7, Connectors: []string{"c"}},
				"m2": {Version: 0, Leader: "m2", LeaderURL: "u2", ConfigOffset: 7, Tasks: tasks("c", 0)},
			}},
		{name: "no members", r: Round{LeaderID: "m1", Protocol: ProtocolEager}, wantErr: "no members"},
		{name: "leader missing", r: Round{LeaderID: "x", Protocol: ProtocolEager, Members: members}, wantErr: `leader "x" is not a member`},
		{name: "unknown protocol", r: Round{LeaderID: "m1", Protocol: "range", Members: members}, wantErr: `unknown protocol "range"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := a.Assign(tt.r, tt.s)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
	if _, err := NewAssignor(-time.Second); err == nil || !strings.Contains(err.Error(), "scheduled.rebalance.max.delay.ms") {
		t.Fatalf("negative delay: %v", err)
	}
}

func TestEagerAssign(t *testing.T) {
	ms := func(ids ...string) []MemberMetadata {
		var out []MemberMetadata
		for _, id := range ids {
			out = append(out, MemberMetadata{MemberID: id})
		}
		return out
	}
	tests := []struct {
		name       string
		members    []MemberMetadata
		connectors map[string]int
		want       map[string][2]string // member -> connectors, tasks
	}{
		{name: "one circular iterator: connectors then tasks", members: ms("b", "a", "c"),
			connectors: map[string]int{"y": 2, "x": 3},
			want: map[string][2]string{
				"a": {"x", "x-1 y-1"}, "b": {"y", "x-2"}, "c": {"", "x-0 y-0"},
			}},
		{name: "single member takes all", members: ms("m"), connectors: map[string]int{"c": 2},
			want: map[string][2]string{"m": {"c", "c-0 c-1"}}},
		{name: "no connectors", members: ms("m", "n"), connectors: nil,
			want: map[string][2]string{"m": {"", ""}, "n": {"", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := EagerAssign(tt.members, tt.connectors, "a", "url", 9)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d assignments, want %d", len(got), len(tt.want))
			}
			for id, w := range tt.want {
				a := got[id]
				var ts []string
				for _, tk := range a.Tasks {
					ts = append(ts, tk.String())
				}
				if strings.Join(a.Connectors, " ") != w[0] || strings.Join(ts, " ") != w[1] {
					t.Fatalf("%s: connectors %v tasks %v, want %q %q", id, a.Connectors, ts, w[0], w[1])
				}
				if a.Version != 0 || a.Leader != "a" || a.LeaderURL != "url" || a.ConfigOffset != 9 {
					t.Fatalf("%s: header %+v", id, a)
				}
			}
		})
	}
}
