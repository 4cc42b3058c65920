package group

import (
	"fmt"
	"strings"
)

// ProtocolType is the JoinGroup protocol type of every Connect worker group.
const ProtocolType = "connect"

// Protocol is a Connect subprotocol name as offered in JoinGroup and picked by
// the coordinator. Note the naming: the worker config value "eager" is the
// protocol "default", version 0.
type Protocol string

// The Connect subprotocols, newest first.
const (
	ProtocolSessioned  Protocol = "sessioned"  // version 2: cooperative with request signing (KIP-507)
	ProtocolCompatible Protocol = "compatible" // version 1: incremental cooperative (KIP-415)
	ProtocolEager      Protocol = "default"    // version 0: eager, stop everything on each rebalance
)

// Version returns the metadata and assignment version that p uses, or -1 for
// an unknown protocol.
func (p Protocol) Version() int16 {
	switch p {
	case ProtocolEager:
		return 0
	case ProtocolCompatible:
		return 1
	case ProtocolSessioned:
		return 2
	}
	return -1
}

// Cooperative reports whether p is an incremental cooperative protocol: the
// assignment carries only new and revoked items, and nothing is stopped when
// a rebalance starts.
func (p Protocol) Cooperative() bool { return p == ProtocolCompatible || p == ProtocolSessioned }

// Offered returns the protocols a worker configured with p offers in
// JoinGroup, in preference order: sessioned offers all three, compatible
// offers compatible and default, default (eager) only itself.
func (p Protocol) Offered() []Protocol {
	switch p {
	case ProtocolSessioned:
		return []Protocol{ProtocolSessioned, ProtocolCompatible, ProtocolEager}
	case ProtocolCompatible:
		return []Protocol{ProtocolCompatible, ProtocolEager}
	case ProtocolEager:
		return []Protocol{ProtocolEager}
	}
	return nil
}

// ParseConnectProtocol maps the worker config value of connect.protocol
// ("eager", "compatible" or "sessioned", in any case as Java upper-cases it
// before the enum lookup) to the protocol it selects.
func ParseConnectProtocol(v string) (Protocol, error) {
	switch strings.ToLower(v) {
	case "eager":
		return ProtocolEager, nil
	case "compatible":
		return ProtocolCompatible, nil
	case "sessioned":
		return ProtocolSessioned, nil
	}
	return "", fmt.Errorf("connect.protocol: invalid value %q (want eager, compatible or sessioned)", v)
}
