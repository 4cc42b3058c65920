package main

import (
	"testing"

	"github.com/gonnect/gonnect/connectors"
)

// BenchmarkStream is the W13 mixed workload through the whole Stream, for profiling.
func BenchmarkStream(b *testing.B) {
	work := mixedWorkload(100_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st := newStream(0, func(*connectors.SourceRecord) error { return nil })
		for j := range work {
			r := work[j]
			if err := st.Process(&r); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(work))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
