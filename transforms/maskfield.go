package transforms

import (
	"math/big"
	"strconv"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

const maskPurpose = "mask fields"

func maskFieldDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(withValidator(required("fields", connectors.TypeList, connectors.High, "Names of fields to mask."), nonEmptyList)).
		Define(withValidator(optional("replacement", connectors.TypeString, nil, connectors.Low, "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only)."), nonEmptyString)).
		Define(replaceNullKey())
}

// maskField is Kafka's MaskField: it replaces fields with their type's null
// equivalent (0, false, "", empty collection, epoch) or a literal replacement.
type maskField struct {
	side        side
	fields      map[string]bool
	order       []string
	replacement *string
	replaceNull bool
}

func newMaskField(s side, cfg connectors.Config) (Transformation, error) {
	p, err := parse(maskFieldDef(), cfg)
	if err != nil {
		return nil, err
	}
	return &maskField{side: s, fields: setOf(p.list("fields")), order: p.list("fields"), replacement: p.strOrNil("replacement"), replaceNull: p.boolean("replace.null.with.default")}, nil
}

func (t *maskField) Apply(r *connectors.Record) (*connectors.Record, error) { return t.apply(r, false) }

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *maskField) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	v := t.side.value(r)
	if t.side.schema(r) == nil {
		m, err := requireMap(v, maskPurpose)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m)+len(t.order))
		for k, x := range m {
			out[k] = x
		}
		for _, f := range t.order {
			mv, err := t.masked(m[f])
			if err != nil {
				return nil, err
			}
			out[f] = mv
		}
		return t.side.with(r, owned, nil, out), nil
	}
	st, err := requireStruct(v, maskPurpose)
	if err != nil {
		return nil, err
	}
	sch := st.Schema()
	ns := schemas.NewStruct(sch)
	for i, f := range sch.Fields {
		x := getField(st, i, t.replaceNull)
		if t.fields[f.Name] {
			if x, err = t.masked(x); err != nil {
				return nil, err
			}
		}
		ns.SetIndex(i, x)
	}
	return t.side.with(r, owned, sch, ns), nil
}

func (t *maskField) masked(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if t.replacement == nil {
		return nullEquivalent(v)
	}
	return replacementFor(v, *t.replacement)
}

func nullEquivalent(v any) (any, error) {
	switch x := v.(type) {
	case bool:
		return false, nil
	case int8:
		return int8(0), nil
	case int16:
		return int16(0), nil
	case int32:
		return int32(0), nil
	case int64:
		return int64(0), nil
	case float32:
		return float32(0), nil
	case float64:
		return float64(0), nil
	case string:
		return "", nil
	case []byte:
		return []byte{}, nil
	case schemas.Decimal:
		return schemas.Decimal{Unscaled: new(big.Int), Scale: x.Scale}, nil
	case time.Time:
		return time.UnixMilli(0).UTC(), nil
	case []any:
		return []any{}, nil
	case map[string]any:
		return map[string]any{}, nil
	case []schemas.MapEntry:
		return []schemas.MapEntry{}, nil
	}
	return nil, dataErrorf("Cannot mask value of type: %s", typeName(v))
}

func replacementFor(v any, rep string) (any, error) {
	bad := func() (any, error) {
		return nil, dataErrorf("Unable to convert %s (%s) to number", rep, typeName(v))
	}
	switch x := v.(type) {
	case string:
		return rep, nil
	case int8, int16, int32, int64:
		n, err := strconv.ParseInt(rep, 10, 64)
		if err != nil {
			return bad()
		}
		switch x.(type) {
		case int8:
			if n != int64(int8(n)) {
				return bad()
			}
			return int8(n), nil
		case int16:
			if n != int64(int16(n)) {
				return bad()
			}
			return int16(n), nil
		case int32:
			if n != int64(int32(n)) {
				return bad()
			}
			return int32(n), nil
		}
		return n, nil
	case float32:
		f, err := strconv.ParseFloat(rep, 32)
		if err != nil {
			return bad()
		}
		return float32(f), nil
	case float64:
		f, err := strconv.ParseFloat(rep, 64)
		if err != nil {
			return bad()
		}
		return f, nil
	case schemas.Decimal:
		d, err := schemas.ParseDecimal(rep)
		if err != nil {
			return bad()
		}
		if d, err = d.Rescale(x.Scale); err != nil {
			return bad()
		}
		return d, nil
	}
	return nil, dataErrorf("Cannot mask value of type %s with custom replacement.", typeName(v))
}
