package javaser

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
)

// ReadFunc turns an object of one class, read generically, into a Go value. Its
// errors should wrap ErrStream and name the class.
type ReadFunc func(o *Object) (any, error)

// Decoder reads serialized Object[] streams. The zero value reads the built-in
// classes; a Decoder is safe for concurrent use as long as Classes is not changed.
type Decoder struct {
	// Classes maps a class name to the function that turns its objects into Go
	// values, for classes a connector needs beyond the built-in ones (it takes
	// precedence over them). It is the read half of the extension point; Marshaler
	// is the write half.
	Classes map[string]ReadFunc
}

// builtin are the read functions of the classes EncodeArray writes.
var builtin = map[string]ReadFunc{
	classInteger.Name:         readBoxed,
	classLong.Name:            readBoxed,
	classShort.Name:           readBoxed,
	classByte.Name:            readBoxed,
	classBoolean.Name:         readBoxed,
	classDouble.Name:          readBoxed,
	classFloat.Name:           readBoxed,
	classBigInteger.Name:      readBigInteger,
	classBigDecimal.Name:      readBigDecimal,
	classTimestamp.Name:       readTimestamp,
	classOracleTimestamp.Name: readOracleTimestamp,
	classOracleDate:           readOracleTimestamp,
}

// DecodeArray is Decoder{}.DecodeArray.
func DecodeArray(s string) ([]any, error) { return Decoder{}.DecodeArray(s) }

// DecodeArray reads the hex of a serialized Object[] written by Java (Debezium) or
// by EncodeArray. Elements come back as EncodeArray takes them: Integer as Int,
// Long as int64, Short as int16, Byte as int8, Boolean as bool, Double as float64,
// Float as float32, BigInteger as *big.Int, BigDecimal as Decimal, String as
// string, byte[] as []byte, java.sql.Timestamp as Timestamp, oracle.sql.TIMESTAMP
// and oracle.sql.DATE as OracleTimestamp, and classes of d.Classes as their
// ReadFunc returns them. A serialized null is a nil slice. Every error wraps
// ErrStream; an element of another class is an error naming the class and the
// element's position.
func (d Decoder) DecodeArray(s string) ([]any, error) {
	raw, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStream, err)
	}
	r := &reader{b: raw}
	if r.u16() != streamMagic || r.u16() != streamVersion {
		return nil, fmt.Errorf("%w: bad stream header", ErrStream)
	}
	v, err := r.content()
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, nil
	}
	arr, ok := v.(*Array)
	if !ok || arr.Class.Name != classObjectArray.Name {
		return nil, fmt.Errorf("%w: the stream holds %s, not an Object[]", ErrStream, describe(v))
	}
	out := make([]any, len(arr.Elems))
	for i, e := range arr.Elems {
		if out[i], err = d.value(e); err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
	}
	return out, nil
}

// value turns one generically read element into its Go value.
func (d Decoder) value(v any) (any, error) {
	switch x := v.(type) {
	case nil, string:
		return x, nil
	case *Array:
		if x.Class.Name == classByteArray.Name {
			return append([]byte{}, x.Bytes...), nil
		}
		return nil, fmt.Errorf("%w: values of class %s are not supported", ErrStream, x.Class.Name)
	case *Object:
		read := d.Classes[x.Class.Name]
		if read == nil {
			read = builtin[x.Class.Name]
		}
		if read == nil {
			return nil, fmt.Errorf("%w: values of class %s are not supported", ErrStream, x.Class.Name)
		}
		return read(x)
	}
	return nil, fmt.Errorf("%w: a %s is not a value", ErrStream, describe(v))
}

// describe names what was read, for messages.
func describe(v any) string {
	switch x := v.(type) {
	case *Object:
		return "an object of class " + x.Class.Name
	case *Array:
		return "an array of class " + x.Class.Name
	case *Class:
		return "the class " + x.Name
	case string:
		return "a string"
	}
	return fmt.Sprintf("a %T", v)
}

// boxedCodes are the type codes of the wrappers' value fields.
var boxedCodes = map[string]byte{classInteger.Name: 'I', classLong.Name: 'J', classShort.Name: 'S', classByte.Name: 'B',
	classBoolean.Name: 'Z', classDouble.Name: 'D', classFloat.Name: 'F'}

// readBoxed turns a java.lang wrapper (its one value field) into its Go value.
func readBoxed(o *Object) (any, error) {
	name := o.Class.Name
	code := boxedCodes[name]
	n, err := o.primitive(name, "value", code)
	if err != nil {
		return nil, err
	}
	switch code {
	case 'I':
		return Int(n), nil
	case 'J':
		return n, nil
	case 'S':
		return int16(n), nil
	case 'B':
		return int8(n), nil
	case 'Z':
		return n != 0, nil
	case 'D':
		return math.Float64frombits(uint64(n)), nil
	default: // 'F'
		return math.Float32frombits(uint32(n)), nil
	}
}

// readBigInteger turns a java.math.BigInteger into a *big.Int.
func readBigInteger(o *Object) (any, error) {
	return bigInteger(o)
}

func bigInteger(o *Object) (*big.Int, error) {
	if o.Class.Name != classBigInteger.Name {
		return nil, fmt.Errorf("%w: a java.math.BigInteger expected, not %s", ErrStream, o.Class.Name)
	}
	sign, err := o.primitive(classBigInteger.Name, "signum", 'I')
	mag, _ := o.Field(classBigInteger.Name, "magnitude").(*Array)
	if err != nil || mag == nil || mag.Class.Name != classByteArray.Name || sign < -1 || sign > 1 {
		return nil, fmt.Errorf("%w: java.math.BigInteger without signum and magnitude", ErrStream)
	}
	n := new(big.Int).SetBytes(mag.Bytes)
	if (n.Sign() == 0) != (sign == 0) {
		return nil, fmt.Errorf("%w: java.math.BigInteger with signum %d and magnitude % x", ErrStream, sign, mag.Bytes)
	}
	if sign < 0 {
		n.Neg(n)
	}
	return n, nil
}

// readBigDecimal turns a java.math.BigDecimal into a Decimal.
func readBigDecimal(o *Object) (any, error) {
	scale, err := o.primitive(classBigDecimal.Name, "scale", 'I')
	iv, _ := o.Field(classBigDecimal.Name, "intVal").(*Object)
	if err != nil || iv == nil {
		return nil, fmt.Errorf("%w: java.math.BigDecimal without scale and intVal", ErrStream)
	}
	u, err := bigInteger(iv)
	if err != nil {
		return nil, err
	}
	return Decimal{Unscaled: u, Scale: int32(scale)}, nil
}
