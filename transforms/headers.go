package transforms

import (
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

func headerFromDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(withValidator(required("fields", connectors.TypeList, connectors.High, "Field names in the record whose values are to be copied or moved to headers."), nonEmptyList)).
		Define(withValidator(required("headers", connectors.TypeList, connectors.High, "Header names, in the same order as the field names listed in the fields configuration property."), nonEmptyList)).
		Define(withValidator(required("operation", connectors.TypeString, connectors.High, "Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value)."), oneOfExact("move", "copy"))).
		Define(replaceNullKey())
}

// headerFrom is Kafka's HeaderFrom: it copies or moves fields of the key or value
// into headers.
type headerFrom struct {
	side        side
	fields      []string
	headers     []string
	move        bool
	replaceNull bool
	cache       schemaCache[*schemas.Schema, *replacePlan]
}

func newHeaderFrom(s side, cfg connectors.Config) (Transformation, error) {
	p, err := parse(headerFromDef(), cfg)
	if err != nil {
		return nil, err
	}
	t := &headerFrom{side: s, fields: p.list("fields"), headers: p.list("headers"), move: p.str("operation") == "move", replaceNull: p.boolean("replace.null.with.default")}
	if len(t.fields) != len(t.headers) {
		return nil, configErrorf("headers", "'fields' config must have the same number of elements as 'headers' config.")
	}
	return t, nil
}

func (t *headerFrom) purpose() string {
	if t.move {
		return "header move"
	}
	return "header copy"
}

func (t *headerFrom) Apply(r *connectors.Record) (*connectors.Record, error) {
	return t.apply(r, false)
}

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *headerFrom) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	v := t.side.value(r)
	sch := t.side.schema(r)
	if sch == nil {
		m, err := requireMap(v, t.purpose())
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m))
		for k, x := range m {
			out[k] = x
		}
		c := mutable(r, owned)
		for i, f := range t.fields {
			if t.move {
				delete(out, f)
			}
			c.Headers = append(c.Headers, connectors.Header{Key: t.headers[i], Value: m[f]})
		}
		t.setSide(c, nil, out)
		return c, nil
	}
	st, err := requireStruct(v, t.purpose())
	if err != nil {
		return nil, err
	}
	c := mutable(r, owned)
	for i, name := range t.fields {
		f, ok := sch.Field(name)
		if !ok {
			return nil, dataErrorf("Unknown field: %s", name)
		}
		c.Headers = append(c.Headers, connectors.Header{Key: t.headers[i], Schema: f.Schema, Value: getField(st, f.Index, t.replaceNull)})
	}
	if !t.move {
		return c, nil
	}
	plan, ok := t.cache.get(sch)
	if !ok {
		drop := setOf(t.fields)
		b := structBasics(sch)
		plan = &replacePlan{}
		for _, f := range sch.Fields {
			if !drop[f.Name] {
				b.Field(f.Name, f.Schema)
				plan.from = append(plan.from, f.Index)
			}
		}
		if plan.schema, err = b.Build(); err != nil {
			return nil, dataErrorf("%v", err)
		}
		t.cache.put(sch, plan)
	}
	ns := schemas.NewStruct(plan.schema)
	for i, from := range plan.from {
		ns.SetIndex(i, getField(st, from, t.replaceNull))
	}
	t.setSide(c, plan.schema, ns)
	return c, nil
}

func (t *headerFrom) setSide(c *connectors.Record, s *schemas.Schema, v any) {
	if t.side == keySide {
		c.KeySchema, c.Key = s, v
	} else {
		c.ValueSchema, c.Value = s, v
	}
}

func insertHeaderDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(required("header", connectors.TypeString, connectors.High, "The name of the header.")).
		Define(required("value.literal", connectors.TypeString, connectors.High, "The literal value that is to be set as the header value on all records."))
}

// insertHeader is Kafka's InsertHeader: it adds a header whose value is a literal
// parsed as Connect's Values.parseString does (boolean, smallest integer type,
// float, temporal, array, map, else string).
type insertHeader struct {
	key    string
	schema *schemas.Schema
	value  any
}

func newInsertHeader(cfg connectors.Config) (Transformation, error) {
	p, err := parse(insertHeaderDef(), cfg)
	if err != nil {
		return nil, err
	}
	s, v := schemas.ParseValueString(p.str("value.literal"))
	return &insertHeader{key: p.str("header"), schema: s, value: v}, nil
}

func (t *insertHeader) Apply(r *connectors.Record) (*connectors.Record, error) {
	return t.apply(r, false)
}

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *insertHeader) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	c := mutable(r, owned)
	c.Headers = append(c.Headers, connectors.Header{Key: t.key, Schema: t.schema, Value: t.value})
	return c, nil
}

func dropHeadersDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(withValidator(required("headers", connectors.TypeList, connectors.High, "The name of the headers to be removed."), nonEmptyList))
}

// dropHeaders is Kafka's DropHeaders: it removes every header with one of the names.
type dropHeaders struct{ names map[string]bool }

func newDropHeaders(cfg connectors.Config) (Transformation, error) {
	p, err := parse(dropHeadersDef(), cfg)
	if err != nil {
		return nil, err
	}
	return &dropHeaders{names: setOf(p.list("headers"))}, nil
}

func (t *dropHeaders) Apply(r *connectors.Record) (*connectors.Record, error) {
	return t.apply(r, false)
}

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *dropHeaders) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	c := *r
	c.Headers = make(connectors.Headers, 0, len(r.Headers))
	for _, h := range r.Headers {
		if !t.names[h.Key] {
			c.Headers = append(c.Headers, h)
		}
	}
	return &c, nil
}

// filter is Kafka's Filter: it drops every record it is applied to, so it is used
// with a predicate.
type filter struct{}

func (filter) Apply(*connectors.Record) (*connectors.Record, error) { return nil, nil }
