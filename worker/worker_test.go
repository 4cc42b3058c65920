package worker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/filestream"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/converters"
)

type statusLog struct {
	mu     sync.Mutex
	tasks  map[TaskID][]State
	errs   map[TaskID]error
	conns  map[string][]State
	notify chan struct{}
}

func newStatusLog() *statusLog {
	return &statusLog{tasks: map[TaskID][]State{}, errs: map[TaskID]error{}, conns: map[string][]State{}, notify: make(chan struct{}, 100)}
}

func (s *statusLog) ConnectorState(name string, st State, _ error) {
	s.mu.Lock()
	s.conns[name] = append(s.conns[name], st)
	s.mu.Unlock()
}

func (s *statusLog) TaskState(id TaskID, st State, err error) {
	s.mu.Lock()
	s.tasks[id] = append(s.tasks[id], st)
	if err != nil {
		s.errs[id] = err
	}
	s.mu.Unlock()
}

func (s *statusLog) last(id TaskID) State {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.tasks[id]
	if len(l) == 0 {
		return ""
	}
	return l[len(l)-1]
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond) // polling against a deadline
	}
}

func newTestWorker(t testing.TB, reg *connectors.Registry, store offsets.Store, st StatusListener, bootstrap []string) *Worker {
	t.Helper()
	w, err := New(Deps{
		Registry: reg,
		Offsets:  store,
		Status:   st,
		Converter: func(ctx context.Context, c string, cfg map[string]string, k bool, _ time.Duration) (schemas.Converter, error) {
			return converters.New(ctx, c, cfg, k)
		},
		HeaderConverter: converters.NewHeader,
		KafkaOpts:       []kgo.Opt{kgo.SeedBrokers(bootstrap...), kgo.AllowAutoTopicCreation()},
	}, Settings{
		WorkerID:       "127.0.0.1:8083",
		KeyConverter:   "org.apache.kafka.connect.storage.StringConverter",
		ValueConverter: "org.apache.kafka.connect.storage.StringConverter",
		FlushInterval:  100 * time.Millisecond,
		FlushTimeout:   5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func consumeAll(t *testing.T, bootstrap []string, topic string, want int) []string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap...), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var out []string
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for len(out) < want {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consumed %d of %d records from %s", len(out), want, topic)
		}
		fs.EachRecord(func(r *kgo.Record) { out = append(out, string(r.Value)) })
	}
	return out
}

// TestSourceTaskResumesFromCommittedOffsets runs FileStreamSource through the real
// task loop into kfake, stops it, appends lines, restarts it and checks that every
// line arrives exactly once across the two runs (a clean stop commits what was acked).
func TestSourceTaskResumesFromCommittedOffsets(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reg := connectors.NewRegistry()
	reg.Add(filestream.SourcePlugin())
	file := filepath.Join(t.TempDir(), "in.txt")
	write := func(from, to int) {
		f, err := os.OpenFile(file, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		for i := from; i < to; i++ {
			fmt.Fprintf(f, "line-%d\n", i)
		}
		f.Close()
	}
	write(0, 100)
	store := offsets.NewMemoryStore()
	st := newStatusLog()
	conn := connectors.Config{"connector.class": "FileStreamSource", "file": file, "topic": "lines", "name": "src"}
	task := connectors.Config{"file": file, "topic": "lines"}
	id := TaskID{"src", 0}

	w := newTestWorker(t, reg, store, st, c.ListenAddrs())
	if err := w.StartTask(id, conn, task, TargetStarted); err != nil {
		t.Fatal(err)
	}
	got := consumeAll(t, c.ListenAddrs(), "lines", 100)
	w.StopTasks([]TaskID{id})
	offs, _ := store.Get(context.Background(), "src", []offsets.Partition{{"filename": file}})
	if offs[0] == nil || offs[0]["position"] != int64(len("line-0\n")*10+len("line-10\n")*90) {
		t.Fatalf("committed offset after clean stop = %v", offs[0])
	}

	write(100, 150)
	w2 := newTestWorker(t, reg, store, st, c.ListenAddrs())
	if err := w2.StartTask(id, conn, task, TargetStarted); err != nil {
		t.Fatal(err)
	}
	got = consumeAll(t, c.ListenAddrs(), "lines", 150)
	w2.StopTasks([]TaskID{id})
	for i, v := range got {
		if v != fmt.Sprintf("line-%d", i) {
			t.Fatalf("record %d = %q, want line-%d (duplicates or gaps)", i, v, i)
		}
	}
	if len(got) != 150 {
		t.Fatalf("got %d records, want 150", len(got))
	}
}

type panicTask struct{ connectors.SourceTask }

func (panicTask) Start(context.Context, connectors.Config, connectors.TaskContext) error { return nil }
func (panicTask) Poll(context.Context) ([]*connectors.SourceRecord, error) {
	var m map[string]int
	m["boom"] = 1 // a nil-map write: a real runtime panic
	return nil, nil
}
func (panicTask) Stop(context.Context) error { return nil }

// TestPanickingTaskFailsWithTraceNotWorker checks that a panic in connector code
// fails that task with a trace naming the panic, and the worker goes on.
func TestPanickingTaskFailsWithTraceNotWorker(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reg := connectors.NewRegistry()
	reg.Add(&connectors.Plugin{Class: "test.PanicSource", NewConnector: func() connectors.Connector { return nil },
		NewSourceTask: func() connectors.SourceTask { return panicTask{} }})
	st := newStatusLog()
	w := newTestWorker(t, reg, offsets.NewMemoryStore(), st, c.ListenAddrs())
	id := TaskID{"p", 0}
	if err := w.StartTask(id, connectors.Config{"connector.class": "test.PanicSource"}, connectors.Config{}, TargetStarted); err != nil {
		t.Fatal(err)
	}
	eventually(t, "task FAILED", func() bool { return st.last(id) == Failed })
	st.mu.Lock()
	err = st.errs[id]
	st.mu.Unlock()
	var pe *PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("error = %v, want a PanicError", err)
	}
	if tr := Trace(err); !strings.Contains(tr, "assignment to entry in nil map") || !strings.Contains(tr, "Poll") {
		t.Fatalf("trace lacks the panic and its stack:\n%s", tr)
	}
	w.StopTasks([]TaskID{id})
}
