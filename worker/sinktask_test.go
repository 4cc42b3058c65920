package worker

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/filestream"
	"github.com/gonnect/gonnect/offsets"
)

// TestFileSourceToFileSink runs FileStreamSource → topic → FileStreamSink through the
// real task loops and checks every line arrives once, in order; then restarts the
// sink and checks it resumes from its committed group offsets without repeating.
func TestFileSourceToFileSink(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reg := connectors.NewRegistry()
	reg.Add(filestream.SourcePlugin())
	reg.Add(filestream.SinkPlugin())
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.txt"), filepath.Join(dir, "out.txt")
	var lines []string
	for i := 0; i < 200; i++ {
		lines = append(lines, fmt.Sprintf("line-%d", i))
	}
	os.WriteFile(in, []byte(strings.Join(lines[:100], "\n")+"\n"), 0o644)
	st := newStatusLog()
	w := newTestWorker(t, reg, offsets.NewMemoryStore(), st, c.ListenAddrs())
	src, sink := TaskID{"src", 0}, TaskID{"sink", 0}
	sinkConn := connectors.Config{"connector.class": "FileStreamSink", "topics": "pipe", "file": out}
	if err := w.StartTask(src, connectors.Config{"connector.class": "FileStreamSource"}, connectors.Config{"file": in, "topic": "pipe"}, TargetStarted); err != nil {
		t.Fatal(err)
	}
	if err := w.StartTask(sink, sinkConn, connectors.Config{"file": out}, TargetStarted); err != nil {
		t.Fatal(err)
	}
	readOut := func() []string {
		b, _ := os.ReadFile(out)
		s := strings.TrimSuffix(string(b), "\n")
		if s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}
	eventually(t, "100 lines in the sink file", func() bool { return len(readOut()) >= 100 })
	w.StopTasks([]TaskID{sink})

	f, _ := os.OpenFile(in, os.O_APPEND|os.O_WRONLY, 0o644)
	f.WriteString(strings.Join(lines[100:], "\n") + "\n")
	f.Close()
	if err := w.StartTask(sink, sinkConn, connectors.Config{"file": out}, TargetStarted); err != nil {
		t.Fatal(err)
	}
	eventually(t, "200 lines in the sink file", func() bool { return len(readOut()) >= 200 })
	w.StopTasks([]TaskID{src, sink})
	got := readOut()
	if strings.Join(got, ",") != strings.Join(lines, ",") {
		t.Fatalf("sink file has %d lines, want the 200 source lines once each in order; first diff near %v", len(got), firstDiff(got, lines))
	}
}

func firstDiff(a, b []string) string {
	for i := range a {
		if i >= len(b) || a[i] != b[i] {
			return fmt.Sprintf("index %d: %q", i, a[i])
		}
	}
	return "length"
}

// TestSinkDeadLetterQueue sends records the JSON converter cannot parse to a sink with
// errors.tolerance=all and a DLQ: the bad records land in the DLQ with Connect's
// context headers, the good ones reach the sink, and the task keeps running.
func TestSinkDeadLetterQueue(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pcl, _ := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.AllowAutoTopicCreation())
	defer pcl.Close()
	for _, v := range []string{`"good-1"`, `{not json`, `"good-2"`} {
		if err := pcl.ProduceSync(context.Background(), &kgo.Record{Topic: "in", Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	reg := connectors.NewRegistry()
	reg.Add(filestream.SinkPlugin())
	out := filepath.Join(t.TempDir(), "out.txt")
	st := newStatusLog()
	w := newTestWorker(t, reg, offsets.NewMemoryStore(), st, c.ListenAddrs())
	id := TaskID{"dlq-sink", 0}
	conn := connectors.Config{"connector.class": "FileStreamSink", "topics": "in", "file": out,
		"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false",
		"errors.tolerance": "all", "errors.deadletterqueue.topic.name": "dlq",
		"errors.deadletterqueue.topic.replication.factor": "1", "errors.deadletterqueue.context.headers.enable": "true"}
	if err := w.StartTask(id, conn, connectors.Config{"file": out}, TargetStarted); err != nil {
		t.Fatal(err)
	}
	eventually(t, "two good lines", func() bool { b, _ := os.ReadFile(out); return strings.Count(string(b), "\n") >= 2 })
	cl, _ := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumeTopics("dlq"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	defer cl.Close()
	var dead *kgo.Record
	eventually(t, "a DLQ record", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 200e6)
		defer cancel()
		cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) { dead = r })
		return dead != nil
	})
	w.StopTasks([]TaskID{id})
	if string(dead.Value) != `{not json` {
		t.Fatalf("DLQ value = %q", dead.Value)
	}
	hs := map[string]string{}
	for _, h := range dead.Headers {
		hs[h.Key] = string(h.Value)
	}
	for k, want := range map[string]string{"__connect.errors.topic": "in", "__connect.errors.partition": "0", "__connect.errors.offset": "1",
		"__connect.errors.connector.name": "dlq-sink", "__connect.errors.task.id": "0", "__connect.errors.stage": "VALUE_CONVERTER"} {
		if hs[k] != want {
			t.Errorf("header %s = %q, want %q", k, hs[k], want)
		}
	}
	if hs["__connect.errors.exception.message"] == "" {
		t.Error("no exception message header")
	}
	b, _ := os.ReadFile(out)
	if string(b) != "good-1\ngood-2\n" {
		t.Fatalf("sink file = %q", b)
	}
	if st.last(id) == Failed {
		t.Fatal("task failed despite errors.tolerance=all")
	}
}
