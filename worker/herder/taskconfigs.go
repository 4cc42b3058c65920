package herder

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/rest"
	"github.com/gonnect/gonnect/worker"
	"github.com/gonnect/gonnect/worker/configstore"
)

// publishTaskConfigs asks each connector in needTasks for its task configs and stores
// them when they differ from the stored ones: directly on the leader, through the
// leader's internal endpoint otherwise. It reports whether everything was published;
// failures stay in needTasks and are retried.
func (h *Herder) publishTaskConfigs(ctx context.Context) bool {
	ok := true
	for name := range h.needTasks {
		if !h.connectors[name] || !h.snap.Contains(name) {
			delete(h.needTasks, name)
			continue
		}
		if h.target(name) == "STOPPED" || h.w.IsConnectorFailed(name) {
			delete(h.needTasks, name)
			continue
		}
		cfgs, err := h.w.TaskConfigs(name)
		if err != nil {
			// The connector cannot give task configs (too many for tasks.max, or its own
			// error): it is FAILED with the reason, never silently left with no tasks.
			h.log.Error("generating task configs failed", "connector", name, "error", err)
			h.statuses.ConnectorState(name, worker.Failed, err, false)
			delete(h.needTasks, name)
			continue
		}
		if !h.snap.IsInconsistent(name) && sameTaskConfigs(h.snap.TaskConfigs(name), cfgs) {
			delete(h.needTasks, name)
			continue
		}
		if err := h.writeTaskConfigs(ctx, name, cfgs); err != nil {
			h.log.Warn("publishing task configs failed; will retry", "connector", name, "error", err)
			ok = false
			continue
		}
		delete(h.needTasks, name)
	}
	return ok
}

func sameTaskConfigs(a, b []connectors.Config) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !maps.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func (h *Herder) writeTaskConfigs(ctx context.Context, name string, cfgs []connectors.Config) error {
	v := h.getView()
	if v.leader {
		return h.configs.PutTaskConfigs(ctx, name, cfgs)
	}
	if v.leaderURL == "" {
		return fmt.Errorf("no known leader")
	}
	body := make([]map[string]string, len(cfgs))
	for i, c := range cfgs {
		body[i] = c
	}
	return h.forward.postTaskConfigs(ctx, v.leaderURL, name, body, v.sessionKey)
}

// forwarder sends the internal task-config request to the leader, signed with the
// session key when the protocol requires it.
type forwarder struct {
	h      *Herder
	client *http.Client
}

func newForwarder(h *Herder) *forwarder {
	return &forwarder{h: h, client: &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// SetForwardClient sets the HTTP client for requests to the leader (the REST
// server's, which carries the REST TLS settings). Call it before Run.
func (h *Herder) SetForwardClient(cl *http.Client) {
	if cl != nil {
		h.forward.client = cl
	}
}

func (f *forwarder) postTaskConfigs(ctx context.Context, leaderURL, name string, cfgs []map[string]string, key *configstore.SessionKey) error {
	// Bounded: the herder goroutine waits for this call.
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	b, err := json.Marshal(cfgs)
	if err != nil {
		return err
	}
	u := strings.TrimSuffix(leaderURL, "/") + "/connectors/" + url.PathEscape(name) + "/tasks?forward=true"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if key != nil {
		sig, err := rest.Sign(key.Key, key.Algorithm, b)
		if err != nil {
			return err
		}
		req.Header.Set("X-Connect-Authorization", sig)
		req.Header.Set("X-Connect-Request-Signature-Algorithm", key.Algorithm)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return fmt.Errorf("IO Error trying to forward REST request: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("leader answered %d: %s", resp.StatusCode, msg)
	}
	return nil
}

// newSessionKey makes a fresh HmacSHA256 key (Java's default key size for it).
func newSessionKey() (configstore.SessionKey, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return configstore.SessionKey{}, err
	}
	return configstore.SessionKey{Key: k, Algorithm: "HmacSHA256", Created: time.Now()}, nil
}
