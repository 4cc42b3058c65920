package connconfig

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/rest/entities"
)

// Def returns the framework keys for a source (sink=false) or sink connector:
// ConnectorConfig's plus SourceConnectorConfig's or SinkConnectorConfig's. reg, when
// not nil, resolves converter classes for validation.
func Def(reg *connectors.Registry, sink bool) *connectors.ConfigDef {
	d := commonKeys(connectors.NewConfigDef(), converterValidator(reg))
	if sink {
		return sinkKeys(d)
	}
	return sourceKeys(d)
}

func converterValidator(reg *connectors.Registry) func(string, bool) func(any) error {
	return func(key string, header bool) func(any) error {
		return func(v any) error {
			s, _ := v.(string)
			if v == nil || reg == nil {
				return nil
			}
			p, ok := reg.Other(s)
			if !ok {
				return fmt.Errorf("Class %s could not be found.", s)
			}
			if p.Type != connectors.PluginConverter && !(header && p.Type == connectors.PluginHeaderConverter) {
				want := "org.apache.kafka.connect.storage.Converter"
				if header {
					want = "org.apache.kafka.connect.storage.HeaderConverter"
				}
				return fmt.Errorf("Class %s is not a %s", s, want)
			}
			return nil
		}
	}
}

// enrich adds transforms.<alias>.* and predicates.<alias>.* keys for the aliases in
// cfg, as Java's ConnectorConfig.enrich: the type key (CLASS, required) then, when the
// type resolves through reg.Other, the plugin's own keys prefixed, in group
// "Transforms: <alias>" / "Predicates: <alias>". Transformations also get the implicit
// predicate and negate keys.
func enrich(d *connectors.ConfigDef, reg *connectors.Registry, cfg connectors.Config) {
	kinds := []struct {
		list, group, kind, display string
		want                       connectors.PluginType
	}{
		{Transforms, GroupTransforms, "transformation", "Transformation", connectors.PluginTransformation},
		{Predicates, GroupPredicates, "predicate", "Predicate", connectors.PluginPredicate},
	}
	for _, k := range kinds {
		v, err := connectors.ParseValue(connectors.TypeList, strings.TrimSpace(cfg[k.list]))
		if err != nil {
			continue
		}
		seen := map[string]bool{}
		for _, alias := range v.([]string) {
			if seen[alias] {
				continue
			}
			seen[alias] = true
			prefix := k.list + "." + alias + "."
			group := k.group + ": " + alias
			k := k
			typeKey := prefix + "type"
			var recommended []string
			if reg != nil {
				for _, p := range reg.Others() {
					if p.Type == k.want {
						recommended = append(recommended, p.Class)
					}
				}
			}
			d.Define(connectors.ConfigKey{Name: typeKey, Type: connectors.TypeClass, Required: true,
				Importance: connectors.High, Documentation: fmt.Sprintf("Class for the '%s' %s.", alias, k.kind),
				Group: group, OrderInGroup: 0, Width: connectors.WidthLong, DisplayName: k.display + " type for " + alias,
				Recommended: func(connectors.Config) []string { return recommended },
				Validator: func(v any) error {
					if k.list == Transforms {
						if _, neg := cfg[prefix+"negate"]; neg {
							if _, pred := cfg[prefix+"predicate"]; !pred {
								return fmt.Errorf("Config '%snegate' was provided but there is no config '%spredicate' defining a predicate to be negated.", prefix, prefix)
							}
						}
					}
					s, _ := v.(string)
					if reg == nil {
						return nil
					}
					p, ok := reg.Other(s)
					if !ok {
						return fmt.Errorf("Class %s could not be found.", s)
					}
					if p.Type != k.want {
						return fmt.Errorf("Class %s is not a %s", s, k.display)
					}
					return nil
				}})
			embedded := connectors.NewConfigDef()
			if k.list == Transforms {
				embedded.Define(connectors.ConfigKey{Name: "predicate", Type: connectors.TypeString, Importance: connectors.Medium,
					Documentation: "Alias of the predicate that decides whether this transformation applies."})
				embedded.Define(connectors.ConfigKey{Name: "negate", Type: connectors.TypeBoolean, Default: str("false"), Importance: connectors.Medium,
					Documentation: "Whether to apply the transformation when the predicate does not match instead."})
			}
			if reg != nil {
				if p, ok := reg.Other(cfg[typeKey]); ok && p.Type == k.want && p.ConfigDef != nil {
					for _, pk := range p.ConfigDef().Keys() {
						if _, dup := embedded.Key(pk.Name); !dup {
							embedded.Define(*pk)
						}
					}
				}
			}
			for _, ek := range embedded.Keys() {
				nk := *ek
				nk.Name = prefix + ek.Name
				nk.Group = group
				nk.OrderInGroup = 1 + ek.OrderInGroup
				if ek.Dependents != nil {
					nk.Dependents = make([]string, len(ek.Dependents))
					for i, dep := range ek.Dependents {
						nk.Dependents[i] = prefix + dep
					}
				}
				if ek.Recommended != nil {
					inner := ek.Recommended
					nk.Recommended = func(connectors.Config) []string { return inner(stripPrefix(cfg, prefix)) }
				}
				if _, dup := d.Key(nk.Name); !dup {
					d.Define(nk)
				}
			}
		}
	}
}

func stripPrefix(cfg connectors.Config, prefix string) connectors.Config {
	out := connectors.Config{}
	for k, v := range cfg {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = v
		}
	}
	return out
}

// usesTopicCreation reports whether cfg has any topic.creation.* key.
func usesTopicCreation(cfg connectors.Config) bool {
	for k := range cfg {
		if strings.HasPrefix(k, TopicCreationPrefix) {
			return true
		}
	}
	return false
}

// enrichTopicCreation adds the default group's keys and each listed group's.
func enrichTopicCreation(d *connectors.ConfigDef, cfg connectors.Config) {
	topicCreationKeys(d, "default")
	v, err := connectors.ParseValue(connectors.TypeList, strings.TrimSpace(cfg[TopicCreationGroups]))
	if err != nil {
		return
	}
	for _, g := range v.([]string) {
		if g == "default" || g == "" {
			continue
		}
		if _, dup := d.Key(TopicCreationPrefix + g + ".include"); !dup {
			topicCreationKeys(d, g)
		}
	}
}

// FullDef returns the framework definition enriched for cfg: common and source or
// sink keys, topic creation groups (sources using topic.creation.*), and the keys of
// each transformation and predicate alias.
func FullDef(reg *connectors.Registry, cfg connectors.Config, sink bool) *connectors.ConfigDef {
	d := Def(reg, sink)
	if !sink && usesTopicCreation(cfg) {
		enrichTopicCreation(d, cfg)
	}
	enrich(d, reg, cfg)
	return d
}

// sinkTopicErrors adds SinkConnectorConfig.validate's cross-key errors.
func sinkTopicErrors(cfg connectors.Config, values map[string]*connectors.ConfigValue, add func(connectors.ConfigValue)) {
	topics, regex := cfg[Topics], cfg[TopicsRegex]
	dlq := strings.TrimSpace(cfg[DLQTopic])
	hasT, hasR := strings.TrimSpace(topics) != "", strings.TrimSpace(regex) != ""
	addErr := func(key, value, msg string) {
		if v, ok := values[key]; ok {
			v.Errors = append(v.Errors, msg)
			return
		}
		add(connectors.ConfigValue{Name: key, Value: str(value), Errors: []string{msg}, Visible: true, RecommendedValues: []string{}})
	}
	if hasT && hasR {
		msg := "topics and topics.regex are mutually exclusive options, but both are set."
		addErr(Topics, topics, msg)
		addErr(TopicsRegex, regex, msg)
	}
	if !hasT && !hasR {
		msg := "Must configure one of topics or topics.regex"
		addErr(Topics, topics, msg)
		addErr(TopicsRegex, regex, msg)
	}
	if dlq == "" {
		return
	}
	if hasT {
		var list []string
		for _, t := range strings.Split(topics, ",") {
			if t = strings.TrimSpace(t); t != "" {
				list = append(list, t)
			}
		}
		for _, t := range list {
			if t == dlq {
				addErr(Topics, topics, fmt.Sprintf("The DLQ topic '%s' may not be included in the list of topics ('topics=[%s]') consumed by the connector", dlq, strings.Join(list, ", ")))
				break
			}
		}
	}
	if hasR {
		if re, err := regexp.Compile("^(?:" + regex + ")$"); err == nil && re.MatchString(dlq) {
			addErr(TopicsRegex, regex, fmt.Sprintf("The DLQ topic '%s' may not be matched by the regex for the topics ('topics.regex=%s') consumed by the connector", dlq, regex))
		}
	}
}

// Validate validates a connector config as Kafka Connect's
// AbstractHerder.validateConnectorConfig does and returns the ConfigInfos body:
// framework keys (enriched for the transforms, predicates and topic creation groups
// in cfg), then the connector's own keys (its Validator when implemented), passwords
// shown as [hidden], error_count summed, groups framework-first.
//
// A missing connector.class is a *entities.BadRequestError ("Connector config {...}
// contains no connector type"); an unknown class is a plain error (500) listing the
// available connectors. ctx bounds a connector's own Validate (which may reach out to
// its database). Safe for concurrent use.
func Validate(ctx context.Context, reg *connectors.Registry, cfg map[string]string) (entities.ConfigInfos, error) {
	class, ok := cfg[ConnectorClass]
	if !ok {
		return entities.ConfigInfos{}, entities.BadRequestf("Connector config %s contains no connector type", javaMap(cfg))
	}
	plugin, err := reg.Connector(class)
	if err != nil {
		var avail []string
		for _, p := range reg.Connectors() {
			avail = append(avail, p.Class)
		}
		return entities.ConfigInfos{}, fmt.Errorf("%w, available connectors are: %s", err, strings.Join(avail, ", "))
	}
	c := connectors.Config(cfg)
	sink := plugin.Type() == connectors.PluginSink
	def := FullDef(reg, c, sink)

	var values []connectors.ConfigValue
	byName := map[string]*connectors.ConfigValue{}
	fw := def.Validate(c)
	for i := range fw {
		normalizeList(def, &fw[i])
	}
	if sink {
		idx := map[string]*connectors.ConfigValue{}
		for i := range fw {
			idx[fw[i].Name] = &fw[i]
		}
		sinkTopicErrors(c, idx, func(v connectors.ConfigValue) { fw = append(fw, v) })
	}
	values = append(values, fw...)

	conn := plugin.NewConnector()
	cdef := conn.ConfigDef()
	var own []connectors.ConfigValue
	if v, ok := conn.(connectors.Validator); ok {
		own = v.Validate(ctx, c)
	} else {
		own = cdef.Validate(c)
	}
	for i := range own {
		normalizeList(cdef, &own[i])
	}
	values = append(values, own...)
	for i := range values {
		// A later value for the same key (the connector's) replaces the framework's,
		// as in Java, but keeps the framework's errors so none is lost.
		if prev, ok := byName[values[i].Name]; ok {
			values[i].Errors = mergeErrors(prev.Errors, values[i].Errors)
		}
		byName[values[i].Name] = &values[i]
	}

	// Keys: framework order, then the connector's; a connector key with a framework
	// name replaces the definition in place (Java's LinkedHashMap.putAll).
	type keyRef struct{ k *connectors.ConfigKey }
	var order []string
	keys := map[string]keyRef{}
	for _, k := range def.Keys() {
		order = append(order, k.Name)
		keys[k.Name] = keyRef{k}
	}
	for _, k := range cdef.Keys() {
		if _, dup := keys[k.Name]; !dup {
			order = append(order, k.Name)
		}
		keys[k.Name] = keyRef{k}
	}

	out := entities.ConfigInfos{Name: class, Groups: groups(def, cdef)}
	seenValue := map[string]bool{}
	for _, v := range values {
		if _, isKey := keys[v.Name]; isKey || seenValue[v.Name] {
			continue
		}
		seenValue[v.Name] = true
		vi := valueInfo(byName[v.Name], nil)
		out.Configs = append(out.Configs, entities.ConfigInfo{Value: &vi})
		out.ErrorCount += len(byName[v.Name].Errors)
	}
	for _, name := range order {
		k := keys[name].k
		ki := KeyInfo(k, "")
		ci := entities.ConfigInfo{Definition: &ki}
		if v, ok := byName[name]; ok {
			vi := valueInfo(v, k)
			ci.Value = &vi
			out.ErrorCount += len(v.Errors)
		}
		out.Configs = append(out.Configs, ci)
	}
	return out, nil
}

// normalizeList renders a LIST value as Java's convertToString does ("a,b").
func normalizeList(d *connectors.ConfigDef, v *connectors.ConfigValue) {
	k, ok := d.Key(v.Name)
	if !ok || k.Type != connectors.TypeList || v.Value == nil || len(v.Errors) > 0 {
		return
	}
	l, err := connectors.ParseValue(connectors.TypeList, strings.TrimSpace(*v.Value))
	if err == nil {
		v.Value = str(strings.Join(l.([]string), ","))
	}
}

func valueInfo(v *connectors.ConfigValue, k *connectors.ConfigKey) entities.ConfigValueInfo {
	val := v.Value
	if k != nil && k.Type == connectors.TypePassword && val != nil {
		val = str(connectors.HiddenValue)
	}
	return entities.ConfigValueInfo{Name: v.Name, Value: val, RecommendedValues: v.RecommendedValues, Errors: v.Errors, Visible: v.Visible}
}

// KeyInfo converts a key definition to its REST form, with prefix added to the name.
func KeyInfo(k *connectors.ConfigKey, prefix string) entities.ConfigKeyInfo {
	var def *string
	if !k.Required && k.Default != nil {
		d := *k.Default
		if k.Type == connectors.TypePassword {
			d = connectors.HiddenValue
		}
		def = &d
	}
	return entities.ConfigKeyInfo{
		Name: prefix + k.Name, Type: string(k.Type), Required: k.Required, DefaultValue: def,
		Importance: string(k.Importance), Documentation: k.Documentation, Group: k.Group,
		Order: k.OrderInGroup, Width: string(k.Width), DisplayName: k.DisplayName, Dependents: k.Dependents,
	}
}

func groups(defs ...*connectors.ConfigDef) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range defs {
		for _, k := range d.Keys() {
			if k.Group != "" && !seen[k.Group] {
				seen[k.Group] = true
				out = append(out, k.Group)
			}
		}
	}
	return out
}

// javaMap renders a map as Java's AbstractMap.toString ("{k=v, k2=v2}"), keys sorted.
func javaMap(m map[string]string) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range ks {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k + "=" + m[k])
	}
	b.WriteByte('}')
	return b.String()
}

// InvalidError returns the 400 the Java worker gives when a create or update fails
// validation, or nil when infos has no errors:
// "Connector configuration is invalid and contains the following N error(s):\n...".
func InvalidError(infos entities.ConfigInfos) error {
	if infos.ErrorCount == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Connector configuration is invalid and contains the following %d error(s):", infos.ErrorCount)
	for _, c := range infos.Configs {
		if c.Value == nil {
			continue
		}
		for _, e := range c.Value.Errors {
			b.WriteString("\n" + e)
		}
	}
	b.WriteString("\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`")
	return &entities.BadRequestError{Msg: b.String()}
}

func mergeErrors(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, e := range b {
		dup := false
		for _, x := range out {
			dup = dup || x == e
		}
		if !dup {
			out = append(out, e)
		}
	}
	return out
}
