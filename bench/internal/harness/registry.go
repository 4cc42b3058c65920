package harness

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// RegistryRole is the role name of the schema registry child; benchmark programs that
// call StartRegistry must list it in Dispatch: harness.RegistryRole: harness.RunRegistry.
const RegistryRole = "registryd"

// RunRegistry is the registry child: franz-go's in-memory schema registry (srfake)
// served over HTTP on 127.0.0.1:<args[0]> until ctx is cancelled (SIGTERM) or the
// process is killed. It stands in for Confluent Schema Registry in the benchmarks'
// Avro runs (shared/spec/benchmarks.md §11.1: "a stub registry in a separate process").
func RunRegistry(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: registryd PORT")
	}
	port, err := strconv.Atoi(args[0])
	if err != nil {
		return fmt.Errorf("port %q: %w", args[0], err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: srfake.NewRegistry().Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	fmt.Println("@ready", l.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Registry is a schema registry running in its own process.
type Registry struct {
	*Proc
	URL string // http://127.0.0.1:port
}

// StartRegistry starts a fresh, empty registry child and waits (at most 20 s) until
// it accepts connections. It is pinned to cpus when that is not empty (see SpawnOn).
func StartRegistry(cpus, dir, name string) (*Registry, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	p, err := SpawnOn(cpus, dir, name, RegistryRole, strconv.Itoa(port))
	if err != nil {
		return nil, err
	}
	if _, err := p.NextEvent("ready", 20*time.Second); err != nil {
		p.Kill()
		return nil, err
	}
	return &Registry{Proc: p, URL: "http://127.0.0.1:" + strconv.Itoa(port)}, nil
}
