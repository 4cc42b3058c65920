package benchworker

import (
	"math"
	"runtime/metrics"
	"testing"
	"time"
)

func TestHistQuantile(t *testing.T) {
	buckets := []float64{0, 0.001, 0.002, 0.004, math.Inf(1)}
	for _, tc := range []struct {
		name        string
		counts      []uint64
		q           float64
		at, highest time.Duration
	}{
		{name: "empty", counts: []uint64{0, 0, 0, 0}, q: 0.99},
		{name: "all in one bucket", counts: []uint64{0, 5, 0, 0}, q: 0.99, at: 2 * time.Millisecond, highest: 2 * time.Millisecond},
		{name: "p99 below the tail", counts: []uint64{99, 0, 1, 0}, q: 0.99, at: time.Millisecond, highest: 4 * time.Millisecond},
		{name: "p99 in the tail", counts: []uint64{98, 0, 2, 0}, q: 0.99, at: 4 * time.Millisecond, highest: 4 * time.Millisecond},
		{name: "infinite bucket uses its lower bound", counts: []uint64{1, 0, 0, 1}, q: 0.99, at: 4 * time.Millisecond, highest: 4 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at, highest := histQuantile(&metrics.Float64Histogram{Counts: tc.counts, Buckets: buckets}, tc.q)
			if at != tc.at || highest != tc.highest {
				t.Fatalf("histQuantile = %v, %v; want %v, %v", at, highest, tc.at, tc.highest)
			}
		})
	}
}

func TestReadRuntime(t *testing.T) {
	sink := make([][]byte, 0, 1000)
	for i := 0; i < 1000; i++ {
		sink = append(sink, make([]byte, 1024))
	}
	r := readRuntime()
	if r.AllocBytes < uint64(len(sink))*1024 || r.AllocObject < uint64(len(sink)) {
		t.Fatalf("runtime report %+v: want at least %d bytes in %d objects allocated", r, len(sink)*1024, len(sink))
	}
}
