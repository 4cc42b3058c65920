package transforms

import (
	"strings"

	"github.com/gonnect/gonnect/connectors"
)

func regexRouterDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(withValidator(required("regex", connectors.TypeString, connectors.High, "Regular expression to use for matching."), validRegex)).
		Define(required("replacement", connectors.TypeString, connectors.High, "Replacement string."))
}

// regexRouter is Kafka's RegexRouter: when the whole topic matches regex, the topic
// becomes the replacement (Java's $1 syntax).
type regexRouter struct {
	p     *javaPattern
	cache topicCache
}

func newRegexRouter(cfg connectors.Config) (Transformation, error) {
	p, err := parse(regexRouterDef(), cfg)
	if err != nil {
		return nil, err
	}
	jp, err := compileJavaPattern(p.str("regex"), p.str("replacement"), "regex", "replacement")
	if err != nil {
		return nil, err
	}
	return &regexRouter{p: jp}, nil
}

func (t *regexRouter) Apply(r *connectors.Record) (*connectors.Record, error) {
	return t.apply(r, false)
}

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *regexRouter) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	topic, ok := t.cache.lookup(r.Topic, t.p.replace)
	if !ok {
		return r, nil
	}
	c := mutable(r, owned)
	c.Topic = topic
	return c, nil
}

func timestampRouterDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(optional("topic.format", connectors.TypeString, connectors.Str("${topic}-${timestamp}"), connectors.High, "Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively.")).
		Define(optional("timestamp.format", connectors.TypeString, connectors.Str("yyyyMMdd"), connectors.High, "Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>."))
}

// timestampRouter is Kafka's TimestampRouter: the topic becomes topic.format with
// ${topic} and ${timestamp} (the record timestamp in UTC) substituted.
type timestampRouter struct {
	format string
	layout string
}

func newTimestampRouter(cfg connectors.Config) (Transformation, error) {
	p, err := parse(timestampRouterDef(), cfg)
	if err != nil {
		return nil, err
	}
	layout, err := javaDateLayout(p.str("timestamp.format"))
	if err != nil {
		return nil, configErrorf("timestamp.format", "Invalid value %s for configuration timestamp.format: %v", p.str("timestamp.format"), err)
	}
	return &timestampRouter{format: p.str("topic.format"), layout: layout}, nil
}

func (t *timestampRouter) Apply(r *connectors.Record) (*connectors.Record, error) {
	return t.apply(r, false)
}

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *timestampRouter) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	if r.Timestamp.IsZero() {
		return nil, dataErrorf("Timestamp missing on record: topic %s", r.Topic)
	}
	ts := r.Timestamp.UTC().Format(t.layout)
	c := mutable(r, owned)
	c.Topic = strings.ReplaceAll(strings.ReplaceAll(t.format, "${topic}", r.Topic), "${timestamp}", ts)
	return c, nil
}
