package offsets

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"
)

func committedPositions(es []Entry) map[string]any {
	out := map[string]any{}
	for _, e := range es {
		out[fmt.Sprint(e.Partition["p"])] = e.Offset["n"]
	}
	return out
}

func TestTrackerCommitsOnlyAckedPrefix(t *testing.T) {
	type op struct {
		kind string // "submit", "ack", "drop", "commit"
		p    string // partition for submit
		i    int    // index of the submitted record for ack/drop
		want map[string]any
	}
	tests := []struct {
		name string
		ops  []op
	}{
		{name: "in-order acks commit the last", ops: []op{
			{kind: "submit", p: "a"}, {kind: "submit", p: "a"}, {kind: "ack", i: 0}, {kind: "ack", i: 1},
			{kind: "commit", want: map[string]any{"a": 1}},
		}},
		{name: "a gap holds back later acks", ops: []op{
			{kind: "submit", p: "a"}, {kind: "submit", p: "a"}, {kind: "submit", p: "a"},
			{kind: "ack", i: 0}, {kind: "ack", i: 2},
			{kind: "commit", want: map[string]any{"a": 0}},
			{kind: "commit", want: map[string]any{}},
			{kind: "ack", i: 1},
			{kind: "commit", want: map[string]any{"a": 2}},
		}},
		{name: "partitions are independent", ops: []op{
			{kind: "submit", p: "a"}, {kind: "submit", p: "b"}, {kind: "ack", i: 1},
			{kind: "commit", want: map[string]any{"b": 1}},
		}},
		{name: "a dropped record does not block", ops: []op{
			{kind: "submit", p: "a"}, {kind: "submit", p: "a"}, {kind: "drop", i: 0}, {kind: "ack", i: 1},
			{kind: "commit", want: map[string]any{"a": 1}},
		}},
		{name: "ack after drop is ignored", ops: []op{
			{kind: "submit", p: "a"}, {kind: "drop", i: 0}, {kind: "ack", i: 0},
			{kind: "commit", want: map[string]any{}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := NewTracker()
			var recs []*Pending
			for step, o := range tt.ops {
				switch o.kind {
				case "submit":
					recs = append(recs, tr.Submit(Partition{"p": o.p}, Offset{"n": len(recs)}))
				case "ack":
					recs[o.i].Ack()
				case "drop":
					recs[o.i].Drop()
				case "commit":
					if got := committedPositions(tr.Committable()); !reflect.DeepEqual(got, o.want) {
						t.Fatalf("step %d: committable %v, want %v", step, got, o.want)
					}
				}
			}
		})
	}
}

// TestTrackerNeverPassesUnacked is a property test: random submissions, acks, drops
// and commits never commit an offset at or past a record still in flight, commits
// only move forward, and once everything is settled the last acked record commits.
func TestTrackerNeverPassesUnacked(t *testing.T) {
	tests := []struct {
		name       string
		seed       uint64
		partitions int
		steps      int
	}{
		{name: "one partition", seed: 1, partitions: 1, steps: 3000},
		{name: "few partitions", seed: 2, partitions: 3, steps: 5000},
		{name: "many partitions", seed: 3, partitions: 17, steps: 8000},
		{name: "another seed", seed: 42, partitions: 5, steps: 8000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(tt.seed, tt.seed))
			tr := NewTracker()
			type rec struct {
				p     string
				seq   int
				pd    *Pending
				state string
			}
			var all []*rec
			var open []*rec // neither acked nor dropped
			committed := map[string]int{}
			check := func() {
				for _, e := range tr.Committable() {
					p, seq := e.Partition["p"].(string), e.Offset["n"].(int)
					if prev, ok := committed[p]; ok && seq <= prev {
						t.Fatalf("partition %s committed %d after %d", p, seq, prev)
					}
					committed[p] = seq
					for _, r := range all {
						if r.p == p && r.seq <= seq && r.state == "pending" {
							t.Fatalf("partition %s committed %d past unacked record %d", p, seq, r.seq)
						}
					}
					if r := all[seq]; r.state != "acked" {
						t.Fatalf("committed offset %d belongs to a %s record", seq, r.state)
					}
				}
			}
			for range tt.steps {
				switch x := rng.IntN(10); {
				case x < 5:
					p := fmt.Sprint("p", rng.IntN(tt.partitions))
					r := &rec{p: p, seq: len(all), state: "pending"}
					r.pd = tr.Submit(Partition{"p": p}, Offset{"n": r.seq})
					all = append(all, r)
					open = append(open, r)
				case x < 9 && len(open) > 0:
					i := rng.IntN(len(open))
					r := open[i]
					open = append(open[:i], open[i+1:]...)
					if rng.IntN(8) == 0 {
						r.pd.Drop()
						r.state = "dropped"
					} else {
						r.pd.Ack()
						r.state = "acked"
					}
				default:
					check()
				}
			}
			for _, r := range open {
				r.pd.Ack()
				r.state = "acked"
			}
			check()
			if st := tr.Stats(); st.Outstanding != 0 || st.Partitions != 0 {
				t.Fatalf("stats after settling everything: %+v", st)
			}
			for _, r := range all { // every partition ends at its last acked record
				if r.state == "acked" && committed[r.p] < r.seq {
					t.Fatalf("partition %s ended at %d, below acked record %d", r.p, committed[r.p], r.seq)
				}
			}
		})
	}
}

func TestTrackerConcurrentAcksAndAwaitAll(t *testing.T) {
	tr := NewTracker()
	const perPartition = 2000
	var recs [][]*Pending
	for p := range 4 {
		var rs []*Pending
		for i := range perPartition {
			rs = append(rs, tr.Submit(Partition{"p": fmt.Sprint(p)}, Offset{"n": i}))
		}
		recs = append(recs, rs)
	}
	if st := tr.Stats(); st.Outstanding != 4*perPartition || st.LargestQueue != perPartition {
		t.Fatalf("stats %+v", st)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := tr.AwaitAll(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("AwaitAll with records in flight: %v", err)
	}
	var wg sync.WaitGroup
	for p := range 4 {
		wg.Add(1)
		go func(rs []*Pending) { // acks from "producer goroutines", newest first
			defer wg.Done()
			for i := len(rs) - 1; i >= 0; i-- {
				rs[i].Ack()
			}
		}(recs[p])
	}
	if err := tr.AwaitAll(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	got := committedPositions(tr.Committable())
	var keys []string
	for k, v := range got {
		if v != perPartition-1 {
			t.Errorf("partition %s committed %v, want %d", k, v, perPartition-1)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if fmt.Sprint(keys) != "[0 1 2 3]" {
		t.Fatalf("partitions %v", keys)
	}
}

func TestTrackerUntrackableRecords(t *testing.T) {
	tr := NewTracker()
	a := tr.Submit(nil, Offset{"n": 1})
	b := tr.Submit(Partition{"p": "x"}, nil)
	if tr.Stats().Outstanding != 2 {
		t.Fatalf("records without partition or offset must still count as outstanding")
	}
	a.Ack()
	b.Ack()
	if es := tr.Committable(); len(es) != 0 {
		t.Fatalf("committable %v, want nothing", es)
	}
	if err := tr.AwaitAll(testCtx(t)); err != nil {
		t.Fatal(err)
	}
}

func TestTrackerSamePartitionWhateverIntegerType(t *testing.T) {
	tr := NewTracker()
	first := tr.Submit(Partition{"id": 1, "db": "x"}, Offset{"n": 0})
	second := tr.Submit(Partition{"db": "x", "id": int64(1)}, Offset{"n": 1})
	second.Ack()
	if es := tr.Committable(); len(es) != 0 {
		t.Fatalf("committable %v: the int and int64 partitions are one partition, its first record is unacked", es)
	}
	first.Ack()
	if got := committedPositions(tr.Committable()); len(got) != 1 {
		t.Fatalf("committable %v, want one entry", got)
	}
}

// countingLazy is an offset {"n": n} that counts how often it is rendered.
type countingLazy struct {
	n        int
	rendered *int
}

func (l countingLazy) Offset() Offset { *l.rendered++; return Offset{"n": l.n} }

// TestTrackerLazyOffsets: records tracked with lazy offsets into caller-owned Pendings
// commit the same acknowledged prefix as map offsets, and the tracker renders one
// offset per partition and flush (the committed one), not one per record.
func TestTrackerLazyOffsets(t *testing.T) {
	tr := NewTracker()
	rendered := 0
	pa, pb := Partition{"p": "a"}, Partition{"p": "b"}
	pds := make([]Pending, 6)
	for i := range pds {
		p := pa
		if i%2 == 1 {
			p = pb
		}
		tr.Track(&pds[i], p, nil, countingLazy{n: i, rendered: &rendered})
	}
	// a: 0,2,4 acked; b: 1 and 5 acked, 3 in flight.
	for _, i := range []int{4, 0, 2, 1, 5} {
		pds[i].Ack()
	}
	got := committedPositions(tr.Committable())
	if want := map[string]any{"a": 4, "b": 1}; !reflect.DeepEqual(got, want) {
		t.Fatalf("committable %v, want %v", got, want)
	}
	if rendered != 2 {
		t.Fatalf("rendered %d offsets for one flush of two partitions, want 2", rendered)
	}
	pds[3].Ack()
	if got, want := committedPositions(tr.Committable()), (map[string]any{"b": 5}); !reflect.DeepEqual(got, want) {
		t.Fatalf("after the gap closed: %v, want %v", got, want)
	}
	if err := tr.AwaitAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A map offset wins over a lazy one when a record carries both.
	var pd Pending
	tr.Track(&pd, pa, Offset{"n": 99}, countingLazy{n: -1, rendered: &rendered})
	pd.Ack()
	if got, want := committedPositions(tr.Committable()), (map[string]any{"a": 99}); !reflect.DeepEqual(got, want) {
		t.Fatalf("map and lazy: %v, want %v", got, want)
	}
}

// nilLazy renders no offset.
type nilLazy struct{}

func (nilLazy) Offset() Offset { return nil }

// TestTrackerLazyNilIsNoOffset: a Lazy that renders nil commits nothing for its
// partition (it is not a tombstone that would reset the stored offset).
func TestTrackerLazyNilIsNoOffset(t *testing.T) {
	tr := NewTracker()
	var a, b Pending
	tr.Track(&a, Partition{"p": "x"}, nil, nilLazy{})
	tr.Track(&b, Partition{"p": "y"}, Offset{"n": 1}, nil)
	a.Ack()
	b.Ack()
	got := tr.Committable()
	if len(got) != 1 || got[0].Partition["p"] != "y" {
		t.Fatalf("committable %v, want only partition y", got)
	}
}

// TestTrackerPendingReuse: the tracker keeps no pointer to a settled Pending, so a
// task may track a new record into the same memory at once (the worker's send slots
// are reused this way); the earlier record's offset is still the one committed.
func TestTrackerPendingReuse(t *testing.T) {
	tr := NewTracker()
	pa := Partition{"p": "a"}
	var pds [3]Pending
	for i := range pds {
		tr.Track(&pds[i], pa, Offset{"n": i}, nil)
	}
	pds[1].Ack()                               // out of order: held behind 0
	tr.Track(&pds[1], pa, Offset{"n": 3}, nil) // reused while 0 is in flight
	pds[0].Ack()
	if got, want := committedPositions(tr.Committable()), (map[string]any{"a": 1}); !reflect.DeepEqual(got, want) {
		t.Fatalf("committable %v, want %v (record 1's offset, not the reused Pending's new one)", got, want)
	}
	pds[1].Ack() // record 3, behind record 2
	if got := committedPositions(tr.Committable()); len(got) != 0 {
		t.Fatalf("committable %v, want nothing: record 2 is in flight", got)
	}
	pds[2].Drop()
	if got, want := committedPositions(tr.Committable()), (map[string]any{"a": 3}); !reflect.DeepEqual(got, want) {
		t.Fatalf("committable %v, want %v", got, want)
	}
	if st := tr.Stats(); st.Outstanding != 0 || st.Partitions != 0 {
		t.Fatalf("stats %+v, want nothing left", st)
	}
	// The partition's queue was deleted by Committable: tracking the same map again
	// starts a new one.
	tr.Track(&pds[0], pa, Offset{"n": 4}, nil)
	pds[0].Ack()
	if got, want := committedPositions(tr.Committable()), (map[string]any{"a": 4}); !reflect.DeepEqual(got, want) {
		t.Fatalf("after the queue was deleted: %v, want %v", got, want)
	}
}

// TestTrackerLongQueueCompacts: a queue that grows and drains many times over keeps
// committing the right offsets across its compactions.
func TestTrackerLongQueueCompacts(t *testing.T) {
	tr := NewTracker()
	pa := Partition{"p": "a"}
	pds := make([]Pending, 300)
	next := 0
	for round := range 20 {
		for i := range pds {
			tr.Track(&pds[i], pa, Offset{"n": next + i}, nil)
		}
		// Ack the second half first, then the first half from newest to oldest.
		for i := len(pds) - 1; i >= 0; i-- {
			j := (i + len(pds)/2) % len(pds)
			pds[j].Ack()
		}
		if got := tr.Stats(); got.LargestQueue != 0 || got.Outstanding != 0 {
			t.Fatalf("round %d: %+v after every record was acked, want an empty queue", round, got)
		}
		next += len(pds)
		if got, want := committedPositions(tr.Committable()), (map[string]any{"a": next - 1}); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: committable %v, want %v", round, got, want)
		}
	}
}

// TestTrackerTrackEach: tracking a batch at once is tracking its records one by
// one, in order, leaving out the ones at returns no Pending for.
func TestTrackerTrackEach(t *testing.T) {
	tr := NewTracker()
	pa, pb := Partition{"p": "a"}, Partition{"p": "b"}
	pds := make([]Pending, 6)
	tr.TrackEach(len(pds), func(i int) (*Pending, Partition, Offset, Lazy) {
		if i == 4 {
			return nil, nil, nil, nil // not tracked
		}
		p := pa
		if i%2 == 1 {
			p = pb
		}
		return &pds[i], p, Offset{"n": i}, nil
	})
	if st := tr.Stats(); st.Outstanding != 5 || st.Partitions != 2 {
		t.Fatalf("stats %+v, want 5 outstanding in 2 partitions", st)
	}
	for _, i := range []int{2, 1, 5} {
		pds[i].Ack()
	}
	if got, want := committedPositions(tr.Committable()), (map[string]any{"b": 1}); !reflect.DeepEqual(got, want) {
		t.Fatalf("committable %v, want %v (a's record 0 and b's record 3 are in flight)", got, want)
	}
	pds[0].Ack()
	pds[3].Ack()
	if got, want := committedPositions(tr.Committable()), (map[string]any{"a": 2, "b": 5}); !reflect.DeepEqual(got, want) {
		t.Fatalf("committable %v, want %v", got, want)
	}
}
