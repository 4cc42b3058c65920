package workerconfig

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Provider class names accepted in config.providers.<name>.class (the Java class,
// or its simple name).
const (
	EnvVarProviderClass    = "org.apache.kafka.common.config.provider.EnvVarConfigProvider"
	FileProviderClass      = "org.apache.kafka.common.config.provider.FileConfigProvider"
	DirectoryProviderClass = "org.apache.kafka.common.config.provider.DirectoryConfigProvider"
)

// referencePattern is Java's ConfigTransformer pattern: ${provider:[path:]key}.
var referencePattern = regexp.MustCompile(`\$\{([^}]*?):(?:([^}]*?):)?([^}]*?)\}`)

// Providers resolves ${provider:path:key} references with the providers a worker
// declares in config.providers. It reads the environment and files at each
// Resolve, so rotated secrets are picked up by the next connector start. Safe for
// concurrent use.
type Providers struct {
	byName  map[string]provider
	environ func() []string
}

type provider interface {
	get(path, key string) (string, error)
}

// NewProviders builds the providers named by config.providers from their
// config.providers.<name>.class and config.providers.<name>.param.* settings.
// environ supplies the environment for EnvVarConfigProvider (os.Environ when nil).
func NewProviders(props map[string]string, environ func() []string) (*Providers, error) {
	if environ == nil {
		environ = os.Environ
	}
	ps := &Providers{byName: make(map[string]provider), environ: environ}
	for _, name := range splitList(props["config.providers"]) {
		classKey := "config.providers." + name + ".class"
		class := strings.TrimSpace(props[classKey])
		params := prefixed(props, "config.providers."+name+".param.")
		allowed, err := allowedPaths(params["allowed.paths"], "config.providers."+name+".param.allowed.paths")
		if err != nil {
			return nil, err
		}
		switch class {
		case EnvVarProviderClass, "EnvVarConfigProvider":
			p := &envProvider{environ: ps.environ}
			if pat, ok := params["allowlist.pattern"]; ok {
				re, err := regexp.Compile("^(?:" + pat + ")$")
				if err != nil {
					return nil, fmt.Errorf("Invalid value %s for configuration config.providers.%s.param.allowlist.pattern: %v", pat, name, err)
				}
				p.allow = re
			}
			ps.byName[name] = p
		case FileProviderClass, "FileConfigProvider":
			ps.byName[name] = &fileProvider{allowed: allowed}
		case DirectoryProviderClass, "DirectoryConfigProvider":
			ps.byName[name] = &dirProvider{allowed: allowed}
		case "":
			return nil, fmt.Errorf("Missing required configuration \"%s\" which has no default value. (config.providers lists %q)", classKey, name)
		default:
			return nil, fmt.Errorf("Invalid value %s for configuration %s: Gonnect supports the config providers %s, %s and %s",
				class, classKey, EnvVarProviderClass, FileProviderClass, DirectoryProviderClass)
		}
	}
	return ps, nil
}

// HasReference reports whether v contains a ${provider:...} reference to a
// configured provider.
func (ps *Providers) HasReference(v string) bool {
	for _, m := range referencePattern.FindAllStringSubmatch(v, -1) {
		if _, ok := ps.byName[m[1]]; ok {
			return true
		}
	}
	return false
}

// ResolveValue replaces the references to configured providers in v (one pass;
// resolved text is not scanned again). References naming a provider that is not
// configured are left as they are, as Java does. key only names v in errors.
func (ps *Providers) ResolveValue(key, v string) (string, error) {
	if !strings.Contains(v, "${") {
		return v, nil
	}
	var firstErr error
	out := referencePattern.ReplaceAllStringFunc(v, func(ref string) string {
		m := referencePattern.FindStringSubmatch(ref)
		p, ok := ps.byName[m[1]]
		if !ok || firstErr != nil {
			return ref
		}
		val, err := p.get(m[2], m[3])
		if err != nil {
			firstErr = fmt.Errorf("resolving %s in configuration %s: %w", ref, key, err)
			return ref
		}
		return val
	})
	return out, firstErr
}

// Resolve returns a copy of cfg with every value's references resolved; cfg is
// not changed. The first failure is returned, naming the key and reference (never a
// resolved value).
func (ps *Providers) Resolve(cfg map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(cfg))
	for k, v := range cfg {
		r, err := ps.ResolveValue(k, v)
		if err != nil {
			return nil, err
		}
		out[k] = r
	}
	return out, nil
}

type envProvider struct {
	environ func() []string
	allow   *regexp.Regexp
}

func (p *envProvider) get(path, key string) (string, error) {
	if path != "" {
		return "", fmt.Errorf("EnvVarConfigProvider takes no path: write ${<provider>:%s}", key)
	}
	if p.allow != nil && !p.allow.MatchString(key) {
		return "", fmt.Errorf("environment variable %s is not allowed by allowlist.pattern", key)
	}
	for _, kv := range p.environ() {
		if name, val, ok := strings.Cut(kv, "="); ok && name == key {
			return val, nil
		}
	}
	return "", fmt.Errorf("environment variable %s is not set", key)
}

type fileProvider struct{ allowed []string }

func (p *fileProvider) get(path, key string) (string, error) {
	clean, err := checkPath(path, p.allowed)
	if err != nil {
		return "", err
	}
	props, err := LoadProperties(clean)
	if err != nil {
		return "", err
	}
	v, ok := props[key]
	if !ok {
		return "", fmt.Errorf("file %s has no key %q", clean, key)
	}
	return v, nil
}

type dirProvider struct{ allowed []string }

func (p *dirProvider) get(path, key string) (string, error) {
	dir, err := checkPath(path, p.allowed)
	if err != nil {
		return "", err
	}
	if key == "" || strings.ContainsAny(key, `/\`) || key == "." || key == ".." {
		return "", fmt.Errorf("%q is not a file name in directory %s", key, dir)
	}
	file := filepath.Join(dir, key)
	st, err := os.Stat(file)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", file, err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", file)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// allowedPaths parses the allowed.paths parameter (KIP-993): absolute paths.
func allowedPaths(v, key string) ([]string, error) {
	var out []string
	for _, p := range splitList(v) {
		if !filepath.IsAbs(p) {
			return nil, fmt.Errorf("Invalid value %s for configuration %s: Path %s is not absolute", v, key, p)
		}
		out = append(out, filepath.Clean(p))
	}
	return out, nil
}

// checkPath cleans path and, when allowed is set, requires it to lie under one of
// the allowed paths.
func checkPath(path string, allowed []string) (string, error) {
	if path == "" {
		return "", fmt.Errorf("no path given: write ${<provider>:<path>:<key>}")
	}
	clean := filepath.Clean(path)
	if len(allowed) == 0 {
		return clean, nil
	}
	for _, a := range allowed {
		if clean == a || strings.HasPrefix(clean, a+string(filepath.Separator)) {
			return clean, nil
		}
	}
	return "", fmt.Errorf("path %s is not under allowed.paths", clean)
}

// splitList splits a Java LIST value: comma-separated, trimmed, empty items dropped.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// prefixed returns the entries of m under prefix, with the prefix removed.
func prefixed(m map[string]string, prefix string) map[string]string {
	out := make(map[string]string)
	for k, v := range m {
		if rest, ok := strings.CutPrefix(k, prefix); ok && rest != "" {
			out[rest] = v
		}
	}
	return out
}
