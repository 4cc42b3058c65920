package replay

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/schemas"
)

// object is a JSON object that keeps its keys in insertion order.
type object struct {
	keys []string
	vals []any
}

func (o *object) set(k string, v any) *object {
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, v)
	return o
}

// MarshalJSON writes the keys in order.
func (o *object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshal(o.vals[i])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// logical renders a Connect value in the README §3 notation: Decimal as a string
// with exactly its scale, VariableScaleDecimal as {"scale","value"}, bytes as base64,
// float32 with the shortest float32 digits, structs as objects in field order, and a
// null optional field with a default as the default.
func logical(s *schemas.Schema, v any) any {
	if v == nil {
		if s != nil && s.Default != nil {
			return logical(s, s.Default)
		}
		return nil
	}
	switch x := v.(type) {
	case *schemas.Struct:
		if s != nil && s.Name == cdc.VariableScaleDecimalName {
			return new(object).set("scale", x.Get("scale")).set("value", oracle.VariableScaleDecimalString(x))
		}
		o := new(object)
		sc := x.Schema()
		for i, f := range sc.Fields {
			o.set(f.Name, logical(f.Schema, x.GetIndex(i)))
		}
		return o
	case schemas.Decimal:
		return x.String()
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return strconv.FormatFloat(float64(x), 'g', -1, 32)
		}
		return json.Number(strconv.FormatFloat(float64(x), 'g', -1, 32))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return strconv.FormatFloat(x, 'g', -1, 64)
		}
		return x
	case time.Time:
		return x.UnixMilli()
	}
	return v
}

// renderRecord renders a data record or tombstone as one README §3 event object.
func renderRecord(r *connectors.SourceRecord) *object {
	o := new(object).set("topic", r.Topic)
	if r.Value == nil {
		o.set("tombstone", true)
		o.set("key", logical(r.KeySchema, r.Key))
		return o
	}
	env, _ := r.Value.(*schemas.Struct)
	if env == nil {
		return o.set("value", r.Value)
	}
	es := env.Schema()
	get := func(name string) (any, *schemas.Schema) {
		f, ok := es.Field(name)
		if !ok {
			return nil, nil
		}
		return env.GetIndex(f.Index), f.Schema
	}
	op, _ := get(cdc.FieldOp)
	o.set("op", op)
	o.set("key", logical(r.KeySchema, r.Key))
	b, bs := get(cdc.FieldBefore)
	o.set("before", logical(bs, b))
	a, as := get(cdc.FieldAfter)
	o.set("after", logical(as, a))
	src, ss := get(cdc.FieldSource)
	o.set("source", logical(ss, src))
	if len(r.Headers) > 0 {
		h := new(object)
		for _, x := range r.Headers {
			h.set(x.Key, logical(x.Schema, x.Value))
		}
		o.set("headers", h)
	}
	return o
}
