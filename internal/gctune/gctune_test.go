package gctune

import (
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

const mib = 1 << 20

func TestPercentFor(t *testing.T) {
	var c Config
	for _, tc := range []struct {
		name string
		scan uint64
		rate float64
		want int
	}{
		{name: "idle small heap keeps the base", scan: 8 * mib, rate: 1 * mib, want: 100},
		{name: "busy small heap gets the minimum headroom", scan: 4 * mib, rate: 500 * mib, want: 800},
		{name: "busy tiny heap is bounded", scan: 64 << 10, rate: 500 * mib, want: maxPercent},
		{name: "busy heap above the minimum headroom keeps the base", scan: 40 * mib, rate: 500 * mib, want: 100},
		{name: "large heap capped at the maximum headroom", scan: 64 * mib, rate: 500 * mib, want: 63},
		{name: "large idle heap capped too", scan: 64 * mib, rate: 0, want: 63},
		{name: "huge heap never below half the base", scan: 512 * mib, rate: 500 * mib, want: 50},
		{name: "no heap yet", scan: 0, rate: 0, want: 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.PercentFor(tc.scan, tc.rate); got != tc.want {
				t.Fatalf("PercentFor(%d MiB, %.0f MiB/s) = %d, want %d", tc.scan/mib, tc.rate/mib, got, tc.want)
			}
		})
	}
	custom := Config{Percent: 200, MinHeadroom: 16 * mib, MaxHeadroom: 1 << 30}
	if got := custom.PercentFor(4*mib, DefaultBusyRate); got != 400 {
		t.Fatalf("custom config, busy 4 MiB heap: %d, want 400", got)
	}
	if got := custom.PercentFor(4*mib, 0); got != 200 {
		t.Fatalf("custom config, idle 4 MiB heap: %d, want its base 200", got)
	}
}

// runtimePercent reads the collector's current GOGC.
func runtimePercent() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
}

var sink []byte

// TestTunerFollowsAllocationRate runs a real tuner: while the test allocates garbage
// fast on a small live heap, GOGC goes up so collections are further apart; once it
// stops, GOGC goes back to the base; Stop restores the base.
func TestTunerFollowsAllocationRate(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	tu := Start(Config{BusyRate: 4 * mib, Interval: 20 * time.Millisecond})
	defer tu.Stop()
	deadline := time.Now().Add(10 * time.Second)
	for tu.Percent() <= 100 {
		if time.Now().After(deadline) {
			t.Fatalf("GOGC stayed %d while allocating", tu.Percent())
		}
		for range 256 {
			sink = make([]byte, 64<<10)
		}
	}
	if got := runtimePercent(); got != tu.Percent() || got <= 100 {
		t.Fatalf("runtime GOGC %d, tuner says %d", got, tu.Percent())
	}
	sink = nil
	for tu.Percent() != 100 {
		if time.Now().After(deadline) {
			t.Fatalf("GOGC stayed %d after the allocations stopped", tu.Percent())
		}
		time.Sleep(10 * time.Millisecond) // idle: the tuner's own ticker must notice
	}
	if got := runtimePercent(); got != 100 {
		t.Fatalf("runtime GOGC %d once idle, want 100", got)
	}
	debug.SetGCPercent(300)
	tu.Stop()
	tu.Stop()
	if got := runtimePercent(); got != 100 {
		t.Fatalf("runtime GOGC %d after Stop, want the base 100", got)
	}
}

func TestFromEnv(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	if d := FromEnv(env(map[string]string{"GOGC": "200"})); d.Tuner != nil || d.Reason != "GOGC=200 is set" {
		t.Fatalf("GOGC set: %+v", d)
	}
	if d := FromEnv(env(map[string]string{"GONNECT_GC_TUNING": "off"})); d.Tuner != nil || d.Reason == "" {
		t.Fatalf("tuning off: %+v", d)
	}
	d := FromEnv(env(nil))
	if d.Tuner == nil {
		t.Fatalf("default: no tuner (%s)", d.Reason)
	}
	d.Tuner.Stop()
}
