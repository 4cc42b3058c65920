package worker

import (
	"fmt"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
)

// sinkGroupOverrides maps the consumer.override.* group timing keys of a sink
// connector (connector.client.config.override.policy All) to kgo options:
// session.timeout.ms (Java's consumer default 45000) decides how soon a crashed
// worker's sink partitions go to another consumer, heartbeat.interval.ms (3000) must
// stay below it.
func sinkGroupOverrides(cfg connectors.Config) ([]kgo.Opt, error) {
	var opts []kgo.Opt
	for _, k := range []struct {
		key string
		opt func(time.Duration) kgo.Opt
	}{
		{"consumer.override.session.timeout.ms", func(d time.Duration) kgo.Opt { return kgo.SessionTimeout(d) }},
		{"consumer.override.heartbeat.interval.ms", func(d time.Duration) kgo.Opt { return kgo.HeartbeatInterval(d) }},
	} {
		v, ok := cfg[k.key]
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("Invalid value %s for configuration %s: expected a positive number of milliseconds", v, k.key)
		}
		opts = append(opts, k.opt(time.Duration(n)*time.Millisecond))
	}
	return opts, nil
}
