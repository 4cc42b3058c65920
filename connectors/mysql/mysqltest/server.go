// Package mysqltest runs a throwaway MariaDB server for the MySQL connector's tests: one
// mariadbd per test binary, in a temporary directory, on a free loopback port, with the
// binlog settings CDC needs (ROW format, FULL row image and metadata, GTIDs), and a
// user "cdc" with the replication grants Debezium documents. Tests isolate themselves
// by database name.
package mysqltest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	"github.com/go-mysql-org/go-mysql/mysql"
)

// Server is a running mariadbd.
type Server struct {
	Host     string
	Port     int
	User     string // "cdc"
	Password string
	ServerID int // the server's server_id
	Dir      string
	Socket   string

	cmd *exec.Cmd
}

// Addr returns host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// DSN returns a go-sql-driver style DSN for the cdc user.
func (s *Server) DSN() string { return fmt.Sprintf("%s:%s@tcp(%s)/", s.User, s.Password, s.Addr()) }

var (
	mu      sync.Mutex // guards shared and startErr
	shared  *Server
	startEr error
	dbSeq   atomic.Int64
)

// Main runs the tests and then stops the shared server; call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(mysqltest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	mu.Lock()
	defer mu.Unlock()
	if shared != nil {
		shared.stop()
		shared = nil
	}
	return code
}

func findBinary(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, d := range []string{"/usr/sbin", "/usr/bin", "/usr/local/bin"} {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// Start returns the shared server, starting it on first use. It fails the test (never
// skips) when MariaDB is not installed.
func Start(t testing.TB) *Server {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if shared == nil && startEr == nil {
		shared, startEr = start(nil)
	}
	if startEr != nil {
		t.Fatalf("mysqltest: %v", startEr)
	}
	return shared
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start starts a server; extra are more mariadbd options.
func start(extra []string) (*Server, error) {
	mysqld := findBinary("mariadbd")
	install := findBinary("mariadb-install-db")
	if mysqld == "" || install == "" {
		return nil, fmt.Errorf("mariadbd or mariadb-install-db not found: run `make test` (it installs mariadb-server through scripts/test-deps.sh) or `apt-get install mariadb-server`")
	}
	dir, err := os.MkdirTemp("", "gonnect-mariadb-")
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	// A private tmpdir: concurrent bootstraps (several test binaries start a server at
	// once) otherwise collide on /tmp/#sql-temptable-* names and fail.
	tmp := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, err
	}
	user := []string{"--tmpdir=" + tmp}
	if os.Geteuid() == 0 {
		user = []string{"--user=root"}
	}
	args := append([]string{"--no-defaults", "--datadir=" + data, "--auth-root-authentication-method=normal", "--skip-test-db"}, user...)
	if out, err := exec.Command(install, args...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("mariadb-install-db: %v: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{Host: "127.0.0.1", Port: port, User: "cdc", Password: "cdcpw", ServerID: 1, Dir: dir,
		Socket: filepath.Join(dir, "mysql.sock")}
	margs := append([]string{"--no-defaults", "--datadir=" + data}, user...)
	margs = append(margs, "--bind-address=127.0.0.1", "--port="+strconv.Itoa(port),
		"--socket="+s.Socket, "--pid-file="+filepath.Join(dir, "mysqld.pid"),
		"--log-bin="+filepath.Join(data, "binlog"), "--binlog-format=ROW", "--binlog-row-image=FULL",
		"--binlog-row-metadata=FULL", "--gtid-strict-mode=ON", "--server-id=1",
		"--log-error="+filepath.Join(dir, "err.log"), "--skip-name-resolve",
		"--innodb-buffer-pool-size=64M", "--max-connections=200", "--character-set-server=utf8mb4",
		"--collation-server=utf8mb4_general_ci", "--default-time-zone=+00:00")
	margs = append(margs, extra...)
	s.cmd = exec.Command(mysqld, margs...)
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting mariadbd: %w", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := client.Connect(s.Socket, "root", "", "")
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "err.log"))
			s.stop()
			return nil, fmt.Errorf("mariadbd did not accept connections within 30s: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond) // polling a process we started, against a deadline
	}
	if err := s.Root("CREATE USER 'cdc'@'%' IDENTIFIED BY 'cdcpw'",
		"GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR, LOCK TABLES ON *.* TO 'cdc'@'%'",
		"CREATE USER 'weak'@'%' IDENTIFIED BY 'weakpw'",
		"GRANT SELECT ON *.* TO 'weak'@'%'"); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// Launch starts a server outside of tests (benchmarks); call Close when done.
func Launch() (*Server, error) { return start(nil) }

// Close stops a server started by Launch and removes its directory.
func (s *Server) Close() { s.stop() }

func (s *Server) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_, _ = s.cmd.Process.Wait()
	}
	_ = os.RemoveAll(s.Dir)
}

// Root runs statements as root over the unix socket.
func (s *Server) Root(stmts ...string) error {
	c, err := client.Connect(s.Socket, "root", "", "")
	if err != nil {
		return fmt.Errorf("connecting as root: %w", err)
	}
	defer c.Close()
	for _, q := range stmts {
		if _, err := c.Execute(q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// Exec runs statements as root, failing the test on error.
func (s *Server) Exec(t testing.TB, stmts ...string) {
	t.Helper()
	if err := s.Root(stmts...); err != nil {
		t.Fatal(err)
	}
}

// Query runs a query as root and returns the rows as strings (NULL as "NULL").
func (s *Server) Query(t testing.TB, q string) [][]string {
	t.Helper()
	c, err := client.Connect(s.Socket, "root", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := c.Execute(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer r.Close()
	var out [][]string
	for i := range r.Values {
		row := make([]string, len(r.Values[i]))
		for j, v := range r.Values[i] {
			if v.Type == mysql.FieldValueTypeNull {
				row[j] = "NULL"
			} else {
				row[j] = fmt.Sprint(v.Value())
				if b, ok := v.Value().([]byte); ok {
					row[j] = string(b)
				}
			}
		}
		out = append(out, row)
	}
	return out
}

// NewDatabase creates a fresh database named after prefix and the test (so golden
// files that contain it are stable) and returns its name; an existing one is dropped.
func (s *Server) NewDatabase(t testing.TB, prefix string) string {
	t.Helper()
	var b strings.Builder
	for _, r := range strings.ToLower(prefix + "_" + t.Name()) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	name := b.String()
	if len(name) > 60 {
		name = fmt.Sprintf("%s_%d", name[:50], dbSeq.Add(1))
	}
	s.Exec(t, "DROP DATABASE IF EXISTS `"+name+"`", "CREATE DATABASE `"+name+"`")
	return name
}

// Kill connections of user (for fault tests: drop the connector's connections).
func (s *Server) Kill(ctx context.Context, user string) error {
	c, err := client.Connect(s.Socket, "root", "", "")
	if err != nil {
		return err
	}
	defer c.Close()
	r, err := c.Execute("SELECT id FROM information_schema.processlist WHERE user = ?", user)
	if err != nil {
		return err
	}
	for i := range r.Values {
		id, _ := r.GetInt(i, 0)
		_, _ = c.Execute(fmt.Sprintf("KILL %d", id))
	}
	return ctx.Err()
}

// Pid returns the process id of mariadbd, for benchmarks that read its CPU time.
func (s *Server) Pid() int { return s.cmd.Process.Pid }
