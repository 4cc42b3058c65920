package cdc

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
)

func recs(from, n int) []*connectors.SourceRecord {
	out := make([]*connectors.SourceRecord, n)
	for i := range out {
		out[i] = &connectors.SourceRecord{Record: connectors.Record{Topic: "t", Value: int64(from + i)}}
	}
	return out
}

func values(rs []*connectors.SourceRecord) []int64 {
	var out []int64
	for _, r := range rs {
		out = append(out, r.Value.(int64))
	}
	return out
}

// pollUntil polls until n records arrived or the deadline passes; it returns them and
// the first error.
func pollUntil(t *testing.T, q *Queue, n int) ([]int64, error) {
	t.Helper()
	var got []int64
	deadline := time.Now().Add(10 * time.Second)
	for len(got) < n && time.Now().Before(deadline) {
		rs, err := q.Poll(context.Background())
		got = append(got, values(rs)...)
		if err != nil {
			return got, err
		}
		if len(rs) == 0 {
			select {
			case <-q.Done():
				return got, nil
			default:
			}
		}
	}
	return got, nil
}

func TestQueueHandsOverInOrder(t *testing.T) {
	tests := []struct {
		name               string
		maxQueue, maxBatch int
		handoff            int
		emit               []int // records per Emit call
		wantPending        int   // before Flush
		wantPolls          [][]int64
	}{
		{name: "per record", maxQueue: 10, maxBatch: 4, handoff: 1, emit: []int{3, 3},
			wantPolls: [][]int64{{0, 1, 2, 3}, {4, 5}}},
		{name: "batched, split by max.batch.size", maxQueue: 100, maxBatch: 3, handoff: 10, emit: []int{10},
			wantPolls: [][]int64{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {9}}},
		{name: "partial batch waits for Flush", maxQueue: 100, maxBatch: 50, handoff: 4, emit: []int{5, 2}, wantPending: 2,
			wantPolls: [][]int64{{0, 1, 2, 3, 4, 5, 6}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := NewQueue(tc.maxQueue, tc.maxBatch, tc.handoff, 20*time.Millisecond)
			ctx := context.Background()
			next := 0
			for _, n := range tc.emit {
				if err := q.Emit(ctx, recs(next, n)...); err != nil {
					t.Fatal(err)
				}
				next += n
			}
			if q.Pending() != tc.wantPending {
				t.Fatalf("pending %d, want %d", q.Pending(), tc.wantPending)
			}
			if err := q.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if q.Pending() != 0 {
				t.Fatalf("pending %d after Flush", q.Pending())
			}
			var polls [][]int64
			for len(polls) < len(tc.wantPolls) {
				rs, err := q.Poll(ctx)
				if err != nil {
					t.Fatal(err)
				}
				polls = append(polls, values(rs))
			}
			if fmt.Sprint(polls) != fmt.Sprint(tc.wantPolls) {
				t.Fatalf("polls %v, want %v", polls, tc.wantPolls)
			}
			if rs, err := q.Poll(ctx); len(rs) != 0 || err != nil {
				t.Fatalf("empty queue polled %v, %v", values(rs), err)
			}
		})
	}
}

func TestQueueLifecycle(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		run     func(ctx context.Context, q *Queue) error
		stop    bool // Stop before polling
		want    int  // records Poll returns before the error
		wantErr error
	}{
		{name: "error after the queued records", want: 5, wantErr: boom, run: func(ctx context.Context, q *Queue) error {
			if err := q.Emit(ctx, recs(0, 5)...); err != nil {
				return err
			}
			if err := q.Flush(ctx); err != nil {
				return err
			}
			return boom
		}},
		{name: "clean end", want: 2, run: func(ctx context.Context, q *Queue) error {
			_ = q.Emit(ctx, recs(0, 2)...)
			return q.Flush(ctx)
		}},
		{name: "stop unblocks a full queue", stop: true, want: 2, run: func(ctx context.Context, q *Queue) error {
			for i := 0; ; i++ {
				if err := q.Emit(ctx, recs(i, 1)...); err != nil {
					return err // context.Canceled: not reported
				}
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := NewQueue(2, 10, 1, 10*time.Millisecond)
			var logged error
			q.Start(func(ctx context.Context) error { return tc.run(ctx, q) }, func(err error) { logged = err })
			if tc.stop {
				deadline := time.Now().Add(10 * time.Second)
				for q.Remaining() > 0 { // the producer is blocked on a full queue
					if time.Now().After(deadline) {
						t.Fatal("the queue never filled")
					}
					runtime.Gosched()
				}
				if err := q.Stop(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			got, err := pollUntil(t, q, tc.want+1)
			if len(got) != tc.want {
				t.Fatalf("got %v, want %d records", got, tc.want)
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			<-q.Done()
			if !errors.Is(logged, tc.wantErr) {
				t.Fatalf("onErr got %v", logged)
			}
			if err := q.Stop(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestQueuePollReturnsOnContext(t *testing.T) {
	q := NewQueue(10, 10, 1, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if rs, err := q.Poll(ctx); rs != nil || err != nil {
		t.Fatalf("cancelled poll returned %v, %v", rs, err)
	}
	if q.Remaining() != 10 {
		t.Fatalf("remaining %d", q.Remaining())
	}
	_ = q.Emit(context.Background(), recs(0, 3)...)
	if q.Remaining() != 7 {
		t.Fatalf("remaining %d after 3 records", q.Remaining())
	}
	if rs, _ := q.Poll(context.Background()); len(rs) != 3 || q.Remaining() != 10 {
		t.Fatalf("polled %d, remaining %d", len(rs), q.Remaining())
	}
	if err := q.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}
