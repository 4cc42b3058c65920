package transforms

import (
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

const extractPurpose = "field extraction"

func extractFieldDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(required("field", connectors.TypeString, connectors.Medium, "Field name to extract.")).
		Define(fieldSyntaxKey()).
		Define(replaceNullKey())
}

// extractField is Kafka's ExtractField: it replaces the key or value with one of its
// fields (a nested one with field.syntax.version=V2).
type extractField struct {
	side        side
	path        fieldPath
	replaceNull bool
}

func newExtractField(s side, cfg connectors.Config) (Transformation, error) {
	p, err := parse(extractFieldDef(), cfg)
	if err != nil {
		return nil, err
	}
	path, err := newFieldPath(p.str("field"), p.str("field.syntax.version"))
	if err != nil {
		return nil, configErrorf("field", "Invalid value %s for configuration field: %v", p.str("field"), err)
	}
	return &extractField{side: s, path: path, replaceNull: p.boolean("replace.null.with.default")}, nil
}

func (t *extractField) Apply(r *connectors.Record) (*connectors.Record, error) {
	return t.apply(r, false)
}

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *extractField) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	v := t.side.value(r)
	sch := t.side.schema(r)
	if sch == nil {
		m, err := requireMapOrNull(v, extractPurpose)
		if err != nil {
			return nil, err
		}
		var out any
		if m != nil {
			out = t.path.mapValue(m)
		}
		return t.side.with(r, owned, nil, out), nil
	}
	st, err := requireStructOrNull(v, extractPurpose)
	if err != nil {
		return nil, err
	}
	var f *schemas.Field
	if sch.Type == schemas.StructType {
		f = t.path.fieldFrom(sch)
	}
	if f == nil {
		return nil, dataErrorf("Unknown field: %s", t.path.original)
	}
	var out any
	if st != nil {
		out = t.path.structValue(st, t.replaceNull)
	}
	return t.side.with(r, owned, f.Schema, out), nil
}
