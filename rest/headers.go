package rest

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// headerRule is one response.http.headers.config rule (Jetty's header rules).
type headerRule struct {
	action, name, value string // action: set, add, setDate, addDate (lower-cased)
}

// ResponseHeaders applies the worker property response.http.headers.config to every
// response: comma-separated rules "[action] [header name]:[header value]" with action
// set, add, setDate or addDate (the Date forms take milliseconds from now and render
// an HTTP date); a rule containing a comma is wrapped in double quotes. Default "".
// An invalid value is reported by New, naming the rule.
func ResponseHeaders(rules string) Opt { return func(c *config) { c.headerConfig = rules } }

func parseHeaderRules(config string) ([]headerRule, error) {
	var out []headerRule
	for _, raw := range csvSplit(config) {
		rule := strings.TrimSpace(raw)
		if rule == "" {
			continue
		}
		action, rest, ok := strings.Cut(rule, " ")
		name, value, ok2 := strings.Cut(strings.TrimSpace(rest), ":")
		if !ok || !ok2 || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("response.http.headers.config: Invalid format of header config '%s'. Expected: '[action] [header name]:[header value]'", rule)
		}
		switch strings.ToLower(action) {
		case "set", "add", "setdate", "adddate":
		default:
			return nil, fmt.Errorf("response.http.headers.config: Invalid header config action: '%s'. Expected one of [set, add, setDate, addDate]", action)
		}
		r := headerRule{action: strings.ToLower(action), name: strings.TrimSpace(name), value: strings.TrimSpace(value)}
		if strings.HasSuffix(r.action, "date") {
			var ms int64
			if _, err := fmt.Sscan(r.value, &ms); err != nil {
				return nil, fmt.Errorf("response.http.headers.config: rule '%s': the value of %s must be milliseconds", rule, action)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// csvSplit splits on commas outside double quotes and removes the quotes.
func csvSplit(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ',' && !quoted:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(out, cur.String())
}

// responseHeaders sets the configured headers before the handler writes.
func (s *Server) responseHeaders(c *gin.Context) {
	h := c.Writer.Header()
	for _, r := range s.headerRules {
		v := r.value
		if strings.HasSuffix(r.action, "date") {
			var ms int64
			fmt.Sscan(v, &ms)
			v = time.Now().Add(time.Duration(ms) * time.Millisecond).UTC().Format(http.TimeFormat)
		}
		if strings.HasPrefix(r.action, "set") {
			h.Set(r.name, v)
		} else {
			h.Add(r.name, v)
		}
	}
	c.Next()
}
