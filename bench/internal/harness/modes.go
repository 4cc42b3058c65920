package harness

import (
	"fmt"
	"strings"
)

// Mode is one of the spec's two CPU modes (shared/spec/benchmarks.md §11.1).
type Mode struct {
	Name   string // "shared" or "pinned"
	Broker string // CPU list for the broker ("" = unpinned)
	Client string // CPU list for the measured process: the worker or its peer
}

// ParseModes parses a comma-separated list of modes: "shared" (no pinning) and
// "pinned" (broker on CPU 0, the measured process alone on CPU 1).
func ParseModes(s string) ([]Mode, error) {
	var out []Mode
	for _, m := range strings.Split(s, ",") {
		switch m = strings.TrimSpace(m); m {
		case "shared":
			out = append(out, Mode{Name: m})
		case "pinned":
			out = append(out, Mode{Name: m, Broker: "0", Client: "1"})
		default:
			return nil, fmt.Errorf("-modes: unknown mode %q (want shared or pinned)", m)
		}
	}
	return out, nil
}
