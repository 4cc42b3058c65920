package mysql

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/go-mysql-org/go-mysql/replication"
)

// TestEventQueue: events arrive in order across batches while the reader runs ahead
// of the streamer up to the bounds (events, bytes) and then blocks; the stream's error comes after
// every queued event; a blocked reader is released when the streamer goes away; an
// idle get ends with its context.
func TestEventQueue(t *testing.T) {
	q := newEventQueue(nil)
	const n = 3*maxQueuedEvents + 17
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range n {
			if err := q.HandleEvent(&replication.BinlogEvent{Header: &replication.EventHeader{LogPos: uint32(i)}}); err != nil {
				t.Errorf("event %d: %v", i, err)
				return
			}
		}
		q.fail(errors.New("connection reset"))
	}()
	ctx := context.Background()
	for i := range n {
		if i%1000 == 0 {
			q.mu.Lock()
			if l := len(q.events); l > maxQueuedEvents {
				t.Fatalf("%d events queued, bound %d", l, maxQueuedEvents)
			}
			q.mu.Unlock()
		}
		e, err := q.get(ctx)
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if e.Header.LogPos != uint32(i) {
			t.Fatalf("event %d has position %d", i, e.Header.LogPos)
		}
	}
	if _, err := q.get(ctx); err == nil || err.Error() != "connection reset" {
		t.Fatalf("after the last event: %v, want the stream's error", err)
	}
	wg.Wait()

	idle := newEventQueue(nil)
	wctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := idle.get(wctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("idle get: %v, want the deadline", err)
	}

	full := newEventQueue(nil)
	for range maxQueuedEvents {
		if err := full.HandleEvent(&replication.BinlogEvent{}); err != nil {
			t.Fatal(err)
		}
	}
	big := newEventQueue(nil) // full by bytes long before the event bound
	for range maxQueuedBytes / (64 << 10) {
		if err := big.HandleEvent(&replication.BinlogEvent{RawData: make([]byte, 64<<10)}); err != nil {
			t.Fatal(err)
		}
	}
	heldBack := make(chan error, 1)
	go func() { heldBack <- big.HandleEvent(&replication.BinlogEvent{}) }()
	select {
	case err := <-heldBack:
		t.Fatalf("a reader %d bytes ahead was not held back (%v)", maxQueuedBytes, err)
	case <-time.After(20 * time.Millisecond):
	}
	if _, err := big.get(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-heldBack; err != nil {
		t.Fatalf("reader after the streamer took a batch: %v", err)
	}
	blocked := make(chan error, 1)
	go func() { blocked <- full.HandleEvent(&replication.BinlogEvent{}) }()
	select {
	case err := <-blocked:
		t.Fatalf("a reader on a full queue was not held back (%v)", err)
	case <-time.After(20 * time.Millisecond):
	}
	full.close()
	if err := <-blocked; !errors.Is(err, errStreamerGone) {
		t.Fatalf("released reader got %v, want errStreamerGone", err)
	}
}
