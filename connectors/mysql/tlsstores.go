package mysql

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"

	"github.com/gonnect/gonnect/internal/tlsstore"
)

// tlsStores are the stores database.ssl.truststore and database.ssl.keystore name:
// the CAs that verify_ca and verify_identity check the server's certificate against
// (nil: the system's), and the client certificate every TLS connection presents
// (nil: none). Debezium takes Java key stores there; Gonnect reads PEM and PKCS12,
// detected from the content, and refuses JKS with a conversion hint.
type tlsStores struct {
	roots *x509.CertPool
	cert  *tls.Certificate
}

// loadTLSStores reads the stores the parsed config values name (s returns a value).
func loadTLSStores(s func(string) string) (tlsStores, error) {
	var st tlsStores
	if path := s("database.ssl.truststore"); path != "" {
		typ, data, err := readTLSStore("database.ssl.truststore", path)
		if err != nil {
			return st, err
		}
		if st.roots, err = tlsstore.Pool(typ, data, s("database.ssl.truststore.password")); err != nil {
			return st, fmt.Errorf("database.ssl.truststore %s: reading the %s trust store (check database.ssl.truststore.password): %w", path, typ, err)
		}
	}
	if path := s("database.ssl.keystore"); path != "" {
		typ, data, err := readTLSStore("database.ssl.keystore", path)
		if err != nil {
			return st, err
		}
		pass := s("database.ssl.keystore.password")
		if typ == tlsstore.PEM {
			st.cert, err = tlsstore.PEMKeyPair(data, data, pass)
		} else {
			st.cert, err = tlsstore.PKCS12KeyPair(data, pass)
		}
		if err != nil {
			return st, fmt.Errorf("database.ssl.keystore %s: reading the %s key store (check database.ssl.keystore.password): %w", path, typ, err)
		}
	}
	return st, nil
}

// readTLSStore reads the store at path and detects its type.
func readTLSStore(key, path string) (string, []byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", key, err)
	}
	typ, err := tlsstore.CheckType(tlsstore.Detect(data))
	if err != nil {
		return "", nil, fmt.Errorf("%s %s: %w", key, path, err)
	}
	return typ, data, nil
}
