package schemas

import (
	"bytes"
	"fmt"
	"reflect"
	"time"
)

// Struct is a value of a STRUCT schema: one slot per field, in schema order.
// A Struct is not safe for concurrent mutation; once handed to the worker it is read-only.
type Struct struct {
	schema *Schema
	values []any
}

// NewStruct returns an empty struct of schema s, which must be a STRUCT schema.
func NewStruct(s *Schema) *Struct {
	return &Struct{schema: s, values: make([]any, len(s.Fields))}
}

// Schema returns the struct's schema.
func (st *Struct) Schema() *Schema { return st.schema }

// Put sets a field's value after validating it against the field schema.
func (st *Struct) Put(name string, v any) error {
	f, ok := st.schema.Field(name)
	if !ok {
		return fmt.Errorf("%s is not a valid field name", name)
	}
	if err := validateField(f, v); err != nil {
		return err
	}
	st.values[f.Index] = v
	return nil
}

// Set is Put for callers that built the value from the same schema; it panics on an
// unknown field name (a programming error) and does not validate.
func (st *Struct) Set(name string, v any) *Struct {
	f, ok := st.schema.Field(name)
	if !ok {
		panic(fmt.Sprintf("%s is not a valid field name", name))
	}
	st.values[f.Index] = v
	return st
}

// SetIndex sets the i-th field without validation.
func (st *Struct) SetIndex(i int, v any) { st.values[i] = v }

// Get returns a field's value, or its schema default when unset.
func (st *Struct) Get(name string) any {
	f, ok := st.schema.Field(name)
	if !ok {
		return nil
	}
	return st.GetIndex(f.Index)
}

// GetIndex returns the i-th field's value, or its schema default when unset.
func (st *Struct) GetIndex(i int) any {
	v := st.values[i]
	if v == nil {
		return st.schema.Fields[i].Schema.Default
	}
	return v
}

// Raw returns the i-th field's value without applying the default.
func (st *Struct) Raw(i int) any { return st.values[i] }

// Validate checks every field, as Java's Struct.validate.
func (st *Struct) Validate() error {
	for _, f := range st.schema.Fields {
		if err := validateField(f, st.values[f.Index]); err != nil {
			return err
		}
	}
	return nil
}

// String renders the struct for logs, e.g. Struct{id=1,name=a}.
func (st *Struct) String() string {
	var b bytes.Buffer
	b.WriteString("Struct{")
	first := true
	for i, f := range st.schema.Fields {
		if st.values[i] == nil {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		fmt.Fprintf(&b, "%s=%v", f.Name, st.values[i])
	}
	b.WriteByte('}')
	return b.String()
}

func validateField(f Field, v any) error {
	if err := Validate(f.Schema, v); err != nil {
		return fmt.Errorf("invalid value for field %q: %w", f.Name, err)
	}
	return nil
}

// MapEntry is one entry of a MAP value whose key schema is not STRING.
type MapEntry struct {
	Key   any
	Value any
}

// MapEntries returns the entries of a MAP value in either representation.
func MapEntries(v any) ([]MapEntry, error) {
	switch m := v.(type) {
	case []MapEntry:
		return m, nil
	case map[string]any:
		out := make([]MapEntry, 0, len(m))
		for k, x := range m {
			out = append(out, MapEntry{k, x})
		}
		return out, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("expected a map, got %T", v)
}

// Validate checks that v is a valid value for schema s, as Java's
// ConnectSchema.validateValue. The error names the nested field path that failed and
// the expected type.
func Validate(s *Schema, v any) error {
	if v == nil {
		if s == nil || s.Optional || s.Default != nil {
			return nil
		}
		return fmt.Errorf("invalid value: null used for required field, schema type: %s", s.Type.JavaName())
	}
	if s == nil {
		return nil // schemaless
	}
	switch LogicalName(s) {
	case DecimalName:
		if _, ok := v.(Decimal); !ok {
			return typeErr(s, v)
		}
		return nil
	case DateName, TimeName, TimestampName:
		if _, ok := v.(time.Time); !ok {
			return typeErr(s, v)
		}
		return nil
	}
	ok := false
	switch s.Type {
	case Int8:
		_, ok = v.(int8)
	case Int16:
		_, ok = v.(int16)
	case Int32:
		_, ok = v.(int32)
	case Int64:
		_, ok = v.(int64)
	case Float32:
		_, ok = v.(float32)
	case Float64:
		_, ok = v.(float64)
	case Boolean:
		_, ok = v.(bool)
	case String:
		_, ok = v.(string)
	case Bytes:
		_, ok = v.([]byte)
	case Array:
		arr, isArr := v.([]any)
		if !isArr {
			return typeErr(s, v)
		}
		for i, e := range arr {
			if err := Validate(s.Value, e); err != nil {
				return fmt.Errorf("array element %d: %w", i, err)
			}
		}
		return nil
	case Map:
		entries, err := MapEntries(v)
		if err != nil {
			return typeErr(s, v)
		}
		for _, e := range entries {
			if err := Validate(s.Key, e.Key); err != nil {
				return fmt.Errorf("map key: %w", err)
			}
			if err := Validate(s.Value, e.Value); err != nil {
				return fmt.Errorf("map value for key %v: %w", e.Key, err)
			}
		}
		return nil
	case StructType:
		st, isStruct := v.(*Struct)
		if !isStruct {
			return typeErr(s, v)
		}
		if st.schema != s && !Equal(st.schema, s) {
			return fmt.Errorf("struct schemas do not match")
		}
		return st.Validate()
	}
	if !ok {
		return typeErr(s, v)
	}
	return nil
}

func typeErr(s *Schema, v any) error {
	return fmt.Errorf("invalid Java object for schema %s with type %s: %s", describe(s), s.Type.JavaName(), goTypeName(v))
}

func describe(s *Schema) string {
	if s.Name != "" {
		return "\"" + s.Name + "\""
	}
	return "type " + s.Type.JavaName()
}

func goTypeName(v any) string { return reflect.TypeOf(v).String() }

// valuesEqual compares two Connect values deeply (used for defaults).
func valuesEqual(a, b any) bool {
	switch x := a.(type) {
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case Decimal:
		y, ok := b.(Decimal)
		return ok && x.Scale == y.Scale && x.Unscaled.Cmp(y.Unscaled) == 0
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case *Struct:
		y, ok := b.(*Struct)
		if !ok || !Equal(x.schema, y.schema) {
			return false
		}
		for i := range x.values {
			if !valuesEqual(x.values[i], y.values[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// ValuesEqual reports whether two Connect values are deeply equal.
func ValuesEqual(a, b any) bool { return valuesEqual(a, b) }
