package connconfig

import (
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/rest/entities"
)

// Plugins lists the registry's plugins as GET /connector-plugins does: connectors
// (sinks, then sources), and with connectorsOnly=false then transformations,
// predicates, converters and header converters.
func Plugins(reg *connectors.Registry, connectorsOnly bool) []entities.PluginInfo {
	out := []entities.PluginInfo{}
	for _, p := range reg.Connectors() {
		out = append(out, entities.PluginInfo{Class: p.Class, Type: string(p.Type()), Version: p.Version})
	}
	if connectorsOnly {
		return out
	}
	for _, p := range reg.Others() {
		out = append(out, entities.PluginInfo{Class: p.Class, Type: string(p.Type), Version: p.Version})
	}
	return out
}

// PluginConfig returns GET /connector-plugins/{p}/config for a class name or alias:
// for a connector, its own keys then the framework's source or sink keys it lacks; for
// any other plugin, its keys. Unknown names give the 404 "Unknown plugin <p>.".
func PluginConfig(reg *connectors.Registry, name string) ([]entities.ConfigKeyInfo, error) {
	var def *connectors.ConfigDef
	if p, err := reg.Connector(name); err == nil {
		own := p.NewConnector().ConfigDef()
		def = own.Merge(Def(reg, p.Type() == connectors.PluginSink))
	} else if o, ok := reg.Other(name); ok {
		if o.ConfigDef != nil {
			def = o.ConfigDef()
		}
	} else {
		return nil, entities.NotFoundf("Unknown plugin %s.", name)
	}
	out := []entities.ConfigKeyInfo{}
	for _, k := range def.Keys() {
		out = append(out, KeyInfo(k, ""))
	}
	return out, nil
}
