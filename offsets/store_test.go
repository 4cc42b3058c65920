package offsets

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gonnect/gonnect/offsets/kafkalog"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// syncBuffer is a log sink safe for the log goroutine and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// kafkaEnv is a kfake cluster with the offsets topic created as the worker would.
type kafkaEnv struct {
	cluster *kfake.Cluster
	client  *kgo.Client
	topic   string
}

func newKafkaEnv(t *testing.T) *kafkaEnv {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	err = kafkalog.EnsureTopic(testCtx(t), kadm.NewClient(cl), kafkalog.TopicSpec{
		Name: "connect-offsets", WorkerProperty: "offset.storage.topic", Purpose: "source connector offsets",
		Partitions: 5, ReplicationFactor: 1, Logger: slog.New(slog.NewTextHandler(t.Output(), nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return &kafkaEnv{cluster: c, client: cl, topic: "connect-offsets"}
}

func (e *kafkaEnv) store(t *testing.T, logTo *syncBuffer) *KafkaStore {
	t.Helper()
	var w interface{ Write([]byte) (int, error) } = t.Output()
	if logTo != nil {
		w = logTo
	}
	s, err := NewKafkaStore(e.client, e.topic, WithKafkaLogger(slog.New(slog.NewTextHandler(w, nil))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if err := s.Start(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	return s
}

func sortedKeys(ps []Partition) []string {
	var out []string
	for _, p := range ps {
		b, _ := EncodeKey("", p)
		out = append(out, string(b))
	}
	sort.Strings(out)
	return out
}

// TestStoreContract runs the same behaviour against every Store.
func TestStoreContract(t *testing.T) {
	stores := []struct {
		name string
		new  func(t *testing.T) Store
	}{
		{name: "memory", new: func(*testing.T) Store { return NewMemoryStore() }},
		{name: "file", new: func(t *testing.T) Store {
			s, err := NewFileStore(filepath.Join(t.TempDir(), "offsets.json"))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{name: "kafka", new: func(t *testing.T) Store { return newKafkaEnv(t).store(t, nil) }},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			s := st.new(t)
			ctx := testCtx(t)
			pA, pB := Partition{"server": "db1"}, Partition{"file": "f", "n": 3}
			err := s.Set(ctx, "c1", []Entry{
				{Partition: pA, Offset: Offset{"pos": int64(1)}},
				{Partition: pB, Offset: Offset{"pos": 2}},
				{Partition: pA, Offset: Offset{"pos": int64(5), "gtids": "0-1-5"}}, // later entry wins
			})
			if err != nil {
				t.Fatalf("Set: %v", err)
			}
			if err := s.Set(ctx, "c2", []Entry{{Partition: pA, Offset: Offset{"pos": int64(99)}}}); err != nil {
				t.Fatalf("Set c2: %v", err)
			}
			// int32 vs int vs int64 name the same partition, as in Java's bytes.
			got, err := s.Get(ctx, "c1", []Partition{pA, {"file": "f", "n": int64(3)}, {"server": "unknown"}})
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			want := []Offset{{"pos": int64(5), "gtids": "0-1-5"}, {"pos": int64(2)}, nil}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Get = %#v, want %#v", got, want)
			}
			got[0]["pos"] = "mutated" // callers get copies
			if again, _ := s.Get(ctx, "c1", []Partition{pA}); again[0]["pos"] == "mutated" {
				t.Fatal("Get returned the store's own map")
			}
			ps, err := s.Partitions(ctx, "c1")
			if err != nil {
				t.Fatal(err)
			}
			if got, want := sortedKeys(ps), sortedKeys([]Partition{pA, pB}); !reflect.DeepEqual(got, want) {
				t.Fatalf("Partitions = %v, want %v", got, want)
			}
			// A tombstone resets one partition only.
			if err := s.Set(ctx, "c1", []Entry{{Partition: pA}}); err != nil {
				t.Fatal(err)
			}
			got, _ = s.Get(ctx, "c1", []Partition{pA, pB})
			if got[0] != nil || got[1] == nil {
				t.Fatalf("after tombstone Get = %v, want [nil, offset]", got)
			}
			if other, _ := s.Get(ctx, "c2", []Partition{pA}); other[0]["pos"] != int64(99) {
				t.Fatalf("c2 = %v, connectors must not share offsets", other)
			}
			// A bad entry fails the whole call and changes nothing.
			err = s.Set(ctx, "c1", []Entry{{Partition: pB, Offset: Offset{"pos": 10}}, {Partition: nil, Offset: Offset{"x": 1}}})
			if err == nil || !strings.Contains(err.Error(), "offset entry 1") {
				t.Fatalf("Set with nil partition: %v, want error naming entry 1", err)
			}
			if got, _ := s.Get(ctx, "c1", []Partition{pB}); got[0]["pos"] == 10 || got[0]["pos"] == int64(10) {
				t.Fatal("a failed Set changed the store")
			}
		})
	}
}

func TestKafkaStoreSeesOtherWorkersAndSkipsGarbage(t *testing.T) {
	env := newKafkaEnv(t)
	var logs syncBuffer
	reader := env.store(t, &logs)
	writer := env.store(t, nil)
	ctx := testCtx(t)

	raw := func(key, value string) {
		t.Helper()
		var v []byte
		if value != "<nil>" {
			v = []byte(value)
		}
		if err := env.client.ProduceSync(ctx, &kgo.Record{Topic: env.topic, Key: []byte(key), Value: v}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	raw(`not json`, `{"pos":1}`)
	raw(`["c",{"p":1},"extra"]`, `{"pos":1}`)
	raw(`["c",{"p":1}]`, `[1,2]`)
	// A Java worker's bytes, keys in a different order than Gonnect writes them.
	raw(`["java",{"b":1,"a":"x"}]`, `{"position":7}`)

	if err := writer.Set(ctx, "c", []Entry{{Partition: Partition{"p": 1}, Offset: Offset{"pos": 42}}}); err != nil {
		t.Fatal(err)
	}
	got, err := reader.Get(ctx, "c", []Partition{{"p": 1}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []Offset{{"pos": int64(42)}}) {
		t.Fatalf("reader Get = %v, want the writer's offset", got)
	}
	got, _ = reader.Get(ctx, "java", []Partition{{"a": "x", "b": 1}})
	if !reflect.DeepEqual(got, []Offset{{"position": int64(7)}}) {
		t.Fatalf("Java-written key not found structurally: %v", got)
	}
	out := logs.String()
	for _, want := range []string{"unreadable key", "has 3 elements", "unreadable value", "is an array"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func TestKafkaStoreAfterCompaction(t *testing.T) {
	env := newKafkaEnv(t)
	ctx := testCtx(t)
	w := env.store(t, nil)
	for i := range 20 {
		if err := w.Set(ctx, "c", []Entry{{Partition: Partition{"p": i % 2}, Offset: Offset{"pos": i}}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Set(ctx, "c", []Entry{{Partition: Partition{"p": 0}}}); err != nil {
		t.Fatal(err)
	}
	env.cluster.Compact()
	r := env.store(t, nil)
	got, err := r.Get(ctx, "c", []Partition{{"p": 0}, {"p": 1}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []Offset{nil, {"pos": int64(19)}}) {
		t.Fatalf("after compaction Get = %v, want [nil {pos:19}]", got)
	}
}

func TestFileStorePersistsAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "connect.offsets")
	s, err := NewFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	if err := s.Set(ctx, "file-src", []Entry{{Partition: Partition{"filename": "/in.txt"}, Offset: Offset{"position": 42}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, "mysql", []Entry{{Partition: Partition{"server": "db1"}, Offset: Offset{"file": "binlog.000003", "pos": 4711}}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "offsets-file.golden", b)
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d files, want only the offsets file (no temp files left)", len(entries))
	}
	reopened, err := NewFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := reopened.Get(ctx, "mysql", []Partition{{"server": "db1"}})
	if !reflect.DeepEqual(got, []Offset{{"file": "binlog.000003", "pos": int64(4711)}}) {
		t.Fatalf("after reopen Get = %v", got)
	}
}

func TestFileStoreRefusesCorruptFiles(t *testing.T) {
	tests := []struct {
		name    string
		content string
		wantErr string
	}{
		{name: "truncated", content: `{"format":"gonnect.offsets.v1","offsets":[{"key":["c",{}]`, wantErr: "not a gonnect.offsets.v1 JSON document"},
		{name: "java serialization", content: "\xac\xed\x00\x05sr\x00\x11java.util.HashMap", wantErr: "not a gonnect.offsets.v1 JSON document"},
		{name: "wrong format", content: `{"format":"other","offsets":[]}`, wantErr: `format "other"`},
		{name: "bad key", content: `{"format":"gonnect.offsets.v1","offsets":[{"key":["c"],"value":{}}]}`, wantErr: "entry 0: offset key array has 1 elements"},
		{name: "bad value", content: `{"format":"gonnect.offsets.v1","offsets":[{"key":["c",{}],"value":3}]}`, wantErr: "entry 0: offset value is a number"},
		{name: "unknown field", content: `{"format":"gonnect.offsets.v1","offsets":[],"x":1}`, wantErr: "unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "offsets")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := NewFileStore(path)
			if err == nil {
				t.Fatal("NewFileStore accepted a corrupt file")
			}
			for _, want := range []string{path, tt.wantErr, "move it aside"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if b, _ := os.ReadFile(path); string(b) != tt.content {
				t.Fatal("the corrupt file was changed")
			}
		})
	}
	if _, err := NewFileStore(filepath.Join(t.TempDir(), "missing", "offsets")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing directory: %v", err)
	}
}
