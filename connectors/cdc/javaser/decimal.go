package javaser

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

// Decimal is a value Java sees as java.math.BigDecimal (what Oracle's JDBC driver
// returns for NUMBER): Unscaled × 10^-Scale. A nil Unscaled is zero.
type Decimal struct {
	Unscaled *big.Int
	Scale    int32
}

// ParseDecimal reads a decimal number in plain notation ("-12.50", "7"); the scale
// is the count of digits after the point, as BigDecimal's string constructor keeps
// it. Exponents are refused.
func ParseDecimal(s string) (Decimal, error) {
	t := strings.TrimSpace(s)
	digits, scale := t, 0
	if i := strings.IndexByte(t, '.'); i >= 0 {
		digits, scale = t[:i]+t[i+1:], len(t)-i-1
	}
	n, ok := new(big.Int).SetString(digits, 10)
	if !ok || digits == "" || digits == "-" || digits == "+" || scale > math.MaxInt32 {
		return Decimal{}, fmt.Errorf("%q is not a decimal number", s)
	}
	return Decimal{Unscaled: n, Scale: int32(scale)}, nil
}

// plainScaleLimit bounds the scales String renders in plain notation: a scale read
// from a stream can be any int, and 10^(2^31) digits are no key.
const plainScaleLimit = 1000

// String renders the decimal in plain notation (BigDecimal.toPlainString), or in
// scientific notation (BigDecimal.toString's form) when the scale is beyond ±1000.
func (d Decimal) String() string {
	if d.Unscaled == nil {
		return "0"
	}
	if d.Scale > plainScaleLimit || d.Scale < -plainScaleLimit {
		return d.scientific()
	}
	if d.Scale <= 0 {
		return new(big.Int).Mul(d.Unscaled, new(big.Int).Exp(big.NewInt(10), big.NewInt(-int64(d.Scale)), nil)).String()
	}
	abs := new(big.Int).Abs(d.Unscaled).String()
	if len(abs) <= int(d.Scale) {
		abs = strings.Repeat("0", int(d.Scale)-len(abs)+1) + abs
	}
	cut := len(abs) - int(d.Scale)
	out := abs[:cut] + "." + abs[cut:]
	if d.Unscaled.Sign() < 0 {
		out = "-" + out
	}
	return out
}

// scientific renders d as BigDecimal.toString does for a large exponent: one digit
// before the point and the adjusted exponent.
func (d Decimal) scientific() string {
	digits := new(big.Int).Abs(d.Unscaled).String()
	exp := int64(len(digits)-1) - int64(d.Scale)
	var b strings.Builder
	if d.Unscaled.Sign() < 0 {
		b.WriteByte('-')
	}
	b.WriteString(digits[:1])
	if len(digits) > 1 {
		b.WriteString("." + digits[1:])
	}
	fmt.Fprintf(&b, "E%+d", exp)
	return b.String()
}
