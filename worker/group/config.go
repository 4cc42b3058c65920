package group

import (
	"fmt"
	"log/slog"
	"time"
)

type memberConfig struct {
	protocol          Protocol
	sessionTimeout    time.Duration
	heartbeatInterval time.Duration
	rebalanceTimeout  time.Duration
	retryBackoff      time.Duration
	retryBackoffMax   time.Duration
	log               *slog.Logger
}

func defaultMemberConfig() memberConfig {
	return memberConfig{
		protocol:          ProtocolSessioned,
		sessionTimeout:    10 * time.Second,
		heartbeatInterval: 3 * time.Second,
		rebalanceTimeout:  60 * time.Second,
		retryBackoff:      100 * time.Millisecond,
		retryBackoffMax:   time.Second,
		log:               slog.Default(),
	}
}

// Opt configures a Member.
type Opt func(*memberConfig)

// WithProtocol sets the newest subprotocol this worker speaks, which decides
// what it offers in JoinGroup (see Protocol.Offered). Mirrors
// connect.protocol (parse it with ParseConnectProtocol); default
// ProtocolSessioned.
func WithProtocol(p Protocol) Opt { return func(c *memberConfig) { c.protocol = p } }

// WithSessionTimeout sets the session timeout sent in JoinGroup: how long
// the coordinator waits for a heartbeat before evicting this worker. Mirrors
// session.timeout.ms; default 10s.
func WithSessionTimeout(d time.Duration) Opt { return func(c *memberConfig) { c.sessionTimeout = d } }

// WithHeartbeatInterval sets how often the member heartbeats; it is also the
// coordinator discovery timeout after which an unreachable coordinator makes
// the member revoke its whole assignment (KAFKA-9184). Mirrors
// heartbeat.interval.ms; default 3s. Must be below the session timeout.
func WithHeartbeatInterval(d time.Duration) Opt {
	return func(c *memberConfig) { c.heartbeatInterval = d }
}

// WithRebalanceTimeout sets the rebalance timeout sent in JoinGroup: how long
// the coordinator waits for every member to rejoin. Mirrors
// rebalance.timeout.ms; default 60s.
func WithRebalanceTimeout(d time.Duration) Opt {
	return func(c *memberConfig) { c.rebalanceTimeout = d }
}

// WithRetryBackoff sets the initial and maximum backoff between failed
// join attempts; it doubles per failure. Mirrors retry.backoff.ms and
// retry.backoff.max.ms; defaults 100ms and 1s.
func WithRetryBackoff(initial, maxBackoff time.Duration) Opt {
	return func(c *memberConfig) { c.retryBackoff, c.retryBackoffMax = initial, maxBackoff }
}

// WithLogger sets the logger; default slog.Default().
func WithLogger(l *slog.Logger) Opt { return func(c *memberConfig) { c.log = l } }

func (c *memberConfig) validate() error {
	switch {
	case c.protocol.Version() < 0:
		return fmt.Errorf("connect.protocol: unknown protocol %q", c.protocol)
	case c.sessionTimeout <= 0:
		return fmt.Errorf("session.timeout.ms: must be positive, got %v", c.sessionTimeout)
	case c.heartbeatInterval <= 0:
		return fmt.Errorf("heartbeat.interval.ms: must be positive, got %v", c.heartbeatInterval)
	case c.heartbeatInterval >= c.sessionTimeout:
		return fmt.Errorf("heartbeat.interval.ms: %v must be below session.timeout.ms %v", c.heartbeatInterval, c.sessionTimeout)
	case c.rebalanceTimeout <= 0:
		return fmt.Errorf("rebalance.timeout.ms: must be positive, got %v", c.rebalanceTimeout)
	case c.retryBackoff <= 0 || c.retryBackoffMax < c.retryBackoff:
		return fmt.Errorf("retry.backoff.ms: want 0 < initial <= max, got %v and %v", c.retryBackoff, c.retryBackoffMax)
	case c.log == nil:
		return fmt.Errorf("logger: must not be nil")
	}
	return nil
}
