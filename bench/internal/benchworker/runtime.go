package benchworker

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime/metrics"
	"time"

	"github.com/gonnect/gonnect/bench/internal/harness"
)

// RuntimeReport is what a worker child prints (as "@runtime <json>") when it shuts
// down: Go runtime figures over its whole life, from runtime/metrics.
type RuntimeReport struct {
	GCCycles    uint64        `json:"gc_cycles"`
	PauseP99    time.Duration `json:"gc_pause_p99_ns"`
	PauseMax    time.Duration `json:"gc_pause_max_ns"`
	AllocBytes  uint64        `json:"alloc_bytes"`
	AllocObject uint64        `json:"alloc_objects"`
}

// readRuntime samples the runtime metrics the report needs.
func readRuntime() RuntimeReport {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}, {Name: "/sched/pauses/total/gc:seconds"},
		{Name: "/gc/heap/allocs:bytes"}, {Name: "/gc/heap/allocs:objects"}}
	metrics.Read(s)
	var r RuntimeReport
	if s[0].Value.Kind() == metrics.KindUint64 {
		r.GCCycles = s[0].Value.Uint64()
	}
	if s[1].Value.Kind() == metrics.KindFloat64Histogram {
		r.PauseP99, r.PauseMax = histQuantile(s[1].Value.Float64Histogram(), 0.99)
	}
	if s[2].Value.Kind() == metrics.KindUint64 {
		r.AllocBytes = s[2].Value.Uint64()
	}
	if s[3].Value.Kind() == metrics.KindUint64 {
		r.AllocObject = s[3].Value.Uint64()
	}
	return r
}

// histQuantile returns the upper bound of the bucket holding quantile q, and of the
// highest non-empty bucket, as durations (infinite bounds are replaced by the lower
// bound).
func histQuantile(h *metrics.Float64Histogram, q float64) (at, highest time.Duration) {
	var total uint64
	for _, c := range h.Counts {
		total += c
	}
	if total == 0 {
		return 0, 0
	}
	bound := func(i int) time.Duration {
		b := h.Buckets[i+1]
		if math.IsInf(b, 1) {
			b = h.Buckets[i]
		}
		return time.Duration(b * float64(time.Second))
	}
	want := uint64(math.Ceil(q * float64(total)))
	var seen uint64
	for i, c := range h.Counts {
		if c == 0 {
			continue
		}
		seen += c
		if at == 0 && seen >= want {
			at = bound(i)
		}
		highest = bound(i)
	}
	return at, highest
}

func printRuntime() {
	b, _ := json.Marshal(readRuntime())
	fmt.Printf("@runtime %s\n", b)
}

// Runtime reads the "@runtime" report of a worker child that has been stopped with
// Proc.Stop (it prints the report on its way out).
func Runtime(p *harness.Proc) (RuntimeReport, error) {
	var r RuntimeReport
	ev, err := p.NextEvent("runtime", 10*time.Second)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(ev), &r); err != nil {
		return r, fmt.Errorf("%s runtime report %q: %w", p.Name, ev, err)
	}
	return r, nil
}
