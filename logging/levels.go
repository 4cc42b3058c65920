// Package logging gives every Gonnect component a *slog.Logger whose level can be
// changed at run time per namespace, as Kafka Connect's /admin/loggers changes log4j
// logger levels. Namespaces are Go package paths
// ("github.com/gonnect/gonnect/connectors/mysql"); the Java logger names tools send
// ("io.debezium.connector.mysql", "org.apache.kafka.connect") are mapped to the Go
// packages that do that work (see JavaNames).
package logging

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gonnect/gonnect/rest/entities"
)

// Root is the name of the root logger.
const Root = "root"

// Java level names and the slog levels they map to. TRACE is below DEBUG; OFF mutes.
var javaLevels = map[string]slog.Level{
	"ALL":   slog.LevelDebug - 8,
	"TRACE": slog.LevelDebug - 4,
	"DEBUG": slog.LevelDebug,
	"INFO":  slog.LevelInfo,
	"WARN":  slog.LevelWarn,
	"ERROR": slog.LevelError,
	"FATAL": slog.LevelError + 4,
	"OFF":   slog.LevelError + 1000,
}

// ParseLevel parses a Java level name (case-insensitive): ALL, TRACE, DEBUG, INFO,
// WARN, ERROR, FATAL, OFF.
func ParseLevel(s string) (slog.Level, error) {
	l, ok := javaLevels[strings.ToUpper(strings.TrimSpace(s))]
	if !ok {
		return 0, fmt.Errorf("invalid log level '%s'.", s)
	}
	return l, nil
}

type explicit struct {
	name     string // upper-case Java level name
	level    slog.Level
	modified *int64 // epoch ms of the last change through SetLevel; nil if configured
}

// Levels is a registry of per-namespace levels. It is safe for concurrent use; the
// level check on each log call takes a read lock only when the handler's cached
// generation is stale.
type Levels struct {
	// mu guards every field below.
	mu       sync.RWMutex
	root     explicit
	levels   map[string]explicit // namespace (Go path or Java name) → explicit level
	known    map[string]bool     // namespaces that have a Logger
	out      slog.Handler
	now      func() time.Time
	javaToGo map[string][]string
}

// NewLevels returns a registry writing through out (nil: a text handler on stderr)
// with the root level given.
func NewLevels(out slog.Handler, root slog.Level) *Levels {
	if out == nil {
		out = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug - 8})
	}
	return &Levels{
		root:     explicit{name: levelName(root), level: root},
		levels:   map[string]explicit{},
		known:    map[string]bool{},
		out:      out,
		now:      time.Now,
		javaToGo: JavaNames,
	}
}

// Default is the process-wide registry used by Logger and SetLevel; cmd/gonnect sets
// its output with SetOutput.
var Default = NewLevels(nil, slog.LevelInfo)

// Logger returns a logger for namespace from Default.
func Logger(namespace string) *slog.Logger { return Default.Logger(namespace) }

// SetLevel sets namespace's level in Default; see Levels.Set.
func SetLevel(namespace, level string) ([]string, error) { return Default.Set(namespace, level) }

// SetOutput replaces where Levels writes records (the handler must accept all levels;
// filtering is done here). Loggers made earlier follow the change.
func (l *Levels) SetOutput(out slog.Handler) {
	l.mu.Lock()
	l.out = out
	l.mu.Unlock()
}

func levelName(lv slog.Level) string {
	best, bestName := slog.Level(0), ""
	for n, v := range javaLevels {
		if v == lv {
			return n
		}
		if v <= lv && (bestName == "" || v > best) {
			best, bestName = v, n
		}
	}
	if bestName == "" {
		return "ALL"
	}
	return bestName
}

// Logger returns a logger for namespace (a Go package path or a Java logger name)
// whose records carry logger=<namespace> and are filtered by the effective level:
// the most specific explicit level of the namespace or an ancestor, else root.
func (l *Levels) Logger(namespace string) *slog.Logger {
	l.mu.Lock()
	l.known[namespace] = true
	l.mu.Unlock()
	return slog.New(&handler{levels: l, ns: namespace}).With("logger", namespace)
}

// Effective returns the level that applies to namespace.
func (l *Levels) Effective(namespace string) slog.Level {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.effectiveLocked(namespace)
}

func (l *Levels) effectiveLocked(ns string) slog.Level {
	bestLen := -1
	lv := l.root.level
	for name, e := range l.levels {
		if (name == ns || isAncestor(name, ns)) && len(name) > bestLen {
			bestLen, lv = len(name), e.level
		}
	}
	return lv
}

// isAncestor reports whether parent is a strict ancestor of child, segments being
// separated by "/" (Go paths) or "." (Java names).
func isAncestor(parent, child string) bool {
	if !strings.HasPrefix(child, parent) || len(child) == len(parent) {
		return false
	}
	c := child[len(parent)]
	return c == '/' || c == '.'
}

// Set sets the level of namespace and of every descendant namespace known (explicitly
// set or with a Logger), as log4j's setLevel does, and returns the affected namespaces
// sorted. "root" sets the root and every namespace. A Java name also sets the Go
// packages it maps to. An unknown level gives an error whose message is Java's
// "invalid log level '<x>'.".
func (l *Levels) Set(namespace, level string) ([]string, error) {
	lv, err := ParseLevel(level)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ms := l.now().UnixMilli()
	e := explicit{name: strings.ToUpper(strings.TrimSpace(level)), level: lv, modified: &ms}
	targets := []string{namespace}
	if namespace != Root {
		targets = append(targets, l.javaToGo[namespace]...)
	}
	affected := map[string]bool{}
	for _, t := range targets {
		if t == Root {
			l.root = e
			affected[Root] = true
		} else {
			l.levels[t] = e
			affected[t] = true
		}
		for name := range l.levels {
			if t == Root || isAncestor(t, name) {
				l.levels[name] = e
				affected[name] = true
			}
		}
		for name := range l.known {
			if t == Root || isAncestor(t, name) {
				l.levels[name] = e
				affected[name] = true
			}
		}
	}
	out := make([]string, 0, len(affected))
	for n := range affected {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

// Configure sets a level from static configuration (the worker's properties at
// start-up, like log4j's config file): as Set, but last_modified stays null and only
// the namespace itself (and the Go packages a Java name maps to) is touched.
func (l *Levels) Configure(namespace string, level slog.Level) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := explicit{name: levelName(level), level: level}
	if namespace == Root {
		l.root = e
		return
	}
	l.levels[namespace] = e
	for _, g := range l.javaToGo[namespace] {
		l.levels[g] = e
	}
}

// Level returns the explicit level of namespace ("root" included), false if it has
// none.
func (l *Levels) Level(namespace string) (entities.LoggerLevel, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if namespace == Root {
		return entities.LoggerLevel{Level: l.root.name, LastModified: l.root.modified}, true
	}
	e, ok := l.levels[namespace]
	if !ok {
		return entities.LoggerLevel{}, false
	}
	return entities.LoggerLevel{Level: e.name, LastModified: e.modified}, true
}

// All returns root and every namespace with an explicit level.
func (l *Levels) All() map[string]entities.LoggerLevel {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := map[string]entities.LoggerLevel{Root: {Level: l.root.name, LastModified: l.root.modified}}
	for n, e := range l.levels {
		out[n] = entities.LoggerLevel{Level: e.name, LastModified: e.modified}
	}
	return out
}

// handler filters by the namespace's effective level and replays the WithAttrs and
// WithGroup calls made on it onto the registry's current output at each Handle, so a
// SetOutput reaches loggers made earlier.
type handler struct {
	levels *Levels
	ns     string
	ops    []func(slog.Handler) slog.Handler
}

func (h *handler) Enabled(_ context.Context, lv slog.Level) bool {
	return lv >= h.levels.Effective(h.ns)
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	h.levels.mu.RLock()
	out := h.levels.out
	h.levels.mu.RUnlock()
	for _, op := range h.ops {
		out = op(out)
	}
	return out.Handle(ctx, r)
}

func (h *handler) with(op func(slog.Handler) slog.Handler) *handler {
	c := *h
	c.ops = append(append([]func(slog.Handler) slog.Handler(nil), h.ops...), op)
	return &c
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	return h.with(func(o slog.Handler) slog.Handler { return o.WithAttrs(as) })
}

func (h *handler) WithGroup(name string) slog.Handler {
	return h.with(func(o slog.Handler) slog.Handler { return o.WithGroup(name) })
}
