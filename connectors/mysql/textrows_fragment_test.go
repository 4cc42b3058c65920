package mysql

import (
	"io"
	"testing"

	"github.com/go-mysql-org/go-mysql/client"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
)

// fragmentingProxy relays one client connection to the real server, writing the
// server's bytes to the client in writes of at most chunk bytes, so that packet
// headers and values arrive split across reads at every offset.
func fragmentingProxy(t *testing.T, server string, chunk int) string {
	t.Helper()
	return relayProxy(t, server, func(cl io.Writer, sv io.Reader) {
		buf := make([]byte, chunk)
		for {
			n, err := sv.Read(buf)
			if n > 0 {
				if _, werr := cl.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	})
}

// TestTextRowsFragmentedReads reads the types table through a connection whose bytes
// arrive a few at a time (TCP segments split anywhere, as over a slow or lossy
// network): the fast reader must read the same rows as go-mysql on a direct
// connection, and leave the connection usable.
func TestTextRowsFragmentedReads(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "textfrag")
	textRowsTables(t, srv, db)
	q := "SELECT * FROM " + db + ".types ORDER BY id"
	want, err := readRows(t, textConn(t, srv), q, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		chunk int
	}{
		{name: "3-byte writes", chunk: 3},
		{name: "1000-byte writes", chunk: 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := client.Connect(fragmentingProxy(t, srv.Addr(), tc.chunk), srv.User, srv.Password, "")
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Execute("SET time_zone = '+00:00'"); err != nil {
				t.Fatal(err)
			}
			got, err := readRows(t, c, q, nil, true)
			if err != nil {
				t.Fatal(err)
			}
			sameRows(t, got, want)
			if _, err := c.Execute("DO 1"); err != nil {
				t.Fatalf("next command: %v", err)
			}
		})
	}
}
