package oracle

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/big"
	"strconv"
	"time"
	"unicode/utf16"

	"github.com/gonnect/gonnect/connectors/cdc"
)

// decodeJavaKey reads a hex serialized Object[] of key values as Debezium's Oracle
// connector or Gonnect wrote it: String, BigDecimal, BigInteger and the boxed
// integers come back as their text, java.sql.Timestamp (its instant read in zone,
// the Java worker's default time zone) as javaSQLTimestamp, oracle.sql.TIMESTAMP and
// oracle.sql.DATE as javaOracleTimestamp. A serialized null is a nil slice. Fields of
// a class beyond those it needs (a newer driver's Datum, say) are read and ignored;
// any other class is an error naming it.
func decodeJavaKey(s string, zone *time.Location) ([]any, error) {
	raw, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errJavaKey, err)
	}
	if zone == nil {
		zone = time.UTC
	}
	r := &javaKeyReader{b: raw, zone: zone}
	if r.u16() != 0xACED || r.u16() != 5 {
		return nil, fmt.Errorf("%w: bad stream header", errJavaKey)
	}
	v, err := r.content()
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, nil
	}
	arr, ok := v.(*javaArray)
	if !ok || arr.class.name != jcObjectArray.name {
		return nil, fmt.Errorf("%w: the stream holds %T, not an Object[]", errJavaKey, v)
	}
	out := make([]any, len(arr.elems))
	for i, e := range arr.elems {
		if out[i], err = r.keyValue(e); err != nil {
			return nil, fmt.Errorf("key element %d: %w", i, err)
		}
	}
	return out, nil
}

// javaObject is an object read generically: its class and, per class of its chain,
// its field values and the block data its writeObject appended.
type javaObject struct {
	class  *javaClassDesc
	fields map[string]any    // "<class>.<field>": int64, string, *javaObject, *javaArray or nil
	blocks map[string][]byte // class name → custom block data
}

type javaArray struct {
	class *javaClassDesc
	bytes []byte // byte[]
	elems []any  // object arrays
}

type javaKeyReader struct {
	b       []byte
	pos     int
	err     error
	zone    *time.Location
	handles []any
	depth   int
}

func (r *javaKeyReader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || r.pos+n > len(r.b) {
		r.err = fmt.Errorf("%w: truncated at byte %d", errJavaKey, r.pos)
		return nil
	}
	p := r.b[r.pos : r.pos+n]
	r.pos += n
	return p
}

func (r *javaKeyReader) u8() byte {
	if p := r.take(1); p != nil {
		return p[0]
	}
	return 0
}

func (r *javaKeyReader) u16() uint16 {
	if p := r.take(2); p != nil {
		return binary.BigEndian.Uint16(p)
	}
	return 0
}

func (r *javaKeyReader) u32() uint32 {
	if p := r.take(4); p != nil {
		return binary.BigEndian.Uint32(p)
	}
	return 0
}

func (r *javaKeyReader) u64() uint64 {
	if p := r.take(8); p != nil {
		return binary.BigEndian.Uint64(p)
	}
	return 0
}

func (r *javaKeyReader) fail(format string, args ...any) error {
	if r.err != nil {
		return r.err
	}
	return fmt.Errorf("%w: "+format, append([]any{errJavaKey}, args...)...)
}

func (r *javaKeyReader) newHandle(v any) int {
	r.handles = append(r.handles, v)
	return len(r.handles) - 1
}

// content reads one object, array, string, null or back reference.
func (r *javaKeyReader) content() (any, error) {
	if r.depth++; r.depth > 64 {
		return nil, r.fail("objects nested deeper than 64 at byte %d", r.pos)
	}
	defer func() { r.depth-- }()
	at := r.pos
	switch tc := r.u8(); tc {
	case tcNull:
		return nil, r.err
	case tcReference:
		h := int(r.u32()) - baseHandle
		if r.err != nil || h < 0 || h >= len(r.handles) {
			return nil, r.fail("dangling reference at byte %d", at)
		}
		return r.handles[h], nil
	case tcString, tcLongStr:
		var n uint64
		if tc == tcLongStr {
			n = r.u64()
		} else {
			n = uint64(r.u16())
		}
		if n > uint64(len(r.b)) {
			return nil, r.fail("bad string length at byte %d", at)
		}
		s := cdcUTF(r.take(int(n)))
		r.newHandle(s)
		return s, r.err
	case tcArray:
		c, err := r.classDesc()
		if err != nil {
			return nil, err
		}
		if c == nil || len(c.name) < 2 {
			return nil, r.fail("array without class at byte %d", at)
		}
		a := &javaArray{class: c}
		r.newHandle(a)
		n := int(int32(r.u32()))
		if r.err != nil || n < 0 || n > len(r.b) {
			return nil, r.fail("bad array length %d at byte %d", n, at)
		}
		switch c.name[1] {
		case 'B':
			a.bytes = append([]byte(nil), r.take(n)...)
		case 'L', '[':
			for i := 0; i < n && r.err == nil; i++ {
				e, err := r.content()
				if err != nil {
					return nil, err
				}
				a.elems = append(a.elems, e)
			}
		default:
			return nil, r.fail("arrays of %s are not key values", c.name)
		}
		return a, r.err
	case tcObject:
		c, err := r.classDesc()
		if err != nil {
			return nil, err
		}
		if c == nil {
			return nil, r.fail("object without class at byte %d", at)
		}
		o := &javaObject{class: c, fields: map[string]any{}, blocks: map[string][]byte{}}
		r.newHandle(o)
		var chain []*javaClassDesc
		for k := c; k != nil; k = k.super {
			chain = append([]*javaClassDesc{k}, chain...)
		}
		for _, k := range chain {
			if err := r.classData(o, k); err != nil {
				return nil, err
			}
		}
		return o, r.err
	default:
		return nil, r.fail("type code 0x%02x at byte %d", tc, at)
	}
}

// classDesc reads a class descriptor, a back reference to one, or null.
func (r *javaKeyReader) classDesc() (*javaClassDesc, error) {
	at := r.pos
	switch tc := r.u8(); tc {
	case tcNull:
		return nil, r.err
	case tcReference:
		h := int(r.u32()) - baseHandle
		if r.err != nil || h < 0 || h >= len(r.handles) {
			return nil, r.fail("dangling reference at byte %d", at)
		}
		c, ok := r.handles[h].(*javaClassDesc)
		if !ok {
			return nil, r.fail("reference at byte %d is not a class", at)
		}
		return c, nil
	case tcClassDesc:
		c := &javaClassDesc{name: cdcUTF(r.take(int(r.u16())))}
		r.newHandle(c)
		c.suid = r.u64()
		c.flags = r.u8()
		if c.flags&scExtern != 0 {
			return nil, r.fail("externalizable class %s is not a key value", c.name)
		}
		nf := int(r.u16())
		for i := 0; i < nf && r.err == nil; i++ {
			f := javaFieldDesc{code: r.u8(), name: cdcUTF(r.take(int(r.u16())))}
			if f.code == 'L' || f.code == '[' {
				sig, err := r.content()
				if err != nil {
					return nil, err
				}
				f.sig, _ = sig.(string)
			}
			c.fields = append(c.fields, f)
		}
		if _, err := r.annotation(); err != nil { // classAnnotation
			return nil, err
		}
		super, err := r.classDesc()
		if err != nil {
			return nil, err
		}
		c.super = super
		return c, r.err
	default:
		return nil, r.fail("type code 0x%02x at byte %d where a class was expected", tc, at)
	}
}

// annotation reads block data and objects up to the end-block marker, returning the
// block bytes.
func (r *javaKeyReader) annotation() ([]byte, error) {
	var data []byte
	for r.err == nil {
		switch tc := r.b[r.pos:]; {
		case len(tc) == 0:
			return nil, r.fail("truncated at byte %d", r.pos)
		case tc[0] == tcEndBlock:
			r.pos++
			return data, nil
		case tc[0] == tcBlockData:
			r.pos++
			data = append(data, r.take(int(r.u8()))...)
		case tc[0] == tcBlockLong:
			r.pos++
			data = append(data, r.take(int(int32(r.u32())))...)
		default:
			if _, err := r.content(); err != nil {
				return nil, err
			}
		}
	}
	return nil, r.err
}

// classData reads the part of o that class k wrote: its fields, then what its
// writeObject appended.
func (r *javaKeyReader) classData(o *javaObject, k *javaClassDesc) error {
	for _, f := range k.fields {
		var v any
		switch f.code {
		case 'B', 'Z':
			v = int64(int8(r.u8()))
		case 'C', 'S':
			v = int64(int16(r.u16()))
		case 'I', 'F':
			v = int64(int32(r.u32()))
		case 'J', 'D':
			v = int64(r.u64())
		case 'L', '[':
			x, err := r.content()
			if err != nil {
				return err
			}
			v = x
		default:
			return r.fail("field type code 0x%02x of %s", f.code, k.name)
		}
		o.fields[k.name+"."+f.name] = v
	}
	if k.flags&scWrite != 0 {
		data, err := r.annotation()
		if err != nil {
			return err
		}
		o.blocks[k.name] = data
	}
	return r.err
}

// keyValue turns one decoded element into Gonnect's key form.
func (r *javaKeyReader) keyValue(v any) (any, error) {
	switch x := v.(type) {
	case nil, string:
		return x, nil
	case *javaObject:
		switch x.class.name {
		case "java.lang.Integer", "java.lang.Long", "java.lang.Short", "java.lang.Byte":
			n, ok := x.fields[x.class.name+".value"].(int64)
			if !ok {
				return nil, r.fail("%s without its value", x.class.name)
			}
			return strconv.FormatInt(n, 10), nil
		case jcBigInteger.name:
			b, err := r.bigInteger(x)
			if err != nil {
				return nil, err
			}
			return b.String(), nil
		case jcBigDecimal.name:
			scale, ok := x.fields[jcBigDecimal.name+".scale"].(int64)
			iv, _ := x.fields[jcBigDecimal.name+".intVal"].(*javaObject)
			if !ok || iv == nil {
				return nil, r.fail("BigDecimal without scale and intVal")
			}
			u, err := r.bigInteger(iv)
			if err != nil {
				return nil, err
			}
			return cdc.JavaDecimal{Unscaled: u, Scale: int32(scale)}.String(), nil
		case javaTimestampClass:
			block := x.blocks[jcDate.name]
			nanos, ok := x.fields[javaTimestampClass+".nanos"].(int64)
			if len(block) != 8 || !ok || nanos < 0 || nanos > 999999999 {
				return nil, r.fail("java.sql.Timestamp without its time and nanos")
			}
			ms := int64(binary.BigEndian.Uint64(block))
			at := time.Unix(floorDiv(ms, 1000), nanos).In(r.zone)
			return javaSQLTimestamp{wall: wallUTC(at)}, nil
		case javaOracleTimestampClass, javaOracleDateClass:
			a, _ := x.fields[jcDatum.name+".data"].(*javaArray)
			if a == nil {
				return nil, r.fail("%s without its data bytes", x.class.name)
			}
			t, err := oracleTimestampTime(a.bytes)
			if err != nil {
				return nil, r.fail("%s: %v", x.class.name, err)
			}
			return javaOracleTimestamp{wall: t}, nil
		}
		return nil, r.fail("key values of class %s are not supported", x.class.name)
	}
	return nil, r.fail("a %T is not a key value", v)
}

func (r *javaKeyReader) bigInteger(o *javaObject) (*big.Int, error) {
	if o.class.name != jcBigInteger.name {
		return nil, r.fail("intVal of class %s", o.class.name)
	}
	sign, ok := o.fields[jcBigInteger.name+".signum"].(int64)
	mag, _ := o.fields[jcBigInteger.name+".magnitude"].(*javaArray)
	if !ok || mag == nil {
		return nil, r.fail("BigInteger without signum and magnitude")
	}
	b := new(big.Int).SetBytes(mag.bytes)
	if sign < 0 {
		b.Neg(b)
	}
	return b, nil
}

// oracleTimestampTime reads the driver's 7- or 11-byte DATE/TIMESTAMP form.
func oracleTimestampTime(b []byte) (time.Time, error) {
	if len(b) != 7 && len(b) != 11 {
		return time.Time{}, fmt.Errorf("%d data bytes, want 7 or 11", len(b))
	}
	y := (int(b[0])-100)*100 + int(b[1]) - 100
	if y < 1 || b[2] < 1 || b[2] > 12 || b[3] < 1 || b[3] > 31 || b[4] < 1 || b[4] > 24 || b[5] < 1 || b[5] > 60 || b[6] < 1 || b[6] > 60 {
		return time.Time{}, fmt.Errorf("invalid date bytes % x", b)
	}
	ns := 0
	if len(b) == 11 {
		ns = int(binary.BigEndian.Uint32(b[7:]))
		if ns > 999999999 {
			return time.Time{}, fmt.Errorf("invalid nanoseconds %d", ns)
		}
	}
	return time.Date(y, time.Month(b[2]), int(b[3]), int(b[4])-1, int(b[5])-1, int(b[6])-1, ns, time.UTC), nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// wallUTC keeps t's wall clock and drops its zone.
func wallUTC(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// cdcUTF decodes Java's modified UTF-8.
func cdcUTF(b []byte) string {
	var units []uint16
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < 0x80:
			units = append(units, uint16(c))
			i++
		case c&0xE0 == 0xC0 && i+1 < len(b):
			units = append(units, uint16(c&0x1F)<<6|uint16(b[i+1]&0x3F))
			i += 2
		case i+2 < len(b):
			units = append(units, uint16(c&0x0F)<<12|uint16(b[i+1]&0x3F)<<6|uint16(b[i+2]&0x3F))
			i += 3
		default:
			units = append(units, 0xFFFD)
			i = len(b)
		}
	}
	return string(utf16.Decode(units))
}
