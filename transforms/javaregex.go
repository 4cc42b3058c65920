package transforms

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// javaPattern is a regular expression used as Java's Pattern with Matcher.matches()
// (the whole input must match) and Matcher.replaceFirst(replacement) with Java's
// replacement syntax: $n (the longest group number that exists), ${name}, and
// backslash escapes.
type javaPattern struct {
	re   *regexp.Regexp // anchored
	repl []replPart
}

// replPart is literal text or a group reference.
type replPart struct {
	lit   string
	group int // -1 for a literal
}

// compileJavaPattern compiles pattern (RE2 syntax, which covers the Java regexes
// used for topics) and the replacement. key names the config key in errors.
func compileJavaPattern(pattern, replacement, key, replKey string) (*javaPattern, error) {
	re, err := regexp.Compile(`^(?:` + pattern + `)$`)
	if err != nil {
		return nil, configErrorf(key, "Invalid value %s for configuration %s: %v", pattern, key, err)
	}
	p := &javaPattern{re: re}
	if p.repl, err = parseReplacement(replacement, re); err != nil {
		return nil, configErrorf(replKey, "Invalid value %s for configuration %s: %v", replacement, replKey, err)
	}
	return p, nil
}

func parseReplacement(s string, re *regexp.Regexp) ([]replPart, error) {
	var parts []replPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, replPart{lit: lit.String(), group: -1})
			lit.Reset()
		}
	}
	groups := re.NumSubexp()
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			i++
			if i >= len(s) {
				return nil, fmt.Errorf("character to be escaped is missing")
			}
			lit.WriteByte(s[i])
		case '$':
			i++
			if i >= len(s) {
				return nil, fmt.Errorf("Illegal group reference: group index is missing")
			}
			if s[i] == '{' {
				end := strings.IndexByte(s[i:], '}')
				if end < 0 {
					return nil, fmt.Errorf("named capturing group is missing trailing '}'")
				}
				name := s[i+1 : i+end]
				idx := re.SubexpIndex(name)
				if idx < 0 {
					return nil, fmt.Errorf("No group with name {%s}", name)
				}
				flush()
				parts = append(parts, replPart{group: idx})
				i += end
				continue
			}
			if s[i] < '0' || s[i] > '9' {
				return nil, fmt.Errorf("Illegal group reference")
			}
			n := int(s[i] - '0')
			for i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
				next := n*10 + int(s[i+1]-'0')
				if next > groups {
					break
				}
				n = next
				i++
			}
			if n > groups {
				return nil, fmt.Errorf("No group %d", n)
			}
			flush()
			parts = append(parts, replPart{group: n})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return parts, nil
}

// replace returns the replacement for input and true when the whole input matches.
func (p *javaPattern) replace(input string) (string, bool) {
	m := p.re.FindStringSubmatchIndex(input)
	if m == nil {
		return "", false
	}
	var b strings.Builder
	for _, part := range p.repl {
		if part.group < 0 {
			b.WriteString(part.lit)
			continue
		}
		if s, e := m[2*part.group], m[2*part.group+1]; s >= 0 {
			b.WriteString(input[s:e])
		}
	}
	return b.String(), true
}

// topicCache remembers the outcome of a regex replacement per topic: records of a
// task come from few topics, and a map lookup is much cheaper than a regex match.
// Safe for concurrent use.
type topicCache struct {
	mu sync.Mutex // guards m
	m  map[string]topicResult
}

type topicResult struct {
	topic   string
	matched bool
}

func (c *topicCache) lookup(topic string, compute func(string) (string, bool)) (string, bool) {
	c.mu.Lock()
	r, ok := c.m[topic]
	c.mu.Unlock()
	if ok {
		return r.topic, r.matched
	}
	out, matched := compute(topic)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= cacheLimit {
		c.m = make(map[string]topicResult)
	}
	c.m[topic] = topicResult{out, matched}
	c.mu.Unlock()
	return out, matched
}
