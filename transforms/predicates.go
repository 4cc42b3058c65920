package transforms

import (
	"regexp"

	"github.com/gonnect/gonnect/connectors"
)

func topicNameMatchesDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(withValidator(required("pattern", connectors.TypeString, connectors.Medium, "A Java regular expression for matching against the name of a record's topic."), func(v any) error {
			if err := nonEmptyString(v); err != nil {
				return err
			}
			return validRegex(v)
		}))
}

// topicNameMatches is Kafka's TopicNameMatches: true when the whole topic matches.
type topicNameMatches struct{ re *regexp.Regexp }

func newTopicNameMatches(cfg connectors.Config) (Predicate, error) {
	p, err := parse(topicNameMatchesDef(), cfg)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(`^(?:` + p.str("pattern") + `)$`)
	if err != nil {
		return nil, configErrorf("pattern", "Invalid value %s for configuration pattern: %v", p.str("pattern"), err)
	}
	return &topicNameMatches{re: re}, nil
}

func (p *topicNameMatches) Test(r *connectors.Record) (bool, error) {
	return r.Topic != "" && p.re.MatchString(r.Topic), nil
}

func hasHeaderKeyDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(withValidator(required("name", connectors.TypeString, connectors.Medium, "The header name."), nonEmptyString))
}

// hasHeaderKey is Kafka's HasHeaderKey: true when a header with the name exists.
type hasHeaderKey struct{ name string }

func newHasHeaderKey(cfg connectors.Config) (Predicate, error) {
	p, err := parse(hasHeaderKeyDef(), cfg)
	if err != nil {
		return nil, err
	}
	return &hasHeaderKey{name: p.str("name")}, nil
}

func (p *hasHeaderKey) Test(r *connectors.Record) (bool, error) {
	_, ok := r.Headers.Last(p.name)
	return ok, nil
}

// recordIsTombstone is Kafka's RecordIsTombstone: true when the value is null.
type recordIsTombstone struct{}

func (recordIsTombstone) Test(r *connectors.Record) (bool, error) { return r.Value == nil, nil }
