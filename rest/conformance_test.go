package rest

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	goldenfile "github.com/gonnect/gonnect/internal/golden"
	"github.com/gonnect/gonnect/logging"
	"github.com/gonnect/gonnect/rest/entities"
)

// golden is what a conformance case pins: the status, the Location header and the
// body (JSON, or null for an empty body).
type golden struct {
	Status   int             `json:"status"`
	Location string          `json:"location,omitempty"`
	Body     json.RawMessage `json:"body"`
}

type restCase struct {
	name    string
	method  string
	path    string
	body    string
	ctype   string // default application/json when body is set
	setup   func(f *fakeHerder)
	status  int
	check   func(t *testing.T, f *fakeHerder)
	noGold  bool // body not pinned (e.g. varies with time)
	headers map[string]string
}

func newTestServer(t *testing.T, f Herder, opts ...Opt) *Server {
	t.Helper()
	opts = append([]Opt{Loggers(logging.NewLevels(nil, 0)), WithLogger(discardLogger())}, opts...)
	s, err := New(f, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func do(t *testing.T, h http.Handler, method, path, body, ctype string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	req.Host = "worker-1:8083"
	if body != "" {
		if ctype == "" {
			ctype = "application/json"
		}
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// checkGolden compares the response with testdata/conformance/<name>.json.
func checkGolden(t *testing.T, name string, w *httptest.ResponseRecorder) {
	t.Helper()
	got := golden{Status: w.Code, Location: w.Header().Get("Location"), Body: json.RawMessage("null")}
	if b := bytes.TrimSpace(w.Body.Bytes()); len(b) > 0 {
		if !json.Valid(b) {
			t.Fatalf("body is not JSON: %q", b)
		}
		got.Body = b
	}
	path := filepath.Join("testdata", "conformance", strings.ReplaceAll(name, "/", "_")+".json")
	if goldenfile.Updating() {
		var pretty bytes.Buffer
		raw, _ := json.Marshal(got)
		_ = json.Indent(&pretty, raw, "", "  ")
		pretty.WriteByte('\n')
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden (run with -update to create): %v", err)
	}
	var wantV, gotV any
	if err := json.Unmarshal(want, &wantV); err != nil {
		t.Fatalf("golden %s: %v", path, err)
	}
	raw, _ := json.Marshal(got)
	_ = json.Unmarshal(raw, &gotV)
	if !reflect.DeepEqual(wantV, gotV) {
		t.Errorf("response differs from %s\n got: %s\nwant: %s", path, raw, bytes.TrimSpace(want))
	}
}

func runCases(t *testing.T, cases []restCase, opts ...Opt) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeHerder(testRegistry())
			seed(f)
			if tc.setup != nil {
				tc.setup(f)
			}
			s := newTestServer(t, f, opts...)
			w := do(t, s.Handler(), tc.method, tc.path, tc.body, tc.ctype, tc.headers)
			if w.Code != tc.status {
				t.Fatalf("%s %s: status %d, want %d; body %s", tc.method, tc.path, w.Code, tc.status, w.Body.String())
			}
			if ct := w.Header().Get("Content-Type"); w.Body.Len() > 0 && !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			if w.Code >= 400 && tc.path != "/health" { // /health answers with its own body
				var em entities.ErrorMessage
				if err := json.Unmarshal(w.Body.Bytes(), &em); err != nil || em.ErrorCode == 0 || em.Message == "" {
					t.Errorf("error body %q is not {\"error_code\",\"message\"}", w.Body.String())
				}
			}
			if !tc.noGold {
				checkGolden(t, tc.name, w)
			}
			if tc.check != nil {
				tc.check(t, f)
			}
		})
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
