package connectors

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ConfigType is the type of a config key, with Java's ConfigDef.Type names.
type ConfigType string

// The config key types.
const (
	TypeBoolean  ConfigType = "BOOLEAN"
	TypeString   ConfigType = "STRING"
	TypeInt      ConfigType = "INT"
	TypeShort    ConfigType = "SHORT"
	TypeLong     ConfigType = "LONG"
	TypeDouble   ConfigType = "DOUBLE"
	TypeList     ConfigType = "LIST"
	TypeClass    ConfigType = "CLASS"
	TypePassword ConfigType = "PASSWORD"
)

// Importance is HIGH, MEDIUM or LOW.
type Importance string

// Importance levels.
const (
	High   Importance = "HIGH"
	Medium Importance = "MEDIUM"
	Low    Importance = "LOW"
)

// Width is the UI width hint: NONE, SHORT, MEDIUM or LONG.
type Width string

// Widths.
const (
	WidthNone   Width = "NONE"
	WidthShort  Width = "SHORT"
	WidthMedium Width = "MEDIUM"
	WidthLong   Width = "LONG"
)

// HiddenValue is how a PASSWORD value is shown in validation output and logs.
const HiddenValue = "[hidden]"

// ConfigKey defines one configuration key.
type ConfigKey struct {
	Name          string
	Type          ConfigType
	Default       *string // nil with Required=false means a null default
	Required      bool    // no default: the key must be set
	Importance    Importance
	Documentation string
	Group         string
	OrderInGroup  int
	Width         Width
	DisplayName   string
	Dependents    []string
	// Validator checks a value that parsed as Type; it returns a message such as
	// "Value must be at least 1", which becomes "Invalid value <v> for configuration
	// <name>: <message>".
	Validator func(v any) error
	// Recommended lists valid values given the whole config, for UIs (optional).
	Recommended func(cfg Config) []string
}

// DefaultString returns the rendered default, or nil when the default is null or absent.
func (k *ConfigKey) DefaultString() *string { return k.Default }

// ConfigValue is the validation result of one key (Java's ConfigValue).
type ConfigValue struct {
	Name              string
	Value             *string // as given, PASSWORD values replaced with [hidden]; nil when unset and no default
	RecommendedValues []string
	Errors            []string
	Visible           bool
}

// ConfigDef is an ordered set of config keys.
type ConfigDef struct {
	keys  []*ConfigKey
	index map[string]int
}

// NewConfigDef returns an empty definition.
func NewConfigDef() *ConfigDef { return &ConfigDef{index: map[string]int{}} }

// Define adds a key; defining the same name twice panics (a programming error).
func (d *ConfigDef) Define(k ConfigKey) *ConfigDef {
	if _, dup := d.index[k.Name]; dup {
		panic(fmt.Sprintf("Configuration %s is defined twice.", k.Name))
	}
	if k.Importance == "" {
		k.Importance = Medium
	}
	if k.Width == "" {
		k.Width = WidthNone
	}
	if k.DisplayName == "" {
		k.DisplayName = k.Name
	}
	d.index[k.Name] = len(d.keys)
	d.keys = append(d.keys, &k)
	return d
}

// Keys returns the keys in definition order. The caller must not modify them.
func (d *ConfigDef) Keys() []*ConfigKey {
	if d == nil {
		return nil
	}
	return d.keys
}

// Key returns the named key.
func (d *ConfigDef) Key(name string) (*ConfigKey, bool) {
	if d == nil {
		return nil, false
	}
	i, ok := d.index[name]
	if !ok {
		return nil, false
	}
	return d.keys[i], true
}

// Merge returns a definition with d's keys followed by other's keys that d lacks.
func (d *ConfigDef) Merge(other *ConfigDef) *ConfigDef {
	out := NewConfigDef()
	for _, k := range d.Keys() {
		out.Define(*k)
	}
	for _, k := range other.Keys() {
		if _, dup := out.index[k.Name]; !dup {
			out.Define(*k)
		}
	}
	return out
}

// Str returns p as a default value pointer.
func Str(s string) *string { return &s }

// Parse parses the config into typed values (bool, string, int32, int16, int64,
// float64, []string, or the class name string), applying defaults. The first error
// found, in definition order, is returned.
func (d *ConfigDef) Parse(cfg Config) (map[string]any, error) {
	out := make(map[string]any, len(d.Keys()))
	for _, k := range d.Keys() {
		v, err := k.parse(cfg)
		if err != nil {
			return nil, err
		}
		out[k.Name] = v
	}
	return out, nil
}

// Validate checks every key of d against cfg and returns one ConfigValue per key, in
// definition order. PASSWORD values are shown as [hidden].
func (d *ConfigDef) Validate(cfg Config) []ConfigValue {
	out := make([]ConfigValue, 0, len(d.Keys()))
	for _, k := range d.Keys() {
		cv := ConfigValue{Name: k.Name, Visible: true}
		raw, set := cfg[k.Name]
		switch {
		case set && k.Type == TypePassword:
			cv.Value = Str(HiddenValue)
		case set:
			cv.Value = Str(raw)
		case k.Default != nil && k.Type == TypePassword:
			cv.Value = Str(HiddenValue)
		case k.Default != nil:
			cv.Value = Str(*k.Default)
		}
		if _, err := k.parse(cfg); err != nil {
			cv.Errors = append(cv.Errors, err.Error())
		}
		if k.Recommended != nil {
			cv.RecommendedValues = k.Recommended(cfg)
		}
		if cv.RecommendedValues == nil {
			cv.RecommendedValues = []string{}
		}
		if cv.Errors == nil {
			cv.Errors = []string{}
		}
		out = append(out, cv)
	}
	return out
}

func (k *ConfigKey) parse(cfg Config) (any, error) {
	raw, set := cfg[k.Name]
	if !set {
		if k.Required {
			return nil, fmt.Errorf("Missing required configuration \"%s\" which has no default value.", k.Name)
		}
		if k.Default == nil {
			return nil, nil
		}
		raw = *k.Default
	}
	v, err := ParseValue(k.Type, strings.TrimSpace(raw))
	if err != nil {
		shown := raw
		if k.Type == TypePassword {
			shown = HiddenValue
		}
		return nil, fmt.Errorf("Invalid value %s for configuration %s: %s", shown, k.Name, err.Error())
	}
	if k.Validator != nil {
		if err := k.Validator(v); err != nil {
			shown := raw
			if k.Type == TypePassword {
				shown = HiddenValue
			}
			return nil, fmt.Errorf("Invalid value %s for configuration %s: %s", shown, k.Name, err.Error())
		}
	}
	return v, nil
}

// ParseValue parses a string as Java's ConfigDef.parseType does.
func ParseValue(t ConfigType, s string) (any, error) {
	switch t {
	case TypeBoolean:
		switch strings.ToLower(s) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("Expected value to be either true or false")
	case TypeString, TypeClass, TypePassword:
		return s, nil
	case TypeInt:
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("Not a number of type INT")
		}
		return int32(n), nil
	case TypeShort:
		n, err := strconv.ParseInt(s, 10, 16)
		if err != nil {
			return nil, fmt.Errorf("Not a number of type SHORT")
		}
		return int16(n), nil
	case TypeLong:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("Not a number of type LONG")
		}
		return n, nil
	case TypeDouble:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) {
			return nil, fmt.Errorf("Not a number of type DOUBLE")
		}
		return f, nil
	case TypeList:
		if s == "" {
			return []string{}, nil
		}
		parts := strings.Split(s, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		return parts, nil
	}
	return nil, fmt.Errorf("unknown config type %s", t)
}

// AtLeast returns a validator for numbers ≥ min ("Value must be at least <min>").
func AtLeast(min int64) func(any) error {
	return func(v any) error {
		if v == nil {
			return nil
		}
		if asInt64(v) < min {
			return fmt.Errorf("Value must be at least %d", min)
		}
		return nil
	}
}

// OneOf returns a validator for strings in a fixed set, case-insensitively
// ("String must be one of: a, b").
func OneOf(values ...string) func(any) error {
	return func(v any) error {
		s, _ := v.(string)
		for _, x := range values {
			if strings.EqualFold(s, x) {
				return nil
			}
		}
		return fmt.Errorf("String must be one of: %s", strings.Join(values, ", "))
	}
}

func asInt64(v any) int64 {
	switch n := v.(type) {
	case int32:
		return int64(n)
	case int16:
		return int64(n)
	case int64:
		return n
	case float64:
		return int64(n)
	}
	return 0
}

// Redact returns a copy of cfg with the values of PASSWORD keys of d replaced by
// [hidden], for logs.
func (d *ConfigDef) Redact(cfg Config) Config {
	out := cfg.Clone()
	for k := range out {
		if key, ok := d.Key(k); ok && key.Type == TypePassword {
			out[k] = HiddenValue
		}
	}
	return out
}
