package herder

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/filestream"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/rest/entities"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/converters"
	"github.com/gonnect/gonnect/worker"
	"github.com/gonnect/gonnect/worker/configstore"
	"github.com/gonnect/gonnect/worker/statusstore"
)

type listener struct{ h **Herder }

func (l listener) ConnectorState(n string, s worker.State, err error) {
	(*l.h).ConnectorState(n, s, err)
}
func (l listener) TaskState(id worker.TaskID, s worker.State, err error) {
	(*l.h).TaskState(id, s, err)
}

// standalone builds a herder in a group of one on kfake, as standalone mode does.
func standalone(t *testing.T) (*Herder, *kfake.Cluster) { return standaloneWith(t, AutoRestart{}) }

func standaloneWith(t *testing.T, ar AutoRestart) (*Herder, *kfake.Cluster) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	reg := connectors.NewRegistry()
	reg.Add(filestream.SourcePlugin())
	reg.Add(flakyPlugin())
	var h *Herder
	w, err := worker.New(worker.Deps{
		Registry: reg, Offsets: offsets.NewMemoryStore(), Status: listener{&h},
		Converter: func(ctx context.Context, cl string, cfg map[string]string, k bool, _ time.Duration) (schemas.Converter, error) {
			return converters.New(ctx, cl, cfg, k)
		},
		HeaderConverter: converters.NewHeader,
		KafkaOpts:       []kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...), kgo.AllowAutoTopicCreation()},
		OnReconfigure:   func(n string) { h.RequestReconfiguration(n) },
	}, worker.Settings{WorkerID: "w1:8083", KeyConverter: "org.apache.kafka.connect.storage.StringConverter",
		ValueConverter: "org.apache.kafka.connect.storage.StringConverter", FlushInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	h = New(Config{WorkerID: "w1:8083", URL: "http://w1:8083/", WorkerSyncTimeout: 3 * time.Second, TopicTracking: true, AutoRestart: ar},
		w, configstore.NewMemory(), NewStatusWriter(statusstore.NewMemory(), "w1:8083", nil), offsets.NewMemoryStore(), reg, nil, nil)
	solo := NewSolo(h)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { h.Run(ctx, solo); done <- struct{}{} }()
	go func() { solo.Run(ctx); done <- struct{}{} }()
	t.Cleanup(func() { cancel(); <-done; <-done })
	return h, c
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

func state(h *Herder, name string) (string, []string) {
	st, err := h.ConnectorStatus(context.Background(), name)
	if err != nil {
		return "", nil
	}
	var ts []string
	for _, t := range st.Tasks {
		ts = append(ts, string(t.State))
	}
	return string(st.Connector.State), ts
}

// TestHerderLifecycle drives a connector through create, run, pause, resume, a no-op
// re-PUT, stop and delete on a standalone herder, checking statuses and the records in
// Kafka along the way.
func TestHerderLifecycle(t *testing.T) {
	h, c := standalone(t)
	ctx := context.Background()
	eventually(t, "leadership", func() bool { return h.getView().leader })

	file := filepath.Join(t.TempDir(), "in.txt")
	os.WriteFile(file, []byte("a\nb\nc\n"), 0o644)
	cfg := map[string]string{"name": "src", "connector.class": "FileStreamSource", "file": file, "topic": "t1"}
	info, created, err := h.PutConnectorConfig(ctx, "src", cfg, false, nil)
	if err != nil || !created || info.Name != "src" {
		t.Fatalf("create: %+v %v %v", info, created, err)
	}
	if _, _, err := h.PutConnectorConfig(ctx, "src", cfg, false, nil); err == nil {
		t.Fatal("second POST of the same name succeeded; want already exists")
	}
	eventually(t, "connector and task RUNNING", func() bool {
		c, ts := state(h, "src")
		return c == "RUNNING" && len(ts) == 1 && ts[0] == "RUNNING"
	})
	cl, _ := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumeTopics("t1"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	defer cl.Close()
	var got []string
	eventually(t, "3 records", func() bool {
		pctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		cl.PollFetches(pctx).EachRecord(func(r *kgo.Record) { got = append(got, string(r.Value)) })
		return len(got) >= 3
	})
	if fmt.Sprint(got) != "[a b c]" {
		t.Fatalf("records = %v", got)
	}

	if err := h.PauseConnector(ctx, "src"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "PAUSED", func() bool { c, ts := state(h, "src"); return c == "PAUSED" && len(ts) == 1 && ts[0] == "PAUSED" })
	if err := h.ResumeConnector(ctx, "src"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "RUNNING again", func() bool { c, ts := state(h, "src"); return c == "RUNNING" && len(ts) == 1 && ts[0] == "RUNNING" })

	if _, created, err := h.PutConnectorConfig(ctx, "src", cfg, true, nil); err != nil || created {
		t.Fatalf("re-PUT of the same config: created=%v err=%v", created, err)
	}
	stored, _ := h.ConnectorConfig(ctx, "src")
	if len(stored) != len(cfg) || stored["file"] != file {
		t.Fatalf("stored config = %v", stored)
	}

	if err := h.StopConnector(ctx, "src"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "STOPPED with no tasks", func() bool { c, ts := state(h, "src"); return c == "STOPPED" && len(ts) == 0 })
	if _, err := h.Offsets(ctx, "src"); err != nil {
		t.Fatalf("offsets of a stopped connector: %v", err)
	}

	if err := h.DeleteConnector(ctx, "src"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "status gone", func() bool {
		_, err := h.ConnectorStatus(ctx, "src")
		_, nf := err.(*entities.NotFoundError)
		return nf
	})
	if err := h.DeleteConnector(ctx, "src"); err == nil {
		t.Fatal("deleting a deleted connector succeeded")
	}
}
