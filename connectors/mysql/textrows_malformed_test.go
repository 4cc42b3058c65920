package mysql

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
)

// manglingProxy relays one client connection to the real server unchanged, except
// that a server packet whose payload contains marker is replaced by mangle's result
// (its length header rewritten, its sequence id kept): a column definition mangled on
// the way, as a faulty proxy or server could send it.
func manglingProxy(t *testing.T, server string, marker []byte, mangle func([]byte) []byte) string {
	t.Helper()
	return relayProxy(t, server, func(cl io.Writer, sv io.Reader) {
		for {
			var h [4]byte
			if _, err := io.ReadFull(sv, h[:]); err != nil {
				return
			}
			p := make([]byte, int(h[0])|int(h[1])<<8|int(h[2])<<16)
			if _, err := io.ReadFull(sv, p); err != nil {
				return
			}
			if bytes.Contains(p, marker) {
				p = mangle(p)
				h[0], h[1], h[2] = byte(len(p)), byte(len(p)>>8), byte(len(p)>>16)
			}
			if _, err := cl.Write(append(h[:], p...)); err != nil {
				return
			}
		}
	})
}

// TestTextRowsMalformedColumnDefinition: a column definition cut short or with a
// string length past its end is a protocol error naming the column, not a panic of
// the read-ahead goroutine (which would end the process), and the rest of the result
// set is skipped so the connection still runs commands.
func TestTextRowsMalformedColumnDefinition(t *testing.T) {
	srv := mysqltest.Start(t)
	cut := func(n int) func([]byte) []byte { return func(p []byte) []byte { return p[:len(p)-n] } }
	tests := []struct {
		name   string
		mangle func(p []byte) []byte // of the column definition
	}{
		{name: "fixed fields cut", mangle: cut(10)},
		{name: "fixed fields missing", mangle: cut(13)},
		{name: "filler cut", mangle: cut(1)},
		{name: "name cut", mangle: cut(13 + 5)},
		{name: "only the catalog", mangle: func(p []byte) []byte { return p[:4] }},
		{name: "catalog length past any packet", mangle: func(p []byte) []byte {
			return append([]byte{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, p[4:]...)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const marker = "gonnect_mangled_column"
			addr := manglingProxy(t, srv.Addr(), []byte(marker), tc.mangle)
			c, err := client.Connect(addr, srv.User, srv.Password, "")
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			var read bool
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("readTextBatches panicked: %v", r)
					}
				}()
				read, err = readTextBatches(c, "SELECT 42 AS "+marker, newBatchPool(), nil, func(*snapBatch) error { return nil })
			}()
			if !read || !errors.Is(err, gmysql.ErrMalformPacket) {
				t.Fatalf("read %v, error %v; want a malformed packet error", read, err)
			}
			if r, err := c.Execute("SELECT 7"); err != nil {
				t.Fatalf("next command: %v", err)
			} else if v, _ := r.GetInt(0, 0); v != 7 {
				t.Fatalf("next command read %d", v)
			}
		})
	}
}
