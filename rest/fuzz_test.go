package rest

import (
	"encoding/json"
	"testing"

	"github.com/gonnect/gonnect/rest/entities"
)

// FuzzBodies sends arbitrary bodies to every body-reading endpoint: the server must
// answer with JSON (a success body or {"error_code","message"}) and never panic or
// store a config that the next GET does not return intact.
func FuzzBodies(f *testing.F) {
	for _, s := range []string{
		`{"name":"x","config":{"connector.class":"TestSink","topics":"t"}}`,
		`{"name":"x","config":{"connector.class":"TestSink","topics":"t","tasks.max":2},"initial_state":"paused"}`,
		`{"connector.class":"TestSink","topics":null}`, `{"offsets":[{"partition":{"a":1},"offset":null}]}`,
		`{"level":"DEBUG"}`, `[{"a":"b"}]`, `{`, `[]`, `null`, `"x"`, `{"a":{"b":[1,2]}}`, "{\"a\":\"\\u0000\"}",
	} {
		f.Add(s)
	}
	routes := []struct{ method, path string }{
		{"POST", "/connectors"}, {"PUT", "/connectors/x/config"}, {"PATCH", "/connectors/src/config"},
		{"PATCH", "/connectors/src/offsets"}, {"PUT", "/connector-plugins/TestSink/config/validate"},
		{"PUT", "/admin/loggers/io.debezium"}, {"POST", "/connectors/src/tasks"},
	}
	fh := newFakeHerder(testRegistry())
	seed(fh)
	s, err := New(fh, WithLogger(discardLogger()))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, r := range routes {
			w := do(t, s.Handler(), r.method, r.path, body, "", nil)
			b := w.Body.Bytes()
			if len(b) > 0 && !json.Valid(b) {
				t.Fatalf("%s %s: body is not JSON: %q", r.method, r.path, b)
			}
			if w.Code >= 400 {
				var em entities.ErrorMessage
				if json.Unmarshal(b, &em) != nil || em.ErrorCode != w.Code || em.Message == "" {
					t.Fatalf("%s %s: %d with body %q", r.method, r.path, w.Code, b)
				}
			}
			if r.path == "/connectors/x/config" && (w.Code == 200 || w.Code == 201) {
				var sent map[string]string
				if json.Unmarshal([]byte(body), &sent) == nil {
					g := do(t, s.Handler(), "GET", "/connectors/x/config", "", "", nil)
					var got map[string]string
					_ = json.Unmarshal(g.Body.Bytes(), &got)
					for k, v := range sent {
						if got[k] != v {
							t.Fatalf("stored %q=%q, sent %q", k, got[k], v)
						}
					}
				}
			}
		}
	})
}

// FuzzHeaderRules checks that response.http.headers.config parsing never panics and
// that accepted rules have a known action and a header name.
func FuzzHeaderRules(f *testing.F) {
	for _, s := range []string{"set X-A:b", `"add X-B:c,d", setDate Expires:10`, "put X:y", ",,", `"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cfg string) {
		rules, err := parseHeaderRules(cfg)
		if err != nil {
			return
		}
		for _, r := range rules {
			if r.name == "" || (r.action != "set" && r.action != "add" && r.action != "setdate" && r.action != "adddate") {
				t.Fatalf("accepted rule %+v from %q", r, cfg)
			}
		}
	})
}
