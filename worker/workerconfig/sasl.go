package workerconfig

import (
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// JAAS login modules Gonnect understands in sasl.jaas.config.
const (
	PlainLoginModule = "org.apache.kafka.common.security.plain.PlainLoginModule"
	ScramLoginModule = "org.apache.kafka.common.security.scram.ScramLoginModule"
)

// JAASEntry is one parsed sasl.jaas.config login module.
type JAASEntry struct {
	Module  string
	Flag    string // required, requisite, sufficient or optional
	Options map[string]string
}

// ParseJAAS parses a Kafka sasl.jaas.config value, which holds exactly one login
// module: `<class> <flag> key="value" key2=value2;`. Quoted values may contain
// \" and \\. Errors describe the position, never the (secret) values.
func ParseJAAS(v string) (JAASEntry, error) {
	toks, err := jaasTokens(v)
	if err != nil {
		return JAASEntry{}, err
	}
	var e JAASEntry
	i := 0
	next := func() (jaasToken, bool) {
		if i >= len(toks) {
			return jaasToken{}, false
		}
		i++
		return toks[i-1], true
	}
	t, ok := next()
	if !ok || t.kind != 'w' {
		return e, errors.New("expected a login module class name")
	}
	e.Module = t.text
	t, ok = next()
	if !ok || t.kind != 'w' {
		return e, fmt.Errorf("expected a control flag (required, requisite, sufficient, optional) after %s", e.Module)
	}
	switch f := strings.ToLower(t.text); f {
	case "required", "requisite", "sufficient", "optional":
		e.Flag = f
	default:
		return e, fmt.Errorf("invalid control flag %q after %s", t.text, e.Module)
	}
	e.Options = map[string]string{}
	for {
		t, ok = next()
		if !ok {
			return e, errors.New("missing ';' at the end of the login module")
		}
		if t.kind == ';' {
			break
		}
		if t.kind != 'w' {
			return e, errors.New("expected an option name")
		}
		name := t.text
		if eq, ok := next(); !ok || eq.kind != '=' {
			return e, fmt.Errorf("expected '=' after option %s", name)
		}
		val, ok := next()
		if !ok || (val.kind != 'w' && val.kind != '"') {
			return e, fmt.Errorf("expected a value for option %s", name)
		}
		e.Options[name] = val.text
	}
	if i != len(toks) {
		return e, errors.New("sasl.jaas.config must contain exactly one login module")
	}
	return e, nil
}

type jaasToken struct {
	kind byte // 'w' word, '"' quoted, '=' or ';'
	text string
}

func jaasTokens(v string) ([]jaasToken, error) {
	var toks []jaasToken
	for i := 0; i < len(v); {
		c := v[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '=' || c == ';':
			toks = append(toks, jaasToken{kind: c})
			i++
		case c == '"':
			var b strings.Builder
			i++
			closed := false
			for i < len(v) {
				if v[i] == '\\' && i+1 < len(v) {
					b.WriteByte(v[i+1])
					i += 2
					continue
				}
				if v[i] == '"' {
					closed = true
					i++
					break
				}
				b.WriteByte(v[i])
				i++
			}
			if !closed {
				return nil, errors.New("unterminated quoted value")
			}
			toks = append(toks, jaasToken{kind: '"', text: b.String()})
		default:
			start := i
			for i < len(v) && !strings.ContainsRune(" \t\r\n=;\"", rune(v[i])) {
				i++
			}
			toks = append(toks, jaasToken{kind: 'w', text: v[start:i]})
		}
	}
	return toks, nil
}

// buildSASL returns the franz-go mechanism for sasl.mechanism and sasl.jaas.config.
func buildSASL(s settings) (sasl.Mechanism, error) {
	mech := strings.ToUpper(s.str("sasl.mechanism", "GSSAPI"))
	var module string
	switch mech {
	case "PLAIN":
		module = PlainLoginModule
	case "SCRAM-SHA-256", "SCRAM-SHA-512":
		module = ScramLoginModule
	case "GSSAPI":
		return nil, fmt.Errorf("%s=GSSAPI (Kerberos, Kafka's default) is not supported: set it to PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", s.name("sasl.mechanism"))
	default:
		return nil, fmt.Errorf("Invalid value %s for configuration %s: Gonnect supports PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512", mech, s.name("sasl.mechanism"))
	}
	jaas, ok := s.get("sasl.jaas.config")
	if !ok || jaas == "" {
		return nil, fmt.Errorf("Missing required configuration \"%s\" which has no default value. (needed by sasl.mechanism=%s)", s.name("sasl.jaas.config"), mech)
	}
	e, err := ParseJAAS(jaas)
	if err != nil {
		return nil, fmt.Errorf("Invalid value [hidden] for configuration %s: %v", s.name("sasl.jaas.config"), err)
	}
	if e.Module != module {
		return nil, fmt.Errorf("Invalid value [hidden] for configuration %s: %s=%s needs login module %s, found %s",
			s.name("sasl.jaas.config"), s.name("sasl.mechanism"), mech, module, e.Module)
	}
	user, pass := e.Options["username"], e.Options["password"]
	if user == "" {
		return nil, fmt.Errorf("Invalid value [hidden] for configuration %s: the login module has no username", s.name("sasl.jaas.config"))
	}
	switch mech {
	case "PLAIN":
		return plain.Auth{User: user, Pass: pass}.AsMechanism(), nil
	case "SCRAM-SHA-256":
		return scram.Auth{User: user, Pass: pass, IsToken: e.Options["tokenauth"] == "true"}.AsSha256Mechanism(), nil
	default:
		return scram.Auth{User: user, Pass: pass, IsToken: e.Options["tokenauth"] == "true"}.AsSha512Mechanism(), nil
	}
}
