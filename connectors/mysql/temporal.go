package mysql

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc"
)

// parseDate parses "YYYY-MM-DD" (zero dates give ok=false).
func parseDate(s string) (time.Time, bool, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "0000-00-00") {
		return time.Time{}, false, nil
	}
	if len(s) > 10 {
		s = s[:10]
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%q is not a date", s)
	}
	return t, true, nil
}

func dateOf(v any) (time.Time, bool, error) {
	switch x := v.(type) {
	case time.Time:
		return x, true, nil
	}
	if s, ok := asString(v); ok {
		return parseDate(s)
	}
	return time.Time{}, false, fmt.Errorf("unexpected %T for a date column", v)
}

func toDays(v any) (any, error) {
	t, ok, err := dateOf(v)
	if err != nil || !ok {
		return zeroOrNil(err, int32(0))
	}
	return int32(t.Unix() / 86400), nil
}

func toConnectDate(v any) (any, error) {
	t, ok, err := dateOf(v)
	if err != nil || !ok {
		return zeroOrNil(err, time.Unix(0, 0).UTC())
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
}

// zeroOrNil is what a zero date becomes: null (the table schema turns null into an
// error for NOT NULL columns, so NOT NULL columns get epoch 0 through zeroValue).
func zeroOrNil(err error, zero any) (any, error) {
	if err != nil {
		return nil, err
	}
	return zeroDate{zero}, nil
}

// zeroDate marks a MySQL zero date; the row builder replaces it with null for nullable
// columns and with the epoch for NOT NULL ones.
type zeroDate struct{ epoch any }

// parseDuration parses "[-]HHH:MM:SS[.ffffff]" into microseconds.
func parseDuration(s string) (int64, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	frac := int64(0)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		f := (s[i+1:] + "000000")[:6]
		var err error
		if frac, err = strconv.ParseInt(f, 10, 64); err != nil {
			return 0, fmt.Errorf("%q is not a time", s)
		}
		s = s[:i]
	}
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return 0, fmt.Errorf("%q is not a time", s)
	}
	var hms [3]int64
	for i, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a time", s)
		}
		hms[i] = n
	}
	us := ((hms[0]*60+hms[1])*60+hms[2])*1e6 + frac
	if neg {
		us = -us
	}
	return us, nil
}

func toMicroTime(v any) (any, error) {
	if d, ok := v.(time.Duration); ok {
		return d.Microseconds(), nil
	}
	s, ok := asString(v)
	if !ok {
		return nil, fmt.Errorf("unexpected %T for a time column", v)
	}
	return parseDuration(s)
}

func toConnectTime(v any) (any, error) {
	us, err := toMicroTime(v)
	if err != nil {
		return nil, err
	}
	return time.UnixMilli(us.(int64) / 1000).UTC(), nil
}

// wallClock returns a DATETIME value as its wall clock taken as UTC.
func wallClock(v any) (time.Time, bool, error) {
	switch x := v.(type) {
	case time.Time:
		return time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), time.UTC), true, nil
	}
	s, ok := asString(v)
	if !ok {
		return time.Time{}, false, fmt.Errorf("unexpected %T for a datetime column", v)
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "0000-00-00") {
		return time.Time{}, false, nil
	}
	t, err := parseDatetimeUTC(s)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%q is not a datetime", s)
	}
	return t, true, nil
}

func toEpoch(unit time.Duration) cdc.ValueConverter { return unboxed(epochBoxing(unit)) }

// epochBoxing is toEpoch boxing its numbers with b.
func epochBoxing(unit time.Duration) cdc.BoxingConverter {
	return func(v any, b *cdc.Boxes) (any, error) {
		t, ok, err := wallClock(v)
		if err != nil || !ok {
			return zeroOrNil(err, int64(0))
		}
		if unit == time.Millisecond {
			return b.Int64(t.UnixMilli()), nil
		}
		return b.Int64(t.UnixMicro()), nil
	}
}

func toConnectTimestamp(v any) (any, error) {
	t, ok, err := wallClock(v)
	if err != nil || !ok {
		return zeroOrNil(err, time.Unix(0, 0).UTC())
	}
	return t, nil
}

// toZoned renders a TIMESTAMP as an ISO-8601 UTC string with exactly p fraction digits
// (Java's minimal form when p is 0). Binlog values are instants; snapshot text is read
// with the session time zone set to UTC.
func toZoned(p int) cdc.ValueConverter { return unboxed(zonedBoxing(p)) }

// zonedBoxing is toZoned boxing its strings with b.
func zonedBoxing(p int) cdc.BoxingConverter {
	return func(v any, b *cdc.Boxes) (any, error) {
		var t time.Time
		switch x := v.(type) {
		case time.Time:
			t = x.UTC()
		default:
			s, ok := asString(v)
			if !ok {
				return nil, fmt.Errorf("unexpected %T for a timestamp column", v)
			}
			s = strings.TrimSpace(s)
			if strings.HasPrefix(s, "0000-00-00") {
				return zeroDate{"1970-01-01T00:00:00Z"}, nil
			}
			var err error
			if t, err = parseDatetimeUTC(s); err != nil {
				return nil, fmt.Errorf("%q is not a timestamp", s)
			}
		}
		var buf [40]byte
		return b.StringOf(appendZoned(buf[:0], t, p)), nil
	}
}

func formatZoned(t time.Time, p int) string {
	var buf [40]byte
	return string(appendZoned(buf[:0], t, p))
}

// appendZoned appends t as toZoned renders it with p fraction digits.
func appendZoned(b []byte, t time.Time, p int) []byte {
	b = appendISOUTC(b, t)
	ns := t.Nanosecond()
	n := 0 // fraction digits
	switch {
	case p > 0:
		n = min(p, 9)
	case ns == 0:
	case ns%1e6 == 0: // Java's ISO_OFFSET_DATE_TIME: 3, 6 or 9 digits
		n = 3
	case ns%1e3 == 0:
		n = 6
	default:
		n = 9
	}
	if n > 0 {
		b = append(b, '.')
		b = appendPadded(b, ns, 9)[:len(b)+n]
	}
	return append(b, 'Z')
}
