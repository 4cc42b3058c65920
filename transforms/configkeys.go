package transforms

import (
	"fmt"
	"regexp"

	"github.com/gonnect/gonnect/connectors"
)

// key helpers keep the ConfigDef declarations one line per Java key.

func required(name string, t connectors.ConfigType, imp connectors.Importance, doc string) connectors.ConfigKey {
	return connectors.ConfigKey{Name: name, Type: t, Required: true, Importance: imp, Documentation: doc}
}

func optional(name string, t connectors.ConfigType, def *string, imp connectors.Importance, doc string) connectors.ConfigKey {
	return connectors.ConfigKey{Name: name, Type: t, Default: def, Importance: imp, Documentation: doc}
}

func withValidator(k connectors.ConfigKey, v func(any) error) connectors.ConfigKey {
	k.Validator = v
	return k
}

const replaceNullDoc = "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used."

func replaceNullKey() connectors.ConfigKey {
	return optional("replace.null.with.default", connectors.TypeBoolean, connectors.Str("true"), connectors.Medium, replaceNullDoc)
}

// nonEmptyList is Java's NonEmptyListValidator.
func nonEmptyList(v any) error {
	if l, ok := v.([]string); !ok || len(l) == 0 {
		return fmt.Errorf("Empty list")
	}
	return nil
}

// nonEmptyString is Java's ConfigDef.NonEmptyString.
func nonEmptyString(v any) error {
	if s, ok := v.(string); ok && s == "" {
		return fmt.Errorf("String must be non-empty")
	}
	return nil
}

// validRegex is Java's RegexValidator, against Go's RE2 syntax.
func validRegex(v any) error {
	s, _ := v.(string)
	if _, err := regexp.Compile(s); err != nil {
		return fmt.Errorf("%v", err)
	}
	return nil
}

// oneOfExact is Java's ConfigDef.ValidString (case-sensitive).
func oneOfExact(values ...string) func(any) error {
	return func(v any) error {
		s, _ := v.(string)
		for _, x := range values {
			if s == x {
				return nil
			}
		}
		return fmt.Errorf("String must be one of: %s", joinComma(values))
	}
}

func joinComma(v []string) string {
	out := ""
	for i, s := range v {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

// parsed is a parsed config with typed accessors; keys are known to exist because
// they come from the same ConfigDef.
type parsed map[string]any

func (p parsed) str(k string) string {
	s, _ := p[k].(string)
	return s
}

func (p parsed) strOrNil(k string) *string {
	s, ok := p[k].(string)
	if !ok {
		return nil
	}
	return &s
}

func (p parsed) list(k string) []string {
	l, _ := p[k].([]string)
	return l
}

func (p parsed) boolean(k string) bool {
	b, _ := p[k].(bool)
	return b
}

func parse(def *connectors.ConfigDef, cfg connectors.Config) (parsed, error) {
	m, err := parseConfig(def, cfg)
	return parsed(m), err
}
