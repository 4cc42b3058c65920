package transforms

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

// renderSchema renders a schema compactly for table tests: "?" marks optional,
// struct fields are listed in order, names follow the type in angle brackets.
func renderSchema(s *schemas.Schema) string {
	if s == nil {
		return "nil"
	}
	var b strings.Builder
	if s.Optional {
		b.WriteByte('?')
	}
	b.WriteString(s.Type.String())
	if s.Name != "" {
		b.WriteString("<" + s.Name + ">")
	}
	switch s.Type {
	case schemas.StructType:
		b.WriteByte('{')
		for i, f := range s.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(f.Name + ":" + renderSchema(f.Schema))
		}
		b.WriteByte('}')
	case schemas.Array:
		b.WriteString("[" + renderSchema(s.Value) + "]")
	case schemas.Map:
		b.WriteString("[" + renderSchema(s.Key) + "=" + renderSchema(s.Value) + "]")
	}
	return b.String()
}

// renderValue renders a Connect value deterministically: structs in field order,
// maps by sorted key, Go type names for numbers so int32(1) and int64(1) differ.
func renderValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case *schemas.Struct:
		if x == nil {
			return "null"
		}
		var b strings.Builder
		b.WriteByte('{')
		for i, f := range x.Schema().Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(f.Name + "=" + renderValue(x.Raw(i)))
		}
		b.WriteByte('}')
		return b.String()
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("map{")
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(k + "=" + renderValue(x[k]))
		}
		b.WriteByte('}')
		return b.String()
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = renderValue(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case string:
		return fmt.Sprintf("%q", x)
	case []byte:
		return "bytes:" + base64.StdEncoding.EncodeToString(x)
	case time.Time:
		return "time:" + x.UTC().Format(time.RFC3339Nano)
	case schemas.Decimal:
		return "dec:" + x.String()
	case bool:
		return fmt.Sprint(x)
	}
	return fmt.Sprintf("%T(%v)", v, v)
}

// renderRecord renders the parts of a record a transform may change.
func renderRecord(r *connectors.Record) string {
	if r == nil {
		return "DROPPED"
	}
	var hs []string
	for _, h := range r.Headers {
		hs = append(hs, h.Key+":"+renderSchema(h.Schema)+"="+renderValue(h.Value))
	}
	return fmt.Sprintf("topic=%s key=%s:%s value=%s:%s headers=[%s]", r.Topic,
		renderSchema(r.KeySchema), renderValue(r.Key), renderSchema(r.ValueSchema), renderValue(r.Value), strings.Join(hs, " "))
}
