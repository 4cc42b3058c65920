package mysqltest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// TLSFiles are the files of a throwaway certificate authority: the server's
// certificate (for the DNS name localhost only, not for 127.0.0.1) and a client
// certificate it signed, and a second CA that signed nothing. PEM unless named
// otherwise.
type TLSFiles struct {
	CA, OtherCA           string
	ServerCert, ServerKey string
	ClientPEM             string // client certificate and key in one file
	ClientP12             string // the same as PKCS12, password ClientP12Password
	CAP12                 string // CA as a PKCS12 trust store, password ClientP12Password
}

// ClientP12Password protects TLSFiles.ClientP12 and CAP12.
const ClientP12Password = "changeit"

// NewTLSFiles writes a fresh CA, server and client certificates into a temporary
// directory removed after the test.
func NewTLSFiles(t testing.TB) TLSFiles {
	t.Helper()
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	newKey := func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		must(err)
		return k
	}
	serial := int64(1)
	issue := func(tmpl *x509.Certificate, key *rsa.PrivateKey, parent *x509.Certificate, parentKey *rsa.PrivateKey) *x509.Certificate {
		serial++
		tmpl.SerialNumber = big.NewInt(serial)
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour)
		if parent == nil {
			parent, parentKey = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
		must(err)
		c, err := x509.ParseCertificate(der)
		must(err)
		return c
	}
	ca := func(name string) (*x509.Certificate, *rsa.PrivateKey) {
		k := newKey()
		return issue(&x509.Certificate{Subject: pkix.Name{CommonName: name}, IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}, k, nil, nil), k
	}
	caCert, caKey := ca("gonnect test CA")
	otherCert, _ := ca("gonnect other CA")
	srvKey := newKey()
	srvCert := issue(&x509.Certificate{Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}},
		srvKey, caCert, caKey)
	cliKey := newKey()
	cliCert := issue(&x509.Certificate{Subject: pkix.Name{CommonName: "gonnect client"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
		cliKey, caCert, caKey)

	certPEM := func(c *x509.Certificate) []byte {
		return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	keyPEM := func(k *rsa.PrivateKey) []byte {
		return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		must(os.WriteFile(p, data, 0o600))
		return p
	}
	p12, err := pkcs12.Modern.Encode(cliKey, cliCert, []*x509.Certificate{caCert}, ClientP12Password)
	must(err)
	trust, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{caCert}, ClientP12Password)
	must(err)
	return TLSFiles{
		CA: write("ca.pem", certPEM(caCert)), OtherCA: write("other-ca.pem", certPEM(otherCert)),
		ServerCert: write("server.pem", certPEM(srvCert)), ServerKey: write("server-key.pem", keyPEM(srvKey)),
		ClientPEM: write("client.pem", append(certPEM(cliCert), keyPEM(cliKey)...)),
		ClientP12: write("client.p12", p12), CAP12: write("ca.p12", trust),
	}
}

// StartTLS starts a server of its own that accepts TLS with f's CA and server
// certificate, and has a user "x509" (password "x509pw") that must present a client
// certificate signed by that CA. It is stopped when the test ends.
func StartTLS(t testing.TB, f TLSFiles) *Server {
	t.Helper()
	s, err := start([]string{"--ssl-ca=" + f.CA, "--ssl-cert=" + f.ServerCert, "--ssl-key=" + f.ServerKey})
	if err != nil {
		t.Fatalf("mysqltest: %v", err)
	}
	t.Cleanup(s.stop)
	if err := s.Root("CREATE USER 'x509'@'%' IDENTIFIED BY 'x509pw' REQUIRE X509",
		"GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR, LOCK TABLES ON *.* TO 'x509'@'%'"); err != nil {
		t.Fatal(err)
	}
	return s
}
