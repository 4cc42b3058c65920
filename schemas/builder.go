package schemas

import "fmt"

// Builder builds a Schema fluently, as Java's SchemaBuilder does. The zero value is not
// usable; start with NewBuilder or one of the type helpers (Int32Builder(), ...).
// A Builder is not safe for concurrent use; the Schema it builds is.
type Builder struct {
	s   Schema
	err error
}

// NewBuilder starts a schema of type t.
func NewBuilder(t Type) *Builder { return &Builder{s: Schema{Type: t}} }

// StructBuilder starts a STRUCT schema.
func StructBuilder() *Builder { return NewBuilder(StructType) }

// ArrayBuilder starts an ARRAY schema of elem.
func ArrayBuilder(elem *Schema) *Builder { b := NewBuilder(Array); b.s.Value = elem; return b }

// MapBuilder starts a MAP schema.
func MapBuilder(key, value *Schema) *Builder {
	b := NewBuilder(Map)
	b.s.Key, b.s.Value = key, value
	return b
}

// Optional marks the schema optional.
func (b *Builder) Optional() *Builder { b.s.Optional = true; return b }

// Name sets the schema name.
func (b *Builder) Name(n string) *Builder { b.s.Name = n; return b }

// Version sets the schema version.
func (b *Builder) Version(v int) *Builder { b.s.Version = v; return b }

// Doc sets the schema documentation.
func (b *Builder) Doc(d string) *Builder { b.s.Doc = d; return b }

// Param sets one parameter, keeping insertion order.
func (b *Builder) Param(k, v string) *Builder { b.s.Params = b.s.Params.With(k, v); return b }

// Default sets the default value; it is validated against the schema by Build.
func (b *Builder) Default(v any) *Builder { b.s.Default = v; return b }

// Field appends a field to a STRUCT schema. A duplicate name is an error reported by Build.
func (b *Builder) Field(name string, s *Schema) *Builder {
	if b.s.Type != StructType {
		b.err = fmt.Errorf("cannot add field %q to a non-struct schema", name)
		return b
	}
	if s == nil {
		b.err = fmt.Errorf("field %q has a null schema", name)
		return b
	}
	for _, f := range b.s.Fields {
		if f.Name == name {
			b.err = fmt.Errorf("cannot create field because of field name duplication %s", name)
			return b
		}
	}
	b.s.Fields = append(b.s.Fields, Field{Name: name, Index: len(b.s.Fields), Schema: s})
	return b
}

// Build returns the schema, or an error for duplicate fields or an invalid default.
func (b *Builder) Build() (*Schema, error) {
	if b.err != nil {
		return nil, b.err
	}
	s := b.s
	s.Fields = append([]Field(nil), b.s.Fields...)
	if s.Type == StructType {
		s.index = make(fieldIdx, len(s.Fields))
		for i, f := range s.Fields {
			s.index[f.Name] = i
		}
	}
	if s.Default != nil {
		if err := Validate(&s, s.Default); err != nil {
			return nil, fmt.Errorf("invalid default value: %w", err)
		}
	}
	return &s, nil
}

// Schema is Build for schemas known to be valid at compile time; it panics on error.
func (b *Builder) Schema() *Schema {
	s, err := b.Build()
	if err != nil {
		panic(err)
	}
	return s
}

// Primitive schemas, as Java's Schema.INT32_SCHEMA and friends. Shared; do not modify.
var (
	Int8Schema            = &Schema{Type: Int8}
	Int16Schema           = &Schema{Type: Int16}
	Int32Schema           = &Schema{Type: Int32}
	Int64Schema           = &Schema{Type: Int64}
	Float32Schema         = &Schema{Type: Float32}
	Float64Schema         = &Schema{Type: Float64}
	BooleanSchema         = &Schema{Type: Boolean}
	StringSchema          = &Schema{Type: String}
	BytesSchema           = &Schema{Type: Bytes}
	OptionalInt8Schema    = &Schema{Type: Int8, Optional: true}
	OptionalInt16Schema   = &Schema{Type: Int16, Optional: true}
	OptionalInt32Schema   = &Schema{Type: Int32, Optional: true}
	OptionalInt64Schema   = &Schema{Type: Int64, Optional: true}
	OptionalFloat32Schema = &Schema{Type: Float32, Optional: true}
	OptionalFloat64Schema = &Schema{Type: Float64, Optional: true}
	OptionalBooleanSchema = &Schema{Type: Boolean, Optional: true}
	OptionalStringSchema  = &Schema{Type: String, Optional: true}
	OptionalBytesSchema   = &Schema{Type: Bytes, Optional: true}
)

// PrimitiveSchema returns the shared schema for a primitive type.
func PrimitiveSchema(t Type, optional bool) *Schema {
	switch t {
	case Int8:
		return pick(optional, Int8Schema, OptionalInt8Schema)
	case Int16:
		return pick(optional, Int16Schema, OptionalInt16Schema)
	case Int32:
		return pick(optional, Int32Schema, OptionalInt32Schema)
	case Int64:
		return pick(optional, Int64Schema, OptionalInt64Schema)
	case Float32:
		return pick(optional, Float32Schema, OptionalFloat32Schema)
	case Float64:
		return pick(optional, Float64Schema, OptionalFloat64Schema)
	case Boolean:
		return pick(optional, BooleanSchema, OptionalBooleanSchema)
	case String:
		return pick(optional, StringSchema, OptionalStringSchema)
	case Bytes:
		return pick(optional, BytesSchema, OptionalBytesSchema)
	}
	return nil
}

func pick(optional bool, req, opt *Schema) *Schema {
	if optional {
		return opt
	}
	return req
}
