package workerconfig

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/gonnect/gonnect/internal/tlsstore"
)

// settings is one client role's effective properties: the worker's keys with the
// role's prefixed overrides on top. name gives the key as the user wrote it, for
// error messages ("producer.ssl.truststore.location").
type settings struct {
	props  map[string]string
	prefix string // "producer." etc, "" for the worker's own clients
	over   map[string]string
}

func newSettings(resolved map[string]string, role string) settings {
	s := settings{props: resolved}
	if role != "" {
		s.prefix = role + "."
		s.over = prefixed(resolved, s.prefix)
	}
	return s
}

func (s settings) get(key string) (string, bool) {
	if v, ok := s.over[key]; ok {
		return strings.TrimSpace(v), true
	}
	v, ok := s.props[key]
	return strings.TrimSpace(v), ok
}

func (s settings) str(key, def string) string {
	if v, ok := s.get(key); ok {
		return v
	}
	return def
}

func (s settings) name(key string) string {
	if _, ok := s.over[key]; ok {
		return s.prefix + key
	}
	return key
}

// buildTLS makes the client TLS config from ssl.*: trust store (PEM or PKCS12, file
// or inline PEM), key store (PEM or PKCS12, file or inline PEM), endpoint
// identification and enabled protocols. Java's JKS stores are refused with a
// conversion hint. Errors name the key and never contain secret values.
func buildTLS(s settings) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if v, ok := s.get("ssl.enabled.protocols"); ok && v != "" {
		min := uint16(0)
		for _, p := range splitList(v) {
			ver, ok := map[string]uint16{"TLSv1.2": tls.VersionTLS12, "TLSv1.3": tls.VersionTLS13, "TLSv1.1": tls.VersionTLS11, "TLSv1": tls.VersionTLS10}[p]
			if !ok {
				return nil, fmt.Errorf("Invalid value %s for configuration %s: unknown protocol %q (use TLSv1.2, TLSv1.3)", v, s.name("ssl.enabled.protocols"), p)
			}
			if min == 0 || ver < min {
				min = ver
			}
		}
		cfg.MinVersion = min
	}
	pool, err := trustStore(s)
	if err != nil {
		return nil, err
	}
	cfg.RootCAs = pool
	cert, err := keyStore(s)
	if err != nil {
		return nil, err
	}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	switch alg := s.str("ssl.endpoint.identification.algorithm", "https"); strings.ToLower(alg) {
	case "https":
	case "":
		// Verify the chain but not the host name, as Java does with an empty value.
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			return tlsstore.VerifyChain(cs.PeerCertificates, pool, "broker")
		}
	default:
		return nil, fmt.Errorf("Invalid value %s for configuration %s: use https (verify the broker host name) or an empty value",
			alg, s.name("ssl.endpoint.identification.algorithm"))
	}
	return cfg, nil
}

// storeType returns the declared or detected store type of data.
func storeType(s settings, key, from string, data []byte) (string, error) {
	t, declared := s.get(key)
	named := s.name(key)
	if !declared || t == "" {
		named = s.name(from) // detected from the content
		t = tlsstore.Detect(data)
	}
	typ, err := tlsstore.CheckType(t)
	switch {
	case errors.Is(err, tlsstore.ErrJKS):
		return "", fmt.Errorf("%s: %w", named, err)
	case err != nil:
		return "", fmt.Errorf("Invalid value %s for configuration %s: String must be one of: PEM, PKCS12", strings.ToUpper(t), s.name(key))
	}
	return typ, nil
}

func readStore(s settings, key string) ([]byte, error) {
	path, _ := s.get(key)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.name(key), err)
	}
	return b, nil
}

// trustStore returns the CA pool, or nil for the system roots when none is set.
func trustStore(s settings) (*x509.CertPool, error) {
	var data []byte
	from := "ssl.truststore.certificates"
	if inline, ok := s.get(from); ok && inline != "" {
		data = []byte(inline)
		if t, ok := s.get("ssl.truststore.type"); ok && !strings.EqualFold(t, "PEM") {
			return nil, fmt.Errorf("%s requires %s=PEM", s.name(from), s.name("ssl.truststore.type"))
		}
	} else if loc, ok := s.get("ssl.truststore.location"); ok && loc != "" {
		from = "ssl.truststore.location"
		var err error
		if data, err = readStore(s, from); err != nil {
			return nil, err
		}
	} else {
		return nil, nil
	}
	typ, err := storeType(s, "ssl.truststore.type", from, data)
	if err != nil {
		return nil, err
	}
	pass, _ := s.get("ssl.truststore.password")
	pool, err := tlsstore.Pool(typ, data, pass)
	switch {
	case err == nil:
		return pool, nil
	case typ == tlsstore.PKCS12:
		return nil, fmt.Errorf("%s: reading PKCS12 trust store (check %s): %w", s.name(from), s.name("ssl.truststore.password"), err)
	}
	return nil, fmt.Errorf("%s: %w", s.name(from), err)
}

// keyStore returns the client certificate, or nil when no key store is set.
func keyStore(s settings) (*tls.Certificate, error) {
	if key, ok := s.get("ssl.keystore.key"); ok && key != "" {
		chain, _ := s.get("ssl.keystore.certificate.chain")
		if chain == "" {
			return nil, fmt.Errorf("%s is set without %s", s.name("ssl.keystore.key"), s.name("ssl.keystore.certificate.chain"))
		}
		return pemKeyPair(s, []byte(chain), []byte(key), "ssl.keystore.key")
	}
	loc, ok := s.get("ssl.keystore.location")
	if !ok || loc == "" {
		return nil, nil
	}
	data, err := readStore(s, "ssl.keystore.location")
	if err != nil {
		return nil, err
	}
	typ, err := storeType(s, "ssl.keystore.type", "ssl.keystore.location", data)
	if err != nil {
		return nil, err
	}
	if typ == "PEM" {
		return pemKeyPair(s, data, data, "ssl.keystore.location")
	}
	passwords := []string{""}
	passwords[0], _ = s.get("ssl.keystore.password")
	if kp, ok := s.get("ssl.key.password"); ok {
		passwords = append(passwords, kp)
	}
	cert, err := tlsstore.PKCS12KeyPair(data, passwords...)
	if err != nil {
		return nil, fmt.Errorf("%s: reading PKCS12 key store (check %s): %w", s.name("ssl.keystore.location"), s.name("ssl.keystore.password"), err)
	}
	return cert, nil
}

// pemKeyPair builds a certificate from PEM certificate and key blocks (which may
// share one file). Legacy encrypted PEM keys are decrypted with ssl.key.password;
// encrypted PKCS#8 keys are not supported.
func pemKeyPair(s settings, certPEM, keyPEM []byte, from string) (*tls.Certificate, error) {
	pass, _ := s.get("ssl.key.password")
	cert, err := tlsstore.PEMKeyPair(certPEM, keyPEM, pass)
	var de *tlsstore.DecryptError
	switch {
	case err == nil:
		return cert, nil
	case errors.As(err, &de):
		return nil, fmt.Errorf("%s: decrypting the private key (check %s): %w", s.name(from), s.name("ssl.key.password"), de.Err)
	}
	return nil, fmt.Errorf("%s: %w", s.name(from), err)
}
