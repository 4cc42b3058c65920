package schemas

import (
	"math"
	"strconv"
	"strings"
)

// FormatFloat64 renders f as Java's Double.toString does (and so as Jackson and
// Connect's Values write doubles): shortest round-trip digits, plain notation with at
// least one fractional digit for 1e-3 ≤ |f| < 1e7, otherwise "d.dddE±n" without a
// plus sign ("1.0E7", "1.5E-4"). NaN and infinities are "NaN", "Infinity", "-Infinity".
func FormatFloat64(f float64) string { return formatJavaFloat(f, 64) }

// FormatFloat32 is FormatFloat64 for Java's Float.toString.
func FormatFloat32(f float32) string { return formatJavaFloat(float64(f), 32) }

func formatJavaFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	// 'e' with shortest precision gives "d.ddde±XX": split digits and exponent.
	s := strconv.FormatFloat(f, 'e', -1, bits)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	ePos := strings.IndexByte(s, 'e')
	mant, expStr := s[:ePos], s[ePos+1:]
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		// plain notation
		if exp >= 0 {
			intLen := exp + 1
			if len(digits) <= intLen {
				b.WriteString(digits)
				b.WriteString(strings.Repeat("0", intLen-len(digits)))
				b.WriteString(".0")
			} else {
				b.WriteString(digits[:intLen])
				b.WriteByte('.')
				b.WriteString(digits[intLen:])
			}
		} else {
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", -exp-1))
			b.WriteString(digits)
		}
		return b.String()
	}
	b.WriteByte(digits[0])
	b.WriteByte('.')
	if len(digits) > 1 {
		b.WriteString(digits[1:])
	} else {
		b.WriteByte('0')
	}
	b.WriteByte('E')
	b.WriteString(strconv.Itoa(exp))
	return b.String()
}

// JavaString renders d as Java's BigDecimal.toString does (Jackson writes decimals
// this way): plain when the scale is non-negative and the adjusted exponent is at
// least -6, otherwise scientific notation such as "1.23E-10" or "1.2E+3".
func (d Decimal) JavaString() string {
	if d.Unscaled == nil {
		return "0"
	}
	digits := d.Unscaled.String()
	neg := strings.HasPrefix(digits, "-")
	if neg {
		digits = digits[1:]
	}
	adjusted := -int64(d.Scale) + int64(len(digits)-1)
	if d.Scale >= 0 && adjusted >= -6 {
		return d.String()
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteByte(digits[0])
	if len(digits) > 1 {
		b.WriteByte('.')
		b.WriteString(digits[1:])
	}
	b.WriteByte('E')
	if adjusted >= 0 {
		b.WriteByte('+')
	}
	b.WriteString(strconv.FormatInt(adjusted, 10))
	return b.String()
}
