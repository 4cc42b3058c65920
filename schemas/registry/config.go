// Package registry is the schema registry client Gonnect's Avro converter uses: a
// thin layer over franz-go's sr.Client that adds Confluent's client-side caches
// (subject+schema → id, id → schema, subject → latest), retries of transient
// failures with exponential backoff bounded by a timeout, errors that carry the
// registry's error_code and message, and the subject name strategies.
package registry

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"
)

// Config keys read by ParseConfig (Confluent's names, prefix already stripped).
const (
	URLConfig             = "schema.registry.url"
	AuthSourceConfig      = "basic.auth.credentials.source"
	UserInfoConfig        = "basic.auth.user.info"
	legacyUserInfoConfig  = "schema.registry.basic.auth.user.info"
	BearerSourceConfig    = "bearer.auth.credentials.source"
	BearerTokenConfig     = "bearer.auth.token"
	sslPrefix             = "schema.registry.ssl."
	TruststoreTypeConfig  = sslPrefix + "truststore.type"
	TruststoreLocConfig   = sslPrefix + "truststore.location"
	TruststoreCertsConfig = sslPrefix + "truststore.certificates"
	KeystoreTypeConfig    = sslPrefix + "keystore.type"
	KeystoreLocConfig     = sslPrefix + "keystore.location"
	KeystoreChainConfig   = sslPrefix + "keystore.certificate.chain"
	KeystoreKeyConfig     = sslPrefix + "keystore.key"
	EndpointIDConfig      = sslPrefix + "endpoint.identification.algorithm"
)

// Config configures a Client.
type Config struct {
	// URLs are tried in order on connection errors (schema.registry.url, comma-separated).
	URLs []string
	// User and Password enable HTTP basic auth (from basic.auth.user.info with
	// basic.auth.credentials.source=USER_INFO, or from the URL's user info with URL).
	User, Password string
	// BearerToken enables bearer auth (bearer.auth.credentials.source=STATIC_TOKEN
	// with bearer.auth.token).
	BearerToken string
	// TLS, when set, is used for https URLs (schema.registry.ssl.*).
	TLS *tls.Config
	// RetryTimeout bounds retries of transient errors (5xx, connection refused);
	// 0 disables retries. The worker passes errors.retry.timeout.
	RetryTimeout time.Duration
	// Logger receives retry warnings; nil means slog.Default(). Credentials are never logged.
	Logger *slog.Logger
}

// ParseConfig reads the registry settings of a converter config map. Only PEM
// stores are supported for TLS (truststore/keystore type PEM); JKS and PKCS12 are
// rejected with an error naming the key. Errors never include secret values.
func ParseConfig(cfg map[string]string) (Config, error) {
	var c Config
	raw := strings.TrimSpace(cfg[URLConfig])
	if raw == "" {
		return c, fmt.Errorf("Missing required configuration \"%s\" which has no default value.", URLConfig)
	}
	var urlUser *url.Userinfo
	for _, u := range strings.Split(raw, ",") {
		u = strings.TrimSpace(u)
		if u == "" {
			continue
		}
		pu, err := url.Parse(u)
		if err != nil || pu.Host == "" {
			return c, fmt.Errorf("Invalid value for configuration %s: %q is not a URL", URLConfig, redactURL(u))
		}
		if pu.User != nil {
			urlUser = pu.User
			pu.User = nil
		}
		c.URLs = append(c.URLs, pu.String())
	}
	switch src := strings.ToUpper(strings.TrimSpace(cfg[AuthSourceConfig])); src {
	case "", "URL":
		if urlUser != nil {
			c.User = urlUser.Username()
			c.Password, _ = urlUser.Password()
		}
	case "USER_INFO":
		info := cfg[UserInfoConfig]
		if info == "" {
			info = cfg[legacyUserInfoConfig] // Confluent's older name, still accepted
		}
		user, pass, ok := strings.Cut(info, ":")
		if !ok || user == "" {
			return c, fmt.Errorf("Invalid value [hidden] for configuration %s: expected <username>:<password>", UserInfoConfig)
		}
		c.User, c.Password = user, pass
	default:
		return c, fmt.Errorf("Invalid value %s for configuration %s: String must be one of: URL, USER_INFO", cfg[AuthSourceConfig], AuthSourceConfig)
	}
	switch src := strings.ToUpper(strings.TrimSpace(cfg[BearerSourceConfig])); src {
	case "":
	case "STATIC_TOKEN":
		c.BearerToken = cfg[BearerTokenConfig]
		if c.BearerToken == "" {
			return c, fmt.Errorf("Missing required configuration \"%s\" which has no default value.", BearerTokenConfig)
		}
	default:
		return c, fmt.Errorf("Invalid value %s for configuration %s: only STATIC_TOKEN is supported", cfg[BearerSourceConfig], BearerSourceConfig)
	}
	t, err := parseTLS(cfg)
	if err != nil {
		return c, err
	}
	c.TLS = t
	return c, nil
}

func redactURL(u string) string {
	if i := strings.Index(u, "@"); i >= 0 {
		if j := strings.Index(u, "://"); j >= 0 && j < i {
			return u[:j+3] + "[hidden]" + u[i:]
		}
		return "[hidden]" + u[i:]
	}
	return u
}

func parseTLS(cfg map[string]string) (*tls.Config, error) {
	any := false
	for k := range cfg {
		if strings.HasPrefix(k, sslPrefix) {
			any = true
		}
	}
	if !any {
		return nil, nil
	}
	t := &tls.Config{MinVersion: tls.VersionTLS12}
	for _, k := range []string{TruststoreTypeConfig, KeystoreTypeConfig} {
		if v := strings.ToUpper(strings.TrimSpace(cfg[k])); v != "" && v != "PEM" {
			return nil, fmt.Errorf("Invalid value %s for configuration %s: only PEM is supported", cfg[k], k)
		}
	}
	var caPEM []byte
	if loc := cfg[TruststoreLocConfig]; loc != "" {
		b, err := os.ReadFile(loc)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", TruststoreLocConfig, err)
		}
		caPEM = b
	} else if certs := cfg[TruststoreCertsConfig]; certs != "" {
		caPEM = []byte(certs)
	}
	if caPEM != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, fmt.Errorf("Invalid value for configuration %s: no PEM certificates found", TruststoreLocConfig)
		}
		t.RootCAs = pool
	}
	var certPEM, keyPEM []byte
	if loc := cfg[KeystoreLocConfig]; loc != "" {
		b, err := os.ReadFile(loc)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", KeystoreLocConfig, err)
		}
		certPEM, keyPEM = splitPEM(b)
	} else if chain := cfg[KeystoreChainConfig]; chain != "" {
		certPEM, keyPEM = []byte(chain), []byte(cfg[KeystoreKeyConfig])
	}
	if certPEM != nil {
		cert, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("Invalid value [hidden] for configuration %s: %v", KeystoreKeyConfig, err)
		}
		t.Certificates = []tls.Certificate{cert}
	}
	if v, ok := cfg[EndpointIDConfig]; ok && strings.TrimSpace(v) == "" {
		// Java's empty endpoint.identification.algorithm turns off hostname checks; the
		// chain is still verified against the trust store.
		t.InsecureSkipVerify = true
		roots := t.RootCAs
		t.VerifyPeerCertificate = func(raw [][]byte, _ [][]*x509.Certificate) error {
			return verifyChainNoHost(raw, roots)
		}
	}
	return t, nil
}

func splitPEM(b []byte) (certs, key []byte) {
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return certs, key
		}
		if strings.Contains(blk.Type, "PRIVATE KEY") {
			key = append(key, pem.EncodeToMemory(blk)...)
		} else {
			certs = append(certs, pem.EncodeToMemory(blk)...)
		}
	}
}

func verifyChainNoHost(raw [][]byte, roots *x509.CertPool) error {
	if len(raw) == 0 {
		return errors.New("registry presented no certificate")
	}
	certs := make([]*x509.Certificate, len(raw))
	for i, r := range raw {
		c, err := x509.ParseCertificate(r)
		if err != nil {
			return err
		}
		certs[i] = c
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	_, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
	return err
}
