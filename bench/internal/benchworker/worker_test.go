package benchworker

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/bench/internal/benchconn"
	"github.com/gonnect/gonnect/bench/internal/harness"
)

func TestMain(m *testing.M) {
	harness.Dispatch(map[string]harness.Role{harness.BrokerRole: harness.RunBroker, Role: Run})
	os.Exit(m.Run())
}

// TestSourceThenSink runs the benchmark connectors through a real worker process on a
// broker process: the synthetic source writes exactly its records, byte for byte,
// and the no-op sink reports once it has seen them all.
func TestSourceThenSink(t *testing.T) {
	const n, size = 2500, 64
	dir := t.TempDir()
	br, err := harness.StartBroker("", dir, "broker")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(br.Kill)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	wp, url, err := StartReady(ctx, "", dir, "worker", harness.Props(br.Addr, "test"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wp.Stop(10 * time.Second) })
	for _, tc := range []struct {
		name string
		cfg  map[string]string
	}{
		{name: "source", cfg: map[string]string{"connector.class": benchconn.SourceClass, "topic": "t", "records": strconv.Itoa(n),
			"payload.bytes": strconv.Itoa(size), "batch.size": "100"}},
		{name: "sink", cfg: map[string]string{"connector.class": benchconn.SinkClass, "topics": "t", "expect": strconv.Itoa(n),
			"value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter"}},
	} {
		// A create right after another may meet the rebalance it started: retry 409
		// as Connect clients do.
		for {
			st, b, _, err := harness.Call(ctx, "POST", url+"/connectors", map[string]any{"name": tc.name, "config": tc.cfg})
			if err != nil {
				t.Fatal(err)
			}
			if st == 201 {
				break
			}
			if st != 409 || ctx.Err() != nil {
				t.Fatalf("POST %s: HTTP %d: %s", tc.name, st, b)
			}
			time.Sleep(100 * time.Millisecond) // retrying a 409 against the test's deadline
		}
		if tc.name == "source" {
			checkTopic(ctx, t, br.Addr, n, size)
		}
	}
	ev, err := wp.NextEvent("sink-done", 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var rep benchconn.SinkReport
	if err := json.Unmarshal([]byte(ev), &rep); err != nil {
		t.Fatalf("report %q: %v", ev, err)
	}
	// String keys arrive as strings, ByteArray values as bytes; both are counted.
	if rep.Records != n || rep.Bytes != int64(n*(size+benchconn.KeyBytes)) || rep.EndNs < rep.StartNs {
		t.Fatalf("sink report %+v: want %d records, %d bytes, end ≥ start", rep, n, n*(size+benchconn.KeyBytes))
	}
}

// checkTopic consumes topic t until it has n records and checks every key and value.
func checkTopic(ctx context.Context, t *testing.T, broker string, n, size int) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(broker), kgo.ConsumeTopics("t"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	seen := 0
	for seen < n {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			t.Fatalf("after %d records: %v", seen, err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			seq := int64(seen)
			if string(r.Key) != string(benchconn.AppendKey(nil, seq)) || string(r.Value) != string(benchconn.AppendValue(nil, seq, size)) {
				t.Fatalf("record %d: key %q value %q", seen, r.Key, r.Value)
			}
			seen++
		})
	}
}
