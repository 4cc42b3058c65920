package rest

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEncryptedPEMKeyStore(t *testing.T) {
	cert, err := os.ReadFile(filepath.Join("testdata", "tls", "cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		keyFile  string
		password string
		wantErr  string
	}{
		{name: "aes256-sha256", keyFile: "key-aes256.pem", password: "keypass"},
		{name: "aes128-sha1", keyFile: "key-aes128-sha1.pem", password: "keypass"},
		{name: "wrong-password", keyFile: "key-aes256.pem", password: "nope", wantErr: "wrong ssl.key.password"},
		{name: "no-password", keyFile: "key-aes256.pem", wantErr: "set ssl.key.password"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, err := os.ReadFile(filepath.Join("testdata", "tls", tc.keyFile))
			if err != nil {
				t.Fatal(err)
			}
			props := map[string]string{
				"listeners.https.ssl.keystore.type":              "PEM",
				"listeners.https.ssl.keystore.key":               string(key),
				"listeners.https.ssl.keystore.certificate.chain": string(cert),
				"listeners.https.ssl.key.password":               tc.password,
			}
			opts := []Opt{Listeners("https://127.0.0.1:0"), HTTPS(TLSSettingsFromProps(props))}
			if tc.wantErr != "" {
				_, err := New(newFakeHerder(testRegistry()), opts...)
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "ssl.keystore.key") {
					t.Fatalf("err %v, want %q naming ssl.keystore.key", err, tc.wantErr)
				}
				return
			}
			s := startServer(t, opts...)
			roots := x509.NewCertPool()
			roots.AppendCertsFromPEM(cert)
			cl := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}, Timeout: 5 * time.Second}
			resp, err := cl.Get(s.Addrs()[0] + "/health")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("GET /health: %d", resp.StatusCode)
			}
		})
	}
}
