package rest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

type testPKI struct {
	caCert             *x509.Certificate
	caPEM              []byte
	serverCert, client tls.Certificate
	serverKeyPEM       []byte
	serverCertPEM      []byte
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gonnect-test-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leaf := func(cn string, usage x509.ExtKeyUsage, serial int64) (tls.Certificate, []byte, []byte) {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kb, _ := x509.MarshalPKCS8PrivateKey(k)
		certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
		keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb})
		c, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			t.Fatal(err)
		}
		return c, certPEM, keyPEM
	}
	p := &testPKI{caCert: ca, caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})}
	p.serverCert, p.serverCertPEM, p.serverKeyPEM = leaf("worker", x509.ExtKeyUsageServerAuth, 2)
	p.client, _, _ = leaf("operator", x509.ExtKeyUsageClientAuth, 3)
	return p
}

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func startServer(t *testing.T, opts ...Opt) *Server {
	t.Helper()
	f := newFakeHerder(testRegistry())
	seed(f)
	s := newTestServer(t, f, opts...)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Shutdown(t.Context()) })
	return s
}

func TestHTTPS(t *testing.T) {
	pki := newTestPKI(t)
	pemStore := writeFile(t, "server.pem", append(append([]byte{}, pki.serverKeyPEM...), pki.serverCertPEM...))
	trustPEM := writeFile(t, "ca.pem", pki.caPEM)
	p12, err := pkcs12.Modern.Encode(pki.serverCert.PrivateKey, pki.serverCert.Leaf, []*x509.Certificate{pki.caCert}, "changeit")
	if err != nil {
		t.Fatal(err)
	}
	p12Store := writeFile(t, "server.p12", p12)
	trustP12Bytes, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{pki.caCert}, "trustpw")
	if err != nil {
		t.Fatal(err)
	}
	trustP12 := writeFile(t, "trust.p12", trustP12Bytes)

	roots := x509.NewCertPool()
	roots.AddCert(pki.caCert)
	tests := []struct {
		name       string
		props      map[string]string
		clientCert bool
		wantOK     bool
	}{
		{name: "pem-no-client-auth", wantOK: true, props: map[string]string{
			"listeners.https.ssl.keystore.type": "PEM", "listeners.https.ssl.keystore.location": pemStore}},
		{name: "pkcs12-no-client-auth", wantOK: true, props: map[string]string{
			"listeners.https.ssl.keystore.type": "PKCS12", "listeners.https.ssl.keystore.location": p12Store, "listeners.https.ssl.keystore.password": "changeit"}},
		{name: "inline-pem", wantOK: true, props: map[string]string{
			"ssl.keystore.type": "PEM", "ssl.keystore.key": string(pki.serverKeyPEM), "ssl.keystore.certificate.chain": string(pki.serverCertPEM)}},
		{name: "client-auth-required-without-cert", wantOK: false, props: map[string]string{
			"listeners.https.ssl.keystore.type": "PEM", "listeners.https.ssl.keystore.location": pemStore,
			"listeners.https.ssl.truststore.type": "PEM", "listeners.https.ssl.truststore.location": trustPEM, "listeners.https.ssl.client.auth": "required"}},
		{name: "client-auth-required-with-cert", wantOK: true, clientCert: true, props: map[string]string{
			"listeners.https.ssl.keystore.type": "PKCS12", "listeners.https.ssl.keystore.location": p12Store, "listeners.https.ssl.keystore.password": "changeit",
			"listeners.https.ssl.truststore.type": "PKCS12", "listeners.https.ssl.truststore.location": trustP12, "listeners.https.ssl.truststore.password": "trustpw",
			"listeners.https.ssl.client.auth": "required"}},
		{name: "client-auth-requested-without-cert", wantOK: true, props: map[string]string{
			"listeners.https.ssl.keystore.type": "PEM", "listeners.https.ssl.keystore.location": pemStore,
			"listeners.https.ssl.truststore.type": "PEM", "listeners.https.ssl.truststore.location": trustPEM, "listeners.https.ssl.client.auth": "requested"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t, Listeners("https://127.0.0.1:0"), HTTPS(TLSSettingsFromProps(tc.props)))
			cc := &tls.Config{RootCAs: roots}
			if tc.clientCert {
				cc.Certificates = []tls.Certificate{pki.client}
			}
			cl := &http.Client{Transport: &http.Transport{TLSClientConfig: cc}, Timeout: 5 * time.Second}
			resp, err := cl.Get(s.Addrs()[0] + "/")
			if !tc.wantOK {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("request without client certificate succeeded: %d", resp.StatusCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || !strings.Contains(string(b), `"version":"3.9.0"`) {
				t.Fatalf("GET / over TLS: %d %s", resp.StatusCode, b)
			}
		})
	}
}

func TestTLSSettingsErrors(t *testing.T) {
	tests := []struct {
		name  string
		props map[string]string
		want  string
	}{
		{name: "https-without-keystore", props: map[string]string{}, want: "key store"},
		{name: "jks", props: map[string]string{"ssl.keystore.type": "JKS", "ssl.keystore.location": writeFile(t, "k.jks", []byte("x"))}, want: "JKS is not supported"},
		{name: "wrong-password", props: map[string]string{"ssl.keystore.location": writeFile(t, "bad.p12", []byte("garbage"))}, want: "ssl.keystore.location"},
		{name: "empty-pem-keystore", props: map[string]string{"ssl.keystore.type": "PEM", "ssl.keystore.location": writeFile(t, "s.pem", nil)}, want: "ssl.keystore.location"},
		{name: "bad-client-auth", props: map[string]string{"ssl.keystore.type": "PEM", "ssl.keystore.location": writeFile(t, "ok.pem", pemBundle(t)), "ssl.client.auth": "always"}, want: "ssl.client.auth"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(newFakeHerder(testRegistry()), Listeners("https://127.0.0.1:0"), HTTPS(TLSSettingsFromProps(tc.props)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want it to mention %q", err, tc.want)
			}
		})
	}
	if _, err := New(newFakeHerder(testRegistry()), Listeners("https://127.0.0.1:0")); err == nil {
		t.Error("https listener without TLS settings accepted")
	}
	if _, err := New(newFakeHerder(testRegistry()), Listeners("ftp://x:1")); err == nil || !strings.Contains(err.Error(), "listeners") {
		t.Errorf("bad listener: %v", err)
	}
}

func pemBundle(t *testing.T) []byte {
	p := newTestPKI(t)
	return append(append([]byte{}, p.serverKeyPEM...), p.serverCertPEM...)
}
