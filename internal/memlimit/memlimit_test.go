package memlimit

import (
	"runtime/debug"
	"testing"
	"testing/fstest"
)

func TestCgroupLimit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		files  fstest.MapFS
		want   int64
		wantOK bool
	}{
		{name: "v2 own cgroup", files: fstest.MapFS{
			"proc/self/cgroup":                          {Data: []byte("0::/kubepods/pod1/c1\n")},
			"sys/fs/cgroup/kubepods/pod1/c1/memory.max": {Data: []byte("536870912\n")},
			"sys/fs/cgroup/memory.max":                  {Data: []byte("max\n")},
		}, want: 536870912, wantOK: true},
		{name: "v2 namespace root", files: fstest.MapFS{
			"proc/self/cgroup":         {Data: []byte("0::/\n")},
			"sys/fs/cgroup/memory.max": {Data: []byte("268435456\n")},
		}, want: 268435456, wantOK: true},
		{name: "v2 unlimited", files: fstest.MapFS{
			"proc/self/cgroup":         {Data: []byte("0::/\n")},
			"sys/fs/cgroup/memory.max": {Data: []byte("max\n")},
		}},
		{name: "v1 limit", files: fstest.MapFS{
			"proc/self/cgroup":                           {Data: []byte("12:memory:/docker/abc\n")},
			"sys/fs/cgroup/memory/memory.limit_in_bytes": {Data: []byte("1073741824\n")},
		}, want: 1073741824, wantOK: true},
		{name: "v1 own cgroup", files: fstest.MapFS{
			"proc/self/cgroup": {Data: []byte("0::/\n4:memory:/process_api/abc\n")},
			"sys/fs/cgroup/memory/process_api/abc/memory.limit_in_bytes": {Data: []byte("2147483648\n")},
			"sys/fs/cgroup/memory/memory.limit_in_bytes":                 {Data: []byte("9223372036854771712\n")},
		}, want: 2147483648, wantOK: true},
		{name: "v1 unlimited", files: fstest.MapFS{
			"sys/fs/cgroup/memory/memory.limit_in_bytes": {Data: []byte("9223372036854771712\n")},
		}},
		{name: "garbage", files: fstest.MapFS{"sys/fs/cgroup/memory.max": {Data: []byte("lots\n")}}},
		{name: "nothing", files: fstest.MapFS{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := CgroupLimit(tc.files)
			if got != tc.want || ok != tc.wantOK {
				t.Fatalf("CgroupLimit = %d, %v; want %d, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestApply(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })
	cg := fstest.MapFS{"sys/fs/cgroup/memory.max": {Data: []byte("1000000000\n")}}
	noEnv := func(string) string { return "" }

	r, err := Apply(cg, noEnv)
	if err != nil || r.CgroupLimit != 1_000_000_000 || r.Limit != 900_000_000 {
		t.Fatalf("Apply = %+v, %v; want 90%% of the cgroup limit", r, err)
	}
	if got := debug.SetMemoryLimit(-1); got != 900_000_000 {
		t.Fatalf("runtime limit %d, want 900000000", got)
	}

	debug.SetMemoryLimit(prev)
	r, err = Apply(cg, func(k string) string {
		if k == "GOMEMLIMIT" {
			return "2GiB"
		}
		return ""
	})
	if err != nil || !r.FromEnv || r.CgroupLimit != 0 {
		t.Fatalf("with GOMEMLIMIT set: %+v, %v; want the environment left in charge", r, err)
	}
	if got := debug.SetMemoryLimit(-1); got != prev {
		t.Fatalf("GOMEMLIMIT set, yet the runtime limit changed to %d", got)
	}

	r, err = Apply(cg, func(k string) string {
		if k == "GOMEMLIMIT" {
			return "off"
		}
		return ""
	})
	if err != nil || !r.FromEnv {
		t.Fatalf("with GOMEMLIMIT=off: %+v, %v; want the operator's choice kept", r, err)
	}
	if got := debug.SetMemoryLimit(-1); got != prev {
		t.Fatalf("GOMEMLIMIT=off, yet the runtime limit changed to %d", got)
	}

	if _, err := Apply(fstest.MapFS{}, noEnv); err != ErrNoLimit {
		t.Fatalf("no limit anywhere: %v, want ErrNoLimit", err)
	}
}
