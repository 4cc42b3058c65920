package rest

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/rest/entities"
)

// TestToolCallPatterns replays how real tools drive the API.
func TestToolCallPatterns(t *testing.T) {
	f := newFakeHerder(testRegistry())
	seed(f)
	s := newTestServer(t, f)
	h := s.Handler()

	t.Run("strimzi-create-or-update", func(t *testing.T) {
		desired := map[string]string{"connector.class": "TestSink", "tasks.max": "1", "topics": "orders"}
		body, _ := json.Marshal(desired)
		// 404 on GET config means create.
		if w := do(t, h, "GET", "/connectors/kc/config", "", "", nil); w.Code != http.StatusNotFound {
			t.Fatalf("GET config of absent connector: %d", w.Code)
		}
		if w := do(t, h, "PUT", "/connectors/kc/config", string(body), "", nil); w.Code != http.StatusCreated {
			t.Fatalf("PUT create: %d %s", w.Code, w.Body.String())
		}
		w := do(t, h, "GET", "/connectors/kc/config", "", "", nil)
		var got map[string]string
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		desired["name"] = "kc"
		if !reflect.DeepEqual(got, desired) {
			t.Fatalf("GET config = %v, want exactly desired + name %v", got, desired)
		}
		// The operator then PUTs the same config; it must be a 200 no-op.
		again, _ := json.Marshal(got)
		if w := do(t, h, "PUT", "/connectors/kc/config", string(again), "", nil); w.Code != http.StatusOK {
			t.Fatalf("PUT same config: %d %s", w.Code, w.Body.String())
		}
		w = do(t, h, "GET", "/connectors/kc/config", "", "", nil)
		var after map[string]string
		_ = json.Unmarshal(w.Body.Bytes(), &after)
		if !reflect.DeepEqual(after, desired) {
			t.Fatalf("config changed by identical PUT: %v", after)
		}
	})

	t.Run("script-restarts-failed-tasks", func(t *testing.T) {
		w := do(t, h, "GET", "/connectors?expand=status&expand=info", "", "", nil)
		var all map[string]entities.ConnectorExpanded
		if err := json.Unmarshal(w.Body.Bytes(), &all); err != nil {
			t.Fatal(err)
		}
		var failed []string
		for name, x := range all {
			if x.Status == nil || x.Info == nil {
				continue
			}
			for _, task := range x.Status.Tasks {
				if task.State == entities.StateFailed {
					failed = append(failed, name)
				}
			}
		}
		if !reflect.DeepEqual(failed, []string{"src"}) {
			t.Fatalf("failed connectors %v", failed)
		}
		w = do(t, h, "POST", "/connectors/src/restart?onlyFailed=true&includeTasks=true", "", "", nil)
		var plan entities.ConnectorStateInfo
		if w.Code != http.StatusAccepted || json.Unmarshal(w.Body.Bytes(), &plan) != nil {
			t.Fatalf("restart: %d %s", w.Code, w.Body.String())
		}
		if plan.Connector.State != entities.StateRunning || plan.Tasks[0].State != entities.StateRunning || plan.Tasks[1].State != entities.StateRestarting {
			t.Errorf("restart plan %+v", plan)
		}
		w = do(t, h, "GET", "/connectors/src/topics", "", "", nil)
		var topics map[string]entities.ConnectorTopics
		if err := json.Unmarshal(w.Body.Bytes(), &topics); err != nil || len(topics["src"].Topics) != 2 {
			t.Errorf("topics %s", w.Body.String())
		}
	})

	t.Run("kcctl-trailing-slashes", func(t *testing.T) {
		for _, p := range []string{"/connectors/", "/connector-plugins/", "/admin/loggers/", "/connectors/src/status/"} {
			if w := do(t, h, "GET", p, "", "", nil); w.Code != http.StatusOK {
				t.Errorf("GET %s: %d", p, w.Code)
			}
		}
	})
}

// TestNoHTMLEscaping: values come back byte for byte as Jackson writes them, so tools
// comparing raw text (or logging it) see "<" and "&", not \u003c and \u0026.
func TestNoHTMLEscaping(t *testing.T) {
	f := newFakeHerder(testRegistry())
	s := newTestServer(t, f)
	body := `{"connector.class":"TestSink","topics":"t","transforms.x.regex":"<a&b>"}`
	if w := do(t, s.Handler(), "PUT", "/connectors/html/config", body, "", nil); w.Code != http.StatusCreated || !strings.Contains(w.Body.String(), `"<a&b>"`) {
		t.Fatalf("PUT: %d %s", w.Code, w.Body.String())
	}
	if w := do(t, s.Handler(), "GET", "/connectors/html", "", "", nil); !strings.Contains(w.Body.String(), `"transforms.x.regex":"<a&b>"`) {
		t.Errorf("GET connector: %s", w.Body.String())
	}
}
