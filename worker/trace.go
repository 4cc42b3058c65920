package worker

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
)

// PanicError is a panic recovered from connector, transform or converter code.
type PanicError struct {
	Value any
	Stack string
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

func stack() string { return string(debug.Stack()) }

// Trace renders err as the `trace` of a FAILED status: the error chain, outermost
// first, one "Caused by:" line per wrapped cause, and the goroutine stack for panics,
// so an operator reading GET /connectors/{c}/status sees where it came from.
func Trace(err error) string {
	if err == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(err.Error())
	seen := err.Error()
	for cause := errors.Unwrap(err); cause != nil; cause = errors.Unwrap(cause) {
		msg := cause.Error()
		if msg == seen || strings.HasSuffix(seen, msg) && cause != err {
			// fmt.Errorf("%w") repeats the cause's text; show only new information.
			if _, ok := cause.(*PanicError); !ok {
				seen = msg
				continue
			}
		}
		fmt.Fprintf(&b, "\nCaused by: %s", msg)
		seen = msg
	}
	var p *PanicError
	if errors.As(err, &p) {
		b.WriteString("\n")
		b.WriteString(p.Stack)
	}
	return b.String()
}
