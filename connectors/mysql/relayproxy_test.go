package mysql

import (
	"io"
	"net"
	"sync"
	"testing"
)

// relayProxy relays one client connection to the real server: the client's bytes go
// to the server unchanged, and toClient copies the server's bytes to the client as a
// test wants them (split, rewritten). It returns the proxy's address.
func relayProxy(t *testing.T, server string, toClient func(cl io.Writer, sv io.Reader)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		cl, err := ln.Accept()
		if err != nil {
			return
		}
		defer cl.Close()
		sv, err := net.Dial("tcp", server)
		if err != nil {
			return
		}
		defer sv.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = io.Copy(sv, cl)
			sv.Close()
		}()
		toClient(cl, sv)
	}()
	return ln.Addr().String()
}
