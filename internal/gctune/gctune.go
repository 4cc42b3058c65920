// Package gctune paces the Go garbage collector for a worker's two kinds of load.
//
// A worker that streams rows keeps little alive (a few MB of queued records) and
// allocates fast (a snapshot: hundreds of MB per second). With the runtime's default
// GOGC=100 the heap goal is then only a few MB, so the collector runs every few MB
// allocated, dozens of times a second, and marking, write barriers and assists take a
// third of the CPU (bench/mysql W1). A worker that buffers large converted records
// (a producer holding its 32 MiB buffer.memory of 4 KB JSON envelopes) keeps a large
// heap alive, and GOGC=100 doubles it.
//
// The tuner adjusts GOGC after every collection so that the heap may grow by
//
//	headroom = max(scan*Percent/100, MinHeadroom while allocating at BusyRate or more)
//
// capped at max(MaxHeadroom, scan*Percent/200), where scan is the live heap plus
// goroutine stacks and globals (what GOGC multiplies). A fast-allocating process with
// a small heap gets MinHeadroom of growth between collections instead of a few MB; a
// process with a large heap collects somewhat more often than GOGC=100 would, never
// more than twice as often. An idle worker, allocating slowly, keeps the runtime's
// default pacing, so its resident memory stays where it was.
//
// A GOGC set in the environment is the operator's choice: the tuner then does not
// run, and neither does it with GONNECT_GC_TUNING=off. A GOMEMLIMIT (or the one
// internal/memlimit derives from the cgroup) still applies on top: the runtime
// collects harder near the limit whatever GOGC says.
package gctune

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Config is the tuner's pacing. The zero value of a field means its default.
type Config struct {
	Percent     int     // base GOGC (default 100)
	MinHeadroom uint64  // heap growth allowed between collections while busy (default 32 MiB)
	MaxHeadroom uint64  // cap on that growth, never below scan*Percent/200 (default 40 MiB)
	BusyRate    float64 // allocation rate, bytes per second, above which the process is busy (default 64 MiB/s)
	// Interval is how often the tuner looks again without a collection (default 1s),
	// so a process that stops allocating goes back to its base pacing.
	Interval time.Duration
}

// Defaults of Config.
const (
	DefaultPercent     = 100
	DefaultMinHeadroom = 32 << 20
	DefaultMaxHeadroom = 40 << 20
	DefaultBusyRate    = 64 << 20
	DefaultInterval    = time.Second
)

func (c Config) withDefaults() Config {
	if c.Percent <= 0 {
		c.Percent = DefaultPercent
	}
	if c.MinHeadroom == 0 {
		c.MinHeadroom = DefaultMinHeadroom
	}
	if c.MaxHeadroom == 0 {
		c.MaxHeadroom = DefaultMaxHeadroom
	}
	if c.BusyRate <= 0 {
		c.BusyRate = DefaultBusyRate
	}
	if c.Interval <= 0 {
		c.Interval = DefaultInterval
	}
	return c
}

// PercentFor is the GOGC the tuner sets for a heap of scan bytes (live heap, stacks and
// globals) while the process allocates at rate bytes per second.
func (c Config) PercentFor(scan uint64, rate float64) int {
	c = c.withDefaults()
	if scan == 0 {
		return c.Percent
	}
	head := float64(scan) * float64(c.Percent) / 100
	if rate >= c.BusyRate {
		head = max(head, float64(c.MinHeadroom))
	}
	head = min(head, max(float64(c.MaxHeadroom), float64(scan)*float64(c.Percent)/200))
	p := int(math.Ceil(head * 100 / float64(scan)))
	return min(max(p, c.Percent/2, 1), maxPercent)
}

// maxPercent bounds the GOGC the tuner sets (a 32 MiB headroom over a heap of a
// few hundred KB would otherwise ask for GOGC in the tens of thousands).
const maxPercent = 5000

// Tuner is a running tuner; Stop ends it and restores the base GOGC.
type Tuner struct {
	cfg     Config
	gcs     chan struct{}
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
	samples []metrics.Sample

	mu      sync.Mutex
	percent int // last GOGC set
	busy    bool
	lastT   time.Time
	lastA   uint64
}

// metric names read after each collection.
var names = []string{"/gc/heap/live:bytes", "/gc/scan/stack:bytes", "/gc/scan/globals:bytes", "/gc/heap/allocs:bytes"}

// Start starts a tuner with cfg. It runs until Stop.
func Start(cfg Config) *Tuner {
	t := &Tuner{cfg: cfg.withDefaults(), gcs: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	for _, n := range names {
		t.samples = append(t.samples, metrics.Sample{Name: n})
	}
	t.percent = t.cfg.Percent
	debug.SetGCPercent(t.cfg.Percent)
	t.lastT = time.Now()
	metrics.Read(t.samples)
	t.lastA = t.samples[3].Value.Uint64()
	armSentinel(t.gcs, t.stop)
	go t.loop()
	return t
}

// sentinel is an object whose finalizer runs once per collection (it is unreachable
// as soon as it is made) and makes the next one.
type sentinel struct{ _ *int }

func armSentinel(gcs chan<- struct{}, stop <-chan struct{}) {
	s := &sentinel{}
	runtime.SetFinalizer(s, func(*sentinel) {
		select {
		case <-stop:
			return
		default:
		}
		select {
		case gcs <- struct{}{}:
		default:
		}
		armSentinel(gcs, stop)
	})
}

func (t *Tuner) loop() {
	defer close(t.done)
	tick := time.NewTicker(t.cfg.Interval)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-t.gcs:
		case <-tick.C:
		}
		t.adjust(time.Now())
	}
}

// adjust reads the heap after the latest collection and the allocation rate since
// the last adjustment, and sets GOGC.
func (t *Tuner) adjust(now time.Time) {
	metrics.Read(t.samples)
	live, stacks, globals, allocs := t.samples[0].Value.Uint64(), t.samples[1].Value.Uint64(), t.samples[2].Value.Uint64(), t.samples[3].Value.Uint64()
	t.mu.Lock()
	defer t.mu.Unlock()
	dt := now.Sub(t.lastT).Seconds()
	if dt <= 0 {
		return
	}
	rate := float64(allocs-t.lastA) / dt
	t.lastT, t.lastA = now, allocs
	// hysteresis: once busy, stay busy until the rate falls below half the threshold
	if t.busy && rate >= t.cfg.BusyRate/2 {
		rate = max(rate, t.cfg.BusyRate)
	}
	t.busy = rate >= t.cfg.BusyRate
	p := t.cfg.PercentFor(live+stacks+globals, rate)
	if p != t.percent {
		t.percent = p
		debug.SetGCPercent(p)
	}
}

// Percent returns the GOGC the tuner last set.
func (t *Tuner) Percent() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.percent
}

// Stop ends the tuner and restores the base GOGC. It is safe to call more than once.
func (t *Tuner) Stop() {
	t.once.Do(func() {
		close(t.stop)
		<-t.done
		debug.SetGCPercent(t.cfg.Percent)
	})
}

// Decision says whether FromEnv started a tuner and why not.
type Decision struct {
	Tuner  *Tuner // nil when not started
	Reason string // why not, for the start-up log
}

// FromEnv starts a tuner with the default Config unless getenv has GOGC set (the
// operator's pacing) or GONNECT_GC_TUNING=off.
func FromEnv(getenv func(string) string) Decision {
	if v := getenv("GOGC"); v != "" {
		return Decision{Reason: "GOGC=" + v + " is set"}
	}
	if getenv("GONNECT_GC_TUNING") == "off" {
		return Decision{Reason: "GONNECT_GC_TUNING=off"}
	}
	return Decision{Tuner: Start(Config{})}
}
