package workertest

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// buildGonnect builds cmd/gonnect into a temporary directory.
func buildGonnect(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gonnect")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/gonnect/gonnect/cmd/gonnect")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build cmd/gonnect: %v\n%s", err, out)
	}
	return bin
}

// sinkLine matches one record the sink wrote. A SIGKILL can cut the sink's buffered
// writer mid-line, and the replay after restart then continues on that line, so
// records are found by pattern rather than by splitting at newlines.
var sinkLine = regexp.MustCompile(`line-(\d{7})`)

// sinkSeqs returns the line numbers in the sink file in file order.
func sinkSeqs(t *testing.T, path string) []int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []int
	for _, m := range sinkLine.FindAllSubmatch(b, -1) {
		n, _ := strconv.Atoi(string(m[1]))
		out = append(out, n)
	}
	return out
}

func appendLines(t *testing.T, path string, from, to int) {
	t.Helper()
	var b bytes.Buffer
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "line-%07d\n", i)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(b.Bytes()); err != nil {
		t.Fatal(err)
	}
}

// TestSIGKILLAtLeastOnce runs FileStreamSource → topic → FileStreamSink in a
// `gonnect standalone` process against a kfake broker in the test process, SIGKILLs
// the process while lines stream, restarts it on the same offset file and consumer
// group, and checks that every input line reaches the sink file at least once, with
// first appearances in input order (duplicates only where the replay restarts).
func TestSIGKILLAtLeastOnce(t *testing.T) {
	bin := buildGonnect(t)
	k, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1),
		kfake.GroupMinSessionTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.txt"), filepath.Join(dir, "out.txt")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	files := map[string]string{
		"worker.properties": fmt.Sprintf("bootstrap.servers=%s\nkey.converter=org.apache.kafka.connect.storage.StringConverter\n"+
			"value.converter=org.apache.kafka.connect.storage.StringConverter\noffset.storage.file.filename=%s\n"+
			"offset.flush.interval.ms=100\nlisteners=http://127.0.0.1:%d\n",
			strings.Join(k.ListenAddrs(), ","), filepath.Join(dir, "connect.offsets"), port),
		"source.properties": fmt.Sprintf("name=lines-in\nconnector.class=FileStreamSource\ntasks.max=1\nfile=%s\ntopic=lines\nbatch.size=200\n", in),
		"sink.properties": fmt.Sprintf("name=lines-out\nconnector.class=FileStreamSink\ntasks.max=1\nfile=%s\ntopics=lines\n"+
			// A killed worker's consumer holds the sink's partition until its session
			// times out (45 s by default, as Java's).
			"consumer.override.session.timeout.ms=1500\nconsumer.override.heartbeat.interval.ms=300\n", out),
	}
	var args []string
	for _, name := range []string{"worker.properties", "source.properties", "sink.properties"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(files[name]), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	start := func() *exec.Cmd {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"standalone"}, args...)...)
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if cmd.ProcessState == nil {
				cmd.Process.Kill()
				cmd.Wait()
			}
			if t.Failed() {
				t.Logf("gonnect output:\n%s", logs.String())
			}
		})
		Eventually(t, 30*time.Second, "gonnect REST up", func() bool {
			resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/health", port))
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == 200
		})
		return cmd
	}

	const total = 120000
	appendLines(t, in, 0, 40000)
	cmd := start()
	Eventually(t, 30*time.Second, "the first lines in the sink", func() bool { return len(sinkSeqs(t, out)) >= 40000 })
	// Kill while the next lines stream into the sink: poll its size closely.
	appendLines(t, in, 40000, 80000)
	deadline := time.Now().Add(30 * time.Second)
	for fi, _ := os.Stat(out); fi == nil || fi.Size() < 41000*13; fi, _ = os.Stat(out) {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for the sink to grow")
		}
		time.Sleep(time.Millisecond) // polling against a deadline
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown, no final commits
		t.Fatal(err)
	}
	cmd.Wait()
	t.Logf("killed with %d lines in the sink (%d appended)", len(sinkSeqs(t, out)), 80000)
	appendLines(t, in, 80000, total)
	start()

	var seqs []int
	Eventually(t, 60*time.Second, "every line in the sink", func() bool {
		seqs = sinkSeqs(t, out)
		seen := map[int]bool{}
		for _, s := range seqs {
			seen[s] = true
		}
		return len(seen) == total
	})
	next := 0 // the next line number never seen before
	for i, s := range seqs {
		if s > next {
			t.Fatalf("sink position %d: line %d before line %d ever appeared", i, s, next)
		}
		if s == next {
			next++
		}
	}
	t.Logf("%d lines written for %d inputs (%d duplicates at the crash boundary)", len(seqs), total, len(seqs)-total)
}
