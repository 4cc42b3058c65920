package mysql

import (
	"math/big"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/schemas"
	"github.com/shopspring/decimal"
)

// newSmallInt returns u as a *big.Int in one allocation (two on 32-bit platforms).
func newSmallInt(u int64) *big.Int { return cdc.NewBigInt(u) }

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
