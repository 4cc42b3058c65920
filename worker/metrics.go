package worker

import (
	"sync/atomic"
	"time"
)

// taskMetrics are the counters of one task; the Prometheus collector reads them.
// Counters written per record sit on separate cache lines by the goroutine that writes
// them (the task's, the producer's), so the two never contend for one line.
type taskMetrics struct {
	// Written by the task's poll goroutine (polled) and its send loop (sent).
	polled atomic.Int64
	_      [56]byte
	sent   atomic.Int64
	_      [56]byte
	// Written by the producer's callback goroutine (source tasks): records
	// acknowledged (written) and completions of any outcome (done); the active count
	// is sent - done. Sink tasks count written per Put.
	written, done atomic.Int64
	_             [48]byte

	pollBatches, pollNanos      atomic.Int64
	pollMaxNanos                atomic.Int64
	commitOK, commitFail        atomic.Int64
	commitNanos, commitMaxNanos atomic.Int64
	maxBatchSize                atomic.Int64
}

func (m *taskMetrics) observePoll(n int, d time.Duration) {
	m.polled.Add(int64(n))
	m.pollBatches.Add(1)
	m.pollNanos.Add(int64(d))
	storeMax(&m.pollMaxNanos, int64(d))
	storeMax(&m.maxBatchSize, int64(n))
}

func (m *taskMetrics) observeCommit(err error, d time.Duration) {
	if err != nil {
		m.commitFail.Add(1)
	} else {
		m.commitOK.Add(1)
	}
	m.commitNanos.Add(int64(d))
	storeMax(&m.commitMaxNanos, int64(d))
}

func storeMax(a *atomic.Int64, v int64) {
	for {
		cur := a.Load()
		if v <= cur || a.CompareAndSwap(cur, v) {
			return
		}
	}
}

// activeRecords is the number of records handed to the producer and not yet completed.
// done is read first: a record sent and completed between the two reads then counts
// in neither, never in done alone (which would make the gauge negative).
func (m *taskMetrics) activeRecords() int64 {
	d := m.done.Load()
	return m.sent.Load() - d
}
