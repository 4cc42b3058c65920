package cdctest

import (
	"bytes"
	"sync"
)

// LogBuffer is a slog destination (slog.NewTextHandler(&buf, nil)) that a test reads
// while the task's goroutines write to it. Safe for concurrent use.
type LogBuffer struct {
	mu sync.Mutex // guards b
	b  bytes.Buffer
}

// Write implements io.Writer.
func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
