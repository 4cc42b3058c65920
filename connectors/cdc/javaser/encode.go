package javaser

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
)

// Int is a value Java sees as java.lang.Integer (what MySQL Connector/J returns for
// INT, MEDIUMINT, SMALLINT and TINYINT). A Go int32 is written as Integer too, but
// reads come back as Int.
type Int int32

// Marshaler is implemented by Go values that write themselves as an object of a
// class this package does not know: MarshalJava writes the whole content (usually
// w.NewObject and the class data). It is the write half of the extension point;
// Decoder.Classes is the read half.
type Marshaler interface {
	MarshalJava(w *Writer) error
}

// EncodeArray renders vals as the lowercase hex of a serialized Object[], as
// Debezium stores incremental snapshot keys; a nil slice is Java's null. Elements
// may be nil, string, []byte (byte[]), Int and int32 (Integer), int64, int and
// uint64 up to 2^63-1 (Long), int16 (Short), int8 (Byte), bool (Boolean), float64
// (Double), float32 (Float), *big.Int (BigInteger), Decimal (BigDecimal),
// Timestamp (java.sql.Timestamp), OracleTimestamp (oracle.sql.TIMESTAMP) and
// Marshaler. An element it cannot write is an error naming its position.
func EncodeArray(vals []any) (string, error) {
	w := newWriter()
	if vals == nil {
		w.Null()
		return hex.EncodeToString(w.b), nil
	}
	w.b = append(w.b, tcArray)
	w.ClassDesc(classObjectArray)
	w.next++ // the array
	w.Int32(int32(len(vals)))
	for i, v := range vals {
		if err := w.Value(v); err != nil {
			return "", fmt.Errorf("element %d: %w", i, err)
		}
	}
	return hex.EncodeToString(w.b), nil
}

// Value writes v as EncodeArray writes an element. A Marshaler calls it for the
// object fields of its class.
func (w *Writer) Value(v any) error {
	switch x := v.(type) {
	case nil:
		w.Null()
	case string:
		w.String(x)
	case []byte:
		w.ByteArray(x)
	case Int:
		w.NewObject(classInteger)
		w.Int32(int32(x))
	case int32:
		w.NewObject(classInteger)
		w.Int32(x)
	case int64:
		w.NewObject(classLong)
		w.Int64(x)
	case int:
		w.NewObject(classLong)
		w.Int64(int64(x))
	case uint64:
		if x > math.MaxInt64 {
			return fmt.Errorf("unsigned value %d does not fit in java.lang.Long", x)
		}
		w.NewObject(classLong)
		w.Int64(int64(x))
	case int16:
		w.NewObject(classShort)
		w.Int16(x)
	case int8:
		w.NewObject(classByte)
		w.Int8(x)
	case bool:
		w.NewObject(classBoolean)
		w.Bool(x)
	case float64:
		w.NewObject(classDouble)
		w.Float64(x)
	case float32:
		w.NewObject(classFloat)
		w.Float32(x)
	case *big.Int:
		if x == nil {
			w.Null()
			return nil
		}
		w.bigInteger(x)
	case Decimal:
		w.decimal(x)
	case Timestamp:
		return w.timestamp(x)
	case OracleTimestamp:
		return w.oracleTimestamp(x)
	case Marshaler:
		return x.MarshalJava(w)
	default:
		return fmt.Errorf("value of type %T cannot be written as a Java object", v)
	}
	return nil
}

// bigInteger writes n as java.math.BigInteger: the legacy fields with the
// placeholders BigInteger.writeObject puts there, signum and the big-endian
// magnitude, then the end of its custom data.
func (w *Writer) bigInteger(n *big.Int) {
	w.NewObject(classBigInteger)
	for _, v := range []int32{-1, -1, -2, -2, int32(n.Sign())} {
		w.Int32(v)
	}
	w.ByteArray(new(big.Int).Abs(n).Bytes())
	w.EndBlockData()
}

// decimal writes d as java.math.BigDecimal (scale, then intVal as a BigInteger).
func (w *Writer) decimal(d Decimal) {
	u := d.Unscaled
	if u == nil {
		u = new(big.Int)
	}
	w.NewObject(classBigDecimal)
	w.Int32(d.Scale)
	w.bigInteger(u)
	w.EndBlockData()
}

// ClassOf names the Java class v is written as (or was read from), for messages;
// "" for a type this package does not write.
func ClassOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "java.lang.String"
	case []byte:
		return classByteArray.Name
	case Int, int32:
		return classInteger.Name
	case int64, int, uint64:
		return classLong.Name
	case int16:
		return classShort.Name
	case int8:
		return classByte.Name
	case bool:
		return classBoolean.Name
	case float64:
		return classDouble.Name
	case float32:
		return classFloat.Name
	case *big.Int:
		return classBigInteger.Name
	case Decimal:
		return classBigDecimal.Name
	case Timestamp:
		return classTimestamp.Name
	case OracleTimestamp:
		return classOracleTimestamp.Name
	}
	return ""
}
