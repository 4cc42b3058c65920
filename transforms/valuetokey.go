package transforms

import (
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

const valueToKeyPurpose = "copying fields from value to key"

func valueToKeyDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(withValidator(required("fields", connectors.TypeList, connectors.High, "Field names on the record value to extract as the record key."), nonEmptyList)).
		Define(replaceNullKey())
}

// valueToKey is Kafka's ValueToKey: the key becomes a struct or map of value fields.
type valueToKey struct {
	fields      []string
	replaceNull bool
	cache       schemaCache[*schemas.Schema, *replacePlan]
}

func newValueToKey(cfg connectors.Config) (Transformation, error) {
	p, err := parse(valueToKeyDef(), cfg)
	if err != nil {
		return nil, err
	}
	return &valueToKey{fields: p.list("fields"), replaceNull: p.boolean("replace.null.with.default")}, nil
}

func (t *valueToKey) Apply(r *connectors.Record) (*connectors.Record, error) {
	return t.apply(r, false)
}

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *valueToKey) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	if r.ValueSchema == nil {
		m, err := requireMap(r.Value, valueToKeyPurpose)
		if err != nil {
			return nil, err
		}
		key := make(map[string]any, len(t.fields))
		for _, f := range t.fields {
			key[f] = m[f]
		}
		c := mutable(r, owned)
		c.KeySchema, c.Key = nil, key
		return c, nil
	}
	st, err := requireStruct(r.Value, valueToKeyPurpose)
	if err != nil {
		return nil, err
	}
	in := st.Schema()
	plan, ok := t.cache.get(in)
	if !ok {
		b := schemas.StructBuilder()
		plan = &replacePlan{}
		for _, name := range t.fields {
			f, ok := in.Field(name)
			if !ok {
				return nil, dataErrorf("Field does not exist: %s", name)
			}
			b.Field(name, f.Schema)
			plan.from = append(plan.from, f.Index)
		}
		if plan.schema, err = b.Build(); err != nil {
			return nil, dataErrorf("%v", err)
		}
		t.cache.put(in, plan)
	}
	key := schemas.NewStruct(plan.schema)
	for i, from := range plan.from {
		key.SetIndex(i, getField(st, from, t.replaceNull))
	}
	c := mutable(r, owned)
	c.KeySchema, c.Key = plan.schema, key
	return c, nil
}
