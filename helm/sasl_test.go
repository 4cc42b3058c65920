package helm

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/gonnect/gonnect/worker/workerconfig"
)

// selfSigned returns a CA-signed server certificate for 127.0.0.1 and the CA.
func selfSigned(t *testing.T) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "kafka"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, ca
}

// TestSASLSSLConfigFromChart loads the worker configuration the chart renders for a
// SASL_SSL Kafka (ci/sasl-ssl-values.yaml: worker.properties, the env with the Secrets
// resolved, the truststore mounted from its Secret) with the worker's config loader,
// connects every client role to a kfake cluster that requires TLS and SCRAM-SHA-512,
// then runs the worker: ready on /health without credentials, the rest of the REST API
// behind the basic-auth users from their Secret.
func TestSASLSSLConfigFromChart(t *testing.T) {
	cert, ca := selfSigned(t)
	const user, pass = "gonnect", `s3cret pass`
	kafka, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.AllowAutoTopicCreation(), kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", user, pass),
		kfake.TLS(&tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(kafka.Close)

	port := freePort(t)
	r, err := decodeAll(renderValues(t, filepath.Join(chartDir(t), "ci", "sasl-ssl-values.yaml"), "rest.port="+strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	c := container(t, r.deployments[0])

	// The Secrets the values name, as the operator would have created them.
	const storePass = "changeit"
	p12, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{ca}, storePass)
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]map[string]string{
		"gonnect-kafka-user":      {"username": user, "password": pass},
		"kafka-cluster-ca":        {"ca.p12": string(p12), "ca.password": storePass},
		"gonnect-schema-registry": {"user-info": "sr:sr-pass"},
		"gonnect-rest-users":      {"users.properties": "admin: admin-pass\n"},
	}

	// Mount the Secret volumes and the ConfigMap under a temporary root; absolute paths
	// in worker.properties are moved under it, the bootstrap replaced by kfake's.
	root := t.TempDir()
	for _, m := range c.VolumeMounts {
		for _, v := range r.deployments[0].Spec.Template.Spec.Volumes {
			if v.Name != m.Name || v.Secret == nil {
				continue
			}
			for k, val := range secrets[v.Secret.SecretName] {
				writeTo(t, filepath.Join(root, m.MountPath, k), val)
			}
		}
	}
	wp := r.configMaps["pipelines-gonnect"].Data["worker.properties"]
	wp = strings.ReplaceAll(wp, "=/etc/gonnect/", "="+root+"/etc/gonnect/")
	wp = regexp.MustCompile(`(?m)^bootstrap\.servers=.*$`).ReplaceAllString(wp, "bootstrap.servers="+strings.Join(kafka.ListenAddrs(), ","))
	propsFile := filepath.Join(root, "etc", "gonnect", "worker.properties")
	writeTo(t, propsFile, wp)
	writeTo(t, filepath.Join(root, "etc", "gonnect", "rest-jaas.conf"),
		strings.ReplaceAll(r.configMaps["pipelines-gonnect"].Data["rest-jaas.conf"], `"/etc/gonnect/`, `"`+root+`/etc/gonnect/`))

	env := containerEnv(t, c, "127.0.0.1", secrets)
	cfg, warnings, err := workerconfig.Load(propsFile, workerconfig.Distributed, workerconfig.WithEnviron(env))
	if err != nil {
		t.Fatalf("the worker refuses the chart's SASL_SSL configuration: %v", err)
	}
	for _, w := range warnings {
		t.Logf("worker config warning: %s", w)
	}
	if h, _ := cfg.Get("rest.advertised.host.name"); h != "127.0.0.1" {
		t.Errorf("rest.advertised.host.name = %q, want the pod IP", h)
	}
	for _, role := range []string{workerconfig.RoleWorker, workerconfig.RoleProducer, workerconfig.RoleConsumer, workerconfig.RoleAdmin} {
		name := role
		if name == workerconfig.RoleWorker {
			name = "worker"
		}
		t.Run("client "+name, func(t *testing.T) {
			opts, err := cfg.KafkaOpts(role)
			if err != nil {
				t.Fatal(err)
			}
			cl, err := kgo.NewClient(append(opts, kgo.RequestRetries(2))...)
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if _, err := kadm.NewClient(cl).BrokerMetadata(ctx); err != nil {
				t.Fatalf("connecting over SASL_SSL with the chart's settings: %v", err)
			}
		})
	}
	if t.Failed() {
		return
	}

	// The JAAS file must come from the chart's worker.properties, not the environment.
	t.Setenv("KAFKA_OPTS", "")
	_, base := runWorker(t, cfg, port, nil)
	tests := []struct {
		name       string
		user, pass string
		want       int
	}{
		{name: "no credentials", want: http.StatusUnauthorized},
		{name: "wrong password", user: "admin", pass: "nope", want: http.StatusUnauthorized},
		{name: "user from the Secret", user: "admin", pass: "admin-pass", want: http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, base+"/connectors", nil)
			if tc.user != "" {
				req.SetBasicAuth(tc.user, tc.pass)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("GET /connectors = %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
}
