package rest

import (
	"net/http"
	"strings"
	"testing"
)

func TestOptionsFromProps(t *testing.T) {
	users := writeFile(t, "users.properties", []byte("admin: pw\n"))
	jaas := writeFile(t, "jaas.conf", []byte(`KafkaConnect { org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required file="`+users+`"; };`))
	tests := []struct {
		name      string
		props     map[string]string
		kafkaOpts string
		wantErr   string
		check     func(t *testing.T, s *Server)
	}{
		{name: "defaults", props: map[string]string{}, check: func(t *testing.T, s *Server) {
			if got := s.cfg.listeners; len(got) != 1 || got[0] != "http://:8083" || s.cfg.adminSet || s.cfg.users != nil {
				t.Errorf("config %+v", s.cfg)
			}
		}},
		{name: "basic-auth-from-kafka-opts", kafkaOpts: "-Djava.security.auth.login.config=" + jaas,
			props: map[string]string{"listeners": "http://127.0.0.1:0", "rest.extension.classes": BasicAuthExtension, "rest.basic.auth.exempt.root": "true"},
			check: func(t *testing.T, s *Server) {
				if w := do(t, s.Handler(), "GET", "/connectors", "", "", nil); w.Code != http.StatusUnauthorized {
					t.Errorf("no credentials: %d", w.Code)
				}
				if w := do(t, s.Handler(), "GET", "/connectors", "", "", basic("admin", "pw")); w.Code != http.StatusOK {
					t.Errorf("credentials: %d", w.Code)
				}
				if w := do(t, s.Handler(), "GET", "/health", "", "", nil); w.Code != http.StatusOK {
					t.Errorf("exempt /health: %d", w.Code)
				}
			}},
		{name: "admin-and-cors-and-headers", props: map[string]string{"admin.listeners": "", "access.control.allow.origin": "*",
			"response.http.headers.config": "set X-Frame-Options:DENY", "inter.worker.verification.algorithms": "HmacSHA256, HmacSHA512"},
			check: func(t *testing.T, s *Server) {
				w := do(t, s.Handler(), "GET", "/admin/loggers", "", "", map[string]string{"Origin": "http://ui"})
				if w.Code != 404 || w.Header().Get("X-Frame-Options") != "DENY" || w.Header().Get("Access-Control-Allow-Origin") != "http://ui" {
					t.Errorf("%d %v", w.Code, w.Header())
				}
				if strings.Join(s.cfg.verifyAlgs, ",") != "HmacSHA256,HmacSHA512" {
					t.Errorf("algorithms %v", s.cfg.verifyAlgs)
				}
			}},
		{name: "unknown-extension", props: map[string]string{"rest.extension.classes": "com.example.MyExtension"}, wantErr: "rest.extension.classes: com.example.MyExtension is not supported"},
		{name: "basic-auth-without-jaas", props: map[string]string{"rest.extension.classes": BasicAuthExtension}, wantErr: "needs a JAAS file"},
		{name: "https-without-keystore", props: map[string]string{"listeners": "https://:8443"}, wantErr: "key store"},
		{name: "signature-not-verifiable", props: map[string]string{"inter.worker.verification.algorithms": "HmacSHA512", "inter.worker.signature.algorithm": "HmacSHA256"},
			wantErr: "Signature algorithm 'HmacSHA256' must be present"},
		{name: "bad-algorithm", props: map[string]string{"inter.worker.verification.algorithms": "HmacMD5"}, wantErr: "HmacMD5 is not available"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts, err := OptionsFromProps(tc.props, tc.kafkaOpts)
			if err == nil {
				var s *Server
				if s, err = New(newFakeHerder(testRegistry()), append(opts, WithLogger(discardLogger()))...); err == nil {
					if tc.wantErr != "" {
						t.Fatalf("no error, want %q", tc.wantErr)
					}
					tc.check(t, s)
					return
				}
			}
			if tc.wantErr == "" || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err %v, want %q", err, tc.wantErr)
			}
		})
	}
}
