// Package schemas is the Connect data model: schemas, structs, logical types and
// the Converter interface that turns them into bytes and back.
//
// Values are plain Go values, one Go type per Connect type:
//
//	INT8 int8, INT16 int16, INT32 int32, INT64 int64, FLOAT32 float32, FLOAT64 float64,
//	BOOLEAN bool, STRING string, BYTES []byte, ARRAY []any, STRUCT *Struct,
//	MAP map[string]any when the key schema is STRING, otherwise []MapEntry.
//
// Logical types keep their base type's schema but carry richer values:
// Decimal is a Decimal, Date, Time and Timestamp are time.Time in UTC.
// Debezium's semantic types (io.debezium.time.*) are named schemas whose values
// stay primitive (an int64 of microseconds, a string, ...).
package schemas

import (
	"fmt"
	"strings"
)

// Type is a Connect schema type. Its string form is the lower-case name used by
// JsonConverter ("int32", "float", "double", ...).
type Type uint8

// The Connect schema types, in the order of Java's Schema.Type enum.
const (
	Int8 Type = iota + 1
	Int16
	Int32
	Int64
	Float32
	Float64
	Boolean
	String
	Bytes
	Array
	Map
	StructType
)

var typeNames = [...]string{
	Int8: "int8", Int16: "int16", Int32: "int32", Int64: "int64",
	Float32: "float", Float64: "double", Boolean: "boolean", String: "string",
	Bytes: "bytes", Array: "array", Map: "map", StructType: "struct",
}

var javaTypeNames = [...]string{
	Int8: "INT8", Int16: "INT16", Int32: "INT32", Int64: "INT64",
	Float32: "FLOAT32", Float64: "FLOAT64", Boolean: "BOOLEAN", String: "STRING",
	Bytes: "BYTES", Array: "ARRAY", Map: "MAP", StructType: "STRUCT",
}

// String returns the JsonConverter type name ("int32", "float", "struct", ...).
func (t Type) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// JavaName returns the Java enum name ("INT32", "FLOAT32", "STRUCT", ...), as used in
// error messages and by Cast's spec.
func (t Type) JavaName() string {
	if int(t) < len(javaTypeNames) && javaTypeNames[t] != "" {
		return javaTypeNames[t]
	}
	return t.String()
}

// IsPrimitive reports whether t is neither ARRAY, MAP nor STRUCT.
func (t Type) IsPrimitive() bool { return t >= Int8 && t <= Bytes }

// ParseType accepts the JsonConverter name ("int32", "float") or the Java enum name
// ("INT32", "FLOAT32"), case-insensitively.
func ParseType(s string) (Type, error) {
	for i := range typeNames {
		if typeNames[i] != "" && (strings.EqualFold(s, typeNames[i]) || strings.EqualFold(s, javaTypeNames[i])) {
			return Type(i), nil
		}
	}
	return 0, fmt.Errorf("unknown schema type %q", s)
}

// Param is one schema parameter. Parameters keep their insertion order because the
// JsonConverter and Avro renderings list them in that order.
type Param struct {
	Key   string
	Value string
}

// Params is an ordered string map.
type Params []Param

// Get returns the value of key and whether it is set.
func (p Params) Get(key string) (string, bool) {
	for _, kv := range p {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// With returns a copy of p with key set to value (replacing in place, else appended).
func (p Params) With(key, value string) Params {
	out := make(Params, len(p), len(p)+1)
	copy(out, p)
	for i := range out {
		if out[i].Key == key {
			out[i].Value = value
			return out
		}
	}
	return append(out, Param{key, value})
}

// Field is one field of a STRUCT schema.
type Field struct {
	Name   string
	Index  int
	Schema *Schema
}

// Schema describes a Connect value. A Schema is immutable once built and safe to share
// between goroutines; build new ones with a Builder or by copying.
type Schema struct {
	Type     Type
	Optional bool
	Default  any // nil means no default
	Name     string
	Version  int // 0 means no version
	Doc      string
	Params   Params

	Fields []Field  // STRUCT
	Key    *Schema  // MAP key
	Value  *Schema  // MAP value, ARRAY element
	index  fieldIdx // STRUCT: name → position, built by the Builder
}

type fieldIdx map[string]int

// Field returns the named field of a STRUCT schema.
func (s *Schema) Field(name string) (Field, bool) {
	if s == nil || s.Type != StructType {
		return Field{}, false
	}
	if s.index != nil {
		i, ok := s.index[name]
		if !ok {
			return Field{}, false
		}
		return s.Fields[i], true
	}
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Param returns a schema parameter.
func (s *Schema) Param(key string) (string, bool) { return s.Params.Get(key) }

// String renders the schema for error messages, e.g. "Schema{io.debezium.time.Date:INT32}".
func (s *Schema) String() string {
	if s == nil {
		return "Schema{null}"
	}
	if s.Name != "" {
		return "Schema{" + s.Name + ":" + s.Type.JavaName() + "}"
	}
	return "Schema{" + s.Type.JavaName() + "}"
}

// WithOptional returns a copy of s with Optional set.
func (s *Schema) WithOptional(optional bool) *Schema {
	c := *s
	c.Optional = optional
	return &c
}

// Equal reports whether two schemas are structurally equal, as Java's ConnectSchema.equals.
func Equal(a, b *Schema) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil {
		return false
	}
	if a.Type != b.Type || a.Optional != b.Optional || a.Name != b.Name || a.Version != b.Version || a.Doc != b.Doc {
		return false
	}
	if !paramsEqual(a.Params, b.Params) || !valuesEqual(a.Default, b.Default) {
		return false
	}
	if len(a.Fields) != len(b.Fields) {
		return false
	}
	for i := range a.Fields {
		if a.Fields[i].Name != b.Fields[i].Name || !Equal(a.Fields[i].Schema, b.Fields[i].Schema) {
			return false
		}
	}
	return Equal(a.Key, b.Key) && Equal(a.Value, b.Value)
}

func paramsEqual(a, b Params) bool {
	if len(a) != len(b) {
		return false
	}
	for _, kv := range a {
		v, ok := b.Get(kv.Key)
		if !ok || v != kv.Value {
			return false
		}
	}
	return true
}
