package worker

import (
	"sync"
	"testing"
	"time"
)

// TestActiveRecordsNeverNegative: the active-count gauge (sent - done) read while
// records are being sent and acknowledged never goes below zero, however the reads
// interleave with the task goroutine (sent) and the producer callback (done).
func TestActiveRecordsNeverNegative(t *testing.T) {
	tests := []struct {
		name     string
		inFlight int64 // records sent and not yet done while the writer runs
	}{
		{name: "one record at a time", inFlight: 0},
		{name: "a few in flight", inFlight: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m taskMetrics
			m.sent.Add(tc.inFlight)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { // the task sends a record, the producer completes one
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					for range 64 {
						m.sent.Add(1)
						m.done.Add(1)
					}
				}
			}()
			defer func() { close(stop); wg.Wait() }()
			deadline := time.Now().Add(300 * time.Millisecond)
			for reads := 0; time.Now().Before(deadline); reads++ {
				if n := m.activeRecords(); n < 0 {
					t.Fatalf("read %d: active records = %d, below zero", reads, n)
				}
			}
		})
	}
}
