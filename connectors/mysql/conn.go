package mysql

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/gonnect/gonnect/internal/tlsstore"
)

// dialer opens JDBC-equivalent connections with database.ssl.mode semantics:
// disabled (plain), preferred (TLS, falling back to plain once, logged once), required
// (TLS without verification), verify_ca (certificate chain), verify_identity (chain and
// host name). Safe for concurrent use.
type dialer struct {
	cfg *Config
	log *slog.Logger

	once     sync.Once // logs the preferred fallback once
	mu       sync.Mutex
	plainTLS bool // guarded by mu: preferred mode fell back to plain
}

func (d *dialer) addr() string { return net.JoinHostPort(d.cfg.Host, strconv.Itoa(d.cfg.Port)) }

// tlsConfig returns the TLS config for the mode, or nil for plain. Every TLS
// connection presents the database.ssl.keystore certificate when one is set;
// verify_ca and verify_identity check the server's chain against
// database.ssl.truststore (the system's CAs when it is not set).
func (d *dialer) tlsConfig() *tls.Config {
	switch d.cfg.SSLMode {
	case "", "disabled":
		return nil
	case "preferred":
		d.mu.Lock()
		plain := d.plainTLS
		d.mu.Unlock()
		if plain {
			return nil
		}
	}
	roots := d.cfg.TLS.roots
	tc := &tls.Config{ServerName: d.cfg.Host, RootCAs: roots}
	if c := d.cfg.TLS.cert; c != nil {
		tc.Certificates = []tls.Certificate{*c}
	}
	switch d.cfg.SSLMode {
	case "preferred", "required":
		tc.InsecureSkipVerify = true //nolint:gosec // MySQL's preferred and required modes do not verify
	case "verify_ca":
		tc.InsecureSkipVerify = true //nolint:gosec // the chain is verified in the callback, not the host name
		tc.VerifyConnection = func(cs tls.ConnectionState) error { return tlsstore.VerifyChain(cs.PeerCertificates, roots, "server") }
	}
	return tc
}

// connect opens a connection, applying the session settings every connector
// connection needs (UTC session time zone, database.initial.statements).
func (d *dialer) connect(ctx context.Context) (*client.Conn, error) {
	c, err := d.connectTLS(ctx, d.tlsConfig())
	if err != nil && d.cfg.SSLMode == "preferred" && d.tlsConfig() != nil {
		d.once.Do(func() {
			d.log.Warn("TLS connection failed, falling back to an unencrypted connection (database.ssl.mode=preferred)", "error", err)
		})
		d.mu.Lock()
		d.plainTLS = true
		d.mu.Unlock()
		c, err = d.connectTLS(ctx, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("connecting to %s as %s: %w", d.addr(), d.cfg.User, err)
	}
	stmts := append([]string{"SET time_zone = '+00:00'", "SET NAMES utf8mb4"}, d.cfg.InitialStatements...)
	for _, q := range stmts {
		if _, err := c.Execute(q); err != nil {
			c.Close()
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	return c, nil
}

func (d *dialer) connectTLS(ctx context.Context, tc *tls.Config) (*client.Conn, error) {
	opt := func(c *client.Conn) error {
		if tc != nil {
			c.SetTLSConfig(tc)
		}
		return nil
	}
	return client.ConnectWithContext(ctx, d.addr(), d.cfg.User, d.cfg.Password, "", d.cfg.ConnectTimeout, opt)
}

// queryRows runs q and returns the rows as strings keyed by column name.
func queryRows(c *client.Conn, q string, args ...any) ([]map[string]string, error) {
	r, err := c.Execute(q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q, err)
	}
	defer r.Close()
	if r.Resultset == nil {
		return nil, nil
	}
	out := make([]map[string]string, 0, r.RowNumber())
	for i := range r.Values {
		m := make(map[string]string, len(r.Fields))
		for j, f := range r.Fields {
			v := r.Values[i][j]
			if v.Type == gmysql.FieldValueTypeNull {
				continue
			}
			s, _ := r.GetString(i, j)
			m[string(f.Name)] = strings.Clone(s)
		}
		out = append(out, m)
	}
	return out, nil
}

// queryOne returns the first column of the first row ("" when none).
func queryOne(c *client.Conn, q string) (string, error) {
	r, err := c.Execute(q)
	if err != nil {
		return "", fmt.Errorf("%s: %w", q, err)
	}
	defer r.Close()
	if r.Resultset == nil || r.RowNumber() == 0 {
		return "", nil
	}
	s, err := r.GetString(0, 0)
	return strings.Clone(s), err
}

// isMariaDB reports whether the server is MariaDB.
func isMariaDB(c *client.Conn) bool {
	v, _ := queryOne(c, "SELECT VERSION()")
	return strings.Contains(strings.ToLower(v), "mariadb")
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
