package transforms

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // converted.timezone must resolve on hosts without zoneinfo

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

// Debezium's temporal semantic types handled by TimezoneConverter.
const (
	dbzZonedTimestamp = "io.debezium.time.ZonedTimestamp"
	dbzZonedTime      = "io.debezium.time.ZonedTime"
	dbzMicroTimestamp = "io.debezium.time.MicroTimestamp"
	dbzNanoTimestamp  = "io.debezium.time.NanoTimestamp"
	dbzTimestamp      = "io.debezium.time.Timestamp"
)

func timezoneConverterDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(required("converted.timezone", connectors.TypeString, connectors.High, "A string that represents the timezone to which the time-based fields should be converted.The format can be geographic (e.g. America/Los_Angeles), or it can be a UTC offset in the format of +/-hh:mm, (e.g. +08:00).")).
		Define(optional("include.list", connectors.TypeList, connectors.Str(""), connectors.High, "A comma-separated list of rules that specify what events should be evaluated for timezone conversion, using one of the following formats: `source:<tablename>`, `source:<tablename>:<fieldname>`, `topic:<topicname>`, `topic:<topicname>:<fieldname>`, `<matchname>:<fieldname>`.")).
		Define(optional("exclude.list", connectors.TypeList, connectors.Str(""), connectors.High, "A comma-separated list of rules that specify what events should be excluded from timezone conversion, using one of the following formats: `source:<tablename>`, `source:<tablename>:<fieldnames>`, `topic:<topicname>`, `topic:<topicname>:<fieldnames>`, `<matchname>:<fieldnames>`."))
}

var (
	tzOffsetPattern = regexp.MustCompile(`^[+-]\d{2}:\d{2}(:\d{2})?$`)
	tzRulePattern   = regexp.MustCompile(`^[".\w\s_]+(:[".\w\s_]+(:[".\w\s_]+)?)?$`)
)

// timezoneConverter is Debezium's TimezoneConverter: in change-event envelopes it
// converts the Debezium and Connect timestamp fields of before/after (and named
// source fields) to converted.timezone. ZonedTimestamp and ZonedTime keep their
// instant and get the zone's offset (rendered as Java's ISO_OFFSET_DATE_TIME/TIME:
// minimal fraction digits, Z for UTC); Timestamp, MicroTimestamp, NanoTimestamp and
// Connect Timestamp values are read as UTC wall-clock time and re-based to the zone,
// as Debezium does.
type timezoneConverter struct {
	loc     *time.Location
	exclude bool // the rules are an exclude list
	rules   bool // any rule configured
	topics  map[string]map[string]bool
	tables  map[string]map[string]bool
	plain   map[string]map[string]bool
}

func newTimezoneConverter(cfg connectors.Config) (Transformation, error) {
	p, err := parse(timezoneConverterDef(), cfg)
	if err != nil {
		return nil, err
	}
	tz := p.str("converted.timezone")
	t := &timezoneConverter{topics: map[string]map[string]bool{}, tables: map[string]map[string]bool{}, plain: map[string]map[string]bool{}}
	if t.loc, err = loadZone(tz); err != nil {
		return nil, configErrorf("converted.timezone", "Invalid timezone format. Please specify either a geographic timezone (e.g. America/Los_Angeles) or a UTC offset in the format of +/-hh:mm, (e.g. +08:00).")
	}
	include, exclude := p.list("include.list"), p.list("exclude.list")
	if len(include) > 0 && len(exclude) > 0 {
		return nil, configErrorf("include.list", "Both include and exclude lists are specified. Please specify only one.")
	}
	list, key := include, "include.list"
	if len(exclude) > 0 {
		list, key, t.exclude = exclude, "exclude.list", true
	}
	t.rules = len(list) > 0
	var prefix string
	for _, item := range list {
		if !tzRulePattern.MatchString(item) {
			return nil, configErrorf(key, "Invalid %s format. Please specify a list of rules in the format of \"source:<tablename>:<fieldnames>\", \"topic:<topicname>:<fieldnames>\", \"<matchname>:<fieldnames>\"", strings.TrimSuffix(key, ".list")+" list")
		}
		parts := strings.Split(item, ":")
		match, field := parts[0], ""
		if len(parts) >= 2 {
			if strings.EqualFold(parts[0], "source") || strings.EqualFold(parts[0], "topic") {
				prefix = strings.ToLower(parts[0])
				match = parts[1]
				if len(parts) == 3 {
					field = parts[2]
				}
			} else {
				match, field = parts[0], parts[1]
			}
		}
		m := t.plain
		switch prefix {
		case "topic":
			m = t.topics
		case "source":
			m = t.tables
		}
		if m[match] == nil {
			m[match] = map[string]bool{}
		}
		if field != "" {
			m[match][field] = true
		}
	}
	return t, nil
}

func loadZone(tz string) (*time.Location, error) {
	if tzOffsetPattern.MatchString(tz) {
		sign := 1
		if tz[0] == '-' {
			sign = -1
		}
		parts := strings.Split(tz[1:], ":")
		secs := 0
		for i, p := range parts {
			n, _ := strconv.Atoi(p)
			secs += n * []int{3600, 60, 1}[i]
		}
		return time.FixedZone(tz, sign*secs), nil
	}
	if tz == "" || tz == "Local" {
		return nil, fmt.Errorf("unknown time zone %q", tz)
	}
	return time.LoadLocation(tz)
}

// scope says which fields of a matched event to convert.
type tzScope struct {
	all    bool
	fields map[string]bool // before/after/source-qualified or plain names
	negate bool            // exclude the named fields, convert the rest
}

func (t *timezoneConverter) match(table, topic string) (map[string]bool, bool) {
	if f, ok := t.topics[topic]; ok {
		return f, true
	}
	if f, ok := t.tables[table]; ok && table != "" {
		return f, true
	}
	if f, ok := t.plain[topic]; ok {
		return f, true
	}
	if f, ok := t.plain[table]; ok && table != "" {
		return f, true
	}
	return nil, false
}

func (t *timezoneConverter) scope(table, topic string) (tzScope, bool) {
	fields, matched := t.match(table, topic)
	switch {
	case !t.rules:
		return tzScope{all: true}, true
	case !t.exclude:
		if !matched {
			return tzScope{}, false
		}
		if len(fields) == 0 {
			return tzScope{all: true}, true
		}
		return tzScope{fields: fields}, true
	}
	if !matched {
		return tzScope{all: true}, true
	}
	if len(fields) == 0 {
		return tzScope{}, false
	}
	return tzScope{fields: fields, negate: true}, true
}

func (t *timezoneConverter) Apply(r *connectors.Record) (*connectors.Record, error) {
	return t.apply(r, false)
}

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *timezoneConverter) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	if r.Value == nil || !isEnvelope(r.ValueSchema) {
		return r, nil
	}
	env, ok := r.Value.(*schemas.Struct)
	if !ok {
		return r, nil
	}
	var table string
	source, _ := rawField(env, envSource).(*schemas.Struct)
	if source != nil {
		table, _ = rawField(source, "table").(string)
	}
	sc, ok := t.scope(table, r.Topic)
	if !ok {
		return r, nil
	}
	ne := schemas.NewStruct(env.Schema())
	changed := false
	for i, f := range env.Schema().Fields {
		v := env.Raw(i)
		sub, isStruct := v.(*schemas.Struct)
		if isStruct && sub != nil && (f.Name == envBefore || f.Name == envAfter || f.Name == envSource) {
			conv, did, err := t.convertStruct(sub, f.Name, sc)
			if err != nil {
				return nil, err
			}
			if did {
				v, changed = conv, true
			}
		}
		ne.SetIndex(i, v)
	}
	if !changed {
		return r, nil
	}
	c := mutable(r, owned)
	c.Value = ne
	return c, nil
}

// convertStruct converts the eligible fields of one block (before, after or source).
func (t *timezoneConverter) convertStruct(st *schemas.Struct, block string, sc tzScope) (*schemas.Struct, bool, error) {
	if block == envSource && (sc.all || sc.negate) {
		// Source fields are only converted when named explicitly.
		if !sc.negate || !hasBlockField(sc.fields, block) {
			return nil, false, nil
		}
	}
	var out *schemas.Struct
	for i, f := range st.Schema().Fields {
		if !isTzConvertible(f.Schema) {
			continue
		}
		if !sc.all {
			named := sc.fields[block+"."+f.Name] || (block != envSource && sc.fields[f.Name])
			if named == sc.negate {
				continue
			}
		}
		v := st.Raw(i)
		if v == nil {
			continue
		}
		nv, err := t.convertValue(f.Schema.Name, v)
		if err != nil {
			return nil, false, dataErrorf("Cannot convert field %s.%s to time zone %s: %v", block, f.Name, t.loc, err)
		}
		if out == nil {
			out = schemas.NewStruct(st.Schema())
			for j := range st.Schema().Fields {
				out.SetIndex(j, st.Raw(j))
			}
		}
		out.SetIndex(i, nv)
	}
	return out, out != nil, nil
}

func hasBlockField(fields map[string]bool, block string) bool {
	for f := range fields {
		if strings.HasPrefix(f, block+".") {
			return true
		}
	}
	return false
}

func isTzConvertible(s *schemas.Schema) bool {
	switch s.Name {
	case dbzZonedTimestamp, dbzZonedTime, dbzMicroTimestamp, dbzNanoTimestamp, dbzTimestamp:
		return true
	}
	return schemas.LogicalName(s) == schemas.TimestampName
}

// rebase reads t's UTC wall-clock time as a local time in loc.
func rebase(t time.Time, loc *time.Location) time.Time {
	u := t.UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), u.Hour(), u.Minute(), u.Second(), u.Nanosecond(), loc)
}

func (t *timezoneConverter) convertValue(name string, v any) (any, error) {
	switch name {
	case dbzZonedTimestamp:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("expected a string, found %s", typeName(v))
		}
		ts, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, err
		}
		return ts.In(t.loc).Format(time.RFC3339Nano), nil
	case dbzZonedTime:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("expected a string, found %s", typeName(v))
		}
		ts, err := parseZonedTime(s)
		if err != nil {
			return nil, err
		}
		_, off := time.Now().In(t.loc).Zone()
		local := ts.In(time.FixedZone("", off))
		return local.Format("15:04:05.999999999Z07:00"), nil
	case dbzMicroTimestamp:
		n, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("expected an int64, found %s", typeName(v))
		}
		return rebase(time.UnixMicro(n), t.loc).UnixMicro(), nil
	case dbzNanoTimestamp:
		n, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("expected an int64, found %s", typeName(v))
		}
		return rebase(time.Unix(0, n), t.loc).UnixNano(), nil
	case dbzTimestamp:
		n, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("expected an int64, found %s", typeName(v))
		}
		return rebase(time.UnixMilli(n), t.loc).UnixMilli(), nil
	}
	ts, ok := v.(time.Time)
	if !ok {
		return nil, fmt.Errorf("expected a time, found %s", typeName(v))
	}
	return rebase(ts, t.loc).UTC(), nil
}

func parseZonedTime(s string) (time.Time, error) {
	for _, layout := range []string{"15:04:05.999999999Z07:00", "15:04:05Z07:00"} {
		if ts, err := time.Parse(layout, s); err == nil {
			return ts, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot parse %q as an ISO offset time", s)
}
