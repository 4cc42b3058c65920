package mysql

import (
	"context"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
)

// tlsCipher connects with cfg's settings and returns the session's Ssl_cipher ("" for
// a plain connection), or the connection error.
func tlsCipher(t *testing.T, cfg connectors.Config) (string, error) {
	t.Helper()
	c, err := ParseConfig(cfg, true)
	if err != nil {
		return "", err
	}
	conn, err := (&dialer{cfg: c, log: slog.New(slog.DiscardHandler)}).connect(context.Background())
	if err != nil {
		return "", err
	}
	defer conn.Close()
	return queryOne(conn, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_CIPHER'")
}

// TestTLSModesOnTLSServer runs every database.ssl.mode against a MariaDB that
// serves TLS with a private CA: what each mode accepts and refuses, trust and key
// stores in PEM and PKCS12, and a snapshot and the binlog stream read over TLS.
func TestTLSModesOnTLSServer(t *testing.T) {
	files := mysqltest.NewTLSFiles(t)
	srv := mysqltest.StartTLS(t, files)
	base := func(host, user, pass string, extra map[string]string) connectors.Config {
		cfg := connectors.Config{"topic.prefix": "tls", "database.hostname": host, "database.port": strconv.Itoa(srv.Port),
			"database.user": user, "database.password": pass, "database.server.id": "6101"}
		for k, v := range extra {
			cfg[k] = v
		}
		return cfg
	}
	tests := []struct {
		name       string
		host, user string
		extra      map[string]string
		wantErr    string // a substring of the error; "" for a TLS session
		wantPlain  bool
	}{
		{name: "disabled is plain", extra: map[string]string{"database.ssl.mode": "disabled"}, wantPlain: true},
		{name: "preferred uses TLS", extra: map[string]string{"database.ssl.mode": "preferred"}},
		{name: "required does not verify", extra: map[string]string{"database.ssl.mode": "required"}},
		{name: "verify_ca with the CA", extra: map[string]string{"database.ssl.mode": "verify_ca", "database.ssl.truststore": files.CA}},
		{name: "verify_ca with the CA as PKCS12", extra: map[string]string{"database.ssl.mode": "verify_ca",
			"database.ssl.truststore": files.CAP12, "database.ssl.truststore.password": mysqltest.ClientP12Password}},
		{name: "verify_ca does not check the host name", host: "127.0.0.1",
			extra: map[string]string{"database.ssl.mode": "verify_ca", "database.ssl.truststore": files.CA}},
		{name: "verify_ca with another CA", extra: map[string]string{"database.ssl.mode": "verify_ca", "database.ssl.truststore": files.OtherCA},
			wantErr: "certificate signed by unknown authority"},
		{name: "verify_ca with the system CAs", extra: map[string]string{"database.ssl.mode": "verify_ca"},
			wantErr: "certificate signed by unknown authority"},
		{name: "verify_identity with the host name", host: "localhost",
			extra: map[string]string{"database.ssl.mode": "verify_identity", "database.ssl.truststore": files.CA}},
		{name: "verify_identity with another host name", host: "127.0.0.1",
			extra: map[string]string{"database.ssl.mode": "verify_identity", "database.ssl.truststore": files.CA}, wantErr: "127.0.0.1"},
		{name: "client certificate required, none given", user: "x509", extra: map[string]string{"database.ssl.mode": "required"},
			wantErr: "Access denied"},
		{name: "client certificate from a PEM key store", user: "x509",
			extra: map[string]string{"database.ssl.mode": "required", "database.ssl.keystore": files.ClientPEM}},
		{name: "client certificate from a PKCS12 key store", user: "x509", extra: map[string]string{"database.ssl.mode": "verify_identity",
			"database.ssl.truststore": files.CA, "database.ssl.keystore": files.ClientP12, "database.ssl.keystore.password": mysqltest.ClientP12Password}},
		{name: "wrong key store password", user: "x509", extra: map[string]string{"database.ssl.mode": "required",
			"database.ssl.keystore": files.ClientP12, "database.ssl.keystore.password": "wrong"},
			wantErr: "database.ssl.keystore " + files.ClientP12 + ": reading the PKCS12 key store (check database.ssl.keystore.password)"},
		{name: "missing trust store file", extra: map[string]string{"database.ssl.mode": "verify_ca", "database.ssl.truststore": files.CA + ".missing"},
			wantErr: "database.ssl.truststore: open "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			host, user, pass := "localhost", srv.User, srv.Password
			if tc.host != "" {
				host = tc.host
			}
			if tc.user == "x509" {
				user, pass = "x509", "x509pw"
			}
			cipher, err := tlsCipher(t, base(host, user, pass, tc.extra))
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			case tc.wantPlain && cipher != "":
				t.Fatalf("cipher %q on a disabled connection", cipher)
			case !tc.wantPlain && cipher == "":
				t.Fatal("no TLS session")
			}
		})
	}

	t.Run("JKS stores are refused with a hint", func(t *testing.T) {
		jks := t.TempDir() + "/trust.jks"
		if err := os.WriteFile(jks, []byte{0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2}, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := ParseConfig(base("localhost", srv.User, srv.Password, map[string]string{"database.ssl.truststore": jks}), true)
		if err == nil || !strings.Contains(err.Error(), "JKS stores are not supported; convert with keytool") {
			t.Fatalf("error %v", err)
		}
	})

	t.Run("snapshot and binlog over verify_identity", func(t *testing.T) {
		db := srv.NewDatabase(t, "tlsdata")
		srv.Exec(t, "CREATE TABLE "+db+".t (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO "+db+".t VALUES (1,'snap'),(2,'snap')")
		h := newHarness(t, srv, db, map[string]string{"database.hostname": "localhost", "database.ssl.mode": "verify_identity",
			"database.ssl.truststore": files.CA})
		h.start()
		defer h.stop()
		topic := "srv." + db + ".t"
		h.pollTopic(topic, 2)
		srv.Exec(t, "INSERT INTO "+db+".t VALUES (3,'stream')")
		recs := h.pollTopic(topic, 3)
		if got := describe(recs[2]); !strings.Contains(got, "id=3") || !strings.HasPrefix(got, "c ") {
			t.Fatalf("streamed record %s", got)
		}
	})
}
