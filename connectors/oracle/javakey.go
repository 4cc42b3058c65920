package oracle

import (
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc/javaser"
)

// Debezium's Oracle connector keeps an incremental snapshot's chunk position as the
// hex of java.io.ObjectOutputStream writing the Object[] that ResultSet.getObject
// returned for the key columns (AbstractIncrementalSnapshotContext, JdbcConnection.
// rowToArray). With Oracle's JDBC driver and Debezium's connection settings that is
// java.math.BigDecimal for NUMBER, String for character types, java.sql.Timestamp
// for DATE (oracle.jdbc.mapDateToTimestamp defaults to true) and oracle.sql.TIMESTAMP
// for TIMESTAMP (oracle.jdbc.J2EE13Compliant defaults to false). Package javaser
// writes and reads those classes; this file converts between them and the
// connector's key values, whose temporal values are wall clocks: a DATE's
// Timestamp is an instant that depends on the Java worker's default time zone
// (incremental.snapshot.java.time.zone), a TIMESTAMP's bytes do not.
//
// The goldens in testdata/javakey were checked against OpenJDK 17's
// ObjectOutputStream (oracle.sql classes declared with the driver's
// serialVersionUIDs and fields).

// javaSQLTimestamp is a key value written as java.sql.Timestamp: a DATE column's
// wall clock, which the driver turned into an instant in the Java worker's default
// time zone.
type javaSQLTimestamp struct{ wall time.Time }

// javaOracleTimestamp is a key value written as oracle.sql.TIMESTAMP: a TIMESTAMP
// column's wall clock in the driver's byte form (zone-free).
type javaOracleTimestamp struct{ wall time.Time }

// encodeJavaKey renders vals as a hex serialized Object[] (nil: Java's null). Values
// may be nil, string, cdc.JavaDecimal, javaSQLTimestamp (its wall clock read in
// zone, nil meaning UTC) and javaOracleTimestamp.
func encodeJavaKey(vals []any, zone *time.Location) (string, error) {
	if vals == nil {
		return javaser.EncodeArray(nil)
	}
	if zone == nil {
		zone = time.UTC
	}
	out := make([]any, len(vals))
	for i, v := range vals {
		switch x := v.(type) {
		case javaSQLTimestamp:
			w := x.wall
			out[i] = javaser.Timestamp{Time: time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), zone)}
		case javaOracleTimestamp:
			out[i] = javaser.OracleTimestamp{Wall: x.wall}
		default:
			out[i] = v
		}
	}
	return javaser.EncodeArray(out)
}

// decodeJavaKey reads a hex serialized Object[] of key values as Debezium's Oracle
// connector or Gonnect wrote it: String, BigDecimal, BigInteger and the boxed
// integers come back as their text, java.sql.Timestamp (its instant read in zone,
// the Java worker's default time zone, nil meaning UTC) as javaSQLTimestamp,
// oracle.sql.TIMESTAMP and oracle.sql.DATE as javaOracleTimestamp. A serialized
// null is a nil slice. Any other class is an error wrapping javaser.ErrStream that
// names it and the element.
func decodeJavaKey(s string, zone *time.Location) ([]any, error) {
	vals, err := javaser.DecodeArray(s)
	if err != nil {
		return nil, err
	}
	if zone == nil {
		zone = time.UTC
	}
	for i, v := range vals {
		switch x := v.(type) {
		case nil, string:
		case javaser.Int:
			vals[i] = strconv.FormatInt(int64(x), 10)
		case int64:
			vals[i] = strconv.FormatInt(x, 10)
		case int16:
			vals[i] = strconv.FormatInt(int64(x), 10)
		case int8:
			vals[i] = strconv.FormatInt(int64(x), 10)
		case *big.Int:
			vals[i] = x.String()
		case javaser.Decimal:
			vals[i] = x.String()
		case javaser.Timestamp:
			w := x.Time.In(zone)
			vals[i] = javaSQLTimestamp{wall: time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), time.UTC)}
		case javaser.OracleTimestamp:
			vals[i] = javaOracleTimestamp{wall: x.Wall}
		default:
			return nil, fmt.Errorf("element %d: %w: key values of class %s are not supported", i, javaser.ErrStream, javaser.ClassOf(v))
		}
	}
	return vals, nil
}
