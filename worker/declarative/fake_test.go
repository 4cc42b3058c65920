package declarative

import (
	"bytes"
	"context"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gonnect/gonnect/rest/entities"
	"github.com/gonnect/gonnect/worker/workertest"
)

// fakeHerder is a small in-memory Applier: a config map, a leader switch and a log of
// the puts it received.
type fakeHerder struct {
	mu       sync.Mutex // guards everything below
	configs  map[string]map[string]string
	initial  map[string]*entities.TargetState
	leader   bool
	reject   map[string]bool // connector → answer puts with a BadRequestError
	puts     []string        // connector names, in call order
	attempts int             // every put, including refused ones
}

func newFakeHerder() *fakeHerder {
	return &fakeHerder{configs: map[string]map[string]string{}, initial: map[string]*entities.TargetState{},
		leader: true, reject: map[string]bool{}}
}

func (f *fakeHerder) PutConnectorConfig(_ context.Context, name string, cfg map[string]string, allowReplace bool, initial *entities.TargetState) (entities.ConnectorInfo, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts++
	if !f.leader {
		return entities.ConnectorInfo{}, false, &entities.NotLeaderError{LeaderURL: "http://leader:8083/"}
	}
	if f.reject[name] {
		return entities.ConnectorInfo{}, false, &entities.BadRequestError{Msg: "Connector configuration is invalid"}
	}
	_, exists := f.configs[name]
	if exists && !allowReplace {
		return entities.ConnectorInfo{}, false, entities.ConnectorExists(name)
	}
	f.configs[name] = maps.Clone(cfg)
	if !exists {
		f.initial[name] = initial
	}
	f.puts = append(f.puts, name)
	return entities.ConnectorInfo{Name: name, Config: cfg}, !exists, nil
}

func (f *fakeHerder) ConnectorConfig(_ context.Context, name string) (map[string]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.configs[name]
	if !ok {
		return nil, entities.ConnectorNotFound(name)
	}
	return maps.Clone(c), nil
}

func (f *fakeHerder) config(name string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.configs[name])
}

func (f *fakeHerder) putCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.puts)
}

func (f *fakeHerder) attemptCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempts
}

func (f *fakeHerder) setLeader(b bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.leader = b
}

// syncBuffer is a log sink safe for the Watch goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex // guards b
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

// startWatch runs Watch on dir until the test ends and returns its log.
func startWatch(t *testing.T, dir string, h Applier) *syncBuffer {
	t.Helper()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Watch(ctx, dir, h, log, PollInterval(10*time.Millisecond)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch returned %v after cancel, want nil", err)
		}
	})
	return logs
}

// eventually polls cond for up to five seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	workertest.Eventually(t, 5*time.Second, what, cond)
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// configMapDir lays files out as the kubelet mounts a ConfigMap: the data in a
// timestamped directory, a ..data link to it, and one link per key through ..data.
// Calling it again swaps ..data atomically to a new directory.
func configMapDir(t *testing.T, dir string, gen int, files map[string]string) {
	t.Helper()
	ts := filepath.Join(dir, "..2026_11_21_"+strings.Repeat("0", gen))
	if err := os.Mkdir(ts, 0o755); err != nil {
		t.Fatal(err)
	}
	for n, body := range files {
		writeFile(t, filepath.Join(ts, n), body)
		link := filepath.Join(dir, n)
		if _, err := os.Lstat(link); err != nil {
			if err := os.Symlink(filepath.Join("..data", n), link); err != nil {
				t.Fatal(err)
			}
		}
	}
	tmp := filepath.Join(dir, "..data_tmp")
	if err := os.Symlink(filepath.Base(ts), tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
}
