package transforms

import (
	"fmt"
	"strings"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

// Field syntax versions (KIP-821): V1 treats a field name as one top-level field, V2
// reads dotted paths with backtick quoting (`a.b`.c).
const (
	syntaxV1 = "V1"
	syntaxV2 = "V2"
)

func fieldSyntaxKey() connectors.ConfigKey {
	return withValidator(optional("field.syntax.version", connectors.TypeString, connectors.Str(syntaxV1), connectors.Medium,
		"Defines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. If set to `V2`, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots. E.g. to access the subfield `baz` from a field named \"foo.bar\" in a struct/map the following format can be used to access its elements: \"`foo.bar`.baz\"."),
		connectors.OneOf(syntaxV1, syntaxV2))
}

// fieldPath is a parsed single field path.
type fieldPath struct {
	original string
	steps    []string
}

func newFieldPath(path, version string) (fieldPath, error) {
	if !strings.EqualFold(version, syntaxV2) {
		return fieldPath{original: path, steps: []string{path}}, nil
	}
	steps, err := splitV2(path)
	if err != nil {
		return fieldPath{}, err
	}
	return fieldPath{original: path, steps: steps}, nil
}

// splitV2 splits a V2 path (KIP-821): dots separate steps; a step that starts with a
// backtick runs to the next backtick followed by a dot (or ending the path), so it may
// contain dots and backticks; a backslash before such a closing backtick escapes it.
// A trailing dot adds an empty step. An unclosed backtick is an error naming its
// position, as Kafka's SingleFieldPath.
func splitV2(path string) ([]string, error) {
	var steps []string
	i := 0
	for i < len(path) {
		if path[i] != '`' {
			k := strings.IndexByte(path[i:], '.')
			if k < 0 {
				steps = append(steps, path[i:])
				break
			}
			steps = append(steps, path[i:i+k])
			i += k + 1
			continue
		}
		open := i
		var field strings.Builder
		start := i + 1
		j := start
		for {
			k := strings.IndexByte(path[j:], '`')
			if k < 0 {
				return nil, incompleteBacktick(path, open)
			}
			j += k
			escaped := path[j-1] == '\\'
			if j == len(path)-1 {
				if escaped {
					return nil, incompleteBacktick(path, open)
				}
				field.WriteString(path[start:j])
				steps = append(steps, field.String())
				i = len(path)
				break
			}
			if path[j+1] != '.' {
				j++
				continue
			}
			if escaped {
				field.WriteString(path[start : j-1])
				field.WriteByte('`')
				j++
				start = j
				continue
			}
			field.WriteString(path[start:j])
			steps = append(steps, field.String())
			i = j + 2
			break
		}
	}
	if strings.HasSuffix(path, ".") {
		steps = append(steps, "")
	}
	return steps, nil
}

func incompleteBacktick(path string, at int) error {
	return fmt.Errorf("Incomplete backtick pair in path: [%s], consider adding a backslash before backtick at position %d to escape it", path, at)
}

// fieldFrom resolves the path in a STRUCT schema; nil when any step is missing.
func (p fieldPath) fieldFrom(s *schemas.Schema) *schemas.Field {
	cur := s
	for i, step := range p.steps {
		f, ok := cur.Field(step)
		if !ok {
			return nil
		}
		if i == len(p.steps)-1 {
			return &f
		}
		cur = f.Schema
	}
	return nil
}

// structValue reads the path from a Struct; nil when an intermediate value is null.
func (p fieldPath) structValue(st *schemas.Struct, replaceNull bool) any {
	cur := st
	for i, step := range p.steps {
		f, ok := cur.Schema().Field(step)
		if !ok {
			return nil
		}
		v := getField(cur, f.Index, replaceNull)
		if i == len(p.steps)-1 {
			return v
		}
		next, ok := v.(*schemas.Struct)
		if !ok {
			return nil
		}
		cur = next
	}
	return nil
}

// mapValue reads the path from a schemaless map; nil when a step is missing.
func (p fieldPath) mapValue(m map[string]any) any {
	cur := m
	for i, step := range p.steps {
		v := cur[step]
		if i == len(p.steps)-1 {
			return v
		}
		next, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		cur = next
	}
	return nil
}
