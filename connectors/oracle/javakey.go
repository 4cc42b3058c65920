package oracle

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc"
)

// Debezium's Oracle connector keeps an incremental snapshot's chunk position as the
// hex of java.io.ObjectOutputStream writing the Object[] that ResultSet.getObject
// returned for the key columns (AbstractIncrementalSnapshotContext, JdbcConnection.
// rowToArray). With Oracle's JDBC driver and Debezium's connection settings that is
// java.math.BigDecimal for NUMBER, String for character types, java.sql.Timestamp
// for DATE (oracle.jdbc.mapDateToTimestamp defaults to true) and oracle.sql.TIMESTAMP
// for TIMESTAMP (oracle.jdbc.J2EE13Compliant defaults to false). cdc's codec covers
// the first two; this file writes and reads all four, by the Java Object
// Serialization Stream Protocol (§6.4 grammar). Facts it rests on:
//   - java.sql.Timestamp: serialVersionUID 2745179027874758501, one field int nanos,
//     superclass java.util.Date (serialVersionUID 7523967970034938905, no fields,
//     SC_WRITE_METHOD: Date.writeObject appends the epoch milliseconds as an 8-byte
//     block, whole seconds only for a Timestamp, whose nanos hold the fraction).
//   - oracle.sql.TIMESTAMP: serialVersionUID -7964732752952728545, no fields, a
//     readObject but no writeObject; superclass oracle.sql.Datum
//     (serialVersionUID 4645732484621936751, one field byte[] data), the Oracle
//     TIMESTAMP bytes: century+100, year-in-century+100, month, day, hour+1,
//     minute+1, second+1 and, with a fraction, 4 bytes of big-endian nanoseconds.
//
// The goldens in testdata/javakey were checked against OpenJDK 17's
// ObjectOutputStream (oracle.sql classes declared with the driver's
// serialVersionUIDs and fields).
const (
	tcNull      = 0x70
	tcReference = 0x71
	tcClassDesc = 0x72
	tcObject    = 0x73
	tcString    = 0x74
	tcArray     = 0x75
	tcBlockData = 0x77
	tcEndBlock  = 0x78
	tcBlockLong = 0x7A
	tcLongStr   = 0x7C
	baseHandle  = 0x7E0000
	scWrite     = 0x01
	scSerial    = 0x02
	scExtern    = 0x04
)

// javaClassDesc is one serializable class as the stream describes it.
type javaClassDesc struct {
	name   string
	suid   uint64
	flags  byte
	fields []javaFieldDesc // primitives first, then objects, each by name (Java's order)
	super  *javaClassDesc
}

type javaFieldDesc struct {
	code      byte
	name, sig string
}

var (
	jcObjectArray = &javaClassDesc{name: "[Ljava.lang.Object;", suid: 0x90CE589F1073296C, flags: scSerial}
	jcNumber      = &javaClassDesc{name: "java.lang.Number", suid: 0x86AC951D0B94E08B, flags: scSerial}
	jcBigInteger  = &javaClassDesc{name: "java.math.BigInteger", suid: 0x8CFC9F1FA93BFB1D, flags: scSerial | scWrite,
		fields: []javaFieldDesc{{'I', "bitCount", ""}, {'I', "bitLength", ""}, {'I', "firstNonzeroByteNum", ""},
			{'I', "lowestSetBit", ""}, {'I', "signum", ""}, {'[', "magnitude", "[B"}}, super: jcNumber}
	jcBigDecimal = &javaClassDesc{name: "java.math.BigDecimal", suid: 0x54C71557F981284F, flags: scSerial | scWrite,
		fields: []javaFieldDesc{{'I', "scale", ""}, {'L', "intVal", "Ljava/math/BigInteger;"}}, super: jcNumber}
	jcByteArray = &javaClassDesc{name: "[B", suid: 0xACF317F8060854E0, flags: scSerial}
	jcDate      = &javaClassDesc{name: "java.util.Date", suid: 0x686A81014B597419, flags: scSerial | scWrite}
	jcTimestamp = &javaClassDesc{name: "java.sql.Timestamp", suid: 0x2618D5C80153BF65, flags: scSerial,
		fields: []javaFieldDesc{{'I', "nanos", ""}}, super: jcDate}
	jcDatum = &javaClassDesc{name: "oracle.sql.Datum", suid: 0x4078F514A362286F, flags: scSerial,
		fields: []javaFieldDesc{{'[', "data", "[B"}}}
	jcOracleTimestamp = &javaClassDesc{name: "oracle.sql.TIMESTAMP", suid: 0x917795C29955641F, flags: scSerial, super: jcDatum}
)

// Class names of the temporal key values read back.
const (
	javaTimestampClass       = "java.sql.Timestamp"
	javaOracleTimestampClass = "oracle.sql.TIMESTAMP"
	javaOracleDateClass      = "oracle.sql.DATE"
)

// javaSQLTimestamp is a key value written as java.sql.Timestamp: a DATE column's
// wall clock, which the driver turned into an instant in the Java worker's default
// time zone.
type javaSQLTimestamp struct{ wall time.Time }

// javaOracleTimestamp is a key value written as oracle.sql.TIMESTAMP: a TIMESTAMP
// column's wall clock in the driver's byte form (zone-free).
type javaOracleTimestamp struct{ wall time.Time }

// encodeJavaKey renders vals as a hex serialized Object[] (nil: Java's null). Values
// may be nil, string, cdc.JavaDecimal, javaSQLTimestamp (converted with zone) and
// javaOracleTimestamp.
func encodeJavaKey(vals []any, zone *time.Location) (string, error) {
	w := &javaKeyWriter{handles: map[string]uint32{}, zone: zone}
	w.b.Write([]byte{0xAC, 0xED, 0x00, 0x05})
	if vals == nil {
		w.b.WriteByte(tcNull)
		return hex.EncodeToString(w.b.Bytes()), nil
	}
	w.b.WriteByte(tcArray)
	w.classDesc(jcObjectArray)
	w.next++
	w.u32(uint32(len(vals)))
	for i, v := range vals {
		if err := w.value(v); err != nil {
			return "", fmt.Errorf("key element %d: %w", i, err)
		}
	}
	return hex.EncodeToString(w.b.Bytes()), nil
}

type javaKeyWriter struct {
	b       bytes.Buffer
	next    uint32            // handle of the next object written
	handles map[string]uint32 // class descriptors and field type strings already written
	zone    *time.Location
}

func (w *javaKeyWriter) u16(v uint16) { w.b.Write(binary.BigEndian.AppendUint16(nil, v)) }
func (w *javaKeyWriter) u32(v uint32) { w.b.Write(binary.BigEndian.AppendUint32(nil, v)) }
func (w *javaKeyWriter) u64(v uint64) { w.b.Write(binary.BigEndian.AppendUint64(nil, v)) }
func (w *javaKeyWriter) utf(s string) { w.u16(uint16(len(s))); w.b.WriteString(s) }

// shared writes a back reference when key was written before and reports whether it
// did; otherwise it assigns key the next handle.
func (w *javaKeyWriter) shared(key string) bool {
	if h, ok := w.handles[key]; ok {
		w.b.WriteByte(tcReference)
		w.u32(baseHandle + h)
		return true
	}
	w.handles[key] = w.next
	w.next++
	return false
}

func (w *javaKeyWriter) classDesc(c *javaClassDesc) {
	if c == nil {
		w.b.WriteByte(tcNull)
		return
	}
	if w.shared("class:" + c.name) {
		return
	}
	w.b.WriteByte(tcClassDesc)
	w.utf(c.name)
	w.u64(c.suid)
	w.b.WriteByte(c.flags)
	w.u16(uint16(len(c.fields)))
	for _, f := range c.fields {
		w.b.WriteByte(f.code)
		w.utf(f.name)
		if f.sig != "" && !w.shared("sig:"+f.sig) {
			w.b.WriteByte(tcString)
			w.utf(f.sig)
		}
	}
	w.b.WriteByte(tcEndBlock)
	w.classDesc(c.super)
}

func (w *javaKeyWriter) object(c *javaClassDesc) {
	w.b.WriteByte(tcObject)
	w.classDesc(c)
	w.next++
}

func (w *javaKeyWriter) byteArray(p []byte) {
	w.b.WriteByte(tcArray)
	w.classDesc(jcByteArray)
	w.next++
	w.u32(uint32(len(p)))
	w.b.Write(p)
}

func (w *javaKeyWriter) value(v any) error {
	switch x := v.(type) {
	case nil:
		w.b.WriteByte(tcNull)
	case string:
		w.next++
		mod := javaUTF(x)
		if len(mod) > 0xFFFF {
			w.b.WriteByte(tcLongStr)
			w.u64(uint64(len(mod)))
		} else {
			w.b.WriteByte(tcString)
			w.u16(uint16(len(mod)))
		}
		w.b.Write(mod)
	case cdc.JavaDecimal:
		u := x.Unscaled
		if u == nil {
			u = new(big.Int)
		}
		w.object(jcBigDecimal)
		w.u32(uint32(x.Scale))
		w.object(jcBigInteger)
		for _, f := range []int32{-1, -1, -2, -2, int32(u.Sign())} { // legacy fields as BigInteger.writeObject puts them
			w.u32(uint32(f))
		}
		w.byteArray(new(big.Int).Abs(u).Bytes())
		w.b.WriteByte(tcEndBlock) // BigInteger.writeObject
		w.b.WriteByte(tcEndBlock) // BigDecimal.writeObject
	case javaSQLTimestamp:
		zone := w.zone
		if zone == nil {
			zone = time.UTC
		}
		at := time.Date(x.wall.Year(), x.wall.Month(), x.wall.Day(), x.wall.Hour(), x.wall.Minute(), x.wall.Second(), x.wall.Nanosecond(), zone)
		w.object(jcTimestamp)
		w.b.WriteByte(tcBlockData) // Date.writeObject: whole seconds in milliseconds
		w.b.WriteByte(8)
		w.u64(uint64(at.Unix() * 1000))
		w.b.WriteByte(tcEndBlock)
		w.u32(uint32(at.Nanosecond())) // Timestamp.nanos
	case javaOracleTimestamp:
		b, err := oracleTimestampBytes(x.wall)
		if err != nil {
			return err
		}
		w.object(jcOracleTimestamp)
		w.byteArray(b)
	default:
		return fmt.Errorf("value of type %T cannot be written as a Java key", v)
	}
	return nil
}

// oracleTimestampBytes is the driver's TIMESTAMP byte form of a wall clock: 7 bytes
// without a fraction (as the server sends such a value), 11 with one.
func oracleTimestampBytes(t time.Time) ([]byte, error) {
	y := t.Year()
	if y < 1 || y > 9999 {
		return nil, fmt.Errorf("year %d is outside Oracle TIMESTAMP's range for a Java key", y)
	}
	b := []byte{byte(y/100 + 100), byte(y%100 + 100), byte(t.Month()), byte(t.Day()), byte(t.Hour() + 1), byte(t.Minute() + 1), byte(t.Second() + 1)}
	if ns := t.Nanosecond(); ns != 0 {
		b = binary.BigEndian.AppendUint32(b, uint32(ns))
	}
	return b, nil
}

// javaUTF encodes s as Java's modified UTF-8.
func javaUTF(s string) []byte {
	var out []byte
	for _, r := range s {
		switch {
		case r == 0:
			out = append(out, 0xC0, 0x80)
		case r < 0x80:
			out = append(out, byte(r))
		case r < 0x800:
			out = append(out, 0xC0|byte(r>>6), 0x80|byte(r&0x3F))
		case r < 0x10000:
			out = append(out, 0xE0|byte(r>>12), 0x80|byte((r>>6)&0x3F), 0x80|byte(r&0x3F))
		default:
			r -= 0x10000
			for _, u := range []rune{0xD800 + (r >> 10), 0xDC00 + (r & 0x3FF)} {
				out = append(out, 0xE0|byte(u>>12), 0x80|byte((u>>6)&0x3F), 0x80|byte(u&0x3F))
			}
		}
	}
	return out
}

// errJavaKey is wrapped by every decoding error of decodeJavaKey.
var errJavaKey = errors.New("not a serialized Java Object[] of key values Gonnect reads")
