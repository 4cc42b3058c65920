package transforms

import (
	"fmt"
	"sync"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

// side selects the key or the value of a record, for transformations with $Key and
// $Value variants.
type side uint8

const (
	keySide side = iota
	valueSide
)

func (s side) schema(r *connectors.Record) *schemas.Schema {
	if s == keySide {
		return r.KeySchema
	}
	return r.ValueSchema
}

func (s side) value(r *connectors.Record) any {
	if s == keySide {
		return r.Key
	}
	return r.Value
}

// with returns r (when owned) or a copy of r with this side replaced.
func (s side) with(r *connectors.Record, owned bool, sch *schemas.Schema, v any) *connectors.Record {
	c := mutable(r, owned)
	if s == keySide {
		c.KeySchema, c.Key = sch, v
	} else {
		c.ValueSchema, c.Value = sch, v
	}
	return c
}

// mutable returns r itself when the chain owns it (an earlier link created it), else
// a copy with its own header slice.
func mutable(r *connectors.Record, owned bool) *connectors.Record {
	if owned {
		return r
	}
	return r.Clone()
}

// typeName renders a value's type for error messages: "null" for nil, else the Go type.
func typeName(v any) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// requireStruct is Java's Requirements.requireStruct.
func requireStruct(v any, purpose string) (*schemas.Struct, error) {
	st, ok := v.(*schemas.Struct)
	if !ok || st == nil {
		return nil, dataErrorf("Only Struct objects supported for [%s], found: %s", purpose, typeName(v))
	}
	return st, nil
}

// requireStructOrNull is Java's Requirements.requireStructOrNull.
func requireStructOrNull(v any, purpose string) (*schemas.Struct, error) {
	if v == nil {
		return nil, nil
	}
	return requireStruct(v, purpose)
}

// requireMap is Java's Requirements.requireMap, for schemaless values.
func requireMap(v any, purpose string) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok || m == nil {
		return nil, dataErrorf("Only Map objects supported in absence of schema for [%s], found: %s", purpose, typeName(v))
	}
	return m, nil
}

// requireMapOrNull is Java's Requirements.requireMapOrNull.
func requireMapOrNull(v any, purpose string) (map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	return requireMap(v, purpose)
}

// requireSchema is Java's Requirements.requireSchema.
func requireSchema(s *schemas.Schema, purpose string) error {
	if s == nil {
		return dataErrorf("Schema required for [%s]", purpose)
	}
	return nil
}

// structBasics starts a STRUCT builder with the name, version, doc and parameters of
// src, as Java's SchemaUtil.copySchemaBasics (which does not copy optionality).
func structBasics(src *schemas.Schema) *schemas.Builder {
	b := schemas.StructBuilder()
	copyBasics(b, src, true)
	return b
}

// copyBasics copies src's version, doc, parameters and, with name, its name.
func copyBasics(b *schemas.Builder, src *schemas.Schema, name bool) {
	if name && src.Name != "" {
		b.Name(src.Name)
	}
	if src.Version != 0 {
		b.Version(src.Version)
	}
	if src.Doc != "" {
		b.Doc(src.Doc)
	}
	for _, p := range src.Params {
		b.Param(p.Key, p.Value)
	}
}

// getField returns a struct field's value, or its raw value when
// replace.null.with.default is false (Java's getWithoutDefault).
func getField(st *schemas.Struct, i int, replaceNullWithDefault bool) any {
	if replaceNullWithDefault {
		return st.GetIndex(i)
	}
	return st.Raw(i)
}

// putChecked sets field i of st after checking v against the field's schema, as
// Java's Struct.put does.
func putChecked(st *schemas.Struct, i int, v any) error {
	f := st.Schema().Fields[i]
	if err := schemas.Validate(f.Schema, v); err != nil {
		return dataErrorf("Invalid value for field %q: %v", f.Name, err)
	}
	st.SetIndex(i, v)
	return nil
}

// cacheLimit bounds each schema cache; Kafka uses an LRU of 16. Schemas change rarely,
// so a reset when full is as good as an LRU and cheaper.
const cacheLimit = 256

// schemaCache maps an input schema (by pointer, or a key built around it) to what a
// transformation derived from it. Safe for concurrent use.
type schemaCache[K comparable, V any] struct {
	mu sync.Mutex // guards m
	m  map[K]V
}

func (c *schemaCache[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	v, ok := c.m[k]
	c.mu.Unlock()
	return v, ok
}

func (c *schemaCache[K, V]) put(k K, v V) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= cacheLimit {
		c.m = make(map[K]V)
	}
	c.m[k] = v
	c.mu.Unlock()
}

// parseConfig parses cfg with def, turning a parse error into a *ConfigError naming
// the first bad key.
func parseConfig(def *connectors.ConfigDef, cfg connectors.Config) (map[string]any, error) {
	out := make(map[string]any, len(def.Keys()))
	for _, k := range def.Keys() {
		one := connectors.NewConfigDef().Define(*k)
		v, err := one.Parse(cfg)
		if err != nil {
			return nil, &ConfigError{Key: k.Name, Msg: err.Error()}
		}
		out[k.Name] = v[k.Name]
	}
	return out, nil
}
