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

func formatJavaFloat(f float64, bits int) string { return string(AppendJavaFloat(nil, f, bits)) }

// AppendJavaFloat appends f as Java's Double.toString (bits 64) or Float.toString
// (bits 32) renders it: plain decimal with at least one fractional digit for
// 1e-3 <= |f| < 1e7, otherwise d.dddE<exp>; the shortest digits that round-trip, as
// Java 19+ prints, and for one-digit values the closest of the one- and two-digit
// decimals that round to f (4.9E-324, not 5.0E-324). NaN and the infinities are
// written unquoted ("NaN", "Infinity", "-Infinity").
func AppendJavaFloat(b []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(b, "-0.0"...)
		}
		return append(b, "0.0"...)
	}
	if f < 0 {
		b = append(b, '-')
		f = -f
	}
	// Shortest digits and decimal exponent: f = d.ddd × 10^exp.
	mant, expStr, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, bits), "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expStr)
	if len(digits) == 1 {
		mant, expStr, _ = strings.Cut(strconv.FormatFloat(f, 'e', 1, bits), "e")
		digits = strings.TrimRight(strings.Replace(mant, ".", "", 1), "0")
		exp, _ = strconv.Atoi(expStr)
		if digits == "" {
			digits = "0"
		}
	}
	if f >= 1e-3 && f < 1e7 {
		if exp >= 0 {
			intPart, frac := digits, ""
			if len(digits) > exp+1 {
				intPart, frac = digits[:exp+1], digits[exp+1:]
			} else {
				intPart += strings.Repeat("0", exp+1-len(digits))
			}
			if frac == "" {
				frac = "0"
			}
			b = append(b, intPart...)
			b = append(b, '.')
			return append(b, frac...)
		}
		b = append(b, "0."...)
		b = append(b, strings.Repeat("0", -exp-1)...)
		return append(b, digits...)
	}
	b = append(b, digits[0], '.')
	if len(digits) > 1 {
		b = append(b, digits[1:]...)
	} else {
		b = append(b, '0')
	}
	b = append(b, 'E')
	return strconv.AppendInt(b, int64(exp), 10)
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
