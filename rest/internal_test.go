package rest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/rest/entities"
)

func TestSignedInternalRequests(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	body := `[{"task.class":"T","id":"0"}]`
	good, err := Sign(key, "HmacSHA256", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := Sign([]byte("another-key-another-key-another!"), "HmacSHA256", []byte(body))
	sha512sig, _ := Sign(key, "HmacSHA512", []byte(body))
	tests := []struct {
		name    string
		path    string
		method  string
		body    string
		hdr     map[string]string
		noKey   bool
		signing bool
		status  int
		message string
	}{
		{name: "good", method: "POST", path: "/connectors/src/tasks", body: body, signing: true, status: 204,
			hdr: map[string]string{SignatureHeader: good, SignatureAlgorithmHeader: "HmacSHA256"}},
		{name: "bad-signature", method: "POST", path: "/connectors/src/tasks", body: body, signing: true, status: 403,
			hdr: map[string]string{SignatureHeader: other, SignatureAlgorithmHeader: "HmacSHA256"}, message: "Internal request contained invalid signature."},
		{name: "tampered-body", method: "POST", path: "/connectors/src/tasks", body: `[{"task.class":"Evil"}]`, signing: true, status: 403,
			hdr: map[string]string{SignatureHeader: good, SignatureAlgorithmHeader: "HmacSHA256"}, message: "Internal request contained invalid signature."},
		{name: "missing", method: "POST", path: "/connectors/src/tasks", body: body, signing: true, status: 400, message: "Internal request missing required signature"},
		{name: "unknown-algorithm", method: "POST", path: "/connectors/src/tasks", body: body, signing: true, status: 400,
			hdr: map[string]string{SignatureHeader: good, SignatureAlgorithmHeader: "HmacMD5"}, message: "Algorithm HmacMD5 not available"},
		{name: "algorithm-not-allowed", method: "POST", path: "/connectors/src/tasks", body: body, signing: true, status: 400,
			hdr: map[string]string{SignatureHeader: sha512sig, SignatureAlgorithmHeader: "HmacSHA512"}, message: "does not support the 'HmacSHA512' key signing algorithm"},
		{name: "bad-base64", method: "POST", path: "/connectors/src/tasks", body: body, signing: true, status: 400,
			hdr: map[string]string{SignatureHeader: "***", SignatureAlgorithmHeader: "HmacSHA256"}, message: "Illegal base64"},
		{name: "no-session-key-yet", method: "POST", path: "/connectors/src/tasks", body: body, signing: true, noKey: true, status: 503,
			hdr: map[string]string{SignatureHeader: good, SignatureAlgorithmHeader: "HmacSHA256"}, message: "has not been able to read a session key"},
		{name: "unsigned-protocol", method: "POST", path: "/connectors/src/tasks", body: body, signing: false, status: 204},
		{name: "fence-good", method: "PUT", path: "/connectors/src/fence", signing: true, status: 204,
			hdr: map[string]string{SignatureHeader: mustSign(t, key, ""), SignatureAlgorithmHeader: "HmacSHA256"}},
		{name: "fence-missing-connector", method: "PUT", path: "/connectors/nope/fence", signing: true, status: 404,
			hdr: map[string]string{SignatureHeader: mustSign(t, key, ""), SignatureAlgorithmHeader: "HmacSHA256"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeHerder(testRegistry())
			seed(f)
			f.signing = tc.signing
			if !tc.noKey {
				f.sessionKey = &entities.SessionKey{Key: key, Algorithm: "HmacSHA256"}
			}
			s := newTestServer(t, f)
			w := do(t, s.Handler(), tc.method, tc.path, tc.body, "", tc.hdr)
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.message) {
				t.Fatalf("status %d body %s; want %d containing %q", w.Code, w.Body.String(), tc.status, tc.message)
			}
			if tc.name == "good" && len(f.tasks["src"]) != 1 {
				t.Errorf("task configs not stored: %v", f.tasks["src"])
			}
		})
	}
}

func mustSign(t *testing.T, key []byte, body string) string {
	t.Helper()
	s, err := Sign(key, "HmacSHA256", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSignedRequestForwardedWithSignature(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	leader := newWorker(t, newFakeHerder(testRegistry()))
	seed(leader.f)
	ff := newFakeHerder(testRegistry())
	seed(ff)
	ff.leaderURL = leader.srv.URL
	follower := newWorker(t, ff)
	for _, f := range []*fakeHerder{leader.f, ff} {
		f.signing, f.sessionKey = true, &entities.SessionKey{Key: key, Algorithm: "HmacSHA256"}
	}
	body := `[{"a":"1"},{"a":"2"}]`
	req, _ := http.NewRequest("POST", follower.srv.URL+"/connectors/src/tasks", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if err := SignRequest(req, key, "HmacSHA256", []byte(body)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status %d", resp.StatusCode)
	}
	leader.f.mu.Lock()
	defer leader.f.mu.Unlock()
	if len(leader.f.tasks["src"]) != 2 {
		t.Errorf("leader task configs %v", leader.f.tasks["src"])
	}
}

func TestRequestTimeoutNamesStage(t *testing.T) {
	tests := []struct {
		name  string
		stage *entities.Stage
		want  string
	}{
		{name: "no-stage", want: "Request timed out"},
		{name: "current-stage", stage: &entities.Stage{Description: "starting connector src", Started: time.UnixMilli(1729827181250).UTC()},
			want: "Request timed out. The worker is currently starting connector src, which began at 2024-10-25T03:33:01.250Z."},
		{name: "completed-stage", stage: &entities.Stage{Description: "reading to the end of the config topic", Started: time.UnixMilli(1729827181000), Completed: time.UnixMilli(1729827182000)},
			want: "Request timed out. The last operation the worker completed was reading to the end of the config topic, which began at 2024-10-25T03:33:01Z and completed at 2024-10-25T03:33:02Z."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeHerder(testRegistry())
			f.block, f.stage = true, tc.stage
			s := newTestServer(t, f, RequestTimeout(20*time.Millisecond))
			w := do(t, s.Handler(), "GET", "/connectors/src", "", "", nil)
			want := `{"error_code":500,"message":"` + tc.want + `"}`
			if w.Code != 500 || strings.TrimSpace(w.Body.String()) != want {
				t.Fatalf("got %d %s, want 500 %s", w.Code, w.Body.String(), want)
			}
		})
	}
}
