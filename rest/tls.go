package rest

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"software.sslmate.com/src/go-pkcs12"
)

// TLSSettings is the TLS material of https:// listeners, from the worker properties
// listeners.https.ssl.* (or ssl.* when no listeners.https.ssl.* key is set), with
// Kafka's names. Key stores may be PKCS12 (a file, with password) or PEM (a file with
// the private key and certificate chain, or the inline KeystoreKey and
// KeystoreCertificateChain). JKS is not supported: convert with keytool -importkeystore
// -deststoretype PKCS12.
type TLSSettings struct {
	KeystoreType             string // ssl.keystore.type: PKCS12 or PEM (default PKCS12)
	KeystoreLocation         string // ssl.keystore.location
	KeystorePassword         string // ssl.keystore.password
	KeyPassword              string // ssl.key.password: decrypts an encrypted PKCS#8 PEM key (PBES2)
	KeystoreKey              string // ssl.keystore.key: inline PEM private key
	KeystoreCertificateChain string // ssl.keystore.certificate.chain: inline PEM chain
	TruststoreType           string // ssl.truststore.type: PKCS12 or PEM
	TruststoreLocation       string // ssl.truststore.location
	TruststorePassword       string // ssl.truststore.password
	TruststoreCertificates   string // ssl.truststore.certificates: inline PEM
	ClientAuth               string // ssl.client.auth: none (default), requested, required
}

// TLSSettingsFromProps reads TLSSettings from worker properties: the
// listeners.https.ssl.* keys when any is present, else the ssl.* keys (as Java's
// RestServer does).
func TLSSettingsFromProps(props map[string]string) TLSSettings {
	prefix := "ssl."
	for k := range props {
		if strings.HasPrefix(k, "listeners.https.ssl.") {
			prefix = "listeners.https.ssl."
			break
		}
	}
	g := func(k string) string { return strings.TrimSpace(props[prefix+k]) }
	return TLSSettings{
		KeystoreType: g("keystore.type"), KeystoreLocation: g("keystore.location"),
		KeystorePassword: g("keystore.password"), KeyPassword: g("key.password"),
		KeystoreKey: g("keystore.key"), KeystoreCertificateChain: g("keystore.certificate.chain"),
		TruststoreType: g("truststore.type"), TruststoreLocation: g("truststore.location"),
		TruststorePassword: g("truststore.password"), TruststoreCertificates: g("truststore.certificates"),
		ClientAuth: g("client.auth"),
	}
}

// ServerConfig builds the listener's tls.Config. Errors name the setting.
func (s TLSSettings) ServerConfig() (*tls.Config, error) {
	cert, err := s.certificate()
	if err != nil {
		return nil, err
	}
	if cert == nil {
		return nil, errors.New("ssl.keystore.location: an https listener needs a key store")
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{*cert}}
	pool, err := s.trustPool()
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(s.ClientAuth) {
	case "", "none":
		tc.ClientAuth = tls.NoClientCert
	case "requested":
		tc.ClientAuth = tls.VerifyClientCertIfGiven
	case "required":
		tc.ClientAuth = tls.RequireAndVerifyClientCert
	default:
		return nil, fmt.Errorf("ssl.client.auth: invalid value %q: expected none, requested or required", s.ClientAuth)
	}
	tc.ClientCAs = pool
	return tc, nil
}

// ClientConfig builds the tls.Config used to forward requests to https workers: the
// trust store as roots (system roots when none) and the key store as client
// certificate.
func (s TLSSettings) ClientConfig() (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	pool, err := s.trustPool()
	if err != nil {
		return nil, err
	}
	tc.RootCAs = pool
	cert, err := s.certificate()
	if err != nil {
		return nil, err
	}
	if cert != nil {
		tc.Certificates = []tls.Certificate{*cert}
	}
	return tc, nil
}

func (s TLSSettings) certificate() (*tls.Certificate, error) {
	typ := strings.ToUpper(s.KeystoreType)
	switch {
	case s.KeystoreKey != "" || s.KeystoreCertificateChain != "":
		return pemCertificate([]byte(s.KeystoreCertificateChain+"\n"+s.KeystoreKey), s.KeyPassword, "ssl.keystore.key")
	case s.KeystoreLocation == "":
		return nil, nil
	}
	b, err := os.ReadFile(s.KeystoreLocation)
	if err != nil {
		return nil, fmt.Errorf("ssl.keystore.location: %w", err)
	}
	switch typ {
	case "PEM":
		return pemCertificate(b, s.KeyPassword, "ssl.keystore.location")
	case "", "PKCS12":
		key, leaf, chain, err := pkcs12.DecodeChain(b, s.KeystorePassword)
		if err != nil {
			return nil, fmt.Errorf("ssl.keystore.location: decoding PKCS12 key store %s: %w", s.KeystoreLocation, err)
		}
		c := &tls.Certificate{PrivateKey: key, Leaf: leaf, Certificate: [][]byte{leaf.Raw}}
		for _, ca := range chain {
			c.Certificate = append(c.Certificate, ca.Raw)
		}
		return c, nil
	case "JKS":
		return nil, errors.New("ssl.keystore.type: JKS is not supported; convert the key store to PKCS12 or PEM")
	}
	return nil, fmt.Errorf("ssl.keystore.type: unknown type %q: expected PKCS12 or PEM", s.KeystoreType)
}

func pemCertificate(b []byte, keyPassword, setting string) (*tls.Certificate, error) {
	var certPEM, keyPEM []byte
	for rest := b; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		enc := pem.EncodeToMemory(blk)
		if blk.Type == "CERTIFICATE" {
			certPEM = append(certPEM, enc...)
			continue
		}
		if strings.Contains(blk.Type, "PRIVATE KEY") {
			if blk.Type == "ENCRYPTED PRIVATE KEY" {
				if keyPassword == "" {
					return nil, fmt.Errorf("%s: the private key is encrypted; set ssl.key.password", setting)
				}
				der, err := decryptPKCS8(blk.Bytes, keyPassword)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", setting, err)
				}
				enc = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
			}
			keyPEM = enc
		}
	}
	if certPEM == nil || keyPEM == nil {
		return nil, fmt.Errorf("%s: PEM key store needs a private key and at least one CERTIFICATE block", setting)
	}
	c, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", setting, err)
	}
	return &c, nil
}

func (s TLSSettings) trustPool() (*x509.CertPool, error) {
	var certs []*x509.Certificate
	switch {
	case s.TruststoreCertificates != "":
		cs, err := pemCerts([]byte(s.TruststoreCertificates))
		if err != nil {
			return nil, fmt.Errorf("ssl.truststore.certificates: %w", err)
		}
		certs = cs
	case s.TruststoreLocation != "":
		b, err := os.ReadFile(s.TruststoreLocation)
		if err != nil {
			return nil, fmt.Errorf("ssl.truststore.location: %w", err)
		}
		switch strings.ToUpper(s.TruststoreType) {
		case "PEM":
			if certs, err = pemCerts(b); err != nil {
				return nil, fmt.Errorf("ssl.truststore.location: %w", err)
			}
		case "", "PKCS12":
			if certs, err = pkcs12.DecodeTrustStore(b, s.TruststorePassword); err != nil {
				return nil, fmt.Errorf("ssl.truststore.location: decoding PKCS12 trust store %s: %w", s.TruststoreLocation, err)
			}
		case "JKS":
			return nil, errors.New("ssl.truststore.type: JKS is not supported; convert the trust store to PKCS12 or PEM")
		default:
			return nil, fmt.Errorf("ssl.truststore.type: unknown type %q: expected PKCS12 or PEM", s.TruststoreType)
		}
	default:
		return nil, nil
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

func pemCerts(b []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for rest := b; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no CERTIFICATE block found")
	}
	return out, nil
}
