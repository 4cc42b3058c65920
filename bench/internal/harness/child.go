// Package harness is what the benchmark programs under bench/ share: child processes
// that die with the parent, a kfake broker in its own process, per-process CPU and
// memory from procfs, latency percentiles, and the RESULT lines scripts/bench.sh
// gathers into its summary table.
//
// A benchmark program that needs helper processes (the broker, a worker, a franz-go
// peer) runs copies of itself: main calls Dispatch first, which runs the role named in
// the child's environment and exits, and otherwise returns so the parent carries on.
package harness

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
)

// roleEnv names the environment variable that selects a child's role.
const roleEnv = "GONNECT_BENCH_ROLE"

// Role is the body of a child process; args are the child's command-line arguments.
type Role func(ctx context.Context, args []string) error

// Dispatch runs the role named by GONNECT_BENCH_ROLE, if any, and exits the process
// with its result; in the parent (no role set) it returns at once. The role's ctx is
// cancelled on SIGINT or SIGTERM. Call it first thing in main.
func Dispatch(roles map[string]Role) {
	name := os.Getenv(roleEnv)
	if name == "" {
		return
	}
	r, ok := roles[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown benchmark role %q\n", name)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := r(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "role %s: %v\n", name, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Proc is a child process started by Spawn or Exec. Its stdout and stderr go to a log
// file; stdout lines that start with "@" are also delivered on Events.
type Proc struct {
	Name    string
	Cmd     *exec.Cmd
	LogPath string
	Started time.Time
	// Events carries the child's "@..." stdout lines (without the "@"); it is closed
	// when the child's stdout closes. Lines are dropped if nobody reads them and the
	// buffer (1024 lines) is full.
	Events chan string
	done   chan struct{}
	err    error
}

var (
	procsMu sync.Mutex // guards procs
	procs   []*Proc
)

// Spawn starts a copy of this program in the given role. See Exec.
func Spawn(dir, name, role string, args ...string) (*Proc, error) {
	return SpawnOn("", dir, name, role, args...)
}

// SpawnOn is Spawn with the child pinned to the given CPU list (taskset syntax, such
// as "1" or "0,1"); an empty list leaves it unpinned.
func SpawnOn(cpus, dir, name, role string, args ...string) (*Proc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	env := append([]string{roleEnv + "=" + role}, os.Environ()...)
	if cpus != "" {
		// taskset execs the program in place, so the pid stays the child's and every
		// thread the Go runtime creates inherits the mask.
		return start(dir, name, env, "taskset", append([]string{"-c", cpus, self}, args...)...)
	}
	return start(dir, name, env, self, args...)
}

// Exec starts an outside program (such as bin/gonnect) as a child. The child gets
// SIGKILL if this process dies (Pdeathsig) and is killed by KillAll; its output goes
// to dir/name.log.
func Exec(dir, name string, env []string, bin string, args ...string) (*Proc, error) {
	return start(dir, name, append(os.Environ(), env...), bin, args...)
}

func start(dir, name string, env []string, bin string, args ...string) (*Proc, error) {
	logPath := dir + "/" + name + ".log"
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stderr = lf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		lf.Close()
		return nil, err
	}
	p := &Proc{Name: name, Cmd: cmd, LogPath: logPath, Events: make(chan string, 1024), done: make(chan struct{})}
	p.Started = time.Now()
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	procsMu.Lock()
	procs = append(procs, p)
	procsMu.Unlock()
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(lf, line)
			if ev, ok := strings.CutPrefix(line, "@"); ok {
				select {
				case p.Events <- ev:
				default:
				}
			}
		}
		_, _ = io.Copy(lf, out)
		close(p.Events)
		p.err = cmd.Wait()
		lf.Close()
		close(p.done)
	}()
	return p, nil
}

// Pid returns the child's process id.
func (p *Proc) Pid() int { return p.Cmd.Process.Pid }

// Exited reports whether the child has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Wait blocks until the child exits or d passes, and returns its exit error.
func (p *Proc) Wait(d time.Duration) error {
	select {
	case <-p.done:
		return p.err
	case <-time.After(d):
		return fmt.Errorf("%s still running after %v", p.Name, d)
	}
}

// Kill sends SIGKILL to the child and waits (at most 5 s) for it to be reaped.
func (p *Proc) Kill() {
	if p.Exited() {
		return
	}
	_ = p.Cmd.Process.Signal(syscall.SIGKILL)
	_ = p.Wait(5 * time.Second)
}

// Stop asks the child to shut down with SIGTERM and kills it if it has not exited
// within grace.
func (p *Proc) Stop(grace time.Duration) {
	if p.Exited() {
		return
	}
	_ = p.Cmd.Process.Signal(syscall.SIGTERM)
	if p.Wait(grace) != nil {
		p.Kill()
	}
}

// Tail returns the last n lines of the child's log, for error messages.
func (p *Proc) Tail(n int) string {
	b, err := os.ReadFile(p.LogPath)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// NextEvent returns the child's next "@" line with the given prefix (the prefix
// removed), skipping others, or an error when the child exits or d passes.
func (p *Proc) NextEvent(prefix string, d time.Duration) (string, error) {
	deadline := time.After(d)
	for {
		select {
		case ev, ok := <-p.Events:
			if !ok {
				return "", fmt.Errorf("%s exited before reporting %q; log %s:\n%s", p.Name, prefix, p.LogPath, p.Tail(15))
			}
			if rest, ok := strings.CutPrefix(ev, prefix); ok {
				return strings.TrimSpace(rest), nil
			}
		case <-deadline:
			return "", fmt.Errorf("%s did not report %q within %v; log %s:\n%s", p.Name, prefix, d, p.LogPath, p.Tail(15))
		}
	}
}

// KillAll kills every child still running. Benchmark programs defer it in main and
// call it from their signal handler.
func KillAll() {
	procsMu.Lock()
	ps := append([]*Proc(nil), procs...)
	procsMu.Unlock()
	for _, p := range ps {
		p.Kill()
	}
}

// Main runs body in the parent with a temp directory, killing every child on return
// or on SIGINT/SIGTERM, and exits non-zero with the error. The temp directory is kept
// (and named) when body fails, or always when GONNECT_BENCH_KEEP is set, so the
// children's logs can be read.
func Main(name string, body func(ctx context.Context, dir string) error) {
	dir, err := os.MkdirTemp("", "gonnect-bench-"+name+"-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = body(ctx, dir)
	stop()
	KillAll()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			err = errors.New("interrupted")
		}
		fmt.Fprintf(os.Stderr, "bench/%s: %v (logs kept in %s)\n", name, err, dir)
		os.Exit(1)
	}
	if os.Getenv("GONNECT_BENCH_KEEP") != "" {
		fmt.Printf("logs kept in %s\n", dir)
		return
	}
	_ = os.RemoveAll(dir)
}
