package cdc

import (
	"fmt"
	"log/slog"
	"strings"
)

// SkippedOps is a parsed skipped.operations value.
type SkippedOps map[Op]bool

// ParseSkippedOps parses "c,u,d,t" or "none" (Debezium's default is "t").
func ParseSkippedOps(s string) (SkippedOps, error) {
	out := SkippedOps{}
	for _, p := range strings.Split(s, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		switch p {
		case "", "none":
		case "c", "u", "d", "t":
			out[Op(p)] = true
		default:
			return nil, fmt.Errorf("skipped.operations: %q is not one of c, u, d, t, none", p)
		}
	}
	return out, nil
}

// Has reports whether op is skipped.
func (s SkippedOps) Has(op Op) bool { return s[op] }

// FailureMode is event.processing.failure.handling.mode.
type FailureMode string

// Failure handling modes.
const (
	FailureFail FailureMode = "fail"
	FailureWarn FailureMode = "warn"
	FailureSkip FailureMode = "skip"
)

// ParseFailureMode parses fail|warn|skip|ignore (ignore is skip).
func ParseFailureMode(s string) (FailureMode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "fail":
		return FailureFail, nil
	case "warn":
		return FailureWarn, nil
	case "skip", "ignore":
		return FailureSkip, nil
	}
	return "", fmt.Errorf("event.processing.failure.handling.mode: %q is not one of fail, warn, skip, ignore", s)
}

// Handle applies the mode to an event that could not be processed at position: fail
// returns an error naming the position, warn logs it and returns nil, skip returns nil
// (logging at debug). The caller drops the event when nil is returned.
func (m FailureMode) Handle(log *slog.Logger, position string, err error) error {
	switch m {
	case FailureWarn:
		log.Warn("skipping event that could not be processed", "position", position, "error", err)
		return nil
	case FailureSkip:
		log.Debug("skipping event that could not be processed", "position", position, "error", err)
		return nil
	}
	return fmt.Errorf("error processing event at %s: %w (set event.processing.failure.handling.mode=warn or skip to skip such events)", position, err)
}
