package declarative

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gonnect/gonnect/rest/entities"
)

// Declared is one connector as a file declares it: Kafka Connect's POST /connectors
// body, {"name": ..., "config": {...}, "initial_state": ...}.
type Declared struct {
	File    string            // base name of the file it came from
	Name    string            // the connector name
	Config  map[string]string // config with "name" set to Name, as Connect's REST API stores it
	Initial *entities.TargetState
	raw     []byte
}

// ParseFile decodes one declared-connector file. The body is Kafka Connect's POST
// /connectors request: "name" (string, required) and "config" (object, required) whose
// values are strings; numbers and booleans are accepted and kept as their JSON text,
// as Connect's REST API coerces them. "initial_state" (RUNNING, PAUSED, STOPPED) applies
// only when the connector is created. Errors name the file and the offending field.
func ParseFile(path string) (Declared, error) {
	base := filepath.Base(path)
	b, err := os.ReadFile(path)
	if err != nil {
		return Declared{}, fmt.Errorf("connector file %s: %w", base, err)
	}
	return parse(base, b)
}

func parse(base string, b []byte) (Declared, error) {
	var body struct {
		Name         *string                    `json:"name"`
		Config       map[string]json.RawMessage `json:"config"`
		InitialState string                     `json:"initial_state"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return Declared{}, fmt.Errorf("connector file %s: not a valid connector JSON body: %w", base, err)
	}
	if dec.More() {
		return Declared{}, fmt.Errorf("connector file %s: unexpected data after the JSON object", base)
	}
	if body.Name == nil || strings.TrimSpace(*body.Name) == "" {
		return Declared{}, fmt.Errorf("connector file %s: field \"name\" is required", base)
	}
	if body.Config == nil {
		return Declared{}, fmt.Errorf("connector file %s: field \"config\" is required", base)
	}
	d := Declared{File: base, Name: *body.Name, Config: make(map[string]string, len(body.Config)+1), raw: b}
	keys := make([]string, 0, len(body.Config))
	for k := range body.Config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, err := configValue(body.Config[k])
		if err != nil {
			return Declared{}, fmt.Errorf("connector file %s: config key %q: %w", base, k, err)
		}
		d.Config[k] = v
	}
	if n, ok := d.Config["name"]; ok && n != d.Name {
		return Declared{}, fmt.Errorf("connector file %s: config key \"name\" is %q but the connector name is %q", base, n, d.Name)
	}
	d.Config["name"] = d.Name
	initial, err := entities.ParseInitialState(body.InitialState)
	if err != nil {
		return Declared{}, fmt.Errorf("connector file %s: field \"initial_state\": %w", base, err)
	}
	d.Initial = initial
	return d, nil
}

// configValue turns one JSON config value into Connect's string form.
func configValue(raw json.RawMessage) (string, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "", fmt.Errorf("empty value")
	}
	switch t[0] {
	case '"':
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return "", err
		}
		return s, nil
	case 't', 'f':
		return string(t), nil
	case 'n':
		return "", fmt.Errorf("null is not a config value; omit the key instead")
	case '{', '[':
		return "", fmt.Errorf("must be a string, number or boolean, not an object or array")
	default:
		return string(t), nil // a number, kept as written
	}
}

// scanDir reads every *.json regular file (symlinks followed, as a mounted ConfigMap
// presents them) directly in dir, skipping names starting with "." (the ConfigMap's
// ..data machinery). Files that do not parse come back in bad, keyed by base name.
func scanDir(dir string) (good []Declared, bad map[string]error, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("reading connectors dir: %w", err)
	}
	bad = map[string]error{}
	byName := map[string]string{}
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, ".") || !strings.HasSuffix(n, ".json") {
			continue
		}
		p := filepath.Join(dir, n)
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() {
			continue // a dangling link during a ConfigMap swap, or a directory
		}
		d, err := ParseFile(p)
		if err != nil {
			bad[n] = err
			continue
		}
		if other, dup := byName[d.Name]; dup {
			bad[n] = fmt.Errorf("connector file %s: connector %q is already declared in %s", n, d.Name, other)
			continue
		}
		byName[d.Name] = n
		good = append(good, d)
	}
	return good, bad, nil
}
