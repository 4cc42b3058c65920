package connectors

import (
	"fmt"
	"sort"
	"strings"
)

// PluginType is how /connector-plugins reports a plugin's kind.
type PluginType string

// Plugin kinds, in the order /connector-plugins lists them.
const (
	PluginSink            PluginType = "sink"
	PluginSource          PluginType = "source"
	PluginTransformation  PluginType = "transformation"
	PluginPredicate       PluginType = "predicate"
	PluginConverter       PluginType = "converter"
	PluginHeaderConverter PluginType = "header_converter"
)

// Plugin describes one connector class the worker can run.
type Plugin struct {
	Class   string   // Java-style class name reported by /connector-plugins
	Aliases []string // further names accepted in connector.class
	Version string
	// NewConnector returns a new, unstarted connector instance.
	NewConnector func() Connector
	// NewSourceTask or NewSinkTask returns a new, unstarted task instance.
	NewSourceTask func() SourceTask
	NewSinkTask   func() SinkTask
}

// Type returns source or sink.
func (p *Plugin) Type() PluginType {
	if p.NewSinkTask != nil {
		return PluginSink
	}
	return PluginSource
}

// OtherPlugin describes a transformation, predicate or converter for
// /connector-plugins?connectorsOnly=false and for validation.
type OtherPlugin struct {
	Class     string
	Aliases   []string
	Type      PluginType
	Version   string
	ConfigDef func() *ConfigDef
}

// Registry maps class names and aliases to plugins. It is built explicitly in
// cmd/gonnect (no init() registration) and read-only once the worker starts, so it is
// safe for concurrent reads.
type Registry struct {
	connectors []*Plugin
	others     []*OtherPlugin
	byName     map[string]*Plugin
	otherBy    map[string]*OtherPlugin
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{byName: map[string]*Plugin{}, otherBy: map[string]*OtherPlugin{}}
}

// Add registers a connector plugin under its class name, its aliases, its simple class
// name and the simple name without its "Connector" suffix, as Java's plugin aliases.
func (r *Registry) Add(p *Plugin) {
	r.connectors = append(r.connectors, p)
	for _, n := range aliasesOf(p.Class, p.Aliases, "Connector") {
		if _, dup := r.byName[n]; !dup {
			r.byName[n] = p
		}
	}
}

// AddOther registers a transformation, predicate or converter.
func (r *Registry) AddOther(p *OtherPlugin) {
	r.others = append(r.others, p)
	for _, n := range aliasesOf(p.Class, p.Aliases, "") {
		if _, dup := r.otherBy[n]; !dup {
			r.otherBy[n] = p
		}
	}
}

func aliasesOf(class string, extra []string, suffix string) []string {
	names := append([]string{class}, extra...)
	simple := class
	if i := strings.LastIndexByte(class, '.'); i >= 0 {
		simple = class[i+1:]
	}
	names = append(names, simple)
	if suffix != "" && strings.HasSuffix(simple, suffix) && len(simple) > len(suffix) {
		names = append(names, strings.TrimSuffix(simple, suffix))
	}
	return names
}

// Connector returns the connector plugin for a class name or alias.
func (r *Registry) Connector(name string) (*Plugin, error) {
	if p, ok := r.byName[strings.TrimSpace(name)]; ok {
		return p, nil
	}
	return nil, &PluginNotFoundError{Name: name}
}

// Other returns a transformation, predicate or converter by class name or alias.
func (r *Registry) Other(name string) (*OtherPlugin, bool) {
	p, ok := r.otherBy[strings.TrimSpace(name)]
	return p, ok
}

// Connectors returns the connector plugins, sinks then sources, each sorted by class.
func (r *Registry) Connectors() []*Plugin {
	out := append([]*Plugin(nil), r.connectors...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Type() != out[j].Type() {
			return out[i].Type() == PluginSink
		}
		return out[i].Class < out[j].Class
	})
	return out
}

// Others returns the other plugins in /connector-plugins order: transformations,
// predicates, converters, header converters; each sorted by class.
func (r *Registry) Others() []*OtherPlugin {
	rank := map[PluginType]int{PluginTransformation: 0, PluginPredicate: 1, PluginConverter: 2, PluginHeaderConverter: 3}
	out := append([]*OtherPlugin(nil), r.others...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return rank[out[i].Type] < rank[out[j].Type]
		}
		return out[i].Class < out[j].Class
	})
	return out
}

// PluginNotFoundError is returned for an unknown connector class.
type PluginNotFoundError struct{ Name string }

func (e *PluginNotFoundError) Error() string {
	return fmt.Sprintf("Failed to find any class that implements Connector and which name matches %s", e.Name)
}
