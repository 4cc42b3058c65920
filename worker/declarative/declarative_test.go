package declarative

import (
	"context"
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/rest/entities"
)

const orders = `{"name":"orders","config":{"connector.class":"FileStreamSource","tasks.max":1,"file":"/tmp/in","topic":"orders"}}`

func TestParse(t *testing.T) {
	paused := entities.TargetPaused
	tests := []struct {
		name    string
		body    string
		want    map[string]string
		initial *entities.TargetState
		wantErr string
	}{
		{name: "post body", body: orders,
			want: map[string]string{"name": "orders", "connector.class": "FileStreamSource", "tasks.max": "1", "file": "/tmp/in", "topic": "orders"}},
		{name: "booleans and numbers kept as written", body: `{"name":"a","config":{"x":true,"y":1.50,"name":"a"}}`,
			want: map[string]string{"name": "a", "x": "true", "y": "1.50"}},
		{name: "initial state", body: `{"name":"a","config":{},"initial_state":"paused"}`,
			want: map[string]string{"name": "a"}, initial: &paused},
		{name: "not json", body: `{"name":`, wantErr: "connector file c.json: not a valid connector JSON body"},
		{name: "trailing data", body: `{"name":"a","config":{}} {}`, wantErr: "connector file c.json: unexpected data after the JSON object"},
		{name: "unknown field", body: `{"name":"a","config":{},"tasks":[]}`, wantErr: `connector file c.json: not a valid connector JSON body: json: unknown field "tasks"`},
		{name: "missing name", body: `{"config":{}}`, wantErr: `connector file c.json: field "name" is required`},
		{name: "missing config", body: `{"name":"a"}`, wantErr: `connector file c.json: field "config" is required`},
		{name: "object value", body: `{"name":"a","config":{"k":{"x":1}}}`, wantErr: `connector file c.json: config key "k": must be a string, number or boolean`},
		{name: "null value", body: `{"name":"a","config":{"k":null}}`, wantErr: `connector file c.json: config key "k": null is not a config value`},
		{name: "name mismatch", body: `{"name":"a","config":{"name":"b"}}`, wantErr: `connector file c.json: config key "name" is "b" but the connector name is "a"`},
		{name: "bad initial state", body: `{"name":"a","config":{},"initial_state":"GONE"}`, wantErr: `connector file c.json: field "initial_state": Invalid initial state GONE`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := parse("c.json", []byte(tc.body))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(d.Config, tc.want) {
				t.Errorf("config = %v, want %v", d.Config, tc.want)
			}
			if (d.Initial == nil) != (tc.initial == nil) || (d.Initial != nil && *d.Initial != *tc.initial) {
				t.Errorf("initial = %v, want %v", d.Initial, tc.initial)
			}
		})
	}
}

func TestWatchMissingDir(t *testing.T) {
	err := Watch(context.Background(), filepath.Join(t.TempDir(), "nope"), newFakeHerder(), nil)
	if err == nil || !strings.Contains(err.Error(), "declared connectors") || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("Watch = %v, want an error naming the directory", err)
	}
}

func TestWatch(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, dir string, h *fakeHerder)
	}{
		{name: "creates at start with name and initial state", run: func(t *testing.T, dir string, h *fakeHerder) {
			writeFile(t, filepath.Join(dir, "orders.json"), `{"name":"orders","config":{"topic":"o"},"initial_state":"STOPPED"}`)
			startWatch(t, dir, h)
			eventually(t, "orders created", func() bool { return h.putCount() == 1 })
			if got := h.config("orders"); !maps.Equal(got, map[string]string{"name": "orders", "topic": "o"}) {
				t.Errorf("config = %v", got)
			}
			h.mu.Lock()
			defer h.mu.Unlock()
			if s := h.initial["orders"]; s == nil || *s != entities.TargetStopped {
				t.Errorf("initial state = %v, want STOPPED", s)
			}
		}},
		{name: "same config is a no-op", run: func(t *testing.T, dir string, h *fakeHerder) {
			h.configs["orders"] = map[string]string{"name": "orders", "connector.class": "FileStreamSource", "tasks.max": "1", "file": "/tmp/in", "topic": "orders"}
			writeFile(t, filepath.Join(dir, "orders.json"), orders)
			writeFile(t, filepath.Join(dir, "other.json"), `{"name":"other","config":{}}`)
			startWatch(t, dir, h)
			eventually(t, "other created", func() bool { return h.config("other") != nil })
			if n := h.attemptCount(); n != 1 {
				t.Errorf("%d puts, want 1 (only the connector not yet stored)", n)
			}
		}},
		{name: "file change updates", run: func(t *testing.T, dir string, h *fakeHerder) {
			p := filepath.Join(dir, "orders.json")
			writeFile(t, p, orders)
			startWatch(t, dir, h)
			eventually(t, "created", func() bool { return h.putCount() == 1 })
			writeFile(t, p, strings.Replace(orders, `"topic":"orders"`, `"topic":"orders-v2"`, 1))
			eventually(t, "updated", func() bool { return h.config("orders")["topic"] == "orders-v2" })
		}},
		{name: "configmap symlink swap", run: func(t *testing.T, dir string, h *fakeHerder) {
			configMapDir(t, dir, 1, map[string]string{"orders.json": orders})
			startWatch(t, dir, h)
			eventually(t, "created", func() bool { return h.config("orders")["topic"] == "orders" })
			configMapDir(t, dir, 2, map[string]string{"orders.json": strings.Replace(orders, `"tasks.max":1`, `"tasks.max":3`, 1),
				"more.json": `{"name":"more","config":{"a":"b"}}`})
			eventually(t, "updated and added", func() bool { return h.config("orders")["tasks.max"] == "3" && h.config("more")["a"] == "b" })
		}},
		{name: "bad json is skipped and named, the rest apply", run: func(t *testing.T, dir string, h *fakeHerder) {
			writeFile(t, filepath.Join(dir, "broken.json"), `{"name": "x", "config": {`)
			writeFile(t, filepath.Join(dir, "orders.json"), orders)
			writeFile(t, filepath.Join(dir, "README.txt"), `not a connector`)
			logs := startWatch(t, dir, h)
			eventually(t, "orders created", func() bool { return h.putCount() == 1 })
			eventually(t, "broken.json logged", func() bool {
				return strings.Contains(logs.String(), `msg="declared connector file skipped" file=broken.json error="connector file broken.json: not a valid connector JSON body`)
			})
			if strings.Contains(logs.String(), "README") {
				t.Errorf("non-JSON file was read: %s", logs)
			}
			writeFile(t, filepath.Join(dir, "broken.json"), `{"name":"x","config":{}}`)
			eventually(t, "fixed file applied", func() bool { return h.config("x") != nil })
		}},
		{name: "duplicate name", run: func(t *testing.T, dir string, h *fakeHerder) {
			writeFile(t, filepath.Join(dir, "a.json"), orders)
			writeFile(t, filepath.Join(dir, "b.json"), strings.Replace(orders, `"topic":"orders"`, `"topic":"dup"`, 1))
			logs := startWatch(t, dir, h)
			eventually(t, "duplicate logged", func() bool {
				return strings.Contains(logs.String(), `connector file b.json: connector \"orders\" is already declared in a.json`)
			})
			if got := h.config("orders")["topic"]; got != "orders" {
				t.Errorf("topic = %q, want the first file's", got)
			}
		}},
		{name: "follower waits, then applies once leader", run: func(t *testing.T, dir string, h *fakeHerder) {
			h.leader = false
			writeFile(t, filepath.Join(dir, "orders.json"), orders)
			startWatch(t, dir, h)
			eventually(t, "retried as follower", func() bool { return h.attemptCount() >= 3 })
			if h.putCount() != 0 {
				t.Fatal("a follower's put succeeded")
			}
			h.setLeader(true)
			eventually(t, "applied as leader", func() bool { return h.putCount() == 1 })
		}},
		{name: "follower settles once the leader stored it", run: func(t *testing.T, dir string, h *fakeHerder) {
			h.leader = false
			writeFile(t, filepath.Join(dir, "orders.json"), orders)
			startWatch(t, dir, h)
			eventually(t, "tried", func() bool { return h.attemptCount() >= 1 })
			h.mu.Lock()
			h.configs["orders"] = map[string]string{"name": "orders", "connector.class": "FileStreamSource", "tasks.max": "1", "file": "/tmp/in", "topic": "orders"}
			h.mu.Unlock()
			writeFile(t, filepath.Join(dir, "marker.json"), `{"name":"marker","config":{}}`)
			h.setLeader(true)
			eventually(t, "marker applied", func() bool { return h.config("marker") != nil })
			if h.putCount() != 1 {
				t.Errorf("puts = %d, want only marker's", h.putCount())
			}
		}},
		{name: "rejected config retried only when its file changes", run: func(t *testing.T, dir string, h *fakeHerder) {
			h.reject["orders"] = true
			p := filepath.Join(dir, "orders.json")
			writeFile(t, p, orders)
			logs := startWatch(t, dir, h)
			eventually(t, "rejection logged", func() bool {
				return strings.Contains(logs.String(), `msg="declared connector rejected; fix its file" connector=orders file=orders.json`)
			})
			writeFile(t, filepath.Join(dir, "marker.json"), `{"name":"marker","config":{}}`)
			eventually(t, "marker applied", func() bool { return h.config("marker") != nil })
			if n := h.attemptCount(); n != 2 {
				t.Errorf("puts attempted = %d, want 2 (orders once, marker once)", n)
			}
			h.mu.Lock()
			h.reject["orders"] = false
			h.mu.Unlock()
			writeFile(t, p, strings.Replace(orders, `"tasks.max":1`, `"tasks.max":2`, 1))
			eventually(t, "fixed orders applied", func() bool { return h.config("orders")["tasks.max"] == "2" })
		}},
		{name: "removed file leaves the connector", run: func(t *testing.T, dir string, h *fakeHerder) {
			configMapDir(t, dir, 1, map[string]string{"orders.json": orders, "other.json": `{"name":"other","config":{}}`})
			startWatch(t, dir, h)
			eventually(t, "both created", func() bool { return h.putCount() == 2 })
			configMapDir(t, dir, 2, map[string]string{"other.json": `{"name":"other","config":{"v":"2"}}`})
			eventually(t, "other updated", func() bool { return h.config("other")["v"] == "2" })
			if h.config("orders") == nil {
				t.Error("orders vanished")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, t.TempDir(), newFakeHerder())
		})
	}
}
