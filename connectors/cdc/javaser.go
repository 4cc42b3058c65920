package cdc

import (
	"fmt"
	"slices"

	"github.com/gonnect/gonnect/connectors/cdc/javaser"
)

// Debezium stores incremental snapshot keys (incremental_snapshot_primary_key,
// incremental_snapshot_maximum_key) as the hex of a serialized Java Object[]. The
// codec is package javaser; these are the names the connectors have used.

// JavaInt is a key value Java sees as java.lang.Integer (MySQL INT, MEDIUMINT,
// SMALLINT, TINYINT); plain Go int64 values are written as java.lang.Long.
type JavaInt = javaser.Int

// JavaDecimal is a key value Java sees as java.math.BigDecimal (Oracle NUMBER):
// Unscaled × 10^-Scale.
type JavaDecimal = javaser.Decimal

// ErrJavaStream is wrapped by every decoding error of DecodeJavaArray.
var ErrJavaStream = javaser.ErrStream

// ParseJavaDecimal reads a decimal number in plain notation ("-12.50", "7"); the
// scale is the count of digits after the point, as BigDecimal's string constructor
// keeps it.
func ParseJavaDecimal(s string) (JavaDecimal, error) { return javaser.ParseDecimal(s) }

// EncodeJavaArray renders vals as Debezium's hex-encoded serialized Object[]; a nil
// slice is Java's null. Elements are written as javaser.EncodeArray writes them,
// except []byte, which is written as a String (key columns of binary string types
// come back from MySQL as bytes; Connector/J returns them as String).
func EncodeJavaArray(vals []any) (string, error) {
	out := vals
	for i, v := range vals {
		if b, ok := v.([]byte); ok {
			if &out[0] == &vals[0] {
				out = slices.Clone(vals) // leave the caller's slice alone
			}
			out[i] = string(b)
		}
	}
	return javaser.EncodeArray(out)
}

// DecodeJavaArray reads a hex-encoded serialized Object[] written by Debezium or by
// EncodeJavaArray. Integer values come back as JavaInt, Long as int64, Short as
// int16, Byte as int8, Boolean as bool, Double as float64, Float as float32,
// BigInteger as *big.Int, BigDecimal as JavaDecimal, byte[] as []byte, strings as
// string: all values a driver binds as query arguments. A serialized null is a nil
// slice. Temporal classes (java.sql.Timestamp, ...) and any other class are errors
// wrapping ErrJavaStream that name the class.
func DecodeJavaArray(s string) ([]any, error) {
	vals, err := javaser.DecodeArray(s)
	if err != nil {
		return nil, err
	}
	for i, v := range vals {
		switch v.(type) {
		case javaser.Timestamp, javaser.OracleTimestamp:
			return nil, fmt.Errorf("element %d: %w: key values of class %s are not supported", i, ErrJavaStream, javaser.ClassOf(v))
		}
	}
	return vals, nil
}
