package mysql

import (
	"time"

	"github.com/gonnect/gonnect/connectors/cdc"
)

// parseDatetimeUTC parses MySQL's text form of a DATETIME or TIMESTAMP,
// "YYYY-MM-DD HH:MM:SS" with an optional fraction of 1 to 9 digits, as a wall clock in
// UTC. The common form is read by hand (a snapshot parses one or two per row, and
// time.Parse was a fifth of its CPU); anything else goes through time.ParseInLocation.
func parseDatetimeUTC(s string) (time.Time, error) {
	if t, ok := parseDatetimeFast(s); ok {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02 15:04:05.999999999", s, time.UTC)
}

// parseDatetimeFast reads exactly "YYYY-MM-DD HH:MM:SS[.f{1,9}]" with fields in range;
// ok is false for any other text.
func parseDatetimeFast(s string) (time.Time, bool) {
	d, ok := parseDatetimeParts(s)
	if !ok {
		return time.Time{}, false
	}
	secs := daysSinceEpoch(d.year, d.month, d.day)*86400 + int64(d.hour*3600+d.minute*60+d.sec)
	return time.Unix(secs, int64(d.nsec)).UTC(), true
}

// datetimeParts are the fields of a datetime's text.
type datetimeParts struct {
	year, month, day, hour, minute, sec int
	nsec                                int
	fracDigits                          int // digits of the fraction in the text
}

// parseDatetimeParts reads exactly "YYYY-MM-DD HH:MM:SS[.f{1,9}]" with fields in range;
// ok is false for any other text.
func parseDatetimeParts(s string) (datetimeParts, bool) {
	var d datetimeParts
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return d, false
	}
	var ok [6]bool
	d.year, ok[0] = digits(s[0:4])
	d.month, ok[1] = digits(s[5:7])
	d.day, ok[2] = digits(s[8:10])
	d.hour, ok[3] = digits(s[11:13])
	d.minute, ok[4] = digits(s[14:16])
	d.sec, ok[5] = digits(s[17:19])
	if ok != [6]bool{true, true, true, true, true, true} || d.month < 1 || d.month > 12 || d.day < 1 || d.hour > 23 || d.minute > 59 || d.sec > 59 {
		return d, false
	}
	if d.day > daysIn(time.Month(d.month), d.year) {
		return d, false
	}
	if rest := s[19:]; rest != "" {
		if rest[0] != '.' || len(rest) < 2 || len(rest) > 10 {
			return d, false
		}
		f, ok := digits(rest[1:])
		if !ok {
			return d, false
		}
		d.fracDigits = len(rest) - 1
		for i := d.fracDigits; i < 9; i++ {
			f *= 10
		}
		d.nsec = f
	}
	return d, true
}

// daysSinceEpoch is the number of days from 1970-01-01 to the given proleptic
// Gregorian date (negative before it), the civil-to-days computation that time.Date
// does with more generality (normalisation, zones) and cost.
func daysSinceEpoch(year, month, day int) int64 {
	y := int64(year)
	if month <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400                               // [0, 399]
	doy := int64((153*((month+9)%12)+2)/5 + day - 1) // [0, 365], from March 1st
	doe := yoe*365 + yoe/4 - yoe/100 + doy           // [0, 146096]
	return era*146097 + doe - 719468
}

// digits is the value of an all-digit string (false if any byte is not a digit).
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// daysIn is the number of days of month m (1 to 12) of year (proleptic Gregorian).
func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return monthDays[m-1]
}

var monthDays = [12]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// appendISOUTC appends t (in UTC) as "YYYY-MM-DDTHH:MM:SS" for years 0 to 9999, the
// form of time.Format("2006-01-02T15:04:05"); other years use Format.
func appendISOUTC(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, "2006-01-02T15:04:05")
	}
	hour, minute, sec := t.Clock()
	b = appendPadded(b, year, 4)
	b = append(b, '-')
	b = appendPadded(b, int(month), 2)
	b = append(b, '-')
	b = appendPadded(b, day, 2)
	b = append(b, 'T')
	b = appendPadded(b, hour, 2)
	b = append(b, ':')
	b = appendPadded(b, minute, 2)
	b = append(b, ':')
	return appendPadded(b, sec, 2)
}

// appendPadded appends n (>= 0) zero-padded to width digits.
func appendPadded(b []byte, n, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for n > 0 || i > len(buf)-width {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, buf[i:]...)
}

// zonedTextBoxing is zonedBoxing(p) reading the snapshot's datetime text straight into
// the ISO-8601 form, without a time.Time in between (TIMESTAMP text is the UTC wall
// clock: the snapshot session's time zone is UTC). Only the forms whose rendering is
// fixed take this path: exactly p fraction digits when p > 0, none when p is 0 and the
// text has none; everything else (zero dates, Java's minimal fraction, other types)
// goes to zonedBoxing, so both return the same for every input.
func zonedTextBoxing(p int) cdc.BoxingConverter {
	slow := zonedBoxing(p)
	return func(v any, b *cdc.Boxes) (any, error) {
		if s, ok := v.(string); ok {
			if d, ok := parseDatetimeParts(s); ok && (p > 0 || d.fracDigits == 0) {
				var buf [40]byte
				return b.StringOf(d.appendZoned(buf[:0], p)), nil
			}
		}
		return slow(v, b)
	}
}

// appendZoned appends d as "YYYY-MM-DDTHH:MM:SS", then min(p, 9) fraction digits when
// p > 0, then "Z".
func (d datetimeParts) appendZoned(b []byte, p int) []byte {
	b = appendPadded(b, d.year, 4)
	b = append(b, '-')
	b = appendPadded(b, d.month, 2)
	b = append(b, '-')
	b = appendPadded(b, d.day, 2)
	b = append(b, 'T')
	b = appendPadded(b, d.hour, 2)
	b = append(b, ':')
	b = appendPadded(b, d.minute, 2)
	b = append(b, ':')
	b = appendPadded(b, d.sec, 2)
	if p > 0 {
		b = append(b, '.')
		b = appendPadded(b, d.nsec, 9)[:len(b)+min(p, 9)]
	}
	return append(b, 'Z')
}

// epochTextBoxing is epochBoxing(unit) reading the snapshot's canonical DATETIME text
// straight into the epoch number, without a time.Time in between; anything else goes
// to epochBoxing, so both return the same for every input.
func epochTextBoxing(unit time.Duration) cdc.BoxingConverter {
	slow := epochBoxing(unit)
	return func(v any, b *cdc.Boxes) (any, error) {
		if s, ok := v.(string); ok {
			if d, ok := parseDatetimeParts(s); ok {
				secs := daysSinceEpoch(d.year, d.month, d.day)*86400 + int64(d.hour*3600+d.minute*60+d.sec)
				if unit == time.Millisecond {
					return b.Int64(secs*1e3 + int64(d.nsec/1e6)), nil
				}
				return b.Int64(secs*1e6 + int64(d.nsec/1e3)), nil
			}
		}
		return slow(v, b)
	}
}
