package rest

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestResponseHeaders(t *testing.T) {
	tests := []struct {
		name    string
		config  string
		want    map[string][]string
		wantErr string
	}{
		{name: "set-and-add", config: `set X-Frame-Options:DENY, add Cache-Control:no-store,add Cache-Control:no-cache`,
			want: map[string][]string{"X-Frame-Options": {"DENY"}, "Cache-Control": {"no-store", "no-cache"}}},
		{name: "quoted-comma", config: `"set Strict-Transport-Security:max-age=31536000, includeSubDomains"`,
			want: map[string][]string{"Strict-Transport-Security": {"max-age=31536000, includeSubDomains"}}},
		{name: "empty", config: "", want: map[string][]string{"X-Frame-Options": nil}},
		{name: "bad-action", config: "put X-A:b", wantErr: "Invalid header config action: 'put'"},
		{name: "bad-format", config: "set X-A", wantErr: "Invalid format of header config 'set X-A'"},
		{name: "bad-date", config: "setDate Expires:soon", wantErr: "must be milliseconds"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(newFakeHerder(testRegistry()), ResponseHeaders(tc.config), WithLogger(discardLogger()))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{"/", "/nope"} { // success and error responses alike
				w := do(t, s.Handler(), "GET", path, "", "", nil)
				for k, v := range tc.want {
					if got := w.Header().Values(k); strings.Join(got, "|") != strings.Join(v, "|") {
						t.Errorf("%s %s = %q, want %q", path, k, got, v)
					}
				}
			}
		})
	}
	s, err := New(newFakeHerder(testRegistry()), ResponseHeaders("setDate Expires:3600000"), WithLogger(discardLogger()))
	if err != nil {
		t.Fatal(err)
	}
	w := do(t, s.Handler(), "GET", "/", "", "", nil)
	exp, err := http.ParseTime(w.Header().Get("Expires"))
	if err != nil || exp.Before(time.Now().Add(59*time.Minute)) || exp.After(time.Now().Add(61*time.Minute)) {
		t.Errorf("Expires %q (%v)", w.Header().Get("Expires"), err)
	}
}
