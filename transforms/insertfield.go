package transforms

import (
	"strconv"
	"strings"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

const insertPurpose = "field insertion"

func insertFieldDef() *connectors.ConfigDef {
	suffix := " Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default)."
	return connectors.NewConfigDef().
		Define(optional("topic.field", connectors.TypeString, nil, connectors.Medium, "Field name for Kafka topic."+suffix)).
		Define(optional("partition.field", connectors.TypeString, nil, connectors.Medium, "Field name for Kafka partition."+suffix)).
		Define(optional("offset.field", connectors.TypeString, nil, connectors.Medium, "Field name for Kafka offset - only applicable to sink connectors.<br/>"+suffix)).
		Define(optional("timestamp.field", connectors.TypeString, nil, connectors.Medium, "Field name for record timestamp."+suffix)).
		Define(optional("static.field", connectors.TypeString, nil, connectors.Medium, "Field name for static data field."+suffix)).
		Define(optional("static.value", connectors.TypeString, nil, connectors.Medium, "Static field value, if field name configured.")).
		Define(replaceNullKey())
}

// insertionSpec is a field name with its optionality ("name!" required, "name?" or
// "name" optional).
type insertionSpec struct {
	name     string
	optional bool
}

func parseInsertionSpec(s *string) *insertionSpec {
	if s == nil || *s == "" {
		return nil
	}
	v := *s
	switch {
	case strings.HasSuffix(v, "?"):
		return &insertionSpec{name: v[:len(v)-1], optional: true}
	case strings.HasSuffix(v, "!"):
		return &insertionSpec{name: v[:len(v)-1], optional: false}
	}
	return &insertionSpec{name: v, optional: true}
}

// insertField is Kafka's InsertField: it adds the record's topic, partition, offset,
// timestamp and a static string to a struct or map.
type insertField struct {
	side                                           side
	topic, partition, offset, timestamp, staticFld *insertionSpec
	staticValue                                    *string
	replaceNull                                    bool
	cache                                          schemaCache[*schemas.Schema, *schemas.Schema]
}

func newInsertField(s side, cfg connectors.Config) (Transformation, error) {
	p, err := parse(insertFieldDef(), cfg)
	if err != nil {
		return nil, err
	}
	t := &insertField{
		side:        s,
		topic:       parseInsertionSpec(p.strOrNil("topic.field")),
		partition:   parseInsertionSpec(p.strOrNil("partition.field")),
		offset:      parseInsertionSpec(p.strOrNil("offset.field")),
		timestamp:   parseInsertionSpec(p.strOrNil("timestamp.field")),
		staticFld:   parseInsertionSpec(p.strOrNil("static.field")),
		staticValue: p.strOrNil("static.value"),
		replaceNull: p.boolean("replace.null.with.default"),
	}
	if t.topic == nil && t.partition == nil && t.offset == nil && t.timestamp == nil && t.staticFld == nil {
		return nil, configErrorf("topic.field", "No field insertion configured")
	}
	if t.staticFld != nil && t.staticValue == nil {
		return nil, configErrorf("static.value", "Invalid value null for configuration static.value: No value specified for static field: %s", t.staticFld.name)
	}
	return t, nil
}

func (t *insertField) Apply(r *connectors.Record) (*connectors.Record, error) {
	return t.apply(r, false)
}

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *insertField) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	v := t.side.value(r)
	if v == nil {
		return r, nil
	}
	if t.side.schema(r) == nil {
		return t.applySchemaless(r, v, owned)
	}
	return t.applyWithSchema(r, v, owned)
}

func (t *insertField) applySchemaless(r *connectors.Record, v any, owned bool) (*connectors.Record, error) {
	m, err := requireMap(v, insertPurpose)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(m)+5)
	for k, x := range m {
		out[k] = x
	}
	if t.topic != nil {
		out[t.topic.name] = r.Topic
	}
	if t.partition != nil && r.KafkaPartition != nil {
		out[t.partition.name] = *r.KafkaPartition
	}
	if t.offset != nil {
		off, err := sinkOffset(r)
		if err != nil {
			return nil, err
		}
		out[t.offset.name] = off
	}
	if t.timestamp != nil && !r.Timestamp.IsZero() {
		out[t.timestamp.name] = r.Timestamp.UnixMilli()
	}
	if t.staticFld != nil && t.staticValue != nil {
		out[t.staticFld.name] = *t.staticValue
	}
	return t.side.with(r, owned, nil, out), nil
}

func (t *insertField) applyWithSchema(r *connectors.Record, v any, owned bool) (*connectors.Record, error) {
	st, err := requireStruct(v, insertPurpose)
	if err != nil {
		return nil, err
	}
	in := st.Schema()
	out, ok := t.cache.get(in)
	if !ok {
		if out, err = t.makeSchema(in); err != nil {
			return nil, err
		}
		t.cache.put(in, out)
	}
	ns := schemas.NewStruct(out)
	for i := range in.Fields {
		ns.SetIndex(i, getField(st, i, t.replaceNull))
	}
	set := func(spec *insertionSpec, val any) error {
		if spec == nil {
			return nil
		}
		f, _ := out.Field(spec.name)
		return putChecked(ns, f.Index, val)
	}
	if err := set(t.topic, r.Topic); err != nil {
		return nil, err
	}
	if t.partition != nil && r.KafkaPartition != nil {
		if err := set(t.partition, *r.KafkaPartition); err != nil {
			return nil, err
		}
	}
	if t.offset != nil {
		off, err := sinkOffset(r)
		if err != nil {
			return nil, err
		}
		if err := set(t.offset, off); err != nil {
			return nil, err
		}
	}
	if t.timestamp != nil && !r.Timestamp.IsZero() {
		if err := set(t.timestamp, r.Timestamp.UTC()); err != nil {
			return nil, err
		}
	}
	if t.staticFld != nil && t.staticValue != nil {
		if err := set(t.staticFld, *t.staticValue); err != nil {
			return nil, err
		}
	}
	return t.side.with(r, owned, out, ns), nil
}

func (t *insertField) makeSchema(in *schemas.Schema) (*schemas.Schema, error) {
	b := structBasics(in)
	for _, f := range in.Fields {
		b.Field(f.Name, f.Schema)
	}
	add := func(spec *insertionSpec, req, opt *schemas.Schema) {
		if spec != nil {
			b.Field(spec.name, pickSchema(spec.optional, req, opt))
		}
	}
	add(t.topic, schemas.StringSchema, schemas.OptionalStringSchema)
	add(t.partition, schemas.Int32Schema, schemas.OptionalInt32Schema)
	add(t.offset, schemas.Int64Schema, schemas.OptionalInt64Schema)
	add(t.timestamp, schemas.TimestampSchema().Schema(), schemas.TimestampSchema().Optional().Schema())
	if t.staticValue != nil {
		add(t.staticFld, schemas.StringSchema, schemas.OptionalStringSchema)
	}
	s, err := b.Build()
	if err != nil {
		return nil, dataErrorf("%v", err)
	}
	return s, nil
}

func pickSchema(optional bool, req, opt *schemas.Schema) *schemas.Schema {
	if optional {
		return opt
	}
	return req
}

// sinkOffset returns the Kafka offset of a sink record from its Position
// ("topic-partition-offset"); other records fail as Kafka's requireSinkRecord does.
func sinkOffset(r *connectors.Record) (int64, error) {
	p := r.Position
	i := strings.LastIndexByte(p, '-')
	if i > 0 {
		off, err1 := strconv.ParseInt(p[i+1:], 10, 64)
		j := strings.LastIndexByte(p[:i], '-')
		if err1 == nil && j > 0 {
			if _, err2 := strconv.ParseInt(p[j+1:i], 10, 32); err2 == nil {
				return off, nil
			}
		}
	}
	return 0, dataErrorf("Only SinkRecord supported for [%s], found: source record", insertPurpose)
}
