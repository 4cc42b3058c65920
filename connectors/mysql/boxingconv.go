package mysql

import (
	"time"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/schemas"
)

// BoxingConverter implements cdc.BoxingColumnMapper for the columns whose converters
// make a new value for every row, which Records then boxes into the row's cdc.Boxes
// instead of one heap allocation each: DATETIME as Timestamp or MicroTimestamp,
// TIMESTAMP as ZonedTimestamp and DECIMAL as Decimal (decimal.handling.mode precise).
// s is the field schema MapColumn returned for c; every other column gets nil (its
// ValueConverter is used). Each boxing converter is the one MapColumn's converter wraps,
// so both return the same values; DATETIME's and TIMESTAMP's add a fast path for
// snapshot text (epochTextBoxing, zonedTextBoxing), held to the same results by
// TestDatetimeTextFastPaths.
func (mp mapper) BoxingConverter(_ *cdc.Table, c *cdc.Column, s *schemas.Schema) cdc.BoxingConverter {
	name, _ := baseType(c)
	var conv cdc.BoxingConverter
	switch {
	case name == "DATETIME" && s.Name == cdc.TimestampName && mp.m.timePrecision != "connect":
		conv = epochTextBoxing(time.Millisecond)
	case name == "DATETIME" && s.Name == cdc.MicroTimestampName && mp.m.timePrecision != "connect":
		conv = epochTextBoxing(time.Microsecond)
	case name == "TIMESTAMP" && s.Name == cdc.ZonedTimestampName:
		conv = zonedTextBoxing(int(length(c, 0)))
	case isDecimalType(name) && s.Name == schemas.DecimalName:
		scale := int32(0)
		if c.Scale != nil {
			scale = *c.Scale
		}
		conv = decimalBoxing(scale)
	default:
		return nil
	}
	return zeroDatesBoxing(conv, c.Optional)
}

func isDecimalType(name string) bool {
	switch name {
	case "DECIMAL", "NUMERIC", "DEC", "FIXED":
		return true
	}
	return false
}

// unboxed is the ValueConverter of a boxing converter: it boxes the ordinary way.
func unboxed(conv cdc.BoxingConverter) cdc.ValueConverter {
	return func(v any) (any, error) { return conv(v, nil) }
}

// zeroDatesBoxing is zeroDates for a boxing converter.
func zeroDatesBoxing(conv cdc.BoxingConverter, optional bool) cdc.BoxingConverter {
	return func(v any, b *cdc.Boxes) (any, error) {
		out, err := conv(v, b)
		if z, ok := out.(zeroDate); ok {
			if optional {
				return nil, nil
			}
			return z.epoch, nil
		}
		return out, err
	}
}
