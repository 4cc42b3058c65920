package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond) // polling against a deadline
	}
}

type standaloneRun struct {
	cancel context.CancelFunc
	done   chan int
	stderr *bytes.Buffer
}

func startStandalone(t *testing.T, args ...string) *standaloneRun {
	ctx, cancel := context.WithCancel(context.Background())
	r := &standaloneRun{cancel: cancel, done: make(chan int, 1), stderr: &bytes.Buffer{}}
	go func() { r.done <- run(ctx, append([]string{"standalone"}, args...), &bytes.Buffer{}, r.stderr) }()
	return r
}

func (r *standaloneRun) stop() int { r.cancel(); return <-r.done }

// TestStandaloneResumesFromOffsetFile runs connect-standalone style with a
// FileStreamSource from a properties file, stops it, appends lines, restarts it and
// checks every line reached Kafka exactly once: the offset file carried the position.
func TestStandaloneResumesFromOffsetFile(t *testing.T) {
	k, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1))
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	dir := t.TempDir()
	in, offs := filepath.Join(dir, "in.txt"), filepath.Join(dir, "connect.offsets")
	port := freePort(t)
	worker := filepath.Join(dir, "worker.properties")
	os.WriteFile(worker, []byte(fmt.Sprintf(`bootstrap.servers=%s
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.storage.file.filename=%s
offset.flush.interval.ms=200
listeners=http://127.0.0.1:%d
`, strings.Join(k.ListenAddrs(), ","), offs, port)), 0o644)
	conn := filepath.Join(dir, "file-source.properties")
	os.WriteFile(conn, []byte(fmt.Sprintf("name=local-file-source\nconnector.class=FileStreamSource\ntasks.max=1\nfile=%s\ntopic=connect-test\n", in)), 0o644)
	os.WriteFile(in, []byte("a\nb\nc\n"), 0o644)

	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	running := func() bool {
		resp, err := http.Get(url + "/connectors/local-file-source/status")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var st struct {
			Tasks []struct{ State string } `json:"tasks"`
		}
		json.NewDecoder(resp.Body).Decode(&st)
		return len(st.Tasks) == 1 && st.Tasks[0].State == "RUNNING"
	}
	r := startStandalone(t, worker, conn)
	eventually(t, "connector from file RUNNING", running)
	cl, _ := kgo.NewClient(kgo.SeedBrokers(k.ListenAddrs()...), kgo.ConsumeTopics("connect-test"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	defer cl.Close()
	var got []string
	poll := func(n int) {
		eventually(t, fmt.Sprintf("%d records", n), func() bool {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) { got = append(got, string(r.Value)) })
			return len(got) >= n
		})
	}
	poll(3)
	if code := r.stop(); code != 0 {
		t.Fatalf("standalone exited %d: %s", code, r.stderr)
	}
	if _, err := os.Stat(offs); err != nil {
		t.Fatalf("no offset file after a clean stop: %v", err)
	}
	f, _ := os.OpenFile(in, os.O_APPEND|os.O_WRONLY, 0o644)
	f.WriteString("d\ne\n")
	f.Close()
	r = startStandalone(t, worker, conn)
	eventually(t, "RUNNING after restart", running)
	poll(5)
	if code := r.stop(); code != 0 {
		t.Fatalf("standalone exited %d: %s", code, r.stderr)
	}
	if strings.Join(got, "") != "abcde" {
		t.Fatalf("records = %v, want a..e once each", got)
	}

	// A corrupt offset file fails start-up with a message naming it; it is not reset.
	os.WriteFile(offs, []byte("{not json"), 0o644)
	r = startStandalone(t, worker, conn)
	code := <-r.done
	if code == 0 || !strings.Contains(r.stderr.String(), offs) {
		t.Fatalf("corrupt offset file: exit %d, stderr %q", code, r.stderr)
	}
	if b, _ := os.ReadFile(offs); string(b) != "{not json" {
		t.Fatalf("corrupt offset file was rewritten: %q", b)
	}
}
