package transforms

import (
	"strings"

	"github.com/gonnect/gonnect/connectors"
)

// Versions reported by /connector-plugins for the transformations and predicates.
const (
	KafkaVersion    = "4.0.0"
	DebeziumVersion = "3.1.2.Final"
)

// Plugin describes one transformation or predicate class: its names, its config
// definition and its constructor. Exactly one of NewTransformation and NewPredicate
// is set.
type Plugin struct {
	Class   string   // Java class name, incl. $Key/$Value
	Aliases []string // further accepted names (the simple class name is always accepted)
	Type    connectors.PluginType
	Version string
	// ConfigDef returns a fresh definition of the plugin's keys (Java's names, types,
	// defaults and docs).
	ConfigDef func() *connectors.ConfigDef
	// NewTransformation builds a configured transformation from its keys (prefix
	// "transforms.<alias>." already stripped). It returns an error naming the bad key.
	NewTransformation func(cfg connectors.Config) (Transformation, error)
	// NewPredicate builds a configured predicate from its keys (prefix
	// "predicates.<alias>." stripped).
	NewPredicate func(cfg connectors.Config) (Predicate, error)
}

// plugins is the static table of every transformation and predicate, built at package
// initialization from code (no registration side effects elsewhere); read-only after.
var plugins []*Plugin

var pluginIndex map[string]*Plugin

func init() {
	plugins = append(plugins, kafkaTransforms()...)
	plugins = append(plugins, kafkaPredicates()...)
	plugins = append(plugins, debeziumTransforms()...)
	pluginIndex = make(map[string]*Plugin, 3*len(plugins))
	for _, p := range plugins {
		for _, n := range namesOf(p) {
			if _, dup := pluginIndex[n]; !dup {
				pluginIndex[n] = p
			}
		}
	}
}

func namesOf(p *Plugin) []string {
	names := append([]string{p.Class}, p.Aliases...)
	simple := p.Class[strings.LastIndexByte(p.Class, '.')+1:]
	return append(names, simple)
}

// Plugins returns every transformation and predicate, in declaration order. The
// caller must not modify them.
func Plugins() []*Plugin { return plugins }

// Lookup returns the transformation or predicate whose Java class name or alias is
// class (e.g. "org.apache.kafka.connect.transforms.RegexRouter", "RegexRouter",
// "InsertField$Value", "io.debezium.transforms.ExtractNewRecordState").
func Lookup(class string) (*Plugin, bool) {
	p, ok := pluginIndex[strings.TrimSpace(class)]
	return p, ok
}

// Register adds every transformation and predicate to reg as a connectors.OtherPlugin,
// so /connector-plugins?connectorsOnly=false lists them and validation finds their
// keys. Call it once while building the registry, before the worker starts.
func Register(reg *connectors.Registry) {
	for _, p := range plugins {
		reg.AddOther(&connectors.OtherPlugin{
			Class:     p.Class,
			Aliases:   append([]string(nil), p.Aliases...),
			Type:      p.Type,
			Version:   p.Version,
			ConfigDef: p.ConfigDef,
		})
	}
}

// keyValue declares the $Key and $Value variants of a Kafka transformation that works
// on one side of the record.
func keyValue(base string, def func() *connectors.ConfigDef, build func(s side, cfg connectors.Config) (Transformation, error)) []*Plugin {
	mk := func(s side, suffix string) *Plugin {
		return &Plugin{
			Class:             kafkaPkg + base + "$" + suffix,
			Type:              connectors.PluginTransformation,
			Version:           KafkaVersion,
			ConfigDef:         def,
			NewTransformation: func(cfg connectors.Config) (Transformation, error) { return build(s, cfg) },
		}
	}
	return []*Plugin{mk(keySide, "Key"), mk(valueSide, "Value")}
}

// single declares a Kafka transformation without variants.
func single(class string, def func() *connectors.ConfigDef, build func(cfg connectors.Config) (Transformation, error)) *Plugin {
	return &Plugin{Class: class, Type: connectors.PluginTransformation, Version: KafkaVersion, ConfigDef: def, NewTransformation: build}
}

const (
	kafkaPkg     = "org.apache.kafka.connect.transforms."
	kafkaPredPkg = "org.apache.kafka.connect.transforms.predicates."
	debeziumPkg  = "io.debezium.transforms."
)
