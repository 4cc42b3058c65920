package harness

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Result is one figure a benchmark reports. Print writes it as a RESULT line that
// scripts/bench.sh gathers into the suite's summary table; figures are printed,
// never asserted.
type Result struct {
	Bench  string  // e.g. "pipeline"
	Metric string  // e.g. "records/s"
	Value  float64 // the measured figure
	Unit   string
	// Ref describes what Value is compared with (a ceiling or peer measured in the
	// same run, or the target when the spec gives only an absolute one) and RefValue
	// is that figure in the same unit; Ratio is Value/RefValue.
	Ref      string
	RefValue float64
	Target   string // the spec's target, e.g. "ratio ≥ 0.8" or "≤ 300 ms"
	Note     string // settings a reader needs to interpret the figure
}

// Ratio returns Value/RefValue, or NaN without a reference.
func (r Result) Ratio() float64 {
	if r.RefValue == 0 {
		return math.NaN()
	}
	return r.Value / r.RefValue
}

// Print writes the result for humans and as a "RESULT|..." line for the summary.
func (r Result) Print() {
	ratio := "-"
	if q := r.Ratio(); !math.IsNaN(q) {
		ratio = fmt.Sprintf("%.2f", q)
	}
	ref := "-"
	if r.Ref != "" {
		ref = fmt.Sprintf("%s %s %s", r.Ref, num(r.RefValue), r.Unit)
	}
	fmt.Printf("  %-34s %12s %-8s ref: %-40s ratio %s  target %s", r.Metric, num(r.Value), r.Unit, ref, ratio, r.Target)
	if r.Note != "" {
		fmt.Printf("  (%s)", r.Note)
	}
	fmt.Println()
	clean := func(s string) string { return strings.ReplaceAll(s, "|", "/") }
	fmt.Printf("RESULT|%s|%s|%s %s|%s|%s|%s\n", clean(r.Bench), clean(r.Metric), num(r.Value), clean(r.Unit), clean(ref), ratio, clean(r.Target))
}

func num(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1000:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

// Ms converts a duration to float milliseconds.
func Ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Percentile returns the p-th percentile (0 < p ≤ 100) of ds by the nearest-rank
// method; ds is sorted in place. It returns 0 for an empty slice.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	rank := int(math.Ceil(p / 100 * float64(len(ds))))
	return ds[min(max(rank, 1), len(ds))-1]
}
