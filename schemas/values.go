package schemas

import (
	"encoding/base64"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ValueString renders v as Java's Values.convertToString does (used by
// SimpleHeaderConverter and StringConverter): strings as is, numbers in Java's
// toString form, bytes as base64, Date/Time/Timestamp in ISO-8601 (yyyy-MM-dd,
// HH:mm:ss.SSS'Z', yyyy-MM-dd'T'HH:mm:ss.SSS'Z'), arrays as [a,b], maps as {k:v}
// and structs as {"f":v} with nested strings quoted.
func ValueString(s *Schema, v any) (string, error) {
	if v == nil {
		return "", nil
	}
	var b strings.Builder
	if err := appendValueString(&b, s, v, false); err != nil {
		return "", err
	}
	return b.String(), nil
}

func appendValueString(b *strings.Builder, s *Schema, v any, embedded bool) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		if embedded {
			b.WriteByte('"')
			b.WriteString(strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(x))
			b.WriteByte('"')
		} else {
			b.WriteString(x)
		}
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int8:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int16:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int32:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float32:
		b.WriteString(FormatFloat32(x))
	case float64:
		b.WriteString(FormatFloat64(x))
	case Decimal:
		b.WriteString(x.JavaString())
	case []byte:
		b.WriteString(base64.StdEncoding.EncodeToString(x))
	case time.Time:
		// Java picks the format from the value, not the schema (Values.dateFormatFor)
		ms := x.UnixMilli()
		switch {
		case ms < msPerDay:
			b.WriteString(x.UTC().Format("15:04:05.000Z"))
		case ms%msPerDay == 0:
			b.WriteString(x.UTC().Format("2006-01-02"))
		default:
			b.WriteString(x.UTC().Format("2006-01-02T15:04:05.000Z"))
		}
	case []any:
		var elem *Schema
		if s != nil {
			elem = s.Value
		}
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := appendValueString(b, elem, e, true); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any, []MapEntry:
		var ks, vs *Schema
		if s != nil {
			ks, vs = s.Key, s.Value
		}
		entries, _ := MapEntries(x)
		if _, ok := x.(map[string]any); ok {
			slices.SortFunc(entries, func(a, c MapEntry) int { return strings.Compare(a.Key.(string), c.Key.(string)) })
		}
		b.WriteByte('{')
		for i, e := range entries {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := appendValueString(b, ks, e.Key, true); err != nil {
				return err
			}
			b.WriteByte(':')
			if err := appendValueString(b, vs, e.Value, true); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case *Struct:
		b.WriteByte('{')
		for i, f := range x.Schema().Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			appendValueString(b, nil, f.Name, true)
			b.WriteByte(':')
			if err := appendValueString(b, f.Schema, x.GetIndex(i), true); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("cannot render a value of Go type %T as a Connect string", v)
	}
	return nil
}

// ParseValueString infers a schema and value from text, as Java's
// Values.parseString: null, true/false, integers as the smallest of INT8..INT64 that
// fits (integral values beyond int64 as Decimal), other numbers as FLOAT32 when they
// fit a float else FLOAT64, ISO dates/times/timestamps, [..] arrays, {..} maps and
// quoted strings; anything else is a STRING. It never fails on plain text.
func ParseValueString(str string) (*Schema, any) {
	p := valueParser{s: str}
	s, v, ok := p.parse(true)
	if ok {
		p.ws()
		if p.i == len(p.s) {
			return s, v
		}
	}
	return StringSchema, str
}

type valueParser struct {
	s string
	i int
}

func (p *valueParser) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

// parse reads one value; top is true for the whole header text, where a bare token
// extends to the end of the input.
func (p *valueParser) parse(top bool) (*Schema, any, bool) {
	p.ws()
	if p.i >= len(p.s) {
		return nil, nil, false
	}
	switch p.s[p.i] {
	case '[':
		return p.array()
	case '{':
		return p.mapValue()
	case '"':
		str, ok := p.quoted()
		if ts, tv, isTemporal := parseTemporal(str); ok && isTemporal {
			return ts, tv, true // quoted temporal literals keep their type, as Java
		}
		return StringSchema, str, ok
	}
	start := p.i
	if top {
		p.i = len(p.s)
	} else {
		for p.i < len(p.s) && !strings.ContainsRune(",]}:", rune(p.s[p.i])) {
			p.i++
		}
	}
	tok := strings.TrimSpace(p.s[start:p.i])
	s, v, literal := parseToken(tok)
	// embedded in an array or map, a bare word is not a value (Java fails the
	// container, which then reads as a plain string)
	return s, v, top || literal
}

// parseToken reads a bare token; literal is false when it is only a string.
func parseToken(tok string) (s *Schema, v any, literal bool) {
	switch tok {
	case "null":
		return nil, nil, true
	case "true":
		return BooleanSchema, true, true
	case "false":
		return BooleanSchema, false, true
	}
	if s, v, ok := parseTemporal(tok); ok {
		return s, v, true
	}
	if s, v, ok := parseNumber(tok); ok {
		return s, v, true
	}
	return StringSchema, tok, false
}

func parseTemporal(tok string) (*Schema, any, bool) {
	if tok == "" || tok[0] < '0' || tok[0] > '9' {
		return nil, nil, false
	}
	tok = strings.ReplaceAll(tok, `\:`, ":")
	switch len(tok) {
	case len("2006-01-02T15:04:05.000Z"):
		if t, err := time.Parse("2006-01-02T15:04:05.000Z", tok); err == nil {
			return TimestampSchema().Schema(), t.UTC(), true
		}
	case len("2006-01-02"):
		if t, err := time.Parse("2006-01-02", tok); err == nil {
			return DateSchema().Schema(), t.UTC(), true
		}
	case len("15:04:05.000Z"):
		if t, err := time.Parse("15:04:05.000Z", tok); err == nil {
			return TimeSchema().Schema(), time.UnixMilli(int64(t.Hour()*3600000 + t.Minute()*60000 + t.Second()*1000 + t.Nanosecond()/1e6)).UTC(), true
		}
	}
	return nil, nil, false
}

func parseNumber(tok string) (*Schema, any, bool) {
	if tok == "" || !(tok[0] == '-' || tok[0] == '+' || (tok[0] >= '0' && tok[0] <= '9')) {
		return nil, nil, false
	}
	d, err := ParseDecimal(strings.TrimPrefix(tok, "+"))
	if err != nil {
		return nil, nil, false // includes exponents beyond MaxDecimalScale: plain text
	}
	rawScale := javaScale(tok)
	// integral values (even "1.0") take the smallest integer type that holds them
	r := new(big.Rat).SetFrac(d.Unscaled, pow10(max(d.Scale, 0)))
	if r.IsInt() {
		n := r.Num()
		if n.IsInt64() {
			x := n.Int64()
			switch {
			case x == int64(int8(x)):
				return Int8Schema, int8(x), true
			case x == int64(int16(x)):
				return Int16Schema, int16(x), true
			case x == int64(int32(x)):
				return Int32Schema, int32(x), true
			}
			return Int64Schema, x, true
		}
	}
	if rawScale != 0 {
		f64 := d.Float64()
		if f32 := float32(f64); !math.IsInf(float64(f32), 0) {
			return Float32Schema, f32, true
		}
		if !math.IsInf(f64, 0) {
			return Float64Schema, f64, true
		}
	}
	return DecimalSchema(d.Scale).Schema(), d, true
}

// javaScale is the scale Java's BigDecimal gives a literal: fraction digits minus
// the exponent.
func javaScale(tok string) int {
	exp := 0
	if i := strings.IndexAny(tok, "eE"); i >= 0 {
		exp, _ = strconv.Atoi(strings.TrimPrefix(tok[i+1:], "+"))
		tok = tok[:i]
	}
	frac := 0
	if i := strings.IndexByte(tok, '.'); i >= 0 {
		frac = len(tok) - i - 1
	}
	return frac - exp
}

func (p *valueParser) quoted() (string, bool) {
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch c {
		case '"':
			p.i++
			return b.String(), true
		case '\\':
			if p.i+1 < len(p.s) {
				p.i++
				c = p.s[p.i]
			}
		}
		b.WriteByte(c)
		p.i++
	}
	return "", false
}

func (p *valueParser) array() (*Schema, any, bool) {
	p.i++
	var out []any
	var elem *Schema
	same := true
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return ArrayBuilder(nil).Schema(), []any{}, true // Java: arrayOfNull
	}
	for {
		s, v, ok := p.parse(false)
		if !ok {
			return nil, nil, false
		}
		elem, same = commonSchema(elem, s, len(out) == 0, same)
		out = append(out, v)
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			break
		}
		return nil, nil, false
	}
	if !same || elem == nil {
		// no common element type (or only nulls): Java's arrayOfNull, an array
		// whose element schema is null
		return ArrayBuilder(nil).Schema(), out, true
	}
	for i := range out {
		out[i] = align(elem, out[i])
	}
	return ArrayBuilder(elem).Schema(), out, true
}

func (p *valueParser) mapValue() (*Schema, any, bool) {
	p.i++
	var entries []MapEntry
	var ks, vs *Schema
	sameK, sameV := true, true
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return MapBuilder(nil, nil).Schema(), []MapEntry{}, true // Java: mapOfNull
	}
	for {
		k, kv, ok := p.parse(false)
		if !ok {
			return nil, nil, false
		}
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, nil, false
		}
		p.i++
		v, vv, ok := p.parse(false)
		if !ok {
			return nil, nil, false
		}
		first := len(entries) == 0
		ks, sameK = commonSchema(ks, k, first, sameK)
		vs, sameV = commonSchema(vs, v, first, sameV)
		entries = append(entries, MapEntry{kv, vv})
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			break
		}
		return nil, nil, false
	}
	// as Java: without a common key type the map is mapOfNull, without a common
	// value type mapWithNullValues (a null schema on that side)
	if !sameK {
		ks = nil
	}
	if !sameV {
		vs = nil
	}
	for i := range entries {
		entries[i] = MapEntry{align(ks, entries[i].Key), align(vs, entries[i].Value)}
	}
	if ks != nil && ks.Type == String {
		m := make(map[string]any, len(entries))
		for _, e := range entries {
			m[e.Key.(string)] = e.Value
		}
		return MapBuilder(ks, vs).Schema(), m, true
	}
	return MapBuilder(ks, vs).Schema(), entries, true
}

// commonSchema merges s into acc as Java's Values.SchemaMerger: nulls are skipped,
// equal schemas stay, numbers widen (INT8 < INT16 < INT32 < INT64 < FLOAT32 <
// FLOAT64), and anything else leaves no common schema (same becomes false).
func commonSchema(acc, s *Schema, _ bool, same bool) (*Schema, bool) {
	if s == nil || !same {
		return acc, same
	}
	if acc == nil {
		return s, true
	}
	if acc.Type == s.Type && acc.Name == s.Name {
		return acc, true
	}
	ra, rs := numRank(acc), numRank(s)
	if ra == 0 || rs == 0 {
		return nil, false
	}
	if rs > ra {
		return s, true
	}
	return acc, true
}

func numRank(s *Schema) int {
	if s.Name != "" {
		return 0
	}
	switch s.Type {
	case Int8:
		return 1
	case Int16:
		return 2
	case Int32:
		return 3
	case Int64:
		return 4
	case Float32:
		return 5
	case Float64:
		return 6
	}
	return 0
}

// align converts parsed numbers to the common element type.
func align(s *Schema, v any) any {
	if s == nil || v == nil {
		return v
	}
	var f float64
	switch x := v.(type) {
	case int8:
		f = float64(x)
	case int16:
		f = float64(x)
	case int32:
		f = float64(x)
	case int64:
		switch s.Type {
		case Int64:
			return x
		case Float32:
			return float32(x)
		case Float64:
			return float64(x)
		}
		return v
	case float32:
		if s.Type == Float64 {
			return float64(x)
		}
		return v
	default:
		return v
	}
	switch s.Type {
	case Int8:
		return int8(f)
	case Int16:
		return int16(f)
	case Int32:
		return int32(f)
	case Int64:
		return int64(f)
	case Float32:
		return float32(f)
	case Float64:
		return f
	}
	return v
}
