package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// newCluster starts a kfake cluster and returns it with a base client (no consume
// options) and an admin client, all closed at cleanup.
func newCluster(t *testing.T, opts ...kfake.Opt) (*kfake.Cluster, *kgo.Client, *kadm.Client) {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1)}, opts...)...)
	if err != nil {
		t.Fatalf("kfake: %v", err)
	}
	t.Cleanup(c.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	t.Cleanup(cl.Close)
	return c, cl, kadm.NewClient(cl)
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func ensure(t *testing.T, adm *kadm.Client, topic string, partitions int32) {
	t.Helper()
	err := EnsureTopic(testCtx(t), adm, TopicSpec{
		Name: topic, WorkerProperty: "offset.storage.topic", Purpose: "source connector offsets",
		Partitions: partitions, ReplicationFactor: 1, Logger: testLogger(t),
	})
	if err != nil {
		t.Fatalf("EnsureTopic: %v", err)
	}
}

// collector records what a Log's consume callback saw.
type collector struct {
	mu      sync.Mutex
	records []*kgo.Record
	latest  map[string][]byte // compacted view: key -> last value (nil = tombstone)
}

func (c *collector) consume(r *kgo.Record) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.records = append(c.records, r)
	if c.latest == nil {
		c.latest = make(map[string][]byte)
	}
	c.latest[string(r.Key)] = r.Value
}

func (c *collector) snapshot() ([]*kgo.Record, map[string][]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := make(map[string][]byte, len(c.latest))
	for k, v := range c.latest {
		m[k] = v
	}
	return append([]*kgo.Record(nil), c.records...), m
}

func startLog(t *testing.T, cl *kgo.Client, topic string, opts ...Opt) (*Log, *collector) {
	t.Helper()
	col := &collector{}
	l, err := New(cl, topic, append([]Opt{WithConsume(col.consume), WithLogger(testLogger(t))}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(l.Close)
	if err := l.Start(testCtx(t)); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return l, col
}

func TestMurmur2MatchesJava(t *testing.T) {
	// Vectors from Kafka's UtilsTest.testMurmur2.
	tests := []struct {
		name string
		in   []byte
		want int32
	}{
		{name: "two bytes", in: []byte("21"), want: -973932308},
		{name: "six bytes", in: []byte("foobar"), want: -790332482},
		{name: "24 bytes", in: []byte("a-little-bit-long-string"), want: -985981536},
		{name: "26 bytes", in: []byte("a-little-bit-longer-string"), want: -1486304829},
		{name: "48 bytes", in: []byte("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), want: -58897971},
		{name: "three bytes", in: []byte{'a', 'b', 'c'}, want: 479470107},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Murmur2(tt.in); got != tt.want {
				t.Fatalf("Murmur2(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestSendPartitionsByMurmur2AndReadsBackInOrder(t *testing.T) {
	_, cl, adm := newCluster(t)
	ensure(t, adm, "offsets", 5)
	writer, own := startLog(t, cl, "offsets")
	ctx := testCtx(t)

	const n = 60
	for i := range n {
		key := fmt.Appendf(nil, `["conn",{"p":%d}]`, i%12)
		var value []byte
		if i != n-1 { // the last one is a tombstone
			value = fmt.Appendf(nil, `{"pos":%d}`, i)
		}
		if err := writer.Send(ctx, key, value); err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
	}
	if err := writer.ReadToEnd(ctx); err != nil {
		t.Fatalf("ReadToEnd: %v", err)
	}

	// A second Log started afterwards sees the same records.
	_, other := startLog(t, cl, "offsets")
	for name, col := range map[string]*collector{"writer": own, "late reader": other} {
		recs, latest := col.snapshot()
		if len(recs) != n {
			t.Fatalf("%s: got %d records, want %d", name, len(recs), n)
		}
		lastOffset := map[int32]int64{}
		for _, r := range recs {
			if want := PartitionFor(r.Key, 5); r.Partition != want {
				t.Errorf("%s: key %s in partition %d, Java's partitioner picks %d", name, r.Key, r.Partition, want)
			}
			if prev, ok := lastOffset[r.Partition]; ok && r.Offset <= prev {
				t.Errorf("%s: partition %d offset %d after %d", name, r.Partition, r.Offset, prev)
			}
			lastOffset[r.Partition] = r.Offset
		}
		tomb := fmt.Sprintf(`["conn",{"p":%d}]`, (n-1)%12)
		if v, ok := latest[tomb]; !ok || v != nil {
			t.Errorf("%s: tombstone key %s: got %q (present %v), want nil value", name, tomb, v, ok)
		}
		if got := string(latest[`["conn",{"p":0}]`]); got != `{"pos":48}` {
			t.Errorf("%s: latest for p0 = %s, want {\"pos\":48}", name, got)
		}
	}
}

func TestReadToEndSeesOtherWritersAsync(t *testing.T) {
	_, cl, adm := newCluster(t)
	ensure(t, adm, "status", 3)
	writer, _ := startLog(t, cl, "status")
	reader, col := startLog(t, cl, "status")
	ctx := testCtx(t)

	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		writer.SendAsync(fmt.Appendf(nil, "status-task-c-%d", i), []byte(`{"state":"RUNNING"}`), func(err error) {
			defer wg.Done()
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("SendAsync: %v", err)
	}
	if err := reader.ReadToEnd(ctx); err != nil {
		t.Fatalf("ReadToEnd: %v", err)
	}
	if recs, _ := col.snapshot(); len(recs) != 20 {
		t.Fatalf("reader saw %d records after ReadToEnd, want 20", len(recs))
	}
}

func TestStartAfterCompaction(t *testing.T) {
	c, cl, adm := newCluster(t)
	ensure(t, adm, "configs", 1)
	writer, _ := startLog(t, cl, "configs")
	ctx := testCtx(t)
	for i := range 10 {
		if err := writer.Send(ctx, fmt.Appendf(nil, "k%d", i%3), fmt.Appendf(nil, "v%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	c.Compact()
	starts, err := adm.ListStartOffsets(ctx, "configs")
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := starts.Lookup("configs", 0); s.Offset == 0 {
		t.Fatalf("compaction did not move the log start; the test needs it to")
	}
	_, col := startLog(t, cl, "configs")
	recs, latest := col.snapshot()
	want := map[string][]byte{"k0": []byte("v9"), "k1": []byte("v7"), "k2": []byte("v8")}
	// kfake, like Kafka, leaves the newest segment uncleaned, so a few stale
	// records may remain; what matters is the compacted view and the end.
	if len(recs) >= 10 || fmt.Sprint(latest) != fmt.Sprint(want) {
		t.Fatalf("after compaction got %d records %q, want %q", len(recs), latest, want)
	}
	if last := recs[len(recs)-1].Offset; last != 9 {
		t.Fatalf("last consumed offset %d, want 9 (config offset 10)", last)
	}
}

func TestReadToEndPastTransactionMarkers(t *testing.T) {
	tests := []struct {
		name          string
		readCommitted bool
		wantValues    []string
	}{
		{name: "read uncommitted sees aborted data", wantValues: []string{"committed", "aborted"}},
		{name: "read committed skips aborted data", readCommitted: true, wantValues: []string{"committed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, cl, adm := newCluster(t)
			ensure(t, adm, "configs", 1)
			ctx := testCtx(t)
			tx, err := kgo.NewClient(kgo.SeedBrokers(cl.OptValue(kgo.SeedBrokers).([]string)...),
				kgo.TransactionalID("connect-cluster-test"), kgo.DefaultProduceTopic("configs"))
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Close()
			for _, v := range []string{"committed", "aborted"} {
				if err := tx.BeginTransaction(); err != nil {
					t.Fatal(err)
				}
				if err := tx.ProduceSync(ctx, &kgo.Record{Key: []byte("k-" + v), Value: []byte(v)}).FirstErr(); err != nil {
					t.Fatal(err)
				}
				if err := tx.EndTransaction(ctx, kgo.TransactionEndTry(v == "committed")); err != nil {
					t.Fatal(err)
				}
			}
			var opts []Opt
			if tt.readCommitted {
				opts = append(opts, WithReadCommitted())
			}
			// Start returns only if the Log gets past the final abort marker.
			_, col := startLog(t, cl, "configs", opts...)
			recs, _ := col.snapshot()
			var got []string
			for _, r := range recs {
				got = append(got, string(r.Value))
			}
			if strings.Join(got, ",") != strings.Join(tt.wantValues, ",") {
				t.Fatalf("values %q, want %q", got, tt.wantValues)
			}
		})
	}
}

func TestReadToEndErrors(t *testing.T) {
	_, cl, _ := newCluster(t)
	tests := []struct {
		name    string
		run     func(t *testing.T) error
		wantErr string
	}{
		{
			name: "missing topic names the topic",
			run: func(t *testing.T) error {
				l, err := New(cl, "no-such-topic")
				if err != nil {
					return err
				}
				defer l.Close()
				return l.Start(testCtx(t))
			},
			wantErr: `"no-such-topic"`,
		},
		{
			name: "read to end before start",
			run: func(t *testing.T) error {
				l, err := New(cl, "x")
				if err != nil {
					return err
				}
				defer l.Close()
				return l.ReadToEnd(testCtx(t))
			},
			wantErr: "ReadToEnd before Start",
		},
		{
			name: "empty topic name",
			run: func(*testing.T) error {
				_, err := New(cl, "")
				return err
			},
			wantErr: "empty topic name",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run(t)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCloseFailsLaterCalls(t *testing.T) {
	_, cl, adm := newCluster(t)
	ensure(t, adm, "t", 1)
	l, _ := startLog(t, cl, "t")
	l.Close()
	l.Close() // idempotent
	if err := l.Send(testCtx(t), []byte("k"), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send after Close: %v, want ErrClosed", err)
	}
	if err := l.ReadToEnd(testCtx(t)); !errors.Is(err, ErrClosed) {
		t.Fatalf("ReadToEnd after Close: %v, want ErrClosed", err)
	}
	got := make(chan error, 1)
	l.SendAsync([]byte("k"), nil, func(err error) { got <- err })
	if err := <-got; !errors.Is(err, ErrClosed) {
		t.Fatalf("SendAsync after Close: %v, want ErrClosed", err)
	}
}
