package cdc

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"strings"
)

// java.math.BigDecimal and java.math.BigInteger in a Java object stream: what Oracle's
// JDBC driver returns for NUMBER key columns, so what Debezium's Oracle connector
// serializes into incremental_snapshot_primary_key/_maximum_key. Both classes have a
// writeObject method (SC_WRITE_METHOD): their field values are followed by an end
// block marker. BigInteger writes its legacy fields with fixed placeholder values
// (bitCount and bitLength -1, firstNonzeroByteNum and lowestSetBit -2) besides signum
// and the big-endian magnitude.
const scWriteMethod = 0x01

var (
	javaBigDecimal = javaBox{name: "java.math.BigDecimal", suid: 0x54C71557F981284F}
	javaBigInteger = javaBox{name: "java.math.BigInteger", suid: 0x8CFC9F1FA93BFB1D}
	javaByteArray  = javaBox{name: "[B", suid: 0xACF317F8060854E0}
)

// javaField is one serializable field of a class descriptor: its type code, name and,
// for object and array fields, its JVM type signature.
type javaField struct {
	code      byte
	name, sig string
}

var (
	bigDecimalFields = []javaField{{'I', "scale", ""}, {'L', "intVal", "Ljava/math/BigInteger;"}}
	bigIntegerFields = []javaField{{'I', "bitCount", ""}, {'I', "bitLength", ""}, {'I', "firstNonzeroByteNum", ""},
		{'I', "lowestSetBit", ""}, {'I', "signum", ""}, {'[', "magnitude", "[B"}}
)

// JavaDecimal is a key value Java sees as java.math.BigDecimal (Oracle NUMBER):
// Unscaled × 10^-Scale.
type JavaDecimal struct {
	Unscaled *big.Int
	Scale    int32
}

// ParseJavaDecimal reads a decimal number in plain notation ("-12.50", "7"); the
// scale is the count of digits after the point, as BigDecimal's string constructor
// keeps it.
func ParseJavaDecimal(s string) (JavaDecimal, error) {
	t := strings.TrimSpace(s)
	digits, scale := t, 0
	if i := strings.IndexByte(t, '.'); i >= 0 {
		digits, scale = t[:i]+t[i+1:], len(t)-i-1
	}
	n, ok := new(big.Int).SetString(digits, 10)
	if !ok || digits == "" || digits == "-" || digits == "+" {
		return JavaDecimal{}, fmt.Errorf("%q is not a decimal number", s)
	}
	return JavaDecimal{Unscaled: n, Scale: int32(scale)}, nil
}

// String renders the decimal in plain notation (Java's toPlainString).
func (d JavaDecimal) String() string {
	if d.Unscaled == nil {
		return "0"
	}
	if d.Scale <= 0 {
		return new(big.Int).Mul(d.Unscaled, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-d.Scale)), nil)).String()
	}
	abs := new(big.Int).Abs(d.Unscaled).String()
	if len(abs) <= int(d.Scale) {
		abs = strings.Repeat("0", int(d.Scale)-len(abs)+1) + abs
	}
	cut := len(abs) - int(d.Scale)
	out := abs[:cut] + "." + abs[cut:]
	if d.Unscaled.Sign() < 0 {
		out = "-" + out
	}
	return out
}

// desc writes a class descriptor with its flags and fields, then its superclass's
// (nil: none), or a back reference when it was already written.
func (w *javaWriter) desc(c javaBox, flags byte, fields []javaField, super *javaBox) {
	if h, ok := w.classes[c.name]; ok {
		w.b.WriteByte(tcReference)
		binary.Write(w.b, binary.BigEndian, jsBaseHandle+h)
		return
	}
	w.classes[c.name] = w.next
	w.next++
	w.b.WriteByte(tcClassDesc)
	w.utf(c.name)
	binary.Write(w.b, binary.BigEndian, c.suid)
	w.b.WriteByte(flags)
	binary.Write(w.b, binary.BigEndian, uint16(len(fields)))
	for _, f := range fields {
		w.b.WriteByte(f.code)
		w.utf(f.name)
		if f.sig == "" {
			continue
		}
		key := "sig:" + f.sig // type strings are shared objects in the stream
		if h, ok := w.classes[key]; ok {
			w.b.WriteByte(tcReference)
			binary.Write(w.b, binary.BigEndian, jsBaseHandle+h)
			continue
		}
		w.classes[key] = w.next
		w.next++
		w.b.WriteByte(tcString)
		w.utf(f.sig)
	}
	w.b.WriteByte(tcEndBlockData)
	if super == nil {
		w.b.WriteByte(tcNull)
		return
	}
	w.classDesc(*super, nil)
}

// decimal writes d as a java.math.BigDecimal object.
func (w *javaWriter) decimal(d JavaDecimal) error {
	u := d.Unscaled
	if u == nil {
		u = new(big.Int)
	}
	w.b.WriteByte(tcObject)
	w.desc(javaBigDecimal, scSerializable|scWriteMethod, bigDecimalFields, &javaNumber)
	w.next++ // the BigDecimal
	binary.Write(w.b, binary.BigEndian, d.Scale)
	w.b.WriteByte(tcObject)
	w.desc(javaBigInteger, scSerializable|scWriteMethod, bigIntegerFields, &javaNumber)
	w.next++ // the BigInteger
	for _, v := range []int32{-1, -1, -2, -2, int32(u.Sign())} {
		binary.Write(w.b, binary.BigEndian, v)
	}
	mag := new(big.Int).Abs(u).Bytes()
	w.b.WriteByte(tcArray)
	w.desc(javaByteArray, scSerializable, nil, nil)
	w.next++ // the byte[]
	binary.Write(w.b, binary.BigEndian, int32(len(mag)))
	w.b.Write(mag)
	w.b.WriteByte(tcEndBlockData) // BigInteger.writeObject
	w.b.WriteByte(tcEndBlockData) // BigDecimal.writeObject
	return nil
}

// fieldsOf reads the class data of an object of class c (superclasses first) and
// returns its field values by name: primitives as int64, objects as decoded.
func (r *javaReader) fieldsOf(c *javaClass) (map[string]any, error) {
	var chain []*javaClass
	for k := c; k != nil; k = k.super {
		chain = append([]*javaClass{k}, chain...)
	}
	out := map[string]any{}
	for _, k := range chain {
		for i, code := range k.fields {
			var v any
			switch code {
			case 'B', 'Z':
				v = int64(int8(r.byte1()))
			case 'C', 'S':
				v = int64(int16(r.u16()))
			case 'I', 'F':
				v = int64(int32(r.u32()))
			case 'J', 'D':
				v = int64(r.u64())
			case 'L', '[':
				x, err := r.value()
				if err != nil {
					return nil, err
				}
				v = x
			default:
				return nil, fmt.Errorf("%w: field type code 0x%02x of %s", ErrJavaStream, code, k.name)
			}
			out[k.names[i]] = v
		}
		if k.flags&scWriteMethod != 0 {
			if tc := r.byte1(); tc != tcEndBlockData && r.err == nil {
				return nil, fmt.Errorf("%w: custom data of %s at byte %d is not supported", ErrJavaStream, k.name, r.pos-1)
			}
		}
	}
	return out, r.err
}

// decimal reads the class data of a BigDecimal whose descriptor c was just read.
func (r *javaReader) decimal(c *javaClass) (any, error) {
	idx := len(r.handles)
	r.handles = append(r.handles, nil)
	f, err := r.fieldsOf(c)
	if err != nil {
		return nil, err
	}
	scale, ok1 := f["scale"].(int64)
	iv, ok2 := f["intVal"].(*big.Int)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("%w: key values of class %s without scale and intVal are not supported", ErrJavaStream, c.name)
	}
	d := JavaDecimal{Unscaled: iv, Scale: int32(scale)}
	r.handles[idx] = d
	return d, nil
}

// bigInteger reads the class data of a BigInteger whose descriptor c was just read.
func (r *javaReader) bigInteger(c *javaClass) (any, error) {
	idx := len(r.handles)
	r.handles = append(r.handles, nil)
	f, err := r.fieldsOf(c)
	if err != nil {
		return nil, err
	}
	sign, ok1 := f["signum"].(int64)
	mag, ok2 := f["magnitude"].([]byte)
	if !ok1 || !ok2 || sign < -1 || sign > 1 {
		return nil, fmt.Errorf("%w: a %s without signum and magnitude", ErrJavaStream, c.name)
	}
	n := new(big.Int).SetBytes(mag)
	if sign < 0 {
		n.Neg(n)
	}
	r.handles[idx] = n
	return n, nil
}

// byteArray reads a byte[] after its tcArray marker.
func (r *javaReader) byteArray() (any, error) {
	c, err := r.classDesc()
	if err != nil {
		return nil, err
	}
	if c == nil || c.name != javaByteArray.name {
		name := "null"
		if c != nil {
			name = c.name
		}
		return nil, fmt.Errorf("%w: arrays of class %s are not supported as key values", ErrJavaStream, name)
	}
	idx := len(r.handles)
	r.handles = append(r.handles, nil)
	n := int(int32(r.u32()))
	if r.err != nil || n < 0 || n > len(r.b)-r.pos {
		return nil, fmt.Errorf("%w: bad byte[] length %d at byte %d", ErrJavaStream, n, r.pos-4)
	}
	b := append([]byte(nil), r.take(n)...)
	r.handles[idx] = b
	return b, r.err
}
