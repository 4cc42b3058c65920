package transforms

import (
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

func hoistFieldDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(required("field", connectors.TypeString, connectors.Medium, "Field name for the single field that will be created in the resulting Struct or Map."))
}

// hoistField is Kafka's HoistField: it wraps the key or value in a one-field struct
// (schema'd) or map (schemaless).
type hoistField struct {
	side  side
	field string
	cache schemaCache[*schemas.Schema, *schemas.Schema]
}

func newHoistField(s side, cfg connectors.Config) (Transformation, error) {
	p, err := parse(hoistFieldDef(), cfg)
	if err != nil {
		return nil, err
	}
	return &hoistField{side: s, field: p.str("field")}, nil
}

func (t *hoistField) Apply(r *connectors.Record) (*connectors.Record, error) {
	return t.apply(r, false)
}

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *hoistField) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	v := t.side.value(r)
	sch := t.side.schema(r)
	if sch == nil {
		return t.side.with(r, owned, nil, map[string]any{t.field: v}), nil
	}
	out, ok := t.cache.get(sch)
	if !ok {
		var err error
		if out, err = schemas.StructBuilder().Field(t.field, sch).Build(); err != nil {
			return nil, dataErrorf("%v", err)
		}
		t.cache.put(sch, out)
	}
	st := schemas.NewStruct(out)
	if err := putChecked(st, 0, v); err != nil {
		return nil, err
	}
	return t.side.with(r, owned, out, st), nil
}
