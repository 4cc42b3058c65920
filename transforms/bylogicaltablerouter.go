package transforms

import (
	"log/slog"
	"regexp"
	"strings"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

func byLogicalTableRouterDef() *connectors.ConfigDef {
	return logicalRouterDef("__dbz__physicalTableIdentifier", "logical.table.cache.size")
}

// toLogicalTopicRouterDef is the config of io.debezium.transforms.ToLogicalTopicRouter,
// the newer name of the same router (different key field and cache-size key).
func toLogicalTopicRouterDef() *connectors.ConfigDef {
	return logicalRouterDef("__dbz__sourceIdentifier", "logical.destination.cache.size")
}

func logicalRouterDef(keyField, cacheKey string) *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(withValidator(required("topic.regex", connectors.TypeString, connectors.Low, "The regex used for extracting the name of the logical table from the original topic name."), validRegex)).
		Define(required("topic.replacement", connectors.TypeString, connectors.Low, "The replacement string used in conjunction with topic.regex. This will be used to create the new topic name.")).
		Define(optional("key.enforce.uniqueness", connectors.TypeBoolean, connectors.Str("true"), connectors.Low, "Augment each record's key with a field denoting the source table. This field distinguishes records from different tables with the same key.")).
		Define(optional("key.field.name", connectors.TypeString, connectors.Str(keyField), connectors.Low, "Each record's key schema will be augmented with this field name. The purpose of this field is to distinguish the different physical tables that can now share a single topic. Make sure not to configure a field name that is at risk of conflict with existing key schema field names.")).
		Define(withValidator(optional("key.field.regex", connectors.TypeString, nil, connectors.Low, "The regex used for extracting the physical table identifier from the original topic name. Now that multiple physical tables can share a topic, the event's key may need to be augmented to include fields other than just those for the record's primary/unique key, since these are not guaranteed to be unique across tables. We need some identifier added to the key that distinguishes the different physical tables."), func(v any) error {
			if v == nil {
				return nil
			}
			return validRegex(v)
		})).
		Define(optional("key.field.replacement", connectors.TypeString, nil, connectors.Low, "The replacement string used in conjunction with key.field.regex. This will be used to create the physical table identifier in the record's key.")).
		Define(withValidator(optional("schema.name.adjustment.mode", connectors.TypeString, connectors.Str("none"), connectors.Low, "Specify how schema names should be adjusted for compatibility with the message converter used by the connector, including: 'avro' replaces the characters that cannot be used in the Avro type name with underscore; 'none' does not apply any adjustment (default)"), connectors.OneOf("none", "avro"))).
		Define(withValidator(optional(cacheKey, connectors.TypeInt, connectors.Str("16"), connectors.Low, "The size used for holding the max entries in LRUCache. The cache will keep the old/new schema for logical table key and value, also cache the derived key and topic regex result for improving the source record transformation."), connectors.AtLeast(1)))
}

// byLogicalTableRouter is Debezium's ByLogicalTableRouter: it reroutes records of
// several physical tables to one logical topic, renames the key, value and envelope
// schemas after the new topic, and (by default) adds the physical table to the key.
type byLogicalTableRouter struct {
	topic      *javaPattern
	keyField   *javaPattern // nil: the identifier is the old topic
	enforce    bool
	keyName    string
	avroNames  bool
	topics     topicCache
	keyIDs     topicCache
	keySchemas schemaCache[routedKey, *schemas.Schema]
	envSchemas schemaCache[routedKey, *schemas.Schema]
}

type routedKey struct {
	s     *schemas.Schema
	topic string
}

func newByLogicalTableRouter(cfg connectors.Config) (Transformation, error) {
	return newLogicalRouter(byLogicalTableRouterDef(), cfg)
}

func newToLogicalTopicRouter(cfg connectors.Config) (Transformation, error) {
	return newLogicalRouter(toLogicalTopicRouterDef(), cfg)
}

func newLogicalRouter(def *connectors.ConfigDef, cfg connectors.Config) (Transformation, error) {
	p, err := parse(def, cfg)
	if err != nil {
		return nil, err
	}
	t := &byLogicalTableRouter{enforce: p.boolean("key.enforce.uniqueness"), keyName: p.str("key.field.name"), avroNames: strings.EqualFold(p.str("schema.name.adjustment.mode"), "avro")}
	if t.topic, err = compileJavaPattern(p.str("topic.regex"), p.str("topic.replacement"), "topic.regex", "topic.replacement"); err != nil {
		return nil, err
	}
	if re := strings.TrimSpace(p.str("key.field.regex")); re != "" {
		repl := strings.TrimSpace(p.str("key.field.replacement"))
		if repl == "" {
			return nil, configErrorf("key.field.replacement", "key.field.replacement must be non-empty if key.field.regex is set.")
		}
		if t.keyField, err = compileJavaPattern(re, p.str("key.field.replacement"), "key.field.regex", "key.field.replacement"); err != nil {
			return nil, err
		}
	}
	return t, nil
}

var avroInvalid = regexp.MustCompile(`[^A-Za-z0-9_.]`)

func (t *byLogicalTableRouter) adjust(name string) string {
	if !t.avroNames {
		return name
	}
	out := avroInvalid.ReplaceAllString(name, "_")
	if out != "" && out[0] >= '0' && out[0] <= '9' {
		out = "_" + out
	}
	return out
}

func (t *byLogicalTableRouter) Apply(r *connectors.Record) (*connectors.Record, error) {
	return t.apply(r, false)
}

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *byLogicalTableRouter) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	newTopic, ok := t.topics.lookup(r.Topic, t.topic.replace)
	if !ok {
		return r, nil
	}
	if newTopic == "" {
		slog.Warn("Routing regex returned an empty topic name, propagating original record", "topic", r.Topic)
		return r, nil
	}
	// Everything is computed from r before c (which may be r) is changed.
	var keySchema, valueSchema *schemas.Schema
	var key, value any
	if r.Key != nil {
		k, err := requireStruct(r.Key, "Updating schema")
		if err != nil {
			return nil, err
		}
		if keySchema, key, err = t.routeKey(k, r.Topic, newTopic); err != nil {
			return nil, err
		}
	}
	valueSchema, value = r.ValueSchema, r.Value
	if r.Value != nil && isEnvelope(r.ValueSchema) {
		env, err := requireStruct(r.Value, "Updating schema")
		if err != nil {
			return nil, err
		}
		if valueSchema, value, err = t.routeEnvelope(env, newTopic); err != nil {
			return nil, err
		}
	}
	c := mutable(r, owned)
	c.Topic = newTopic
	c.KeySchema, c.Key = keySchema, key
	c.ValueSchema, c.Value = valueSchema, value
	return c, nil
}

func (t *byLogicalTableRouter) routeKey(key *schemas.Struct, oldTopic, newTopic string) (*schemas.Schema, *schemas.Struct, error) {
	in := key.Schema()
	ck := routedKey{in, newTopic}
	out, ok := t.keySchemas.get(ck)
	if !ok {
		b := copyExcludingName(in, true)
		b.Name(t.adjust(newTopic + ".Key"))
		if t.enforce {
			b.Field(t.keyName, schemas.StringSchema)
		}
		var err error
		if out, err = b.Build(); err != nil {
			return nil, nil, dataErrorf("%v", err)
		}
		t.keySchemas.put(ck, out)
	}
	nk := schemas.NewStruct(out)
	for i := range in.Fields {
		nk.SetIndex(i, key.Raw(i))
	}
	if t.enforce {
		id := oldTopic
		if t.keyField != nil {
			if v, ok := t.keyIDs.lookup(oldTopic, t.keyField.replace); ok {
				id = v
			}
		}
		nk.SetIndex(len(in.Fields), id)
	}
	return out, nk, nil
}

func (t *byLogicalTableRouter) routeEnvelope(env *schemas.Struct, newTopic string) (*schemas.Schema, *schemas.Struct, error) {
	in := env.Schema()
	ck := routedKey{in, newTopic}
	out, ok := t.envSchemas.get(ck)
	if !ok {
		bf, ok := in.Field(envBefore)
		if !ok {
			return nil, nil, dataErrorf("Unknown field: %s", envBefore)
		}
		vb := copyExcludingName(bf.Schema, true)
		vb.Name(t.adjust(newTopic + ".Value"))
		row, err := vb.Build()
		if err != nil {
			return nil, nil, dataErrorf("%v", err)
		}
		eb := copyExcludingName(in, false)
		for _, f := range in.Fields {
			fs := f.Schema
			if f.Name == envBefore || f.Name == envAfter {
				fs = row
			}
			eb.Field(f.Name, fs)
		}
		eb.Name(t.adjust(newTopic + ".Envelope"))
		if out, err = eb.Build(); err != nil {
			return nil, nil, dataErrorf("%v", err)
		}
		t.envSchemas.put(ck, out)
	}
	ne := schemas.NewStruct(out)
	for i, f := range in.Fields {
		v := env.Raw(i)
		if (f.Name == envBefore || f.Name == envAfter) && v != nil {
			old, err := requireStruct(v, "Updating schema")
			if err != nil {
				return nil, nil, err
			}
			row := out.Fields[i].Schema
			nv := schemas.NewStruct(row)
			for j := range old.Schema().Fields {
				if j < len(row.Fields) {
					nv.SetIndex(j, old.Raw(j))
				}
			}
			v = nv
		}
		ne.SetIndex(i, v)
	}
	return out, ne, nil
}

// copyExcludingName copies a struct schema's version, doc, parameters, optionality
// and (optionally) fields, but not its name.
func copyExcludingName(src *schemas.Schema, fields bool) *schemas.Builder {
	b := schemas.StructBuilder()
	copyBasics(b, src, false)
	if src.Optional {
		b.Optional()
	}
	if fields {
		for _, f := range src.Fields {
			b.Field(f.Name, f.Schema)
		}
	}
	return b
}
