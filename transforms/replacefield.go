package transforms

import (
	"fmt"
	"strings"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

const replacePurpose = "field replacement"

func replaceFieldDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(optional("exclude", connectors.TypeList, connectors.Str(""), connectors.Medium, "Fields to exclude. This takes precedence over the fields to include.")).
		Define(optional("include", connectors.TypeList, connectors.Str(""), connectors.Medium, "Fields to include. If specified, only these fields will be used.")).
		Define(withValidator(optional("renames", connectors.TypeList, connectors.Str(""), connectors.Medium, "Field rename mappings."), validRenames)).
		Define(replaceNullKey())
}

func validRenames(v any) error {
	_, err := parseRenames(v.([]string))
	return err
}

func parseRenames(mappings []string) (map[string]string, error) {
	out := make(map[string]string, len(mappings))
	for _, m := range mappings {
		parts := strings.Split(m, ":")
		if len(parts) != 2 {
			return nil, fmt.Errorf("Invalid rename mapping: %s", m)
		}
		out[parts[0]] = parts[1]
	}
	return out, nil
}

// replaceField is Kafka's ReplaceField: it keeps, drops and renames top-level fields.
type replaceField struct {
	side        side
	exclude     map[string]bool
	include     map[string]bool
	renames     map[string]string
	replaceNull bool
	cache       schemaCache[*schemas.Schema, *replacePlan]
}

// replacePlan is the derived schema and, per output field, the input field index.
type replacePlan struct {
	schema *schemas.Schema
	from   []int
}

func newReplaceField(s side, cfg connectors.Config) (Transformation, error) {
	cfg = translateDeprecated(cfg, map[string]string{"blacklist": "exclude", "whitelist": "include"})
	p, err := parse(replaceFieldDef(), cfg)
	if err != nil {
		return nil, err
	}
	renames, _ := parseRenames(p.list("renames"))
	return &replaceField{
		side:        s,
		exclude:     setOf(p.list("exclude")),
		include:     setOf(p.list("include")),
		renames:     renames,
		replaceNull: p.boolean("replace.null.with.default"),
	}, nil
}

// translateDeprecated copies deprecated keys (Kafka's pre-2.7 whitelist/blacklist)
// to their replacements when the new key is unset.
func translateDeprecated(cfg connectors.Config, old map[string]string) connectors.Config {
	var out connectors.Config
	for o, n := range old {
		v, ok := cfg[o]
		if _, set := cfg[n]; !ok || set {
			continue
		}
		if out == nil {
			out = cfg.Clone()
		}
		out[n] = v
	}
	if out == nil {
		return cfg
	}
	return out
}

func setOf(l []string) map[string]bool {
	m := make(map[string]bool, len(l))
	for _, s := range l {
		m[s] = true
	}
	return m
}

func (t *replaceField) keep(name string) bool {
	return !t.exclude[name] && (len(t.include) == 0 || t.include[name])
}

func (t *replaceField) renamed(name string) string {
	if n, ok := t.renames[name]; ok {
		return n
	}
	return name
}

func (t *replaceField) Apply(r *connectors.Record) (*connectors.Record, error) {
	return t.apply(r, false)
}

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *replaceField) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	v := t.side.value(r)
	if v == nil {
		return r, nil
	}
	if t.side.schema(r) == nil {
		m, err := requireMap(v, replacePurpose)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m))
		for k, x := range m {
			if t.keep(k) {
				out[t.renamed(k)] = x
			}
		}
		return t.side.with(r, owned, nil, out), nil
	}
	st, err := requireStruct(v, replacePurpose)
	if err != nil {
		return nil, err
	}
	in := st.Schema()
	plan, ok := t.cache.get(in)
	if !ok {
		if plan, err = t.makePlan(in); err != nil {
			return nil, err
		}
		t.cache.put(in, plan)
	}
	ns := schemas.NewStruct(plan.schema)
	for i, from := range plan.from {
		ns.SetIndex(i, getField(st, from, t.replaceNull))
	}
	return t.side.with(r, owned, plan.schema, ns), nil
}

func (t *replaceField) makePlan(in *schemas.Schema) (*replacePlan, error) {
	b := structBasics(in)
	plan := &replacePlan{}
	for _, f := range in.Fields {
		if t.keep(f.Name) {
			b.Field(t.renamed(f.Name), f.Schema)
			plan.from = append(plan.from, f.Index)
		}
	}
	s, err := b.Build()
	if err != nil {
		return nil, dataErrorf("%v", err)
	}
	plan.schema = s
	return plan, nil
}
