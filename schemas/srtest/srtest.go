// Package srtest starts franz-go's in-memory schema registry (srfake) for tests in
// any package.
package srtest

import (
	"encoding/base64"
	"encoding/pem"
	"net/http/httptest"
	"testing"

	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// New starts an in-memory registry that is closed when the test ends and returns
// its URL and the registry (for seeding, interceptors and assertions).
func New(t testing.TB, opts ...srfake.Option) (url string, reg *srfake.Registry) {
	t.Helper()
	reg = srfake.New(opts...)
	t.Cleanup(reg.Close)
	return reg.URL(), reg
}

// NewWithBasicAuth starts a registry that accepts only HTTP basic auth with user
// and password (any other or missing Authorization is 401/403).
func NewWithBasicAuth(t testing.TB, user, password string, opts ...srfake.Option) (url string, reg *srfake.Registry) {
	t.Helper()
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
	return New(t, append([]srfake.Option{srfake.WithAuth(auth)}, opts...)...)
}

// NewTLS starts an in-memory registry behind HTTPS (httptest's self-signed
// certificate for 127.0.0.1 and example.com) and returns its URL, the registry and
// the certificate in PEM form for a trust store.
func NewTLS(t testing.TB, opts ...srfake.Option) (url string, reg *srfake.Registry, caPEM []byte) {
	t.Helper()
	reg = srfake.New(opts...)
	t.Cleanup(reg.Close)
	srv := httptest.NewTLSServer(reg.Handler())
	t.Cleanup(srv.Close)
	caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	return srv.URL, reg, caPEM
}
