package workerconfig

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// parser reads typed values out of resolved properties, collecting one error per
// bad key in Java's wording ("Invalid value X for configuration K: reason").
type parser struct {
	props    map[string]string
	errs     []error
	warnings []string
}

func (p *parser) fail(key, value, reason string) {
	p.errs = append(p.errs, fmt.Errorf("Invalid value %s for configuration %s: %s", value, key, reason))
}

func (p *parser) require(keys ...string) {
	for _, k := range keys {
		if strings.TrimSpace(p.props[k]) == "" {
			p.errs = append(p.errs, fmt.Errorf("Missing required configuration \"%s\" which has no default value.", k))
		}
	}
}

func (p *parser) str(key, def string) string {
	if v, ok := p.props[key]; ok {
		return strings.TrimSpace(v)
	}
	return def
}

func (p *parser) list(key, def string) []string {
	v, ok := p.props[key]
	if !ok {
		v = def
	}
	return splitList(v)
}

// integer parses key as a Java INT/LONG/SHORT (typ names it in errors) within [lo, hi].
func (p *parser) integer(key string, def, lo, hi int64, typ string) int64 {
	v, ok := p.props[key]
	if !ok || strings.TrimSpace(v) == "" && typ == "INT" && def == 0 {
		return def
	}
	bits := map[string]int{"SHORT": 16, "INT": 32, "LONG": 64}[typ]
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, bits)
	if err != nil {
		p.fail(key, v, "Not a number of type "+typ)
		return def
	}
	if n < lo {
		p.fail(key, v, fmt.Sprintf("Value must be at least %d", lo))
		return def
	}
	if n > hi {
		p.fail(key, v, fmt.Sprintf("Value must be no more than %d", hi))
		return def
	}
	return n
}

func (p *parser) ms(key string, def, lo int64, typ string) time.Duration {
	hi := int64(1<<31 - 1)
	if typ == "LONG" {
		hi = int64(1<<63-1) / int64(time.Millisecond)
	}
	return time.Duration(p.integer(key, def, lo, hi, typ)) * time.Millisecond
}

func (p *parser) boolean(key string, def bool) bool {
	v, ok := p.props[key]
	if !ok {
		return def
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true":
		return true
	case "false":
		return false
	}
	p.fail(key, v, "Expected value to be either true or false")
	return def
}

// oneOf returns key's value when it is one of allowed (case-insensitively), else def
// with an error.
func (p *parser) oneOf(key, def string, allowed ...string) string {
	v, ok := p.props[key]
	if !ok {
		return def
	}
	t := strings.TrimSpace(v)
	for _, a := range allowed {
		if strings.EqualFold(t, a) {
			return a
		}
	}
	var shown []string
	for _, a := range allowed {
		if a != "" {
			shown = append(shown, a)
		}
	}
	p.fail(key, v, "String must be one of: "+strings.Join(shown, ", "))
	return def
}

// topic reads <prefix>topic/partitions/replication.factor and the topic configs.
func (p *parser) topic(prefix string, partitions, rf int64) TopicSettings {
	t := TopicSettings{
		Topic:             p.str(prefix+"topic", ""),
		Partitions:        int32(p.integer(prefix+"partitions", partitions, -1, 1<<31-1, "INT")),
		ReplicationFactor: int16(p.integer(prefix+"replication.factor", rf, -1, 1<<15-1, "SHORT")),
		Configs:           map[string]string{},
	}
	if t.Partitions == 0 {
		p.fail(prefix+"partitions", "0", "Number of partitions must be positive, or -1 to use the broker's default")
	}
	if t.ReplicationFactor == 0 {
		p.fail(prefix+"replication.factor", "0", "Replication factor must be positive, or -1 to use the broker's default")
	}
	for _, k := range slices.Sorted(maps.Keys(prefixed(p.props, prefix))) {
		if topicSettingKeys[k] {
			continue
		}
		if k == "cleanup.policy" {
			p.warnings = append(p.warnings, prefix+"cleanup.policy is ignored: internal topics are always compacted")
			continue
		}
		t.Configs[k] = p.props[prefix+k]
	}
	return t
}
