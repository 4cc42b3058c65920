package registry

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/gonnect/gonnect/schemas/srtest"
)

var avroSchema = sr.Schema{Type: sr.TypeAvro, Schema: `{"type":"record","name":"R","namespace":"ns","fields":[{"name":"a","type":"int"}]}`}

// counter counts requests reaching the registry, by method+path.
func counter(reg *srfake.Registry) *sync.Map {
	var m sync.Map
	reg.Intercept(func(_ http.ResponseWriter, r *http.Request) bool {
		v, _ := m.LoadOrStore(r.Method+" "+r.URL.Path, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
		return false
	})
	return &m
}

func count(m *sync.Map, key string) int64 {
	v, ok := m.Load(key)
	if !ok {
		return 0
	}
	return v.(*atomic.Int64).Load()
}

func newClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler) // retries are asserted, not logged
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.backoff = func(int) time.Duration { return 20 * time.Millisecond }
	return c
}

func deadURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func TestRegisterCachesAndLooksUp(t *testing.T) {
	ctx := context.Background()
	url, reg := srtest.New(t)
	calls := counter(reg)
	c := newClient(t, Config{URLs: []string{url}})
	id, err := c.Register(ctx, "t-value", avroSchema)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		again, err := c.Register(ctx, "t-value", avroSchema)
		if err != nil || again != id {
			t.Fatalf("got %d %v", again, err)
		}
	}
	if n := count(calls, "POST /subjects/t-value/versions"); n != 1 {
		t.Fatalf("register requests = %d, want 1 (cached)", n)
	}
	got, err := c.SchemaByID(ctx, id)
	if err != nil || got.Schema != avroSchema.Schema {
		t.Fatalf("SchemaByID = %v %v", got, err)
	}
	if n := count(calls, "GET /schemas/ids/1"); n != 0 {
		t.Fatalf("SchemaByID after Register made %d requests, want 0", n)
	}
	// a fresh client reads by id once, then from its cache
	c2 := newClient(t, Config{URLs: []string{url}})
	for range 3 {
		if _, err := c2.SchemaByID(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(calls, "GET /schemas/ids/1"); n != 1 {
		t.Fatalf("id lookups = %d, want 1", n)
	}
	lid, err := c2.Lookup(ctx, "t-value", avroSchema)
	if err != nil || lid != id {
		t.Fatalf("Lookup = %d %v", lid, err)
	}
	latest, err := c2.Latest(ctx, "t-value")
	if err != nil || latest.ID != id || latest.Version != 1 {
		t.Fatalf("Latest = %+v %v", latest, err)
	}
}

func TestErrorsCarryRegistryCode(t *testing.T) {
	ctx := context.Background()
	url, reg := srtest.New(t)
	reg.Intercept(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/subjects/incompatible") {
			w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
			w.WriteHeader(http.StatusConflict)
			json.NewEncoder(w).Encode(map[string]any{"error_code": 409, "message": "Schema being registered is incompatible with an earlier schema for subject \"incompatible-value\""})
			return true
		}
		return false
	})
	c := newClient(t, Config{URLs: []string{url}, RetryTimeout: time.Second})
	tests := []struct {
		name      string
		call      func() error
		status    int
		code      int
		wantInMsg string
	}{
		{name: "incompatible", call: func() error { _, err := c.Register(ctx, "incompatible-value", avroSchema); return err },
			status: 409, code: 409, wantInMsg: "is incompatible with an earlier schema"},
		{name: "lookup unknown subject", call: func() error { _, err := c.Lookup(ctx, "nope-value", avroSchema); return err },
			status: 404, code: 40401, wantInMsg: "nope-value"},
		{name: "unknown id", call: func() error { _, err := c.SchemaByID(ctx, 999); return err },
			status: 404, code: 40403, wantInMsg: "id 999"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T %v", err, err)
			}
			if e.StatusCode != tc.status || e.ErrorCode != tc.code || !strings.Contains(err.Error(), tc.wantInMsg) {
				t.Fatalf("got status %d code %d: %v", e.StatusCode, e.ErrorCode, err)
			}
			if Transient(err) {
				t.Fatal("4xx must not be retried")
			}
		})
	}
}

func TestBasicAuth(t *testing.T) {
	ctx := context.Background()
	url, _ := srtest.NewWithBasicAuth(t, "alice", "s3cret")
	tests := []struct {
		name    string
		cfg     map[string]string
		wantErr string
	}{
		{name: "user info", cfg: map[string]string{URLConfig: url, AuthSourceConfig: "USER_INFO", UserInfoConfig: "alice:s3cret"}},
		{name: "url credentials", cfg: map[string]string{URLConfig: strings.Replace(url, "http://", "http://alice:s3cret@", 1), AuthSourceConfig: "URL"}},
		{name: "wrong password", cfg: map[string]string{URLConfig: url, AuthSourceConfig: "USER_INFO", UserInfoConfig: "alice:nope"}, wantErr: "User not authorized (HTTP 403"},
		{name: "no credentials", cfg: map[string]string{URLConfig: url}, wantErr: "Missing Authorization header (HTTP 401"},
		{name: "legacy user info key", cfg: map[string]string{URLConfig: url, AuthSourceConfig: "USER_INFO", "schema.registry.basic.auth.user.info": "alice:s3cret"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseConfig(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = newClient(t, cfg).Register(ctx, "a-value", avroSchema)
			if tc.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("got %v, want %q", err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Fatalf("error leaks the password: %v", err)
			}
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name    string
		cfg     map[string]string
		wantErr string
	}{
		{name: "missing url", cfg: map[string]string{}, wantErr: URLConfig},
		{name: "bad source", cfg: map[string]string{URLConfig: "http://x", AuthSourceConfig: "SASL_INHERIT"}, wantErr: AuthSourceConfig},
		{name: "bad user info hides value", cfg: map[string]string{URLConfig: "http://x", AuthSourceConfig: "USER_INFO", UserInfoConfig: "secretonly"}, wantErr: "[hidden] for configuration basic.auth.user.info"},
		{name: "jks truststore", cfg: map[string]string{URLConfig: "https://x", TruststoreTypeConfig: "JKS"}, wantErr: TruststoreTypeConfig},
		{name: "missing truststore file", cfg: map[string]string{URLConfig: "https://x", TruststoreLocConfig: "/nonexistent.pem"}, wantErr: TruststoreLocConfig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "secretonly") {
				t.Fatal("secret in error")
			}
		})
	}
	cfg, err := ParseConfig(map[string]string{URLConfig: "http://a:1, http://b:2"})
	if err != nil || len(cfg.URLs) != 2 || cfg.URLs[1] != "http://b:2" {
		t.Fatalf("got %+v %v", cfg, err)
	}
}

func TestFailoverAndRetries(t *testing.T) {
	ctx := context.Background()
	t.Run("second url serves when the first is down", func(t *testing.T) {
		url, _ := srtest.New(t)
		c := newClient(t, Config{URLs: []string{deadURL(t), url}})
		if _, err := c.Register(ctx, "f-value", avroSchema); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("5xx retried until success", func(t *testing.T) {
		url, reg := srtest.New(t)
		var failures atomic.Int64
		reg.Intercept(func(w http.ResponseWriter, r *http.Request) bool {
			if failures.Add(1) <= 2 {
				w.WriteHeader(http.StatusServiceUnavailable)
				json.NewEncoder(w).Encode(map[string]any{"error_code": 50003, "message": "Error while forwarding the request to the leader"})
				return true
			}
			return false
		})
		c := newClient(t, Config{URLs: []string{url}, RetryTimeout: 5 * time.Second})
		if _, err := c.Register(ctx, "r-value", avroSchema); err != nil {
			t.Fatal(err)
		}
		if n := failures.Load(); n != 3 {
			t.Fatalf("attempts = %d, want 3", n)
		}
	})
	t.Run("outage retried up to the timeout then fails", func(t *testing.T) {
		url, reg := srtest.New(t)
		c := newClient(t, Config{URLs: []string{url}, RetryTimeout: 300 * time.Millisecond})
		reg.Close()
		start := time.Now()
		_, err := c.Register(ctx, "o-value", avroSchema)
		var e *Error
		if !errors.As(err, &e) || e.StatusCode != 0 || !strings.Contains(err.Error(), "giving up after") {
			t.Fatalf("got %v", err)
		}
		if el := time.Since(start); el < 200*time.Millisecond {
			t.Fatalf("gave up after %s, before spending the retry timeout", el)
		}
	})
	t.Run("no retry timeout fails at once", func(t *testing.T) {
		c := newClient(t, Config{URLs: []string{deadURL(t)}})
		_, err := c.Register(ctx, "o-value", avroSchema)
		if err == nil || strings.Contains(err.Error(), "giving up") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ctx cancel stops retries", func(t *testing.T) {
		c := newClient(t, Config{URLs: []string{deadURL(t)}, RetryTimeout: time.Hour})
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err := c.Register(cctx, "o-value", avroSchema)
		if err == nil || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestStrategies(t *testing.T) {
	tests := []struct {
		name    string
		class   string
		isKey   bool
		record  string
		want    string
		wantErr string
	}{
		{name: "topic value", class: "", want: "orders-value", record: "a.B"},
		{name: "topic key", class: TopicNameStrategyClass, isKey: true, want: "orders-key"},
		{name: "record", class: RecordNameStrategyClass, record: "a.B", want: "a.B"},
		{name: "topic record", class: "TopicRecordNameStrategy", record: "a.B", want: "orders-a.B"},
		{name: "record needs name", class: RecordNameStrategyClass, wantErr: "named record"},
		{name: "unknown", class: "x.Y", wantErr: "Class x.Y could not be found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := StrategyByName("value.subject.name.strategy", tc.class)
			var got string
			if err == nil {
				got, err = st("orders", tc.isKey, tc.record)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q %v", got, err)
			}
		})
	}
}

func TestBearerAuth(t *testing.T) {
	ctx := context.Background()
	url, _ := srtest.New(t, srfake.WithAuth("Bearer tok3n"))
	tests := []struct {
		name    string
		token   string
		wantErr string
	}{
		{name: "right token", token: "tok3n"},
		{name: "wrong token", token: "nope", wantErr: "HTTP 403"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseConfig(map[string]string{URLConfig: url, BearerSourceConfig: "STATIC_TOKEN", BearerTokenConfig: tc.token})
			if err != nil {
				t.Fatal(err)
			}
			_, err = newClient(t, cfg).Register(ctx, "b-value", avroSchema)
			if (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("got %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestTLS(t *testing.T) {
	ctx := context.Background()
	url, _, caPEM := srtest.NewTLS(t)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	localhost := strings.Replace(url, "127.0.0.1", "localhost", 1) // not in the certificate
	tests := []struct {
		name    string
		cfg     map[string]string
		wantErr string
	}{
		{name: "trust store file", cfg: map[string]string{URLConfig: url, TruststoreLocConfig: ca}},
		{name: "trust store inline PEM", cfg: map[string]string{URLConfig: url, TruststoreCertsConfig: string(caPEM)}},
		{name: "untrusted", cfg: map[string]string{URLConfig: url, TruststoreTypeConfig: "PEM"}, wantErr: "certificate"},
		{name: "hostname checked", cfg: map[string]string{URLConfig: localhost, TruststoreLocConfig: ca}, wantErr: "localhost"},
		{name: "hostname check off", cfg: map[string]string{URLConfig: localhost, TruststoreLocConfig: ca, EndpointIDConfig: ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseConfig(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = newClient(t, cfg).Register(ctx, "tls-value", avroSchema)
			if (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("got %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestKeystorePEM(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
	both := filepath.Join(t.TempDir(), "client.pem")
	if err := os.WriteFile(both, append(append([]byte{}, certPEM...), keyPEM...), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cfg     map[string]string
		wantErr string
	}{
		{name: "one file with chain and key", cfg: map[string]string{URLConfig: "https://r", KeystoreLocConfig: both}},
		{name: "inline chain and key", cfg: map[string]string{URLConfig: "https://r", KeystoreChainConfig: string(certPEM), KeystoreKeyConfig: string(keyPEM)}},
		{name: "key missing", cfg: map[string]string{URLConfig: "https://r", KeystoreChainConfig: string(certPEM)}, wantErr: "[hidden] for configuration " + KeystoreKeyConfig},
		{name: "pkcs12 rejected", cfg: map[string]string{URLConfig: "https://r", KeystoreTypeConfig: "PKCS12"}, wantErr: KeystoreTypeConfig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseConfig(tc.cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "PRIVATE KEY") {
					t.Fatal("key material in error")
				}
				return
			}
			if err != nil || cfg.TLS == nil || len(cfg.TLS.Certificates) != 1 {
				t.Fatalf("got %+v %v", cfg.TLS, err)
			}
		})
	}
}

func TestRetryLogsHideCredentials(t *testing.T) {
	ctx := context.Background()
	cfg, err := ParseConfig(map[string]string{URLConfig: strings.Replace(deadURL(t), "http://", "http://alice:s3cret@", 1)})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	cfg.RetryTimeout = 100 * time.Millisecond
	if _, err := newClient(t, cfg).Register(ctx, "x-value", avroSchema); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(logs.String(), "retrying") || strings.Contains(logs.String(), "s3cret") {
		t.Fatalf("logs: %s", logs.String())
	}
}
