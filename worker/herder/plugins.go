package herder

import (
	"context"

	"github.com/gonnect/gonnect/rest/entities"
	"github.com/gonnect/gonnect/worker/connconfig"
)

// Plugins implements rest.Herder from the plugin registry.
func (h *Herder) Plugins(_ context.Context, connectorsOnly bool) ([]entities.PluginInfo, error) {
	return connconfig.Plugins(h.reg, connectorsOnly), nil
}

// PluginConfig implements rest.Herder: the plugin's own keys, then the framework's.
func (h *Herder) PluginConfig(_ context.Context, plugin string) ([]entities.ConfigKeyInfo, error) {
	return connconfig.PluginConfig(h.reg, plugin)
}
