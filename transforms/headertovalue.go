package transforms

import (
	"strings"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

func headerToValueDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(withValidator(required("headers", connectors.TypeList, connectors.High, "Header names in the record whose values are to be copied or moved to record value."), nonEmptyList)).
		Define(withValidator(required("fields", connectors.TypeList, connectors.High, "Field names, in the same order as the header names listed in the headers configuration property. Supports Struct nesting using dot notation."), nonEmptyList)).
		Define(withValidator(required("operation", connectors.TypeString, connectors.High, "Either <code>move</code> if the fields are to be moved to the value (removed from the headers), or <code>copy</code> if the fields are to be copied to the value (retained as headers)."), connectors.OneOf("copy", "move")))
}

// headerToValue is Debezium's HeaderToValue: it copies or moves headers into fields
// of a Struct value, in the order the headers appear on the record. Headers absent
// from a record add no field; the first of repeated headers is used. Nested target
// fields (a.b) are not supported.
type headerToValue struct {
	headers []string
	fields  []string
	move    bool
	cache   schemaCache[headerKey, *schemas.Schema]
}

type headerKey struct {
	s   *schemas.Schema
	sig string // the configured header indexes found, in record order
}

// headerEntry is one header that becomes a field.
type headerEntry struct {
	field string
	h     connectors.Header
}

func newHeaderToValue(cfg connectors.Config) (Transformation, error) {
	p, err := parse(headerToValueDef(), cfg)
	if err != nil {
		return nil, err
	}
	t := &headerToValue{headers: p.list("headers"), fields: p.list("fields"), move: strings.EqualFold(p.str("operation"), "move")}
	if len(t.headers) != len(t.fields) {
		return nil, configErrorf("fields", "'fields' config must have the same number of elements as 'headers' config.")
	}
	for _, f := range t.fields {
		if strings.Contains(f, ".") {
			return nil, configErrorf("fields", "Invalid value %s for configuration fields: nested fields are not supported", f)
		}
	}
	return t, nil
}

func (t *headerToValue) Apply(r *connectors.Record) (*connectors.Record, error) {
	return t.apply(r, false)
}

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *headerToValue) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	if r.Value == nil {
		return r, nil
	}
	st, err := requireStruct(r.Value, "Header field insertion")
	if err != nil {
		return nil, err
	}
	var entries []headerEntry
	var sig []byte
	taken := make(map[int]bool, len(t.headers))
	for _, h := range r.Headers {
		idx := -1
		for i, name := range t.headers {
			if name == h.Key {
				idx = i
				break
			}
		}
		if idx < 0 || taken[idx] {
			continue
		}
		if h.Schema == nil {
			return nil, dataErrorf("Header %s has no schema and cannot become field %s", h.Key, t.fields[idx])
		}
		taken[idx] = true
		entries = append(entries, headerEntry{field: t.fields[idx], h: h})
		sig = append(sig, byte(idx), byte(idx>>8))
	}
	if len(entries) == 0 {
		return r, nil
	}
	in := st.Schema()
	key := headerKey{in, string(sig)}
	out, ok := t.cache.get(key)
	if !ok {
		b := structBasics(in)
		for _, f := range in.Fields {
			b.Field(f.Name, f.Schema)
		}
		for _, e := range entries {
			b.Field(e.field, e.h.Schema)
		}
		if out, err = b.Build(); err != nil {
			return nil, dataErrorf("%v", err)
		}
		t.cache.put(key, out)
	}
	ns := schemas.NewStruct(out)
	for i := range in.Fields {
		ns.SetIndex(i, st.Raw(i))
	}
	for i, e := range entries {
		if err := putChecked(ns, len(in.Fields)+i, e.h.Value); err != nil {
			return nil, err
		}
	}
	c := mutable(r, owned)
	c.ValueSchema, c.Value = out, ns
	if t.move {
		c.Headers = c.Headers.Without(t.headers...)
	}
	return c, nil
}
