package transforms

import (
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

const flattenPurpose = "flattening"

func flattenDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(optional("delimiter", connectors.TypeString, connectors.Str("."), connectors.Medium, "Delimiter to insert between field names from the input record when generating field names for the output record"))
}

// flatten is Kafka's Flatten: nested structs (schema'd) or maps (schemaless) become
// top-level fields named parent<delimiter>child.
type flatten struct {
	side        side
	delim       string
	replaceNull bool
	cache       schemaCache[*schemas.Schema, *schemas.Schema]
}

func newFlatten(s side, cfg connectors.Config) (Transformation, error) {
	p, err := parse(flattenDef(), cfg)
	if err != nil {
		return nil, err
	}
	// Kafka's Flatten has no replace.null.with.default: it always reads defaults.
	return &flatten{side: s, delim: p.str("delimiter"), replaceNull: true}, nil
}

func (t *flatten) name(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + t.delim + field
}

func (t *flatten) Apply(r *connectors.Record) (*connectors.Record, error) { return t.apply(r, false) }

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *flatten) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	v := t.side.value(r)
	if v == nil {
		return r, nil
	}
	sch := t.side.schema(r)
	if sch == nil {
		m, err := requireMap(v, flattenPurpose)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m))
		if err := t.flattenMap(m, "", out); err != nil {
			return nil, err
		}
		return t.side.with(r, owned, nil, out), nil
	}
	st, err := requireStruct(v, flattenPurpose)
	if err != nil {
		return nil, err
	}
	out, ok := t.cache.get(sch)
	if !ok {
		b := structBasics(sch)
		if err := t.buildSchema(sch, "", b, sch.Optional); err != nil {
			return nil, err
		}
		if out, err = b.Build(); err != nil {
			return nil, dataErrorf("%v", err)
		}
		t.cache.put(sch, out)
	}
	ns := schemas.NewStruct(out)
	idx := 0
	t.fill(st, sch, &idx, ns)
	return t.side.with(r, owned, out, ns), nil
}

func (t *flatten) flattenMap(m map[string]any, prefix string, out map[string]any) error {
	for k, v := range m {
		name := t.name(prefix, k)
		if v == nil {
			out[name] = nil
			continue
		}
		typ, ok := inferType(v)
		if !ok {
			return dataErrorf("Flatten transformation was passed a value of type %s which is not supported by Connect's data API", typeName(v))
		}
		switch typ {
		case schemas.Map:
			sub, ok := v.(map[string]any)
			if !ok {
				return dataErrorf("Only Map objects supported in absence of schema for [%s], found: %s", flattenPurpose, typeName(v))
			}
			if err := t.flattenMap(sub, name, out); err != nil {
				return err
			}
		case schemas.StructType:
			return dataErrorf("Flatten transformation does not support %s for record without schemas (for field %s).", typeName(v), name)
		default:
			out[name] = v
		}
	}
	return nil
}

func (t *flatten) buildSchema(s *schemas.Schema, prefix string, b *schemas.Builder, optional bool) error {
	for _, f := range s.Fields {
		name := t.name(prefix, f.Name)
		opt := optional || f.Schema.Optional
		switch f.Schema.Type {
		case schemas.StructType:
			if err := t.buildSchema(f.Schema, name, b, opt); err != nil {
				return err
			}
			continue
		case schemas.Map:
			return dataErrorf("Flatten transformation does not support MAP for record with schemas (for field %s).", name)
		}
		fs := f.Schema
		if opt && !fs.Optional {
			fs = fs.WithOptional(true)
		}
		b.Field(name, fs)
	}
	return nil
}

// fill sets out's fields (in depth-first order of s) from st; a null nested struct
// leaves its fields null.
func (t *flatten) fill(st *schemas.Struct, s *schemas.Schema, idx *int, out *schemas.Struct) {
	for i, f := range s.Fields {
		var v any
		if st != nil {
			v = getField(st, i, t.replaceNull)
		}
		if f.Schema.Type == schemas.StructType {
			sub, _ := v.(*schemas.Struct)
			t.fill(sub, f.Schema, idx, out)
			continue
		}
		out.SetIndex(*idx, v)
		*idx++
	}
}
