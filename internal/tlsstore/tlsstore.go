// Package tlsstore reads the trust and key stores that Kafka client settings
// (ssl.truststore.*, ssl.keystore.*) and Debezium's database.ssl.* keys name: PEM or
// PKCS12, in files or inline. Java's JKS format is refused with a conversion hint.
// Errors never contain secret values; callers prefix them with the key they read.
package tlsstore

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"software.sslmate.com/src/go-pkcs12"
)

// Store types.
const (
	PEM    = "PEM"
	PKCS12 = "PKCS12"
	JKS    = "JKS"
)

// Detect returns the type of a store from its content: PEM when it has a PEM block,
// JKS by its magic number, else PKCS12.
func Detect(data []byte) string {
	switch {
	case bytes.Contains(data, []byte("-----BEGIN")):
		return PEM
	case bytes.HasPrefix(data, []byte{0xFE, 0xED, 0xFE, 0xED}):
		return JKS
	}
	return PKCS12
}

// ErrJKS is returned by CheckType for Java's JKS stores.
var ErrJKS = errors.New("JKS stores are not supported; convert with keytool -importkeystore -deststoretype PKCS12, or use PEM")

// CheckType returns t in upper case when it is PEM or PKCS12, ErrJKS for JKS, and
// an error naming the accepted types otherwise.
func CheckType(t string) (string, error) {
	switch t = strings.ToUpper(t); t {
	case PEM, PKCS12:
		return t, nil
	case JKS:
		return "", ErrJKS
	}
	return "", fmt.Errorf("unknown store type %s: use PEM or PKCS12", t)
}

// ErrNoCertificate is returned by Pool for a PEM store without a certificate.
var ErrNoCertificate = errors.New("no PEM certificate found")

// Pool returns the certificates of a trust store of type typ (PEM or PKCS12).
// A PKCS12 decoding error is returned as the decoder reports it.
func Pool(typ string, data []byte, password string) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if typ == PEM {
		if !pool.AppendCertsFromPEM(data) {
			return nil, ErrNoCertificate
		}
		return pool, nil
	}
	certs, err := pkcs12.DecodeTrustStore(data, password)
	if err != nil {
		return nil, err
	}
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

// PKCS12KeyPair returns the private key and certificate chain of a PKCS12 key
// store, trying each password in turn (the store's, then the key's). The last
// decoding error is returned when none opens it.
func PKCS12KeyPair(data []byte, passwords ...string) (*tls.Certificate, error) {
	err := errors.New("no password")
	for i, pass := range passwords {
		if i > 0 && pass == passwords[i-1] {
			continue
		}
		key, leaf, cas, derr := pkcs12.DecodeChain(data, pass)
		if derr != nil {
			err = derr
			continue
		}
		cert := &tls.Certificate{PrivateKey: key, Leaf: leaf, Certificate: [][]byte{leaf.Raw}}
		for _, c := range cas {
			cert.Certificate = append(cert.Certificate, c.Raw)
		}
		return cert, nil
	}
	return nil, err
}

// Errors of PEMKeyPair.
var (
	ErrNoPrivateKey   = errors.New("no PEM private key found")
	ErrEncryptedPKCS8 = errors.New("encrypted PKCS#8 private keys are not supported; decrypt it (openssl pkcs8 -in key.pem -out plain.pem) or use a PKCS12 key store")
)

// DecryptError is PEMKeyPair's error for a legacy encrypted key it could not
// decrypt with the password given (Err is the decryption's error).
type DecryptError struct{ Err error }

func (e *DecryptError) Error() string { return "decrypting the private key: " + e.Err.Error() }
func (e *DecryptError) Unwrap() error { return e.Err }

// PEMKeyPair builds a certificate from PEM certificate and key blocks (which may
// share one file). A legacy encrypted PEM key ("Proc-Type: 4,ENCRYPTED") is
// decrypted with keyPassword (a failure there is a *DecryptError);
// encrypted PKCS#8 keys are ErrEncryptedPKCS8.
func PEMKeyPair(certPEM, keyPEM []byte, keyPassword string) (*tls.Certificate, error) {
	var keyBlock *pem.Block
	rest := keyPEM
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if strings.Contains(b.Type, "PRIVATE KEY") {
			keyBlock = b
			break
		}
	}
	if keyBlock == nil {
		return nil, ErrNoPrivateKey
	}
	if keyBlock.Type == "ENCRYPTED PRIVATE KEY" {
		return nil, ErrEncryptedPKCS8
	}
	//nolint:staticcheck // legacy "Proc-Type: 4,ENCRYPTED" keys, as Java's PEM support reads them
	if x509.IsEncryptedPEMBlock(keyBlock) {
		//nolint:staticcheck
		der, err := x509.DecryptPEMBlock(keyBlock, []byte(keyPassword))
		if err != nil {
			return nil, &DecryptError{Err: err}
		}
		keyBlock = &pem.Block{Type: keyBlock.Type, Bytes: der}
	}
	cert, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(keyBlock))
	if err != nil {
		return nil, err
	}
	return &cert, nil
}

// VerifyChain verifies a peer's certificate chain (leaf first) against roots, the
// system's CAs when nil, without checking its host name: Kafka's empty
// ssl.endpoint.identification.algorithm and MySQL's verify_ca. who names the peer
// in the error for an empty chain ("broker", "server").
func VerifyChain(chain []*x509.Certificate, roots *x509.CertPool, who string) error {
	if len(chain) == 0 {
		return errors.New(who + " sent no certificate")
	}
	opts := x509.VerifyOptions{Roots: roots, Intermediates: x509.NewCertPool()}
	for _, c := range chain[1:] {
		opts.Intermediates.AddCert(c)
	}
	_, err := chain[0].Verify(opts)
	return err
}
