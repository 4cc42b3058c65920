package transforms

import (
	"fmt"
	"strings"

	"github.com/gonnect/gonnect/connectors"
)

// Connector config keys that declare the chain (Java's ConnectorConfig).
const (
	TransformsKey = "transforms"
	PredicatesKey = "predicates"
)

// link is one configured transformation with its optional predicate.
type link struct {
	alias     string
	class     string
	t         Transformation
	predAlias string
	pred      Predicate
	negate    bool
}

// Chain is the ordered list of transformations a connector config declares. It is
// immutable once built and safe for concurrent use by several tasks.
type Chain struct {
	links []link
}

// NewChain builds the chain from a connector config: "transforms" (comma-separated
// aliases), "transforms.<alias>.type", each transformation's keys under
// "transforms.<alias>.", "predicates", "predicates.<alias>.type" and keys,
// "transforms.<alias>.predicate" and "transforms.<alias>.negate". An empty or absent
// "transforms" gives an empty chain. Errors name the alias and the key: a missing or
// unknown class, a duplicate alias, a bad value, or a predicate alias that
// "predicates" does not list.
func NewChain(cfg connectors.Config) (*Chain, error) {
	aliases, err := aliasList(cfg, TransformsKey)
	if err != nil {
		return nil, err
	}
	predAliases, err := aliasList(cfg, PredicatesKey)
	if err != nil {
		return nil, err
	}
	preds := make(map[string]Predicate, len(predAliases))
	for _, a := range predAliases {
		p, err := newPredicate(cfg, a)
		if err != nil {
			return nil, err
		}
		preds[a] = p
	}
	c := &Chain{links: make([]link, 0, len(aliases))}
	for _, a := range aliases {
		l, err := newLink(cfg, a, preds)
		if err != nil {
			return nil, err
		}
		c.links = append(c.links, l)
	}
	return c, nil
}

func aliasList(cfg connectors.Config, key string) ([]string, error) {
	raw := strings.TrimSpace(cfg[key])
	if raw == "" {
		return nil, nil
	}
	v, _ := connectors.ParseValue(connectors.TypeList, raw)
	list := v.([]string)
	seen := make(map[string]bool, len(list))
	for _, a := range list {
		if a == "" {
			return nil, configErrorf(key, "Invalid value %s for configuration %s: empty alias", raw, key)
		}
		if seen[a] {
			return nil, configErrorf(key, "Invalid value %s for configuration %s: Duplicate alias provided.", raw, key)
		}
		seen[a] = true
	}
	return list, nil
}

// subConfig returns the keys under prefix with the prefix stripped.
func subConfig(cfg connectors.Config, prefix string) connectors.Config {
	out := connectors.Config{}
	for k, v := range cfg {
		if strings.HasPrefix(k, prefix) {
			out[k[len(prefix):]] = v
		}
	}
	return out
}

func classOf(cfg connectors.Config, typeKey string, want connectors.PluginType) (*Plugin, error) {
	class, ok := cfg[typeKey]
	if !ok || strings.TrimSpace(class) == "" {
		return nil, configErrorf(typeKey, "Missing required configuration \"%s\" which has no default value.", typeKey)
	}
	p, found := Lookup(class)
	if !found {
		return nil, configErrorf(typeKey, "Invalid value %s for configuration %s: Class %s could not be found.", class, typeKey, class)
	}
	if p.Type != want {
		return nil, configErrorf(typeKey, "Invalid value %s for configuration %s: Class %s is a %s, not a %s.", class, typeKey, class, p.Type, want)
	}
	return p, nil
}

func newPredicate(cfg connectors.Config, alias string) (Predicate, error) {
	prefix := PredicatesKey + "." + alias + "."
	p, err := classOf(cfg, prefix+"type", connectors.PluginPredicate)
	if err != nil {
		return nil, err
	}
	pr, err := p.NewPredicate(subConfig(cfg, prefix))
	if err != nil {
		return nil, wrapConfigErr(prefix, alias, err)
	}
	return pr, nil
}

func newLink(cfg connectors.Config, alias string, preds map[string]Predicate) (link, error) {
	prefix := TransformsKey + "." + alias + "."
	p, err := classOf(cfg, prefix+"type", connectors.PluginTransformation)
	if err != nil {
		return link{}, err
	}
	l := link{alias: alias, class: p.Class}
	if name, ok := cfg[prefix+"predicate"]; ok && strings.TrimSpace(name) != "" {
		name = strings.TrimSpace(name)
		pr, found := preds[name]
		if !found {
			return link{}, configErrorf(prefix+"predicate", "Invalid value %s for configuration %spredicate: no predicate with alias %q is listed in %q", name, prefix, name, PredicatesKey)
		}
		l.predAlias, l.pred = name, pr
	}
	if raw, ok := cfg[prefix+"negate"]; ok {
		v, err := connectors.ParseValue(connectors.TypeBoolean, strings.TrimSpace(raw))
		if err != nil {
			return link{}, configErrorf(prefix+"negate", "Invalid value %s for configuration %snegate: %v", raw, prefix, err)
		}
		l.negate = v.(bool)
		if l.negate && l.pred == nil {
			return link{}, configErrorf(prefix+"negate", "Invalid value %s for configuration %snegate: negate requires %spredicate", raw, prefix, prefix)
		}
	}
	t, err := p.NewTransformation(subConfig(cfg, prefix))
	if err != nil {
		return link{}, wrapConfigErr(prefix, alias, err)
	}
	l.t = t
	return l, nil
}

// wrapConfigErr turns a transformation's own config error into one naming the full
// key (prefix + key) and the alias.
func wrapConfigErr(prefix, alias string, err error) error {
	if ce, ok := err.(*ConfigError); ok {
		return &ConfigError{Key: prefix + ce.Key, Msg: fmt.Sprintf("%s (alias %q): %s", prefix+ce.Key, alias, ce.Msg)}
	}
	return &ConfigError{Key: strings.TrimSuffix(prefix, "."), Msg: fmt.Sprintf("%s (alias %q): %v", strings.TrimSuffix(prefix, "."), alias, err)}
}

// ownedApplier is implemented by this package's transformations: a record that an
// earlier link returned belongs to the chain, so a later link may modify it in place
// instead of copying it. The caller's record is never modified.
type ownedApplier interface {
	apply(r *connectors.Record, owned bool) (*connectors.Record, error)
}

// Len returns the number of transformations in the chain.
func (c *Chain) Len() int { return len(c.links) }

// Aliases returns the transformation aliases in chain order.
func (c *Chain) Aliases() []string {
	out := make([]string, len(c.links))
	for i, l := range c.links {
		out[i] = l.alias
	}
	return out
}

// Apply runs r through the chain. It returns nil (and no error) when a transformation
// drops the record; the rest of the chain is then skipped. A transformation whose
// predicate does not match (or matches, with negate) is skipped. A failure is returned
// as a *TransformError; the caller applies errors.tolerance. Apply does not modify r
// and does not block. A nil chain or a nil r passes r through.
func (c *Chain) Apply(r *connectors.Record) (*connectors.Record, error) {
	if c == nil || r == nil {
		return r, nil
	}
	in := r
	for i := range c.links {
		l := &c.links[i]
		if l.pred != nil {
			ok, err := l.pred.Test(r)
			if err != nil {
				return nil, l.fail(r, l.predAlias, err)
			}
			if ok == l.negate {
				continue
			}
		}
		var out *connectors.Record
		var err error
		if oa, ok := l.t.(ownedApplier); ok {
			out, err = oa.apply(r, r != in)
		} else {
			out, err = l.t.Apply(r)
		}
		if err != nil {
			return nil, l.fail(r, "", err)
		}
		if out == nil {
			return nil, nil
		}
		r = out
	}
	return r, nil
}

func (l *link) fail(r *connectors.Record, pred string, err error) error {
	return &TransformError{Alias: l.alias, Class: l.class, Predicate: pred, Topic: r.Topic, Partition: r.KafkaPartition, Position: r.Position, Err: err}
}
