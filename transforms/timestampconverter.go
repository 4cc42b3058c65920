package transforms

import (
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

const tsPurpose = "converting timestamp formats"

// Target types of TimestampConverter.
const (
	tsString    = "string"
	tsUnix      = "unix"
	tsDate      = "Date"
	tsTime      = "Time"
	tsTimestamp = "Timestamp"
)

func timestampConverterDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(optional("field", connectors.TypeString, connectors.Str(""), connectors.High, "The field containing the timestamp, or empty if the entire value is a timestamp")).
		Define(withValidator(required("target.type", connectors.TypeString, connectors.High, "The desired timestamp representation: string, unix, Date, Time, or Timestamp"), oneOfExact(tsString, tsUnix, tsDate, tsTime, tsTimestamp))).
		Define(optional("format", connectors.TypeString, connectors.Str(""), connectors.Medium, "A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string.")).
		Define(withValidator(optional("unix.precision", connectors.TypeString, connectors.Str("milliseconds"), connectors.Low, "The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long.Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components."), oneOfExact("nanoseconds", "microseconds", "milliseconds", "seconds"))).
		Define(replaceNullKey())
}

// timestampConverter is Kafka's TimestampConverter. Like Java it works through a
// millisecond instant, so sub-millisecond digits are lost.
type timestampConverter struct {
	side        side
	field       string
	target      string
	layout      string // Go layout of format, "" when none
	pattern     string
	precision   string
	replaceNull bool
	cache       schemaCache[*schemas.Schema, *schemas.Schema]
}

func newTimestampConverter(s side, cfg connectors.Config) (Transformation, error) {
	p, err := parse(timestampConverterDef(), cfg)
	if err != nil {
		return nil, err
	}
	t := &timestampConverter{side: s, field: p.str("field"), target: p.str("target.type"), pattern: p.str("format"), precision: p.str("unix.precision"), replaceNull: p.boolean("replace.null.with.default")}
	if t.target == tsString && t.pattern == "" {
		return nil, configErrorf("format", "TimestampConverter requires format option to be specified when using string timestamps")
	}
	if t.pattern != "" {
		if t.layout, err = javaDateLayout(t.pattern); err != nil {
			return nil, configErrorf("format", "TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: %s, %v", t.pattern, err)
		}
	}
	return t, nil
}

func (t *timestampConverter) targetSchema(optional bool) *schemas.Schema {
	var b *schemas.Builder
	switch t.target {
	case tsString:
		b = schemas.NewBuilder(schemas.String)
	case tsUnix:
		b = schemas.NewBuilder(schemas.Int64)
	case tsDate:
		b = schemas.DateSchema()
	case tsTime:
		b = schemas.TimeSchema()
	default:
		b = schemas.TimestampSchema()
	}
	if optional {
		b.Optional()
	}
	return b.Schema()
}

func (t *timestampConverter) Apply(r *connectors.Record) (*connectors.Record, error) {
	return t.apply(r, false)
}

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *timestampConverter) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	v := t.side.value(r)
	sch := t.side.schema(r)
	if sch == nil {
		if t.field == "" {
			out, err := t.convert(v, "")
			if err != nil {
				return nil, err
			}
			return t.side.with(r, owned, nil, out), nil
		}
		m, err := requireMapOrNull(v, tsPurpose)
		if err != nil || m == nil {
			return t.side.with(r, owned, nil, nil), err
		}
		out := make(map[string]any, len(m))
		for k, x := range m {
			out[k] = x
		}
		if out[t.field], err = t.convert(m[t.field], ""); err != nil {
			return nil, err
		}
		return t.side.with(r, owned, nil, out), nil
	}
	if t.field == "" {
		from, err := timestampTypeOf(sch)
		if err != nil {
			return nil, err
		}
		out, err := t.convert(v, from)
		if err != nil {
			return nil, err
		}
		return t.side.with(r, owned, t.targetSchema(sch.Optional), out), nil
	}
	st, err := requireStructOrNull(v, tsPurpose)
	if err != nil {
		return nil, err
	}
	out, ok := t.cache.get(sch)
	if !ok {
		b := structBasics(sch)
		for _, f := range sch.Fields {
			if f.Name == t.field {
				b.Field(f.Name, t.targetSchema(f.Schema.Optional))
			} else {
				b.Field(f.Name, f.Schema)
			}
		}
		if sch.Optional {
			b.Optional()
		}
		if out, err = b.Build(); err != nil {
			return nil, dataErrorf("%v", err)
		}
		t.cache.put(sch, out)
	}
	if st == nil {
		return t.side.with(r, owned, out, nil), nil
	}
	ns := schemas.NewStruct(out)
	for i, f := range sch.Fields {
		x := getField(st, i, t.replaceNull)
		if f.Name == t.field {
			from, err := timestampTypeOf(f.Schema)
			if err != nil {
				return nil, err
			}
			if x, err = t.convert(x, from); err != nil {
				return nil, err
			}
		}
		ns.SetIndex(i, x)
	}
	return t.side.with(r, owned, out, ns), nil
}

func timestampTypeOf(s *schemas.Schema) (string, error) {
	switch schemas.LogicalName(s) {
	case schemas.TimestampName:
		return tsTimestamp, nil
	case schemas.DateName:
		return tsDate, nil
	case schemas.TimeName:
		return tsTime, nil
	}
	switch s.Type {
	case schemas.String:
		return tsString, nil
	case schemas.Int64:
		return tsUnix, nil
	}
	return "", dataErrorf("Schema %s does not correspond to a known timestamp type format", s)
}

// convert turns v (of type from, inferred when "") into the target type.
func (t *timestampConverter) convert(v any, from string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if from == "" {
		switch v.(type) {
		case time.Time:
			from = tsTimestamp
		case int64:
			from = tsUnix
		case string:
			from = tsString
		default:
			return nil, dataErrorf("TimestampConverter does not support %s objects as timestamps", typeName(v))
		}
	}
	ms, err := t.toMillis(v, from)
	if err != nil {
		return nil, err
	}
	inst := time.UnixMilli(ms).UTC()
	switch t.target {
	case tsString:
		return inst.Format(t.layout), nil
	case tsUnix:
		switch t.precision {
		case "seconds":
			return ms / 1000, nil
		case "microseconds":
			return ms * 1000, nil
		case "nanoseconds":
			return ms * 1_000_000, nil
		}
		return ms, nil
	case tsDate:
		return time.Date(inst.Year(), inst.Month(), inst.Day(), 0, 0, 0, 0, time.UTC), nil
	case tsTime:
		return time.UnixMilli(floorMod(ms, 24*3600*1000)).UTC(), nil
	}
	return inst, nil
}

func (t *timestampConverter) toMillis(v any, from string) (int64, error) {
	bad := func() (int64, error) {
		switch from {
		case tsString:
			return 0, dataErrorf("Expected string timestamp to be a String, but found %s", typeName(v))
		case tsUnix:
			return 0, dataErrorf("Expected Unix timestamp to be a Long, but found %s", typeName(v))
		}
		return 0, dataErrorf("Expected %s to be a time.Time, but found %s", from, typeName(v))
	}
	switch from {
	case tsString:
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		if t.layout == "" {
			return 0, configErrorf("format", "TimestampConverter requires format option to be specified when using string timestamps")
		}
		ts, err := time.Parse(t.layout, s)
		if err != nil {
			return 0, dataErrorf("Could not parse timestamp: value (%s) does not match pattern (%s)", s, t.pattern)
		}
		return ts.UnixMilli(), nil
	case tsUnix:
		n, ok := v.(int64)
		if !ok {
			return bad()
		}
		switch t.precision {
		case "seconds":
			return n * 1000, nil
		case "microseconds":
			return n / 1000, nil
		case "nanoseconds":
			return n / 1_000_000, nil
		}
		return n, nil
	}
	ts, ok := v.(time.Time)
	if !ok {
		return bad()
	}
	return ts.UnixMilli(), nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }
