package herder

import (
	"context"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/rest/entities"
)

// Plugins implements rest.Herder from the plugin registry.
func (h *Herder) Plugins(_ context.Context, connectorsOnly bool) ([]entities.PluginInfo, error) {
	out := []entities.PluginInfo{}
	for _, p := range h.reg.Connectors() {
		out = append(out, entities.PluginInfo{Class: p.Class, Type: string(p.Type()), Version: p.Version})
	}
	if connectorsOnly {
		return out, nil
	}
	for _, p := range h.reg.Others() {
		out = append(out, entities.PluginInfo{Class: p.Class, Type: string(p.Type), Version: p.Version})
	}
	return out, nil
}

// FrameworkConfigDef returns the framework's connector keys for a plugin type; set by
// cmd/gonnect from worker/connconfig (nil: none).
var FrameworkConfigDef func(t connectors.PluginType) *connectors.ConfigDef

// PluginConfig implements rest.Herder: the plugin's own keys, then the framework's
// keys it lacks.
func (h *Herder) PluginConfig(_ context.Context, plugin string) ([]entities.ConfigKeyInfo, error) {
	var def *connectors.ConfigDef
	if p, err := h.reg.Connector(plugin); err == nil {
		def = p.NewConnector().ConfigDef()
		if FrameworkConfigDef != nil {
			def = def.Merge(FrameworkConfigDef(p.Type()))
		}
	} else if o, ok := h.reg.Other(plugin); ok && o.ConfigDef != nil {
		def = o.ConfigDef()
	} else {
		return nil, entities.NotFoundf("Unknown plugin %s.", plugin)
	}
	out := []entities.ConfigKeyInfo{}
	for _, k := range def.Keys() {
		out = append(out, KeyInfo(k))
	}
	return out, nil
}

// KeyInfo renders a ConfigKey as REST's ConfigKeyInfo.
func KeyInfo(k *connectors.ConfigKey) entities.ConfigKeyInfo {
	return entities.ConfigKeyInfo{
		Name: k.Name, Type: string(k.Type), Required: k.Required, DefaultValue: k.Default,
		Importance: string(k.Importance), Documentation: k.Documentation, Group: k.Group,
		Order: k.OrderInGroup, Width: string(k.Width), DisplayName: k.DisplayName, Dependents: k.Dependents,
	}
}
