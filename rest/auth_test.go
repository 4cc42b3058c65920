package rest

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
)

func basic(user, pass string) map[string]string {
	return map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))}
}

func TestBasicAuth(t *testing.T) {
	users := writeFile(t, "users.properties", []byte("# Connect users\nadmin: admin-secret\nops=ops secret with spaces\n"))
	jaas := writeFile(t, "connect_jaas.conf", []byte(`// Kafka Connect REST users
KafkaConnect {
  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required
  file="`+users+`";
};
`))
	path := JAASConfigPath(map[string]string{}, "-Xmx1g -Djava.security.auth.login.config="+jaas+" -Dfoo=bar")
	if path != jaas {
		t.Fatalf("JAASConfigPath from KAFKA_OPTS = %q", path)
	}
	loaded, err := LoadBasicAuthUsers(path)
	if err != nil {
		t.Fatal(err)
	}
	if loaded["admin"] != "admin-secret" || loaded["ops"] != "ops secret with spaces" {
		t.Fatalf("users %v", loaded)
	}
	tests := []struct {
		name       string
		exemptRoot bool
		method     string
		path       string
		body       string
		hdr        map[string]string
		status     int
	}{
		{name: "no-credentials", method: "GET", path: "/connectors", status: 401},
		{name: "wrong-password", method: "GET", path: "/connectors", hdr: basic("admin", "nope"), status: 401},
		{name: "unknown-user", method: "GET", path: "/connectors", hdr: basic("eve", "admin-secret"), status: 401},
		{name: "good", method: "GET", path: "/connectors", hdr: basic("admin", "admin-secret"), status: 200},
		{name: "password-with-spaces", method: "GET", path: "/connectors", hdr: basic("ops", "ops secret with spaces"), status: 200},
		{name: "root-needs-auth-by-default", method: "GET", path: "/", status: 401},
		{name: "health-needs-auth-by-default", method: "GET", path: "/health", status: 401},
		{name: "root-exempt", exemptRoot: true, method: "GET", path: "/", status: 200},
		{name: "health-exempt", exemptRoot: true, method: "GET", path: "/health", status: 200},
		{name: "exempt-only-root", exemptRoot: true, method: "GET", path: "/connectors", status: 401},
		{name: "internal-endpoint-skips-auth", method: "PUT", path: "/connectors/src/fence", status: 204},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeHerder(testRegistry())
			seed(f)
			s := newTestServer(t, f, BasicAuth(loaded), BasicAuthExemptRoot(tc.exemptRoot))
			w := do(t, s.Handler(), tc.method, tc.path, tc.body, "", tc.hdr)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body.String())
			}
			if w.Code == 401 && strings.TrimSpace(w.Body.String()) != `{"error_code":401,"message":"User cannot access the resource."}` {
				t.Errorf("401 body %s", w.Body.String())
			}
		})
	}
}

func TestBasicAuthConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		jaas string
		want string
	}{
		{name: "no-section", jaas: `Other { x required; };`, want: "no KafkaConnect"},
		{name: "wrong-module", jaas: `KafkaConnect { com.example.Other required file="/x"; };`, want: "PropertyFileLoginModule"},
		{name: "no-file", jaas: `KafkaConnect { org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required; };`, want: "file="},
		{name: "missing-users-file", jaas: `KafkaConnect { org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required file="/nonexistent/users"; };`, want: "users file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadBasicAuthUsers(writeFile(t, "jaas.conf", []byte(tc.jaas)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want it to mention %q", err, tc.want)
			}
		})
	}
	if got := JAASConfigPath(map[string]string{JAASConfigProperty: "/etc/jaas.conf"}, ""); got != "/etc/jaas.conf" {
		t.Errorf("JAASConfigPath from worker property = %q", got)
	}
}

func TestCORS(t *testing.T) {
	tests := []struct {
		name        string
		origin      string
		methods     string
		method      string
		reqOrigin   string
		status      int
		allowOrigin string
		allowMethod string
	}{
		{name: "off-by-default", method: "GET", reqOrigin: "http://ui.example", status: 200},
		{name: "allowed-origin", origin: "http://ui.example", method: "GET", reqOrigin: "http://ui.example", status: 200, allowOrigin: "http://ui.example"},
		{name: "other-origin", origin: "http://ui.example", method: "GET", reqOrigin: "http://evil.example", status: 200},
		{name: "wildcard-preflight", origin: "*", methods: "GET,POST,PUT,DELETE", method: "OPTIONS", reqOrigin: "http://any.example", status: 200,
			allowOrigin: "http://any.example", allowMethod: "GET,POST,PUT,DELETE"},
		{name: "preflight-default-methods", origin: "*", method: "OPTIONS", reqOrigin: "http://any.example", status: 200,
			allowOrigin: "http://any.example", allowMethod: "GET,POST,HEAD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeHerder(testRegistry())
			s := newTestServer(t, f, CORS(tc.origin, tc.methods), BasicAuth(map[string]string{"a": "b"}))
			hdr := map[string]string{"Origin": tc.reqOrigin}
			if tc.method == "OPTIONS" {
				hdr["Access-Control-Request-Method"] = "PUT"
			} else {
				for k, v := range basic("a", "b") {
					hdr[k] = v
				}
			}
			w := do(t, s.Handler(), tc.method, "/connectors", "", "", hdr)
			if w.Code != tc.status {
				t.Fatalf("status %d: %s", w.Code, w.Body.String())
			}
			if got := w.Header().Get("Access-Control-Allow-Origin"); got != tc.allowOrigin {
				t.Errorf("Allow-Origin %q, want %q", got, tc.allowOrigin)
			}
			if got := w.Header().Get("Access-Control-Allow-Methods"); got != tc.allowMethod {
				t.Errorf("Allow-Methods %q, want %q", got, tc.allowMethod)
			}
		})
	}
}

func TestAdminListeners(t *testing.T) {
	tests := []struct {
		name            string
		opts            []Opt
		mainStatus      int
		adminHandlerNil bool
	}{
		{name: "unset-serves-on-main", mainStatus: 200, adminHandlerNil: true},
		{name: "empty-not-served", opts: []Opt{AdminListeners()}, mainStatus: 404, adminHandlerNil: true},
		{name: "separate-listener", opts: []Opt{AdminListeners("http://127.0.0.1:0")}, mainStatus: 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, newFakeHerder(testRegistry()), tc.opts...)
			if w := do(t, s.Handler(), "GET", "/admin/loggers", "", "", nil); w.Code != tc.mainStatus {
				t.Errorf("main listener /admin/loggers: %d, want %d", w.Code, tc.mainStatus)
			}
			if (s.AdminHandler() == nil) != tc.adminHandlerNil {
				t.Fatalf("AdminHandler nil = %v", s.AdminHandler() == nil)
			}
			if s.AdminHandler() != nil {
				if w := do(t, s.AdminHandler(), "GET", "/admin/loggers/", "", "", nil); w.Code != 200 {
					t.Errorf("admin listener /admin/loggers: %d", w.Code)
				}
				if w := do(t, s.AdminHandler(), "GET", "/connectors", "", "", nil); w.Code != 404 {
					t.Errorf("admin listener /connectors: %d, want 404", w.Code)
				}
			}
		})
	}
	// Both listeners bind and answer over real sockets.
	s := startServer(t, Listeners("http://127.0.0.1:0"), AdminListeners("http://127.0.0.1:0"))
	addrs := s.Addrs()
	if len(addrs) != 2 {
		t.Fatalf("addrs %v", addrs)
	}
	for i, want := range []int{404, 200} {
		resp, err := http.Get(addrs[i] + "/admin/loggers")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s/admin/loggers: %d, want %d", addrs[i], resp.StatusCode, want)
		}
	}
}
