package mysql

import (
	"math/big"
	"math/bits"

	"github.com/gonnect/gonnect/schemas"
	"github.com/shopspring/decimal"
)

// smallInt is a big.Int and the one word of its magnitude, allocated together: a
// DECIMAL value that fits an int64 costs one allocation instead of two (the Int and
// its word slice).
type smallInt struct {
	i big.Int
	w [1]big.Word
}

// newSmallInt returns u as a *big.Int in one allocation (two on 32-bit platforms).
func newSmallInt(u int64) *big.Int {
	if bits.UintSize < 64 {
		return big.NewInt(u)
	}
	c := new(smallInt)
	if u == 0 {
		return &c.i
	}
	mag := uint64(u)
	if u < 0 {
		mag = uint64(-u) // also right for math.MinInt64
	}
	c.w[0] = big.Word(mag)
	c.i.SetBits(c.w[:])
	if u < 0 {
		c.i.Neg(&c.i)
	}
	return &c.i
}

// binlogDecimal turns go-mysql's decoded DECIMAL into a Connect Decimal (unscaled value
// and scale), without copying the coefficient through a second big.Int when it has at
// most 15 digits (the common case: shopspring's exact int64 path).
func binlogDecimal(d decimal.Decimal) schemas.Decimal {
	var u *big.Int
	if d.NumDigits() <= 15 {
		u = newSmallInt(d.CoefficientInt64())
	} else {
		u = d.Coefficient()
	}
	out := schemas.Decimal{Unscaled: u, Scale: -d.Exponent()}
	if out.Scale < 0 {
		out.Unscaled = new(big.Int).Mul(out.Unscaled, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-out.Scale)), nil))
		out.Scale = 0
	}
	return out
}
