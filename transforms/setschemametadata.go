package transforms

import (
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

func setSchemaMetadataDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(optional("schema.name", connectors.TypeString, nil, connectors.High, "Schema name to set.")).
		Define(optional("schema.version", connectors.TypeInt, nil, connectors.High, "Schema version to set.")).
		Define(replaceNullKey())
}

// setSchemaMetadata is Kafka's SetSchemaMetadata: it sets the schema name and/or
// version of the key or value, rebinding a Struct value to the new schema.
type setSchemaMetadata struct {
	side    side
	name    *string
	version *int32
	replace bool
	cache   schemaCache[*schemas.Schema, *schemas.Schema]
}

func newSetSchemaMetadata(s side, cfg connectors.Config) (Transformation, error) {
	p, err := parse(setSchemaMetadataDef(), cfg)
	if err != nil {
		return nil, err
	}
	t := &setSchemaMetadata{side: s, name: p.strOrNil("schema.name"), replace: p.boolean("replace.null.with.default")}
	if v, ok := p["schema.version"].(int32); ok {
		t.version = &v
	}
	if t.name == nil && t.version == nil {
		return nil, configErrorf("schema.name", "Neither schema name nor version configured")
	}
	return t, nil
}

func (t *setSchemaMetadata) Apply(r *connectors.Record) (*connectors.Record, error) {
	return t.apply(r, false)
}

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *setSchemaMetadata) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	sch := t.side.schema(r)
	if sch == nil && t.side.value(r) == nil {
		return r, nil
	}
	if err := requireSchema(sch, "updating schema metadata"); err != nil {
		return nil, err
	}
	out, ok := t.cache.get(sch)
	if !ok {
		c := *sch
		if t.name != nil {
			c.Name = *t.name
		}
		if t.version != nil {
			c.Version = int(*t.version)
		}
		out = &c
		t.cache.put(sch, out)
	}
	v := t.side.value(r)
	if st, ok := v.(*schemas.Struct); ok && st != nil {
		ns := schemas.NewStruct(out)
		for i := range out.Fields {
			ns.SetIndex(i, getField(st, i, t.replace))
		}
		v = ns
	}
	return t.side.with(r, owned, out, v), nil
}
