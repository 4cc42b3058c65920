package connconfig

import (
	"fmt"
	"strings"
	"time"

	"github.com/gonnect/gonnect/connectors"
)

// Parsed is the worker's typed view of the framework keys of a connector config.
// Build it with Parse after the config has passed validation.
type Parsed struct {
	Name            string
	Class           string
	TasksMax        int
	TasksMaxEnforce bool
	// KeyConverter, ValueConverter and HeaderConverter are the class names set on the
	// connector; "" means the worker's setting applies. ConverterConfig returns the
	// sub-configs (key.converter.schemas.enable=false → schemas.enable=false).
	KeyConverter, ValueConverter, HeaderConverter string
	ConfigActionReload                            string // "restart" or "none"

	// ErrorsRetryTimeout is how long failed operations are retried: 0 never, <0
	// forever (errors.retry.timeout=-1).
	ErrorsRetryTimeout  time.Duration
	ErrorsRetryDelayMax time.Duration
	ErrorsToleranceAll  bool // errors.tolerance=all
	ErrorsLogEnable     bool
	ErrorsLogMessages   bool

	Transforms []TransformSpec
	Predicates []PredicateSpec

	// Sink only.
	Topics               []string
	TopicsRegex          string
	DLQTopic             string
	DLQReplicationFactor int16
	DLQContextHeaders    bool

	// Source only.
	ExactlyOnceRequired bool   // exactly.once.support=required
	TransactionBoundary string // poll, interval or connector (lower case)
	TransactionInterval *time.Duration
	OffsetsTopic        string                        // "" means the worker's offsets topic
	TopicCreation       map[string]TopicCreationGroup // keyed by group, "default" first in TopicCreationOrder
	TopicCreationOrder  []string                      // listed groups, then "default"
}

// TransformSpec is one transforms alias.
type TransformSpec struct {
	Alias     string
	Type      string            // class name or alias, resolve with Registry.Other
	Predicate string            // predicate alias, "" for none
	Negate    bool              // apply when the predicate does not match
	Config    map[string]string // transforms.<alias>.* without the prefix, minus type/predicate/negate
}

// PredicateSpec is one predicates alias.
type PredicateSpec struct {
	Alias  string
	Type   string
	Config map[string]string // predicates.<alias>.* without the prefix, minus type
}

// TopicCreationGroup is one topic.creation group's settings (KIP-158).
type TopicCreationGroup struct {
	Include, Exclude  []string
	ReplicationFactor int16             // -1: broker default (or the default group's)
	Partitions        int32             // -1: broker default (or the default group's)
	Configs           map[string]string // other topic configs, e.g. cleanup.policy
}

// ConverterConfig returns the sub-configs of a converter key ("key.converter",
// "value.converter", "header.converter") with the prefix removed.
func ConverterConfig(cfg map[string]string, key string) map[string]string {
	return stripPrefix(cfg, key+".")
}

// Parse reads the framework keys of cfg for a source (sink=false) or sink connector.
// Errors name the first bad key, as validation would.
func Parse(cfg map[string]string, sink bool) (*Parsed, error) {
	c := connectors.Config(cfg)
	def := Def(nil, sink)
	if !sink && usesTopicCreation(c) {
		enrichTopicCreation(def, c)
	}
	v, err := def.Parse(c)
	if err != nil {
		return nil, err
	}
	s := func(k string) string { x, _ := v[k].(string); return x }
	b := func(k string) bool { x, _ := v[k].(bool); return x }
	l := func(k string) []string { x, _ := v[k].([]string); return x }
	ms := func(k string) time.Duration { x, _ := v[k].(int64); return time.Duration(x) * time.Millisecond }
	p := &Parsed{
		Name: s(Name), Class: s(ConnectorClass), TasksMax: int(v[TasksMax].(int32)), TasksMaxEnforce: b(TasksMaxEnforce),
		KeyConverter: s(KeyConverter), ValueConverter: s(ValueConverter), HeaderConverter: s(HeaderConverter),
		ConfigActionReload: s(ConfigActionReload),
		ErrorsRetryTimeout: ms(ErrorsRetryTimeout), ErrorsRetryDelayMax: ms(ErrorsRetryDelay),
		ErrorsToleranceAll: s(ErrorsTolerance) == "all", ErrorsLogEnable: b(ErrorsLogEnable), ErrorsLogMessages: b(ErrorsLogMessages),
	}
	if err := parseAliases(p, c, l(Transforms), l(Predicates)); err != nil {
		return nil, err
	}
	if sink {
		for _, t := range l(Topics) {
			if t != "" {
				p.Topics = append(p.Topics, t)
			}
		}
		p.TopicsRegex, p.DLQTopic = s(TopicsRegex), strings.TrimSpace(s(DLQTopic))
		p.DLQReplicationFactor, _ = v[DLQReplicationFactor].(int16)
		p.DLQContextHeaders = b(DLQContextHeaders)
		return p, nil
	}
	p.ExactlyOnceRequired = strings.EqualFold(s(ExactlyOnceSupport), "required")
	p.TransactionBoundary = strings.ToLower(s(TransactionBoundary))
	if n, ok := v[TransactionIntervalMs].(int64); ok {
		d := time.Duration(n) * time.Millisecond
		p.TransactionInterval = &d
	}
	p.OffsetsTopic = s(OffsetsStorageTopic)
	if usesTopicCreation(c) {
		p.TopicCreation = map[string]TopicCreationGroup{}
		for _, g := range append(l(TopicCreationGroups), "default") {
			if _, dup := p.TopicCreation[g]; dup || g == "" {
				continue
			}
			pre := TopicCreationPrefix + g + "."
			tg := TopicCreationGroup{Include: l(pre + "include"), Exclude: l(pre + "exclude"), Configs: map[string]string{}}
			tg.ReplicationFactor, _ = v[pre+"replication.factor"].(int16)
			tg.Partitions, _ = v[pre+"partitions"].(int32)
			for k, val := range stripPrefix(c, pre) {
				switch k {
				case "include", "exclude", "replication.factor", "partitions":
				default:
					tg.Configs[k] = val
				}
			}
			p.TopicCreation[g] = tg
			p.TopicCreationOrder = append(p.TopicCreationOrder, g)
		}
	}
	return p, nil
}

func parseAliases(p *Parsed, c connectors.Config, transforms, predicates []string) error {
	for _, a := range transforms {
		pre := Transforms + "." + a + "."
		t := TransformSpec{Alias: a, Type: strings.TrimSpace(c[pre+"type"]), Predicate: strings.TrimSpace(c[pre+"predicate"]), Config: stripPrefix(c, pre)}
		if t.Type == "" {
			return fmt.Errorf("Missing required configuration \"%stype\" which has no default value.", pre)
		}
		if n, ok := c[pre+"negate"]; ok {
			if t.Predicate == "" {
				return fmt.Errorf("Config '%snegate' was provided but there is no config '%spredicate' defining a predicate to be negated.", pre, pre)
			}
			t.Negate = strings.EqualFold(strings.TrimSpace(n), "true")
		}
		if t.Predicate != "" && !contains(predicates, t.Predicate) {
			return fmt.Errorf("Invalid value %s for configuration %spredicate: the predicate alias is not listed in predicates", t.Predicate, pre)
		}
		delete(t.Config, "type")
		delete(t.Config, "predicate")
		delete(t.Config, "negate")
		p.Transforms = append(p.Transforms, t)
	}
	for _, a := range predicates {
		pre := Predicates + "." + a + "."
		ps := PredicateSpec{Alias: a, Type: strings.TrimSpace(c[pre+"type"]), Config: stripPrefix(c, pre)}
		if ps.Type == "" {
			return fmt.Errorf("Missing required configuration \"%stype\" which has no default value.", pre)
		}
		delete(ps.Config, "type")
		p.Predicates = append(p.Predicates, ps)
	}
	return nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
