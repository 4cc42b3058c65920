package javaser

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"
)

// Timestamp is a value Java sees as java.sql.Timestamp: an instant (what Oracle's
// driver returns for DATE, having read the wall clock in the JVM's default zone).
// Reads return Time in UTC.
type Timestamp struct {
	Time time.Time
}

// OracleTimestamp is a value Java sees as oracle.sql.TIMESTAMP: a wall clock
// without a zone, kept in the driver's byte form (what Oracle's driver returns for
// TIMESTAMP). Wall's location is ignored when writing; reads return it in UTC.
type OracleTimestamp struct {
	Wall time.Time
}

// timestamp writes t as java.sql.Timestamp: java.util.Date's writeObject block
// (the epoch milliseconds of the whole second, as a Timestamp keeps them), then the
// nanos field.
func (w *Writer) timestamp(t Timestamp) error {
	sec := t.Time.Unix()
	if sec > math.MaxInt64/1000 || sec < math.MinInt64/1000 {
		return fmt.Errorf("%s is outside java.sql.Timestamp's range", t.Time)
	}
	w.NewObject(classTimestamp)
	w.BlockData(binary.BigEndian.AppendUint64(nil, uint64(sec*1000)))
	w.EndBlockData()
	w.Int32(int32(t.Time.Nanosecond()))
	return nil
}

// oracleTimestamp writes t as oracle.sql.TIMESTAMP: Datum's data field.
func (w *Writer) oracleTimestamp(t OracleTimestamp) error {
	b, err := oracleTimestampBytes(t.Wall)
	if err != nil {
		return err
	}
	w.NewObject(classOracleTimestamp)
	w.ByteArray(b)
	return nil
}

// oracleTimestampBytes is the driver's TIMESTAMP byte form of a wall clock:
// century+100, year-in-century+100, month, day, hour+1, minute+1, second+1 and,
// with a fraction, 4 bytes of big-endian nanoseconds (7 bytes without one, as the
// server sends such a value).
func oracleTimestampBytes(t time.Time) ([]byte, error) {
	y := t.Year()
	if y < 1 || y > 9999 {
		return nil, fmt.Errorf("year %d is outside oracle.sql.TIMESTAMP's range", y)
	}
	b := []byte{byte(y/100 + 100), byte(y%100 + 100), byte(t.Month()), byte(t.Day()), byte(t.Hour() + 1), byte(t.Minute() + 1), byte(t.Second() + 1)}
	if ns := t.Nanosecond(); ns != 0 {
		b = binary.BigEndian.AppendUint32(b, uint32(ns))
	}
	return b, nil
}

// oracleTimestampTime reads the driver's 7- or 11-byte DATE/TIMESTAMP form.
func oracleTimestampTime(b []byte) (time.Time, error) {
	if len(b) != 7 && len(b) != 11 {
		return time.Time{}, fmt.Errorf("%d data bytes, want 7 or 11", len(b))
	}
	y := (int(b[0])-100)*100 + int(b[1]) - 100
	if y < 1 || y > 9999 || b[1] < 100 || b[1] > 199 || b[2] < 1 || b[2] > 12 || b[3] < 1 || b[4] < 1 || b[4] > 24 || b[5] < 1 || b[5] > 60 || b[6] < 1 || b[6] > 60 {
		return time.Time{}, fmt.Errorf("invalid date bytes % x", b)
	}
	ns := 0
	if len(b) == 11 {
		ns = int(binary.BigEndian.Uint32(b[7:]))
		if ns > 999999999 {
			return time.Time{}, fmt.Errorf("invalid nanoseconds %d", ns)
		}
	}
	t := time.Date(y, time.Month(b[2]), int(b[3]), int(b[4])-1, int(b[5])-1, int(b[6])-1, ns, time.UTC)
	if t.Day() != int(b[3]) {
		return time.Time{}, fmt.Errorf("invalid date bytes % x", b)
	}
	return t, nil
}

// readTimestamp turns a java.sql.Timestamp into a Timestamp.
func readTimestamp(o *Object) (any, error) {
	block := o.BlockData(classDate.Name)
	nanos, err := o.primitive(classTimestamp.Name, "nanos", 'I')
	if err != nil || len(block) != 8 || nanos < 0 || nanos > 999999999 {
		return nil, fmt.Errorf("%w: java.sql.Timestamp without its time and nanos", ErrStream)
	}
	ms := int64(binary.BigEndian.Uint64(block))
	if ms%1000 != 0 { // a Timestamp keeps the fraction in nanos, whole seconds in Date
		return nil, fmt.Errorf("%w: java.sql.Timestamp with %d ms in its Date part, not whole seconds", ErrStream, ms)
	}
	return Timestamp{Time: time.Unix(ms/1000, nanos).UTC()}, nil
}

// readOracleTimestamp turns an oracle.sql.TIMESTAMP or oracle.sql.DATE (same bytes
// without the fraction) into an OracleTimestamp.
func readOracleTimestamp(o *Object) (any, error) {
	a, _ := o.Field(classDatum.Name, "data").(*Array)
	if a == nil || a.Class.Name != classByteArray.Name {
		return nil, fmt.Errorf("%w: %s without its data bytes", ErrStream, o.Class.Name)
	}
	t, err := oracleTimestampTime(a.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrStream, o.Class.Name, err)
	}
	return OracleTimestamp{Wall: t}, nil
}
