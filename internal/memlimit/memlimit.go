// Package memlimit gives the Go runtime a soft memory limit from the container's
// cgroup memory limit when GOMEMLIMIT is not set, so a worker in a pod with a
// memory limit collects garbage harder as it nears the limit instead of being
// OOM-killed with most of its heap already garbage (a long Oracle transaction, a
// burst of large rows). A GOMEMLIMIT set by the operator always wins.
package memlimit

import (
	"bufio"
	"errors"
	"io/fs"
	"math"
	"os"
	"path"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
)

// Ratio is the share of the cgroup limit given to the Go runtime; the rest is left
// for memory the runtime does not count (thread stacks of cgo calls such as the
// Oracle client, the kernel's page cache charged to the cgroup).
const Ratio = 0.9

// unlimitedV1 is the smallest cgroup v1 limit_in_bytes treated as "no limit" (the
// kernel reports 2^63 rounded down to a page).
const unlimitedV1 = 1 << 62

// CgroupLimit reads the memory limit of this process's cgroup from fsys, a view of
// the root file system: cgroup v2 (the memory.max of the process's own cgroup, then
// of the namespace root), else cgroup v1 (memory/memory.limit_in_bytes). ok is false
// when no limit is set or none can be read.
func CgroupLimit(fsys fs.FS) (limit int64, ok bool) {
	v2, v1 := cgroupPaths(fsys)
	var candidates []string
	if v2 != "" {
		candidates = append(candidates, path.Join("sys/fs/cgroup", v2, "memory.max"))
	}
	candidates = append(candidates, "sys/fs/cgroup/memory.max")
	if v1 != "" {
		candidates = append(candidates, path.Join("sys/fs/cgroup/memory", v1, "memory.limit_in_bytes"))
	}
	candidates = append(candidates, "sys/fs/cgroup/memory/memory.limit_in_bytes")
	for _, name := range candidates {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			continue
		}
		v := strings.TrimSpace(string(b))
		if v == "max" {
			return 0, false
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 || n >= unlimitedV1 {
			return 0, false
		}
		return n, true
	}
	return 0, false
}

// cgroupPaths are the process's cgroup v2 path ("0::/path") and cgroup v1 memory
// controller path ("N:memory:/path") from proc/self/cgroup, without the leading
// slash; "" for the namespace root or when absent.
func cgroupPaths(fsys fs.FS) (v2, v1 string) {
	f, err := fsys.Open("proc/self/cgroup")
	if err != nil {
		return "", ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		p := strings.TrimPrefix(parts[2], "/")
		switch {
		case parts[0] == "0" && parts[1] == "":
			v2 = p
		case slices.Contains(strings.Split(parts[1], ","), "memory"):
			v1 = p
		}
	}
	return v2, v1
}

// Result says what Apply did, for the start-up log.
type Result struct {
	Limit       int64 // bytes given to the runtime; 0 when none was set
	CgroupLimit int64 // the cgroup's limit; 0 when none was found
	FromEnv     bool  // GOMEMLIMIT was set: left to the runtime
}

// ErrNoLimit is returned by Apply when neither GOMEMLIMIT nor a cgroup limit exists.
var ErrNoLimit = errors.New("no GOMEMLIMIT and no cgroup memory limit")

// Apply sets the runtime's memory limit to Ratio of the cgroup limit read from
// fsys (os.DirFS("/") in production), unless GOMEMLIMIT is set in getenv.
func Apply(fsys fs.FS, getenv func(string) string) (Result, error) {
	if getenv("GOMEMLIMIT") != "" { // including "off": the operator chose
		return Result{FromEnv: true, Limit: debug.SetMemoryLimit(-1)}, nil
	}
	cg, ok := CgroupLimit(fsys)
	if !ok {
		return Result{}, ErrNoLimit
	}
	limit := int64(math.Floor(float64(cg) * Ratio))
	debug.SetMemoryLimit(limit)
	return Result{Limit: limit, CgroupLimit: cg}, nil
}

// ApplyFromSystem is Apply on the real root file system and environment.
func ApplyFromSystem() (Result, error) { return Apply(os.DirFS("/"), os.Getenv) }
