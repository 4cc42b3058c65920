package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// TestMain lets the tests spawn this test binary as children, as the benchmark
// programs do with themselves.
func TestMain(m *testing.M) {
	Dispatch(map[string]Role{
		BrokerRole: RunBroker,
		"echo": func(ctx context.Context, args []string) error {
			fmt.Println("not an event")
			fmt.Println("@hello", strings.Join(args, " "))
			<-ctx.Done()
			return nil
		},
		"fail": func(context.Context, []string) error { return errors.New("boom") },
	})
	os.Exit(m.Run())
}

func TestPercentile(t *testing.T) {
	ms := func(vs ...int) []time.Duration {
		out := make([]time.Duration, len(vs))
		for i, v := range vs {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	for _, tc := range []struct {
		name string
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{name: "empty", in: nil, p: 50, want: 0},
		{name: "single", in: ms(7), p: 99, want: 7 * time.Millisecond},
		{name: "median of unsorted", in: ms(5, 1, 4, 2, 3), p: 50, want: 3 * time.Millisecond},
		{name: "p99 of 100 is the 99th", in: func() []time.Duration {
			var v []int
			for i := 100; i >= 1; i-- {
				v = append(v, i)
			}
			return ms(v...)
		}(), p: 99, want: 99 * time.Millisecond},
		{name: "p100 is the max", in: ms(3, 9, 1), p: 100, want: 9 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Percentile(tc.in, tc.p); got != tc.want {
				t.Fatalf("Percentile(%v) = %v, want %v", tc.p, got, tc.want)
			}
		})
	}
}

func TestProcfsOfSelf(t *testing.T) {
	// Burn some CPU so the counters move, then compare with getrusage.
	deadline := time.Now().Add(50 * time.Millisecond)
	for x := 0; time.Now().Before(deadline); x++ {
		_ = x * x
	}
	cpu, err := CPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	ru, peak := SelfUsage()
	if cpu <= 0 || cpu > ru+20*time.Millisecond {
		t.Fatalf("CPU from /proc = %v, getrusage = %v", cpu, ru)
	}
	m, err := Memory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS <= 0 || m.Peak < m.RSS {
		t.Fatalf("Memory = %+v: want 0 < RSS ≤ Peak", m)
	}
	if m.Peak != peak {
		t.Logf("VmHWM %d, ru_maxrss %d (may differ slightly)", m.Peak, peak)
	}
	if _, err := CPU(-1); err == nil {
		t.Fatal("CPU(-1) succeeded")
	}
}

func TestSpawnEventsAndKill(t *testing.T) {
	dir := t.TempDir()
	p, err := Spawn(dir, "echo", "echo", "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	got, err := p.NextEvent("hello", 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got != "a b" {
		t.Fatalf("event = %q, want %q", got, "a b")
	}
	p.Stop(5 * time.Second)
	if !p.Exited() {
		t.Fatal("child still running after Stop")
	}
	if log := p.Tail(5); !strings.Contains(log, "not an event") {
		t.Fatalf("log tail %q lacks the child's plain output", log)
	}
}

func TestSpawnFailingRole(t *testing.T) {
	p, err := Spawn(t.TempDir(), "fail", "fail")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	if err := p.Wait(20 * time.Second); err == nil {
		t.Fatal("failing role exited with status 0")
	}
	if _, err := p.NextEvent("never", time.Second); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("NextEvent error = %v, want the child's log with its error", err)
	}
}

func TestStartBroker(t *testing.T) {
	br, err := StartBroker("", t.TempDir(), "broker")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(br.Kill)
	cl, err := kgo.NewClient(kgo.SeedBrokers(br.Addr), kgo.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "auto-created", Value: []byte("v")}).FirstErr(); err != nil {
		t.Fatalf("producing to the broker child: %v", err)
	}
	if _, err := CPU(br.Pid()); err != nil {
		t.Fatal(err)
	}
}
