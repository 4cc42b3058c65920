package workerconfig

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"software.sslmate.com/src/go-pkcs12"
)

// pki is a CA with a broker certificate and a client certificate, written to a
// temporary directory as PEM and PKCS12 files.
type pki struct {
	dir        string
	caPool     *x509.CertPool
	serverCert tls.Certificate
	files      map[string]string
}

func newPKI(t *testing.T, serverNames []string, serverIPs []net.IP) *pki {
	t.Helper()
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	issue := func(cn string, usage x509.ExtKeyUsage, dns []string, ips []net.IP) (*ecdsa.PrivateKey, *x509.Certificate) {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			DNSNames: dns, IPAddresses: ips,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(der)
		return key, c
	}
	srvKey, srv := issue("broker", x509.ExtKeyUsageServerAuth, serverNames, serverIPs)
	cliKey, cli := issue("worker", x509.ExtKeyUsageClientAuth, nil, nil)

	p := &pki{dir: dir, caPool: x509.NewCertPool(), files: map[string]string{}}
	p.caPool.AddCert(ca)
	p.serverCert = tls.Certificate{Certificate: [][]byte{srv.Raw}, PrivateKey: srvKey}
	write := func(name string, b []byte) {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		p.files[name] = path
	}
	certPEM := func(c *x509.Certificate) []byte {
		return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(cliKey)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	write("ca.pem", certPEM(ca))
	write("client-cert.pem", certPEM(cli))
	write("client-key.pem", keyPEM)
	write("client.pem", append(append([]byte{}, keyPEM...), certPEM(cli)...))
	trust, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{ca}, "trustpw")
	if err != nil {
		t.Fatal(err)
	}
	write("truststore.p12", trust)
	ks, err := pkcs12.Modern.Encode(cliKey, cli, nil, "keypw")
	if err != nil {
		t.Fatal(err)
	}
	write("keystore.p12", ks)
	write("keystore.jks", []byte{0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2})
	return p
}

// tlsCluster starts kfake with TLS that requires a client certificate from the CA.
func tlsCluster(t *testing.T, p *pki) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.TLS(&tls.Config{
		Certificates: []tls.Certificate{p.serverCert}, ClientCAs: p.caPool, ClientAuth: tls.RequireAndVerifyClientCert,
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// ping connects with opts and lists topics, the first request needing a working
// connection (and authentication).
func ping(t *testing.T, opts []kgo.Opt) error {
	t.Helper()
	cl, err := kgo.NewClient(append(opts, kgo.RetryTimeout(2*time.Second), kgo.RequestRetries(1))...)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = kadm.NewClient(cl).ListTopics(ctx)
	return err
}

func kafkaConfig(t *testing.T, c *kfake.Cluster, kv ...string) (*Config, error) {
	t.Helper()
	cfg, _, err := Parse(with(minimal(), append([]string{"bootstrap.servers", strings.Join(c.ListenAddrs(), ",")}, kv...)...), Distributed)
	return cfg, err
}

func TestTLSAgainstBroker(t *testing.T) {
	p := newPKI(t, []string{"localhost"}, []net.IP{net.ParseIP("127.0.0.1")})
	c := tlsCluster(t, p)
	pem, _ := os.ReadFile(p.files["ca.pem"])
	key, _ := os.ReadFile(p.files["client-key.pem"])
	chain, _ := os.ReadFile(p.files["client-cert.pem"])
	tests := []struct {
		name    string
		kv      []string
		wantErr string // empty: the connection must work
	}{
		{name: "PEM files", kv: []string{"security.protocol", "SSL", "ssl.truststore.type", "PEM", "ssl.truststore.location", p.files["ca.pem"],
			"ssl.keystore.type", "PEM", "ssl.keystore.location", p.files["client.pem"]}},
		{name: "PEM inline", kv: []string{"security.protocol", "SSL", "ssl.truststore.type", "PEM", "ssl.truststore.certificates", string(pem),
			"ssl.keystore.type", "PEM", "ssl.keystore.key", string(key), "ssl.keystore.certificate.chain", string(chain)}},
		{name: "PKCS12 stores", kv: []string{"security.protocol", "ssl", "ssl.truststore.type", "PKCS12", "ssl.truststore.location", p.files["truststore.p12"],
			"ssl.truststore.password", "trustpw", "ssl.keystore.type", "PKCS12", "ssl.keystore.location", p.files["keystore.p12"], "ssl.keystore.password", "keypw"}},
		{name: "store types detected", kv: []string{"security.protocol", "SSL", "ssl.truststore.location", p.files["truststore.p12"],
			"ssl.truststore.password", "trustpw", "ssl.keystore.location", p.files["client.pem"]}},
		{name: "no client certificate", kv: []string{"security.protocol", "SSL", "ssl.truststore.location", p.files["ca.pem"]}, wantErr: "connect"},
		{name: "plaintext against TLS", kv: nil, wantErr: "connect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := kafkaConfig(t, c, tt.kv...)
			if err != nil {
				t.Fatal(err)
			}
			opts, err := cfg.KafkaOpts(RoleWorker)
			if err != nil {
				t.Fatal(err)
			}
			err = ping(t, opts)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("connection failed: %v", err)
			}
			if tt.wantErr != "" && err == nil {
				t.Fatal("connection succeeded, want a failure")
			}
		})
	}
}

func TestTLSVerifiesBrokerIdentity(t *testing.T) {
	// The broker's certificate names only broker.example, not 127.0.0.1.
	p := newPKI(t, []string{"broker.example"}, nil)
	c := tlsCluster(t, p)
	other := newPKI(t, []string{"localhost"}, []net.IP{net.ParseIP("127.0.0.1")})
	base := []string{"security.protocol", "SSL", "ssl.keystore.location", p.files["client.pem"]}
	tests := []struct {
		name   string
		kv     []string
		wantOK bool
	}{
		{name: "host name checked by default", kv: []string{"ssl.truststore.location", p.files["ca.pem"]}},
		{name: "empty endpoint identification skips the host name", wantOK: true,
			kv: []string{"ssl.truststore.location", p.files["ca.pem"], "ssl.endpoint.identification.algorithm", ""}},
		{name: "chain still verified without host name check",
			kv: []string{"ssl.truststore.location", other.files["ca.pem"], "ssl.endpoint.identification.algorithm", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := kafkaConfig(t, c, append(base, tt.kv...)...)
			if err != nil {
				t.Fatal(err)
			}
			opts, err := cfg.KafkaOpts(RoleWorker)
			if err != nil {
				t.Fatal(err)
			}
			if err := ping(t, opts); (err == nil) != tt.wantOK {
				t.Fatalf("ping error %v, want success=%v", err, tt.wantOK)
			}
		})
	}
}

func TestTLSConfigErrors(t *testing.T) {
	p := newPKI(t, []string{"localhost"}, nil)
	tests := []struct {
		name    string
		kv      []string
		wantErr string
	}{
		{name: "JKS", kv: []string{"ssl.truststore.location", p.files["keystore.jks"]}, wantErr: "ssl.truststore.location: JKS stores are not supported"},
		{name: "declared JKS", kv: []string{"ssl.truststore.type", "JKS", "ssl.truststore.location", p.files["ca.pem"]}, wantErr: "JKS stores are not supported"},
		{name: "unknown type", kv: []string{"ssl.keystore.type", "BKS", "ssl.keystore.location", p.files["client.pem"]}, wantErr: "configuration ssl.keystore.type"},
		{name: "wrong PKCS12 password", kv: []string{"ssl.truststore.location", p.files["truststore.p12"], "ssl.truststore.password", "nope"},
			wantErr: "check ssl.truststore.password"},
		{name: "missing file", kv: []string{"ssl.truststore.location", p.dir + "/none.pem"}, wantErr: "ssl.truststore.location"},
		{name: "key without chain", kv: []string{"ssl.keystore.key", "x"}, wantErr: "ssl.keystore.key is set without ssl.keystore.certificate.chain"},
		{name: "no key in PEM keystore", kv: []string{"ssl.keystore.location", p.files["ca.pem"]}, wantErr: "ssl.keystore.location: no PEM private key found"},
		{name: "bad endpoint algorithm", kv: []string{"ssl.endpoint.identification.algorithm", "dns"}, wantErr: "ssl.endpoint.identification.algorithm"},
		{name: "producer override named", kv: []string{"producer.ssl.truststore.location", p.files["keystore.jks"]}, wantErr: "producer.ssl.truststore.location: JKS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse(with(minimal(), append([]string{"security.protocol", "SSL"}, tt.kv...)...), Distributed)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v\nwant one containing %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "trustpw") || strings.Contains(err.Error(), "nope") && tt.name == "wrong PKCS12 password" {
				t.Fatalf("error shows a password: %v", err)
			}
		})
	}
}

func jaas(module, user, pass string) string {
	return module + ` required username="` + user + `" password="` + pass + `";`
}

func TestSASLAgainstBroker(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(),
		kfake.Superuser("PLAIN", "plainuser", "plainpw"),
		kfake.Superuser("SCRAM-SHA-256", "scram256", "pw256"),
		kfake.Superuser("SCRAM-SHA-512", "scram512", "pw512"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	tests := []struct {
		name   string
		role   string
		kv     []string
		wantOK bool
	}{
		{name: "PLAIN", wantOK: true, kv: []string{"sasl.mechanism", "PLAIN", "sasl.jaas.config", jaas(PlainLoginModule, "plainuser", "plainpw")}},
		{name: "PLAIN wrong password", kv: []string{"sasl.mechanism", "PLAIN", "sasl.jaas.config", jaas(PlainLoginModule, "plainuser", "bad")}},
		{name: "SCRAM-SHA-256", wantOK: true, kv: []string{"sasl.mechanism", "SCRAM-SHA-256", "sasl.jaas.config", jaas(ScramLoginModule, "scram256", "pw256")}},
		{name: "SCRAM-SHA-512", wantOK: true, kv: []string{"sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", jaas(ScramLoginModule, "scram512", "pw512")}},
		{name: "SCRAM wrong password", kv: []string{"sasl.mechanism", "SCRAM-SHA-256", "sasl.jaas.config", jaas(ScramLoginModule, "scram256", "bad")}},
		{name: "SCRAM unknown user", kv: []string{"sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", jaas(ScramLoginModule, "nobody", "pw512")}},
		{name: "producer override wins", role: RoleProducer, wantOK: true, kv: []string{
			"sasl.mechanism", "PLAIN", "sasl.jaas.config", jaas(PlainLoginModule, "plainuser", "bad"),
			"producer.sasl.mechanism", "SCRAM-SHA-256", "producer.sasl.jaas.config", jaas(ScramLoginModule, "scram256", "pw256")}},
		{name: "consumer inherits worker credentials", role: RoleConsumer, wantOK: true, kv: []string{
			"sasl.mechanism", "PLAIN", "sasl.jaas.config", jaas(PlainLoginModule, "plainuser", "plainpw")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := kafkaConfig(t, c, append([]string{"security.protocol", "SASL_PLAINTEXT"}, tt.kv...)...)
			if err != nil {
				t.Fatal(err)
			}
			opts, err := cfg.KafkaOpts(tt.role)
			if err != nil {
				t.Fatal(err)
			}
			if err := ping(t, opts); (err == nil) != tt.wantOK {
				t.Fatalf("ping error %v, want success=%v", err, tt.wantOK)
			}
		})
	}
}

func TestSASLConfigErrors(t *testing.T) {
	tests := []struct {
		name    string
		kv      []string
		wantErr string
	}{
		{name: "GSSAPI default", kv: nil, wantErr: "sasl.mechanism=GSSAPI (Kerberos, Kafka's default) is not supported"},
		{name: "unknown mechanism", kv: []string{"sasl.mechanism", "OAUTHBEARER"}, wantErr: "Invalid value OAUTHBEARER for configuration sasl.mechanism"},
		{name: "no jaas", kv: []string{"sasl.mechanism", "PLAIN"}, wantErr: `Missing required configuration "sasl.jaas.config"`},
		{name: "module mismatch", kv: []string{"sasl.mechanism", "SCRAM-SHA-256", "sasl.jaas.config", jaas(PlainLoginModule, "u", "topsecret")},
			wantErr: "needs login module " + ScramLoginModule},
		{name: "broken jaas", kv: []string{"sasl.mechanism", "PLAIN", "sasl.jaas.config", PlainLoginModule + ` required username="u" password="topsecret"`},
			wantErr: "missing ';'"},
		{name: "override named", kv: []string{"sasl.mechanism", "PLAIN", "sasl.jaas.config", jaas(PlainLoginModule, "u", "topsecret"),
			"admin.sasl.mechanism", "SCRAM-SHA-512"}, wantErr: "sasl.jaas.config: admin.sasl.mechanism=SCRAM-SHA-512 needs login module"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse(with(minimal(), append([]string{"security.protocol", "SASL_SSL"}, tt.kv...)...), Distributed)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v\nwant one containing %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "topsecret") {
				t.Fatalf("error leaks the password: %v", err)
			}
		})
	}
}

func TestParseJAAS(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    JAASEntry
		wantErr string
	}{
		{name: "plain", in: `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";`,
			want: JAASEntry{Module: PlainLoginModule, Flag: "required", Options: map[string]string{"username": "u", "password": "p"}}},
		{name: "unquoted values and spacing", in: " " + ScramLoginModule + "  REQUIRED\n username = alice\tpassword=\"a b;c=d\" tokenauth=true ; ",
			want: JAASEntry{Module: ScramLoginModule, Flag: "required", Options: map[string]string{"username": "alice", "password": "a b;c=d", "tokenauth": "true"}}},
		{name: "escaped quote", in: `m optional password="x\"y\\z";`, want: JAASEntry{Module: "m", Flag: "optional", Options: map[string]string{"password": `x"y\z`}}},
		{name: "empty", in: "", wantErr: "expected a login module class name"},
		{name: "bad flag", in: "m must a=b;", wantErr: `invalid control flag "must"`},
		{name: "missing value", in: "m required a=;", wantErr: "expected a value for option a"},
		{name: "missing equals", in: "m required a b;", wantErr: "expected '=' after option a"},
		{name: "two modules", in: "m required a=b; n required c=d;", wantErr: "exactly one login module"},
		{name: "unterminated", in: `m required a="b;`, wantErr: "unterminated quoted value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseJAAS(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Module != tt.want.Module || got.Flag != tt.want.Flag || len(got.Options) != len(tt.want.Options) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for k, v := range tt.want.Options {
				if got.Options[k] != v {
					t.Fatalf("option %s = %q, want %q", k, got.Options[k], v)
				}
			}
		})
	}
}

func TestKafkaOptsRoles(t *testing.T) {
	cfg, _, err := Parse(with(minimal(), "bootstrap.servers", "a:1", "client.id", "w1", "producer.bootstrap.servers", "p:1",
		"producer.linger.ms", "7", "producer.compression.type", "zstd", "consumer.isolation.level", "read_committed"), Distributed)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		role  string
		seeds string
	}{
		{name: "worker", role: RoleWorker, seeds: "a:1"},
		{name: "producer override", role: RoleProducer, seeds: "p:1"},
		{name: "consumer inherits", role: RoleConsumer, seeds: "a:1"},
		{name: "admin inherits", role: RoleAdmin, seeds: "a:1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts, err := cfg.KafkaOpts(tt.role)
			if err != nil {
				t.Fatal(err)
			}
			cl, err := kgo.NewClient(opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			if got := strings.Join(cl.OptValue(kgo.SeedBrokers).([]string), ","); got != tt.seeds {
				t.Errorf("seeds %s, want %s", got, tt.seeds)
			}
			if got := cl.OptValue(kgo.ClientID); got != "w1" {
				t.Errorf("client id %v", got)
			}
			if tt.role == RoleProducer {
				if got := cl.OptValue(kgo.ProducerLinger); got != 7*time.Millisecond {
					t.Errorf("linger %v", got)
				}
			}
		})
	}
	if _, err := cfg.KafkaOpts("connector"); err == nil {
		t.Fatal("unknown role accepted")
	}
}
