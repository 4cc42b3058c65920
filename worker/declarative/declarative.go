// Package declarative applies connectors declared as files (a mounted ConfigMap, one
// Kafka Connect POST /connectors body per *.json file) through the herder: at start and
// whenever the files change. It creates and updates, never deletes, and the same config
// again is a no-op, so a declaration can be re-applied forever (Strimzi's KafkaConnector
// reconciliation works the same way).
package declarative

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gonnect/gonnect/rest/entities"
)

// Applier is what Watch needs from the herder; *herder.Herder implements it. Both
// calls may be made from Watch's goroutine while other goroutines use the herder.
type Applier interface {
	// PutConnectorConfig creates or replaces a connector's config. Followers return
	// *entities.NotLeaderError; the leader's own Watch then applies the same file.
	PutConnectorConfig(ctx context.Context, name string, cfg map[string]string, allowReplace bool, initial *entities.TargetState) (entities.ConnectorInfo, bool, error)
	// ConnectorConfig returns the stored config, or an error matching entities.ErrNotFound.
	ConnectorConfig(ctx context.Context, name string) (map[string]string, error)
}

// Opt adjusts Watch.
type Opt func(*watcher)

// PollInterval sets how often the directory is checked for changes and pending
// declarations are retried. Default 5s. Non-positive values keep the default.
func PollInterval(d time.Duration) Opt {
	return func(w *watcher) {
		if d > 0 {
			w.interval = d
		}
	}
}

// CallTimeout bounds each herder call. Default 30s.
func CallTimeout(d time.Duration) Opt {
	return func(w *watcher) {
		if d > 0 {
			w.callTimeout = d
		}
	}
}

// Watch applies the connectors declared in dir through h, then polls dir every
// PollInterval and applies what changed, until ctx is cancelled. It blocks; run it in
// its own goroutine next to the worker's Run. It returns nil when ctx is cancelled and
// an error only when dir cannot be read at start.
//
// For each *.json file (names starting with "." are ignored, so a ConfigMap's ..data
// links are skipped while the files they point to are read):
//   - a file that is not a valid connector body is logged with its name and skipped;
//     the others still apply; it is retried when it changes;
//   - when the stored config equals the declared one nothing is written;
//   - otherwise the config is put with allowReplace; a follower's NotLeaderError, a
//     rebalance conflict or another transient error leaves the declaration pending and
//     it is retried on the next poll (the leader's own Watch usually applies it first);
//   - a config the herder rejects as invalid (400) is logged and retried only when its
//     file changes;
//   - connectors whose files disappear are left alone (never deleted).
//
// A declaration is re-applied only when its file changes or the worker restarts: a
// later change made through the REST API stays until then. Config values are never
// logged (they may hold secrets).
func Watch(ctx context.Context, dir string, h Applier, log *slog.Logger, opts ...Opt) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := &watcher{dir: dir, h: h, log: log, interval: 5 * time.Second, callTimeout: 30 * time.Second,
		state: map[string]*applied{}, badLogged: map[string]string{}}
	for _, o := range opts {
		o(w)
	}
	if _, err := os.ReadDir(dir); err != nil {
		return fmt.Errorf("declared connectors: %w", err)
	}
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		w.sync(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// applied is what Watch last did with one declared connector.
type applied struct {
	raw     string // the file body it concerns
	settled bool   // stored config equals it, or the herder rejected it as invalid
}

// watcher is owned by Watch's goroutine.
type watcher struct {
	dir         string
	h           Applier
	log         *slog.Logger
	interval    time.Duration
	callTimeout time.Duration

	fingerprint string
	state       map[string]*applied // by connector name
	badLogged   map[string]string   // file → last error logged for it
	dirErr      string
}

// sync reads the directory when its fingerprint changed or something is pending, and
// applies each declaration that is not settled.
func (w *watcher) sync(ctx context.Context) {
	fp := w.stat()
	if fp == w.fingerprint && !w.pending() {
		return
	}
	good, bad, err := scanDir(w.dir)
	if err != nil {
		if err.Error() != w.dirErr {
			w.log.Error("declared connectors: cannot read directory", "dir", w.dir, "error", err)
			w.dirErr = err.Error()
		}
		return
	}
	w.dirErr = ""
	w.fingerprint = fp
	logged := map[string]string{}
	for file, e := range bad {
		if w.badLogged[file] != e.Error() {
			w.log.Error("declared connector file skipped", "file", file, "error", e)
		}
		logged[file] = e.Error()
	}
	w.badLogged = logged
	for _, d := range good {
		st := w.state[d.Name]
		if st != nil && st.raw == string(d.raw) && st.settled {
			continue
		}
		if ctx.Err() != nil {
			return
		}
		w.state[d.Name] = &applied{raw: string(d.raw), settled: w.apply(ctx, d)}
	}
}

// pending reports whether some declaration still waits to be applied.
func (w *watcher) pending() bool {
	for _, st := range w.state {
		if !st.settled {
			return true
		}
	}
	return false
}

// stat fingerprints the directory by name, size, modification time and link target of
// each entry, so a ConfigMap update (an atomic swap of the ..data link) is noticed.
func (w *watcher) stat() string {
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		return "error: " + err.Error()
	}
	var b strings.Builder
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(w.dir, n)
		target, _ := os.Readlink(p)
		if st, err := os.Stat(p); err == nil {
			fmt.Fprintf(&b, "%s|%s|%d|%d\n", n, target, st.Size(), st.ModTime().UnixNano())
		} else {
			fmt.Fprintf(&b, "%s|%s|-\n", n, target)
		}
	}
	return b.String()
}

// apply writes one declaration unless it is already stored, and reports whether it is
// settled (nothing more to do until its file changes).
func (w *watcher) apply(ctx context.Context, d Declared) bool {
	log := w.log.With("connector", d.Name, "file", d.File)
	cctx, cancel := context.WithTimeout(ctx, w.callTimeout)
	defer cancel()
	cur, err := w.h.ConnectorConfig(cctx, d.Name)
	switch {
	case err == nil && maps.Equal(cur, d.Config):
		log.Debug("declared connector already up to date")
		return true
	case err != nil && !errors.Is(err, entities.ErrNotFound):
		log.Warn("declared connector: reading its stored config; will retry", "error", err)
		return false
	}
	_, created, err := w.h.PutConnectorConfig(cctx, d.Name, d.Config, true, d.Initial)
	var notLeader *entities.NotLeaderError
	var conflict *entities.ConflictError
	var bad *entities.BadRequestError
	switch {
	case err == nil:
		if created {
			log.Info("declared connector created")
		} else {
			log.Info("declared connector updated")
		}
		return true
	case errors.As(err, &notLeader):
		log.Debug("declared connector: not the leader; the leader applies it", "leader", notLeader.LeaderURL)
		return false
	case errors.As(err, &conflict):
		log.Debug("declared connector: herder busy; will retry", "error", err)
		return false
	case errors.As(err, &bad):
		log.Error("declared connector rejected; fix its file", "error", err)
		return true
	default:
		log.Warn("declared connector not applied; will retry", "error", err)
		return false
	}
}
