package schemas

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Names of Connect's logical types.
const (
	DecimalName   = "org.apache.kafka.connect.data.Decimal"
	DateName      = "org.apache.kafka.connect.data.Date"
	TimeName      = "org.apache.kafka.connect.data.Time"
	TimestampName = "org.apache.kafka.connect.data.Timestamp"

	// DecimalScaleParam is the Decimal schema parameter holding the scale.
	DecimalScaleParam = "scale"
	// DecimalPrecisionParam is the optional precision parameter Debezium and
	// Confluent's AvroData write.
	DecimalPrecisionParam = "connect.decimal.precision"
)

// Decimal is the value of a Decimal logical type: Unscaled × 10^-Scale.
// The scale of a value written under a Decimal schema must equal the schema's scale.
type Decimal struct {
	Unscaled *big.Int
	Scale    int32
}

// NewDecimal returns unscaled × 10^-scale.
func NewDecimal(unscaled int64, scale int32) Decimal {
	return Decimal{Unscaled: big.NewInt(unscaled), Scale: scale}
}

// MaxDecimalScale bounds the scale ParseDecimal accepts (far beyond any database
// decimal; Java allows more, but such values only arrive as hostile input).
const MaxDecimalScale = 10000

// ParseDecimal parses a plain decimal string such as "-12.340" keeping its scale (3).
func ParseDecimal(s string) (Decimal, error) {
	orig := s
	exp := int64(0)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.ParseInt(s[i+1:], 10, 32)
		if err != nil {
			return Decimal{}, fmt.Errorf("invalid decimal %q", orig)
		}
		exp, s = e, s[:i]
	}
	scale := int64(0)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		scale = int64(len(s) - i - 1)
		s = s[:i] + s[i+1:]
	}
	u, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return Decimal{}, fmt.Errorf("invalid decimal %q", orig)
	}
	scale -= exp
	if scale > MaxDecimalScale || scale < -MaxDecimalScale {
		// untrusted text such as "1e999999999" would otherwise cost a huge power of ten
		return Decimal{}, fmt.Errorf("invalid decimal %q: scale %d beyond ±%d", orig, scale, MaxDecimalScale)
	}
	if scale < 0 {
		u.Mul(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(-scale), nil))
		scale = 0
	}
	return Decimal{Unscaled: u, Scale: int32(scale)}, nil
}

// String renders the decimal in plain notation, as Java's BigDecimal.toPlainString.
func (d Decimal) String() string {
	if d.Unscaled == nil {
		return "0"
	}
	s := d.Unscaled.String()
	if d.Scale <= 0 {
		return s + strings.Repeat("0", int(-d.Scale))
	}
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	for len(s) <= int(d.Scale) {
		s = "0" + s
	}
	s = s[:len(s)-int(d.Scale)] + "." + s[len(s)-int(d.Scale):]
	if neg {
		s = "-" + s
	}
	return s
}

// Rescale returns d at the given scale, or an error if digits would be lost.
func (d Decimal) Rescale(scale int32) (Decimal, error) {
	if d.Scale == scale {
		return d, nil
	}
	u := new(big.Int).Set(d.Unscaled)
	if scale > d.Scale {
		u.Mul(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale-d.Scale)), nil))
		return Decimal{u, scale}, nil
	}
	div := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale-scale)), nil)
	q, r := new(big.Int).QuoRem(u, div, new(big.Int))
	if r.Sign() != 0 {
		return Decimal{}, fmt.Errorf("decimal %s does not fit scale %d", d, scale)
	}
	return Decimal{q, scale}, nil
}

// Float64 returns the nearest float64.
func (d Decimal) Float64() float64 {
	if d.Scale < 0 {
		f, _ := new(big.Rat).SetInt(new(big.Int).Mul(d.Unscaled, pow10(-d.Scale))).Float64()
		return f
	}
	f, _ := new(big.Rat).SetFrac(d.Unscaled, pow10(d.Scale)).Float64()
	return f
}

func pow10(n int32) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// DecimalBytes encodes the unscaled value as big-endian two's complement, the
// minimal form Java's BigInteger.toByteArray produces.
func DecimalBytes(u *big.Int) []byte {
	if u.Sign() >= 0 {
		b := u.Bytes()
		if len(b) == 0 || b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	// two's complement of a negative number: invert (|u|-1).
	m := new(big.Int).Neg(u)
	m.Sub(m, big.NewInt(1))
	b := m.Bytes()
	for i := range b {
		b[i] = ^b[i]
	}
	if len(b) == 0 || b[0]&0x80 == 0 {
		b = append([]byte{0xff}, b...)
	}
	return b
}

// DecimalFromBytes decodes big-endian two's complement bytes.
func DecimalFromBytes(b []byte) *big.Int {
	u := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		u.Sub(u, new(big.Int).Lsh(big.NewInt(1), uint(len(b)*8)))
	}
	return u
}

// DecimalSchema returns a Decimal logical schema builder with the given scale.
func DecimalSchema(scale int32) *Builder {
	return NewBuilder(Bytes).Name(DecimalName).Version(1).Param(DecimalScaleParam, strconv.Itoa(int(scale)))
}

// DecimalScale returns the scale parameter of a Decimal schema.
func DecimalScale(s *Schema) (int32, error) {
	v, ok := s.Param(DecimalScaleParam)
	if !ok {
		return 0, fmt.Errorf("invalid Decimal schema: scale parameter not found")
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("invalid Decimal scale %q", v)
	}
	return int32(n), nil
}

// DateSchema returns a Date logical schema builder (INT32 days since epoch).
func DateSchema() *Builder { return NewBuilder(Int32).Name(DateName).Version(1) }

// TimeSchema returns a Time logical schema builder (INT32 millis since midnight).
func TimeSchema() *Builder { return NewBuilder(Int32).Name(TimeName).Version(1) }

// TimestampSchema returns a Timestamp logical schema builder (INT64 millis since epoch).
func TimestampSchema() *Builder { return NewBuilder(Int64).Name(TimestampName).Version(1) }

const msPerDay = 24 * 60 * 60 * 1000

// DateToDays converts a Date value (midnight UTC) to days since the epoch.
func DateToDays(t time.Time) (int32, error) {
	ms := t.UnixMilli()
	if ms%msPerDay != 0 {
		return 0, fmt.Errorf("Kafka Connect Date type should not have any time fields set to non-zero values")
	}
	return int32(ms / msPerDay), nil
}

// DaysToDate is the inverse of DateToDays.
func DaysToDate(d int32) time.Time { return time.UnixMilli(int64(d) * msPerDay).UTC() }

// TimeToMillis converts a Time value (a time on 1970-01-01 UTC) to millis since midnight.
func TimeToMillis(t time.Time) (int32, error) {
	ms := t.UnixMilli()
	if ms < 0 || ms >= msPerDay {
		return 0, fmt.Errorf("Kafka Connect Time type should not have any date fields set to non-zero values")
	}
	return int32(ms), nil
}

// MillisToTime is the inverse of TimeToMillis.
func MillisToTime(ms int32) time.Time { return time.UnixMilli(int64(ms)).UTC() }

// LogicalName reports the logical type name of s, or "" when s is not one of
// Connect's four logical types.
func LogicalName(s *Schema) string {
	if s == nil {
		return ""
	}
	switch s.Name {
	case DecimalName:
		if s.Type == Bytes {
			return s.Name
		}
	case DateName, TimeName:
		if s.Type == Int32 {
			return s.Name
		}
	case TimestampName:
		if s.Type == Int64 {
			return s.Name
		}
	}
	return ""
}
