// Package cdctest holds test helpers shared by the CDC connectors: a readable JSON
// rendering of source records for golden files, golden-file comparison with -update,
// and an in-memory OffsetReader.
package cdctest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/internal/golden"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// Update is the -update flag: rewrite golden files instead of comparing.
var Update = golden.Update

// Value renders a Connect value as plain JSON-able data: structs become ordered
// objects (see orderedObject), bytes become base64 strings, decimals their text.
func Value(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case *schemas.Struct:
		if x == nil {
			return nil
		}
		o := orderedObject{}
		for i, f := range x.Schema().Fields {
			o = append(o, kv{f.Name, Value(x.Raw(i))})
		}
		return o
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case schemas.Decimal:
		return "decimal:" + x.String()
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Value(e)
		}
		return out
	}
	return v
}

// SchemaSummary renders a schema compactly: "name(vN) type{field:summary,...}".
func SchemaSummary(s *schemas.Schema) string {
	if s == nil {
		return "null"
	}
	var b strings.Builder
	if s.Name != "" {
		b.WriteString(s.Name)
		if s.Version != 0 {
			fmt.Fprintf(&b, "(v%d)", s.Version)
		}
		b.WriteByte(' ')
	}
	b.WriteString(s.Type.String())
	if s.Optional {
		b.WriteByte('?')
	}
	for _, p := range s.Params {
		fmt.Fprintf(&b, " [%s=%s]", p.Key, p.Value)
	}
	if s.Default != nil {
		fmt.Fprintf(&b, " default=%v", s.Default)
	}
	switch s.Type {
	case schemas.StructType:
		b.WriteString("{")
		for i, f := range s.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Name + ":" + SchemaSummary(f.Schema))
		}
		b.WriteString("}")
	case schemas.Array:
		b.WriteString("<" + SchemaSummary(s.Value) + ">")
	}
	return b.String()
}

type kv struct {
	k string
	v any
}

// orderedObject is a JSON object that keeps field order.
type orderedObject []kv

func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(e.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(e.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Masker replaces volatile values (clock readings, binlog positions) before rendering;
// it receives the dotted path of a value ("value.source.ts_ms") and returns the
// replacement and whether to replace.
type Masker func(path string, v any) (any, bool)

func mask(path string, v any, m Masker) any {
	if m != nil {
		if r, ok := m(path, v); ok {
			return r
		}
	}
	switch x := v.(type) {
	case orderedObject:
		for i := range x {
			x[i].v = mask(path+"."+x[i].k, x[i].v, m)
		}
	case []any:
		for i := range x {
			x[i] = mask(path, x[i], m)
		}
	}
	return v
}

// Record renders a source record: topic, partition, headers, key, value, and optionally
// the schemas and offset, with m applied to every value.
func Record(r *connectors.SourceRecord, withSchemas bool, m Masker) any {
	o := orderedObject{{"topic", r.Topic}}
	if r.KafkaPartition != nil {
		o = append(o, kv{"partition", *r.KafkaPartition})
	}
	if len(r.Headers) > 0 {
		hs := orderedObject{}
		for _, h := range r.Headers {
			hs = append(hs, kv{h.Key, Value(h.Value)})
		}
		o = append(o, kv{"headers", hs})
	}
	o = append(o, kv{"key", mask("key", Value(r.Key), m)})
	o = append(o, kv{"value", mask("value", Value(r.Value), m)})
	if withSchemas {
		o = append(o, kv{"keySchema", SchemaSummary(r.KeySchema)}, kv{"valueSchema", SchemaSummary(r.ValueSchema)})
	}
	if so := r.Offset(); so != nil {
		keys := make([]string, 0, len(so))
		for k := range so {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		off := orderedObject{}
		for _, k := range keys {
			off = append(off, kv{k, so[k]})
		}
		o = append(o, kv{"offset", mask("offset", off, m)})
	}
	return o
}

// Golden compares got (rendered as indented JSON) with testdata/<name>, or rewrites the
// file with -update.
func Golden(t testing.TB, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatalf("rendering %s: %v", name, err)
	}
	b = append(b, '\n')
	golden.Check(t, filepath.Join("testdata", name), b)
}

// Offsets is an in-memory connectors.OffsetReader plus a writer, safe for concurrent
// use: tests store the offset of the last record they consider committed.
type Offsets struct {
	mu sync.Mutex // guards m
	m  map[string]offsets.Offset
}

func pkey(p offsets.Partition) string { b, _ := json.Marshal(p); return string(b) }

// Set stores off for p.
func (o *Offsets) Set(p offsets.Partition, off offsets.Offset) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.m == nil {
		o.m = map[string]offsets.Offset{}
	}
	// round-trip through JSON as a real store does: numbers come back as float64
	b, _ := json.Marshal(off)
	var c offsets.Offset
	_ = json.Unmarshal(b, &c)
	o.m[pkey(p)] = c
}

// Offsets implements connectors.OffsetReader.
func (o *Offsets) Offsets(_ context.Context, ps []offsets.Partition) ([]offsets.Offset, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]offsets.Offset, len(ps))
	for i, p := range ps {
		out[i] = o.m[pkey(p)]
	}
	return out, nil
}

// TaskContext is a connectors.TaskContext over Offsets.
type TaskContext struct{ O *Offsets }

// Offsets returns the reader.
func (tc TaskContext) Offsets() connectors.OffsetReader { return tc.O }
