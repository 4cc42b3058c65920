package oracle

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/oracle/sqlredo"
	"github.com/gonnect/gonnect/schemas"
)

// The converters below turn LogMiner's printed values (rendered under the mining
// session's NLS settings, F-NLS) into Connect values exactly as Debezium's
// OracleValueConverters does. None of them depends on the process time zone: every
// wall-clock literal is placed at UTC (M-TIME).

func numericText(c *cdc.Column, v any) (string, bool, error) {
	rv, err := redoValue(v)
	if err != nil {
		return "", false, err
	}
	switch rv.Kind {
	case sqlredo.Null, sqlredo.Unsupported:
		return "", false, nil
	case sqlredo.String:
		return strings.TrimSpace(rv.Text), true, nil
	}
	return "", false, fmt.Errorf("%s value for a %s column", rv.Kind, c.TypeName)
}

func intConv(c *cdc.Column, t schemas.Type) cdc.ValueConverter {
	bits := map[schemas.Type]int{schemas.Int8: 8, schemas.Int16: 16, schemas.Int32: 32, schemas.Int64: 64}[t]
	return func(v any) (any, error) {
		s, ok, err := numericText(c, v)
		if !ok || err != nil {
			return nil, err
		}
		n, err := strconv.ParseInt(s, 10, bits)
		if err != nil {
			return nil, fmt.Errorf("number %q does not fit %s", s, t)
		}
		switch t {
		case schemas.Int8:
			return int8(n), nil
		case schemas.Int16:
			return int16(n), nil
		case schemas.Int32:
			return int32(n), nil
		}
		return n, nil
	}
}

// decimalOf parses a NUMBER value; ok is false for NULL, Unsupported Type and errors.
func decimalOf(c *cdc.Column, v any) (d schemas.Decimal, ok bool, err error) {
	s, ok, err := numericText(c, v)
	if !ok || err != nil {
		return schemas.Decimal{}, false, err
	}
	d, err = schemas.ParseDecimal(s)
	return d, err == nil, err
}

func decimalConv(c *cdc.Column, scale int32) cdc.ValueConverter {
	return func(v any) (any, error) {
		d, ok, err := decimalOf(c, v)
		if !ok {
			return nil, err
		}
		return d.Rescale(scale)
	}
}

func decimalAsDouble(c *cdc.Column) cdc.ValueConverter {
	return func(v any) (any, error) {
		s, ok, err := numericText(c, v)
		if !ok || err != nil {
			return nil, err
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("invalid number %q", s)
		}
		return f, nil
	}
}

func decimalAsString(c *cdc.Column) cdc.ValueConverter {
	return func(v any) (any, error) {
		d, ok, err := decimalOf(c, v)
		if !ok {
			return nil, err
		}
		return d.String(), nil
	}
}

func variableDecimalConv(c *cdc.Column, schema *schemas.Schema) cdc.ValueConverter {
	return func(v any) (any, error) {
		d, ok, err := decimalOf(c, v)
		if !ok {
			return nil, err
		}
		return schemas.NewStruct(schema).Set("scale", d.Scale).Set("value", schemas.DecimalBytes(d.Unscaled)), nil
	}
}

// VariableScaleDecimalString renders a VariableScaleDecimal struct as its plain
// decimal text, e.g. {scale 2, value 75} → "0.75".
func VariableScaleDecimalString(st *schemas.Struct) string {
	scale, _ := st.Get("scale").(int32)
	b, _ := st.Get("value").([]byte)
	return schemas.Decimal{Unscaled: schemas.DecimalFromBytes(b), Scale: scale}.String()
}

// floatConv parses BINARY_FLOAT/BINARY_DOUBLE text (mantissa E signed exponent,
// F-BINFLOAT) to the nearest float32/float64.
func floatConv(c *cdc.Column, bits int) cdc.ValueConverter {
	return func(v any) (any, error) {
		s, ok, err := numericText(c, v)
		if !ok || err != nil {
			return nil, err
		}
		var f float64
		switch strings.ToLower(s) {
		case "nan":
			f = math.NaN()
		case "inf", "+inf":
			f = math.Inf(1)
		case "-inf":
			f = math.Inf(-1)
		default:
			if f, err = strconv.ParseFloat(s, bits); err != nil {
				return nil, fmt.Errorf("invalid %s %q", c.TypeName, s)
			}
		}
		if bits == 32 {
			return float32(f), nil
		}
		return f, nil
	}
}

// parseWallClock reads 'YYYY-MM-DD HH24:MI:SS[.F…]' as a UTC wall clock.
func parseWallClock(s string) (time.Time, error) {
	bad := func() (time.Time, error) { return time.Time{}, fmt.Errorf("invalid date/time literal %q", s) }
	s = strings.TrimSpace(s)
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return bad()
	}
	num := func(from, to int) (int, bool) {
		n := 0
		for i := from; i < to; i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	h, ok4 := num(11, 13)
	mi, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return bad()
	}
	ns := 0
	if len(s) > 19 {
		if s[19] != '.' || len(s) > 29 || len(s) == 20 {
			return bad()
		}
		frac, ok := num(20, len(s))
		if !ok {
			return bad()
		}
		for i := len(s) - 20; i < 9; i++ {
			frac *= 10
		}
		ns = frac
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, ns, time.UTC), nil
}

func timeText(c *cdc.Column, v any, kinds ...sqlredo.Kind) (string, bool, error) {
	rv, err := redoValue(v)
	if err != nil {
		return "", false, err
	}
	if rv.Kind == sqlredo.Null || rv.Kind == sqlredo.Unsupported {
		return "", false, nil
	}
	for _, k := range kinds {
		if rv.Kind == k {
			return rv.Text, true, nil
		}
	}
	if rv.Kind == sqlredo.String { // a literal printed without the conversion function
		return rv.Text, true, nil
	}
	return "", false, fmt.Errorf("%s value for a %s column", rv.Kind, c.TypeName)
}

// timestamp maps DATE and TIMESTAMP(p) under time.precision.mode.
func (m Mapper) timestamp(c *cdc.Column, precision int, isDate bool) (*schemas.Schema, cdc.ValueConverter, error) {
	unit := time.Millisecond
	name := cdc.TimestampName
	switch strings.ToLower(m.Modes.Time) {
	case "connect":
		b := schemas.TimestampSchema()
		if c.Optional {
			b.Optional()
		}
		return b.Schema(), wallClockConv(c, func(t time.Time) (any, error) { return t.Truncate(time.Millisecond), nil }), nil
	case "isostring":
		b := cdc.Semantic(schemas.String, "io.debezium.time.IsoTimestamp")
		if c.Optional {
			b.Optional()
		}
		return b.Schema(), wallClockConv(c, func(t time.Time) (any, error) {
			return t.Format("2006-01-02T15:04:05.999999999Z"), nil
		}), nil
	case "microseconds":
		unit, name = time.Microsecond, cdc.MicroTimestampName
	case "nanoseconds":
		unit, name = time.Nanosecond, cdc.NanoTimestampName
	default: // adaptive
		switch {
		case isDate || precision <= 3:
		case precision <= 6:
			unit, name = time.Microsecond, cdc.MicroTimestampName
		default:
			unit, name = time.Nanosecond, cdc.NanoTimestampName
		}
	}
	b := cdc.Semantic(schemas.Int64, name)
	if c.Optional {
		b.Optional()
	}
	return b.Schema(), wallClockConv(c, func(t time.Time) (any, error) { return epochIn(t, unit) }), nil
}

func wallClockConv(c *cdc.Column, out func(time.Time) (any, error)) cdc.ValueConverter {
	return func(v any) (any, error) {
		s, ok, err := timeText(c, v, sqlredo.Date, sqlredo.Timestamp)
		if !ok || err != nil {
			return nil, err
		}
		t, err := parseWallClock(s)
		if err != nil {
			return nil, err
		}
		return out(t)
	}
}

// epochIn returns t since the epoch in unit, flooring, with an overflow check.
func epochIn(t time.Time, unit time.Duration) (int64, error) {
	sec := t.Unix()
	ns := int64(t.Nanosecond())
	per := int64(time.Second / unit)
	hi := new(big.Int).Mul(big.NewInt(sec), big.NewInt(per))
	hi.Add(hi, big.NewInt(ns/int64(unit)))
	if !hi.IsInt64() {
		return 0, fmt.Errorf("time %s does not fit an int64 of %s", t.Format(time.RFC3339Nano), unit)
	}
	return hi.Int64(), nil
}

// zonedConv renders TIMESTAMP WITH [LOCAL] TIME ZONE as ZonedTimestamp: ISO-8601 with
// exactly the column's fraction digits, Z for +00:00, the printed offset kept for
// TSTZ, UTC for TSLTZ (F-TSLTZ, M-TIME).
func zonedConv(c *cdc.Column, precision int, local bool) cdc.ValueConverter {
	layout := "2006-01-02T15:04:05"
	if precision > 0 {
		layout += "." + strings.Repeat("0", precision)
	}
	return func(v any) (any, error) {
		s, ok, err := timeText(c, v, sqlredo.TimestampTZ)
		if !ok || err != nil {
			return nil, err
		}
		s = strings.TrimSpace(s)
		i := strings.LastIndexByte(s, ' ')
		if i < 0 {
			return nil, fmt.Errorf("invalid timestamp with time zone %q: no offset", s)
		}
		t, err := parseWallClock(s[:i])
		if err != nil {
			return nil, err
		}
		off, err := parseOffset(s[i+1:])
		if err != nil {
			return nil, fmt.Errorf("invalid timestamp with time zone %q: %v", s, err)
		}
		t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone("", off))
		if local || off == 0 {
			return t.UTC().Format(layout) + "Z", nil
		}
		return t.Format(layout + "Z07:00"), nil
	}
}

func parseOffset(s string) (int, error) {
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return 0, fmt.Errorf("offset %q is not ±hh:mm", s)
	}
	h, err1 := strconv.Atoi(s[1:3])
	m, err2 := strconv.Atoi(s[4:6])
	if err1 != nil || err2 != nil || h > 18 || m > 59 {
		return 0, fmt.Errorf("offset %q is not ±hh:mm", s)
	}
	off := h*3600 + m*60
	if s[0] == '-' {
		off = -off
	}
	return off, nil
}

// Debezium's MicroDuration counts a month as 365.25/12 days = 2 629 800 s.
const secondsPerAverageMonth = 2629800

// intervalConv converts TO_YMINTERVAL('±YY-MM') and TO_DSINTERVAL('±DDD HH:MI:SS.F')
// to MicroDuration microseconds, or to Debezium's Interval string (P…Y…M…DT…H…M…S).
func intervalConv(c *cdc.Column, ym, asString bool) cdc.ValueConverter {
	return func(v any) (any, error) {
		kind := sqlredo.DaySecondInterval
		if ym {
			kind = sqlredo.YearMonthInterval
		}
		s, ok, err := timeText(c, v, kind)
		if !ok || err != nil {
			return nil, err
		}
		iv, err := parseInterval(strings.TrimSpace(s), ym)
		if err != nil {
			return nil, err
		}
		if asString {
			return iv.iso(), nil
		}
		return iv.micros(), nil
	}
}

type interval struct {
	neg                              bool
	years, months, days, h, m, s, us int64
}

func (iv interval) micros() int64 {
	total := ((iv.years*12+iv.months)*secondsPerAverageMonth+iv.days*86400+iv.h*3600+iv.m*60+iv.s)*1_000_000 + iv.us
	if iv.neg {
		return -total
	}
	return total
}

func (iv interval) iso() string {
	sg := int64(1)
	if iv.neg {
		sg = -1
	}
	sec := strconv.FormatInt(sg*iv.s, 10)
	if iv.us != 0 {
		frac := strings.TrimRight(fmt.Sprintf("%06d", iv.us), "0")
		if iv.neg && iv.s == 0 {
			sec = "-0"
		}
		sec += "." + frac
	}
	return fmt.Sprintf("P%dY%dM%dDT%dH%dM%sS", sg*iv.years, sg*iv.months, sg*iv.days, sg*iv.h, sg*iv.m, sec)
}

func parseInterval(s string, ym bool) (interval, error) {
	var iv interval
	bad := func() (interval, error) { return interval{}, fmt.Errorf("invalid interval literal %q", s) }
	if s == "" {
		return bad()
	}
	if s[0] == '-' || s[0] == '+' {
		iv.neg = s[0] == '-'
		s = s[1:]
	}
	atoi := func(x string) (int64, bool) {
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil && n >= 0
	}
	if ym {
		y, mo, found := strings.Cut(s, "-")
		var ok1, ok2 bool
		iv.years, ok1 = atoi(y)
		iv.months, ok2 = atoi(mo)
		if !found || !ok1 || !ok2 {
			return bad()
		}
		return iv, nil
	}
	d, clock, found := strings.Cut(s, " ")
	parts := strings.Split(clock, ":")
	if !found || len(parts) != 3 {
		return bad()
	}
	secs, frac, _ := strings.Cut(parts[2], ".")
	var ok [4]bool
	iv.days, ok[0] = atoi(d)
	iv.h, ok[1] = atoi(parts[0])
	iv.m, ok[2] = atoi(parts[1])
	iv.s, ok[3] = atoi(secs)
	if !(ok[0] && ok[1] && ok[2] && ok[3]) {
		return bad()
	}
	if frac != "" {
		if len(frac) > 9 {
			return bad()
		}
		f := (frac + "000000")[:6]
		us, good := atoi(f)
		if !good {
			return bad()
		}
		iv.us = us
	}
	return iv, nil
}
