package harness

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// BrokerRole is the role name of the kfake broker child; benchmark programs that call
// StartBroker must list it in Dispatch: harness.BrokerRole: harness.RunBroker.
const BrokerRole = "kafkad"

// RunBroker is the broker child: one kfake broker on 127.0.0.1:<args[0]> that allows
// automatic topic creation (one partition per topic) and session timeouts down to
// 500 ms, running until ctx is cancelled (SIGTERM) or the process is killed.
func RunBroker(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: kafkad PORT")
	}
	port, err := strconv.Atoi(args[0])
	if err != nil {
		return fmt.Errorf("port %q: %w", args[0], err)
	}
	c, err := kfake.NewCluster(kfake.Ports(port), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1),
		kfake.GroupMinSessionTimeout(500*time.Millisecond), kfake.ClusterID("gonnect-bench"))
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Println("@ready", c.ListenAddrs()[0])
	<-ctx.Done()
	return nil
}

// Broker is a kfake broker running in its own process.
type Broker struct {
	*Proc
	Addr string // host:port
}

// StartBroker starts a fresh broker child and waits (at most 20 s) until it accepts
// connections. Each call gives an empty cluster: benchmarks restart the broker per
// run because kfake keeps every record in memory.
// The broker is pinned to cpus when that is not empty (see SpawnOn).
func StartBroker(cpus, dir, name string) (*Broker, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	p, err := SpawnOn(cpus, dir, name, BrokerRole, strconv.Itoa(port))
	if err != nil {
		return nil, err
	}
	if _, err := p.NextEvent("ready", 20*time.Second); err != nil {
		p.Kill()
		return nil, err
	}
	return &Broker{Proc: p, Addr: "127.0.0.1:" + strconv.Itoa(port)}, nil
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
