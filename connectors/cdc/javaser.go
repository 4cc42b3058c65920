package cdc

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
)

// Debezium stores incremental snapshot keys (incremental_snapshot_primary_key,
// incremental_snapshot_maximum_key) as the lowercase hex of a Java object stream
// (java.io.ObjectOutputStream, protocol version 2) holding one Object[]. This file
// reads and writes the subset that MySQL and Oracle primary keys produce: null, java.lang.String,
// Integer, Long, Short, Byte and (javaser_decimal.go) BigDecimal. The constants below are the Java Object
// Serialization Stream Protocol's (§6.4.2) and the classes' serialVersionUIDs.
const (
	jsMagic        = 0xACED
	jsVersion      = 5
	tcNull         = 0x70
	tcReference    = 0x71
	tcClassDesc    = 0x72
	tcObject       = 0x73
	tcString       = 0x74
	tcArray        = 0x75
	tcEndBlockData = 0x78
	tcLongString   = 0x7C
	jsBaseHandle   = 0x7E0000
	scSerializable = 0x02
)

// javaBox describes one boxed number class: its name, serialVersionUID, the type code
// of its single "value" field and its width in bytes.
type javaBox struct {
	name  string
	suid  uint64
	code  byte
	width int
}

var (
	javaObjectArray = javaBox{name: "[Ljava.lang.Object;", suid: 0x90CE589F1073296C}
	javaNumber      = javaBox{name: "java.lang.Number", suid: 0x86AC951D0B94E08B}
	javaInteger     = javaBox{name: "java.lang.Integer", suid: 0x12E2A0A4F7818738, code: 'I', width: 4}
	javaLong        = javaBox{name: "java.lang.Long", suid: 0x3B8BE490CC8F23DF, code: 'J', width: 8}
	javaShort       = javaBox{name: "java.lang.Short", suid: 0x684D37133460DA52, code: 'S', width: 2}
	javaByte        = javaBox{name: "java.lang.Byte", suid: 0x9C4E6084EE50F51C, code: 'B', width: 1}
)

// JavaInt is a key value Java sees as java.lang.Integer (MySQL INT, MEDIUMINT,
// SMALLINT, TINYINT); plain Go int64 values are written as java.lang.Long.
type JavaInt int32

// EncodeJavaArray renders vals as Debezium's hex-encoded serialized Object[]; a nil
// slice is Java's null. Values may be nil, string, []byte (as a String), JavaInt, int32
// (Integer), int64, uint64 up to 2^63-1 (Long), int16 (Short), int8 (Byte) and
// JavaDecimal (java.math.BigDecimal).
func EncodeJavaArray(vals []any) (string, error) {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint16(jsMagic))
	binary.Write(&b, binary.BigEndian, uint16(jsVersion))
	if vals == nil {
		b.WriteByte(tcNull)
		return hex.EncodeToString(b.Bytes()), nil
	}
	w := &javaWriter{b: &b, classes: map[string]uint32{}}
	b.WriteByte(tcArray)
	w.classDesc(javaObjectArray, nil)
	w.next++ // the array itself
	binary.Write(&b, binary.BigEndian, int32(len(vals)))
	for i, v := range vals {
		if err := w.value(v); err != nil {
			return "", fmt.Errorf("key element %d: %w", i, err)
		}
	}
	return hex.EncodeToString(b.Bytes()), nil
}

type javaWriter struct {
	b       *bytes.Buffer
	next    uint32            // next handle offset
	classes map[string]uint32 // class name → handle offset of its descriptor
}

func (w *javaWriter) utf(s string) {
	binary.Write(w.b, binary.BigEndian, uint16(len(s)))
	w.b.WriteString(s)
}

// classDesc writes the descriptor of a boxed number class (one "value" field) or of
// a class without fields, or a back reference when already written.
func (w *javaWriter) classDesc(c javaBox, super *javaBox) {
	var fields []javaField
	if c.code != 0 {
		fields = []javaField{{code: c.code, name: "value"}}
	}
	w.desc(c, scSerializable, fields, super)
}

func (w *javaWriter) number(c javaBox, v int64) {
	w.b.WriteByte(tcObject)
	w.classDesc(c, &javaNumber)
	w.next++ // the object
	switch c.width {
	case 1:
		w.b.WriteByte(byte(int8(v)))
	case 2:
		binary.Write(w.b, binary.BigEndian, int16(v))
	case 4:
		binary.Write(w.b, binary.BigEndian, int32(v))
	default:
		binary.Write(w.b, binary.BigEndian, v)
	}
}

func (w *javaWriter) value(v any) error {
	switch x := v.(type) {
	case nil:
		w.b.WriteByte(tcNull)
	case []byte:
		return w.value(string(x))
	case string:
		w.next++
		mod := javaModifiedUTF8(x)
		if len(mod) > math.MaxUint16 {
			w.b.WriteByte(tcLongString)
			binary.Write(w.b, binary.BigEndian, uint64(len(mod)))
		} else {
			w.b.WriteByte(tcString)
			binary.Write(w.b, binary.BigEndian, uint16(len(mod)))
		}
		w.b.Write(mod)
	case JavaInt:
		w.number(javaInteger, int64(x))
	case int32:
		w.number(javaInteger, int64(x))
	case int64:
		w.number(javaLong, x)
	case int:
		w.number(javaLong, int64(x))
	case uint64:
		if x > math.MaxInt64 {
			return fmt.Errorf("unsigned value %d does not fit in java.lang.Long", x)
		}
		w.number(javaLong, int64(x))
	case int16:
		w.number(javaShort, int64(x))
	case int8:
		w.number(javaByte, int64(x))
	case JavaDecimal:
		return w.decimal(x)
	default:
		return fmt.Errorf("value of type %T cannot be written as a Java object", v)
	}
	return nil
}

// javaModifiedUTF8 encodes s as Java's modified UTF-8 (NUL as two bytes, characters
// outside the BMP as two three-byte surrogates).
func javaModifiedUTF8(s string) []byte {
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

func javaDecodeModifiedUTF8(b []byte) string {
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
	var out []rune
	for i := 0; i < len(units); i++ {
		u := rune(units[i])
		if u >= 0xD800 && u < 0xDC00 && i+1 < len(units) && units[i+1] >= 0xDC00 && units[i+1] < 0xE000 {
			out = append(out, 0x10000+(u-0xD800)<<10+(rune(units[i+1])-0xDC00))
			i++
			continue
		}
		out = append(out, u)
	}
	return string(out)
}

// ErrJavaStream is wrapped by every decoding error of DecodeJavaArray.
var ErrJavaStream = errors.New("not a serialized Java Object[] of Gonnect's supported key types")

// DecodeJavaArray reads a hex-encoded serialized Object[] written by Debezium or by
// EncodeJavaArray. Integer values come back as JavaInt, Long as int64, Short as int16,
// Byte as int8, BigDecimal as JavaDecimal, strings as string; a serialized null is a
// nil slice. Other classes (java.sql.Timestamp, ...) are reported with their name.
func DecodeJavaArray(s string) ([]any, error) {
	raw, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrJavaStream, err)
	}
	r := &javaReader{b: raw}
	if r.u16() != jsMagic || r.u16() != jsVersion {
		return nil, fmt.Errorf("%w: bad stream header", ErrJavaStream)
	}
	switch tc := r.byte1(); tc {
	case tcNull:
		if r.err != nil {
			return nil, r.err
		}
		return nil, nil
	case tcArray:
	default:
		return nil, fmt.Errorf("%w: type code 0x%02x at byte 4", ErrJavaStream, tc)
	}
	cd, err := r.classDesc()
	if err != nil {
		return nil, err
	}
	if cd == nil || cd.name != javaObjectArray.name {
		return nil, fmt.Errorf("%w: the array is not an Object[]", ErrJavaStream)
	}
	r.handles = append(r.handles, nil) // the array
	n := int(int32(r.u32()))
	if r.err != nil || n < 0 || n > len(raw) {
		return nil, fmt.Errorf("%w: bad array length %d", ErrJavaStream, n)
	}
	out := make([]any, 0, n)
	for i := 0; i < n; i++ {
		v, err := r.value()
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
		out = append(out, v)
	}
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}

type javaClass struct {
	name   string
	flags  byte     // SC_* flags
	fields []byte   // type codes
	names  []string // field names
	super  *javaClass
}

type javaReader struct {
	b       []byte
	pos     int
	err     error
	handles []any // *javaClass, string or a decoded value
}

func (r *javaReader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || r.pos+n > len(r.b) {
		r.err = fmt.Errorf("%w: truncated at byte %d", ErrJavaStream, r.pos)
		return nil
	}
	p := r.b[r.pos : r.pos+n]
	r.pos += n
	return p
}

func (r *javaReader) byte1() byte {
	if p := r.take(1); p != nil {
		return p[0]
	}
	return 0
}

func (r *javaReader) u16() uint16 {
	if p := r.take(2); p != nil {
		return binary.BigEndian.Uint16(p)
	}
	return 0
}

func (r *javaReader) u32() uint32 {
	if p := r.take(4); p != nil {
		return binary.BigEndian.Uint32(p)
	}
	return 0
}

func (r *javaReader) u64() uint64 {
	if p := r.take(8); p != nil {
		return binary.BigEndian.Uint64(p)
	}
	return 0
}

func (r *javaReader) ref() (any, error) {
	h := int(r.u32()) - jsBaseHandle
	if r.err != nil {
		return nil, r.err
	}
	if h < 0 || h >= len(r.handles) {
		return nil, fmt.Errorf("%w: dangling reference at byte %d", ErrJavaStream, r.pos-4)
	}
	return r.handles[h], nil
}

// classDesc reads a class descriptor, a back reference to one, or null.
func (r *javaReader) classDesc() (*javaClass, error) {
	switch tc := r.byte1(); tc {
	case tcNull:
		return nil, r.err
	case tcReference:
		v, err := r.ref()
		if err != nil {
			return nil, err
		}
		c, ok := v.(*javaClass)
		if !ok {
			return nil, fmt.Errorf("%w: reference at byte %d is not a class", ErrJavaStream, r.pos-4)
		}
		return c, nil
	case tcClassDesc:
		c := &javaClass{name: string(r.take(int(r.u16())))}
		r.handles = append(r.handles, c)
		r.u64() // serialVersionUID
		c.flags = r.byte1()
		nf := int(r.u16())
		for i := 0; i < nf && r.err == nil; i++ {
			code := r.byte1()
			c.names = append(c.names, string(r.take(int(r.u16()))))
			if code == 'L' || code == '[' {
				if _, err := r.value(); err != nil { // the field's class name
					return nil, err
				}
			}
			c.fields = append(c.fields, code)
		}
		if end := r.byte1(); end != tcEndBlockData && r.err == nil {
			return nil, fmt.Errorf("%w: class annotations of %s are not supported", ErrJavaStream, c.name)
		}
		super, err := r.classDesc()
		if err != nil {
			return nil, err
		}
		c.super = super
		return c, r.err
	default:
		if r.err != nil {
			return nil, r.err
		}
		return nil, fmt.Errorf("%w: type code 0x%02x at byte %d where a class was expected", ErrJavaStream, tc, r.pos-1)
	}
}

func (r *javaReader) value() (any, error) {
	switch tc := r.byte1(); tc {
	case tcNull:
		return nil, r.err
	case tcReference:
		return r.ref()
	case tcArray:
		return r.byteArray()
	case tcString, tcLongString:
		var n int
		if tc == tcLongString {
			l := r.u64()
			if l > uint64(len(r.b)) {
				return nil, fmt.Errorf("%w: bad string length at byte %d", ErrJavaStream, r.pos-8)
			}
			n = int(l)
		} else {
			n = int(r.u16())
		}
		s := javaDecodeModifiedUTF8(r.take(n))
		r.handles = append(r.handles, s)
		return s, r.err
	case tcObject:
		c, err := r.classDesc()
		if err != nil {
			return nil, err
		}
		if c == nil {
			return nil, fmt.Errorf("%w: object without class at byte %d", ErrJavaStream, r.pos)
		}
		switch c.name {
		case javaBigDecimal.name:
			return r.decimal(c)
		case javaBigInteger.name:
			return r.bigInteger(c)
		}
		var box *javaBox
		for _, b := range []*javaBox{&javaInteger, &javaLong, &javaShort, &javaByte} {
			if b.name == c.name {
				box = b
			}
		}
		if box == nil || len(c.fields) != 1 || c.fields[0] != box.code {
			return nil, fmt.Errorf("%w: key values of class %s are not supported", ErrJavaStream, c.name)
		}
		idx := len(r.handles)
		r.handles = append(r.handles, nil)
		var v any
		switch box.width {
		case 1:
			v = int8(r.byte1())
		case 2:
			v = int16(r.u16())
		case 4:
			v = JavaInt(int32(r.u32()))
		default:
			v = int64(r.u64())
		}
		r.handles[idx] = v
		return v, r.err
	default:
		if r.err != nil {
			return nil, r.err
		}
		return nil, fmt.Errorf("%w: type code 0x%02x at byte %d", ErrJavaStream, tc, r.pos-1)
	}
}
