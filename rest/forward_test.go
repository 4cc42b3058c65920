package rest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gonnect/gonnect/rest/entities"
)

// worker is one REST server on a real loopback listener with its fake herder and the
// requests it received (method, URL, Authorization).
type worker struct {
	f    *fakeHerder
	srv  *httptest.Server
	mu   sync.Mutex
	seen []seenRequest
}

type seenRequest struct{ method, url, auth, userAgent, signature string }

func newWorker(t *testing.T, f *fakeHerder) *worker {
	t.Helper()
	w := &worker{f: f}
	s := newTestServer(t, f)
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.seen = append(w.seen, seenRequest{r.Method, r.URL.String(), r.Header.Get("Authorization"), r.Header.Get("User-Agent"), r.Header.Get(SignatureHeader)})
		w.mu.Unlock()
		s.Handler().ServeHTTP(rw, r)
	}))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *worker) requests() []seenRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]seenRequest(nil), w.seen...)
}

func send(t *testing.T, method, url, body string, hdr map[string]string) (int, string, http.Header) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestForwarding(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		wantStatus int
		check      func(t *testing.T, leader *fakeHerder, body string, hdr http.Header)
		wantQuery  string // query the leader must receive
	}{
		{name: "create", method: "POST", path: "/connectors", body: `{"name":"fwd","config":{"connector.class":"TestSink","topics":"t"}}`,
			wantStatus: 201, wantQuery: "forward=true",
			check: func(t *testing.T, leader *fakeHerder, body string, hdr http.Header) {
				if _, ok := leader.configs["fwd"]; !ok {
					t.Error("create did not land on the leader")
				}
				if !strings.HasSuffix(hdr.Get("Location"), "/connectors/fwd") {
					t.Errorf("Location %q", hdr.Get("Location"))
				}
			}},
		{name: "put-config-update", method: "PUT", path: "/connectors/src/config", body: `{"connector.class":"TestSource","database.hostname":"h","database.password":"p"}`,
			wantStatus: 200, wantQuery: "forward=true",
			check: func(t *testing.T, leader *fakeHerder, body string, hdr http.Header) {
				if leader.configs["src"]["database.hostname"] != "h" {
					t.Errorf("leader config %v", leader.configs["src"])
				}
			}},
		{name: "restart-with-params", method: "POST", path: "/connectors/src/restart?includeTasks=true&onlyFailed=true",
			wantStatus: 202, wantQuery: "forward=true&includeTasks=true&onlyFailed=true",
			check: func(t *testing.T, leader *fakeHerder, body string, hdr http.Header) {
				var st entities.ConnectorStateInfo
				if err := json.Unmarshal([]byte(body), &st); err != nil || st.Tasks[1].State != entities.StateRestarting {
					t.Errorf("relayed body %s", body)
				}
			}},
		{name: "delete", method: "DELETE", path: "/connectors/src", wantStatus: 204, wantQuery: "forward=true",
			check: func(t *testing.T, leader *fakeHerder, body string, hdr http.Header) {
				if _, ok := leader.configs["src"]; ok {
					t.Error("delete did not land on the leader")
				}
			}},
		{name: "leader-error-relayed", method: "POST", path: "/connectors", body: `{"name":"src","config":{"connector.class":"TestSink","topics":"t"}}`,
			wantStatus: 409, wantQuery: "forward=true",
			check: func(t *testing.T, leader *fakeHerder, body string, hdr http.Header) {
				if !strings.Contains(body, `"message":"Connector src already exists"`) || !strings.Contains(body, `"error_code":409`) {
					t.Errorf("relayed error %s", body)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			leader := newWorker(t, newFakeHerder(testRegistry()))
			seed(leader.f)
			ff := newFakeHerder(testRegistry())
			seed(ff)
			ff.leaderURL = leader.srv.URL + "/"
			follower := newWorker(t, ff)
			status, body, hdr := send(t, tc.method, follower.srv.URL+tc.path, tc.body, map[string]string{"Authorization": "Basic YWRtaW46c2VjcmV0"})
			if status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", status, tc.wantStatus, body)
			}
			reqs := leader.requests()
			if len(reqs) != 1 {
				t.Fatalf("leader saw %d requests, want 1", len(reqs))
			}
			if reqs[0].auth != "Basic YWRtaW46c2VjcmV0" {
				t.Errorf("Authorization not carried: %q", reqs[0].auth)
			}
			if reqs[0].userAgent != "kafka-connect" {
				t.Errorf("User-Agent %q", reqs[0].userAgent)
			}
			if q := reqs[0].url[strings.IndexByte(reqs[0].url, '?')+1:]; q != tc.wantQuery {
				t.Errorf("leader query %q, want %q", q, tc.wantQuery)
			}
			if tc.check != nil {
				leader.f.mu.Lock()
				tc.check(t, leader.f, body, hdr)
				leader.f.mu.Unlock()
			}
		})
	}
}

func TestForwardingHopLimit(t *testing.T) {
	// A → B → C where every worker thinks another is the leader: C must refuse.
	c := newWorker(t, newFakeHerder(testRegistry()))
	bf := newFakeHerder(testRegistry())
	bf.leaderURL = c.srv.URL
	b := newWorker(t, bf)
	c.f.leaderURL = b.srv.URL
	af := newFakeHerder(testRegistry())
	af.leaderURL = b.srv.URL
	a := newWorker(t, af)

	status, body, _ := send(t, "DELETE", a.srv.URL+"/connectors/x", "", nil)
	if status != http.StatusConflict || !strings.Contains(body, entities.ErrTooManyHops.Msg) {
		t.Fatalf("third hop: status %d body %s", status, body)
	}
	if got := b.requests(); len(got) != 1 || !strings.HasSuffix(got[0].url, "forward=true") {
		t.Errorf("second worker saw %+v", got)
	}
	if got := c.requests(); len(got) != 1 || !strings.HasSuffix(got[0].url, "forward=false") {
		t.Errorf("third worker saw %+v", got)
	}
}

func TestForwardingNoLeader(t *testing.T) {
	f := newFakeHerder(testRegistry())
	f.leaderURL = ""
	s := newTestServer(t, &noLeader{f})
	w := do(t, s.Handler(), "DELETE", "/connectors/src", "", "", nil)
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), entities.ErrNoLeaderURL.Msg) {
		t.Fatalf("status %d body %s", w.Code, w.Body.String())
	}
}

// noLeader is a follower that does not know the leader.
type noLeader struct{ *fakeHerder }

func (n *noLeader) DeleteConnector(context.Context, string) error {
	return &entities.NotLeaderError{}
}
