package javaser

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrStream is wrapped by every error reading a stream.
var ErrStream = errors.New("not a serialized Java Object[] of supported values")

// maxDepth bounds nested contents, so that a crafted stream cannot exhaust the stack.
const maxDepth = 64

// Object is an object read generically: its class and, per class of its chain, its
// field values and the block data its writeObject appended.
type Object struct {
	Class  *Class
	fields map[string]any    // "<class>.<field>"
	blocks map[string][]byte // class name → block data
}

// Field returns the value of field name declared by class (o's class or one of its
// superclasses): primitives as int64 (the value for integral types and char, 0 or
// 1 for boolean, the IEEE 754 bits for float and double), objects as string,
// *Object, *Array or nil. A missing field is nil.
func (o *Object) Field(class, name string) any { return o.fields[class+"."+name] }

// BlockData returns what class's writeObject appended as block data (objects it
// wrote are read and dropped).
func (o *Object) BlockData(class string) []byte { return o.blocks[class] }

// primitive returns a primitive field of type code declared by class.
func (o *Object) primitive(class, name string, code byte) (int64, error) {
	f, ok := o.Class.field(class, name)
	v, isInt := o.fields[class+"."+name].(int64)
	if !ok || f.Code != code || !isInt {
		return 0, fmt.Errorf("%w: %s without its %c field %s", ErrStream, o.Class.Name, code, name)
	}
	return v, nil
}

// Array is an array read generically.
type Array struct {
	Class *Class
	Len   int
	Bytes []byte // the elements of a byte[]; the raw big-endian elements of other primitive arrays
	Elems []any  // the elements of an object array, as Field returns them
}

// reader reads the grammar of one stream. Errors stick: after the first, every
// read returns zero values and the first error.
type reader struct {
	b       []byte
	pos     int
	err     error
	handles []any // *Class, string, *Object, *Array by handle
	depth   int
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.pos {
		r.err = fmt.Errorf("%w: truncated at byte %d", ErrStream, r.pos)
		return nil
	}
	p := r.b[r.pos : r.pos+n]
	r.pos += n
	return p
}

func (r *reader) u8() byte {
	if p := r.take(1); p != nil {
		return p[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if p := r.take(2); p != nil {
		return binary.BigEndian.Uint16(p)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if p := r.take(4); p != nil {
		return binary.BigEndian.Uint32(p)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if p := r.take(8); p != nil {
		return binary.BigEndian.Uint64(p)
	}
	return 0
}

// fail returns the sticky error if there is one, else a new one wrapping ErrStream.
func (r *reader) fail(format string, args ...any) error {
	if r.err != nil {
		return r.err
	}
	return fmt.Errorf("%w: "+format, append([]any{ErrStream}, args...)...)
}

func (r *reader) newHandle(v any) { r.handles = append(r.handles, v) }

// reference reads a back reference's handle (its type code already read at byte at).
func (r *reader) reference(at int) (any, error) {
	h := int64(r.u32()) - baseHandle
	if r.err != nil || h < 0 || h >= int64(len(r.handles)) {
		return nil, r.fail("dangling reference at byte %d", at)
	}
	return r.handles[h], nil
}

// content reads one object, array, string, null or back reference.
func (r *reader) content() (any, error) {
	if r.depth++; r.depth > maxDepth {
		return nil, r.fail("contents nested deeper than %d at byte %d", maxDepth, r.pos)
	}
	defer func() { r.depth-- }()
	at := r.pos
	switch tc := r.u8(); tc {
	case tcNull:
		return nil, r.err
	case tcReference:
		return r.reference(at)
	case tcString, tcLongString:
		var n uint64
		if tc == tcLongString {
			n = r.u64()
		} else {
			n = uint64(r.u16())
		}
		if n > uint64(len(r.b)) {
			return nil, r.fail("bad string length at byte %d", at)
		}
		s := decodeModifiedUTF8(r.take(int(n)))
		r.newHandle(s)
		return s, r.err
	case tcArray:
		return r.array(at)
	case tcObject:
		return r.object(at)
	default:
		return nil, r.fail("type code 0x%02x at byte %d", tc, at)
	}
}

// array reads an array after its type code (at byte at).
func (r *reader) array(at int) (*Array, error) {
	c, err := r.classDesc()
	if err != nil {
		return nil, err
	}
	if c == nil || len(c.Name) < 2 || c.Name[0] != '[' {
		return nil, r.fail("array without an array class at byte %d", at)
	}
	a := &Array{Class: c}
	r.newHandle(a)
	n := int64(int32(r.u32()))
	if r.err != nil || n < 0 || n > int64(len(r.b)) {
		return nil, r.fail("bad array length %d at byte %d", n, at)
	}
	a.Len = int(n)
	switch code := c.Name[1]; code {
	case 'L', '[':
		a.Elems = make([]any, 0, n)
		for i := 0; i < a.Len && r.err == nil; i++ {
			e, err := r.content()
			if err != nil {
				return nil, err
			}
			a.Elems = append(a.Elems, e)
		}
	default:
		width := primitiveWidth(code)
		if width == 0 {
			return nil, r.fail("array class %s at byte %d", c.Name, at)
		}
		a.Bytes = append([]byte(nil), r.take(a.Len*width)...)
	}
	return a, r.err
}

// object reads a new object after its type code (at byte at): its class, then the
// class data of each class of its chain, superclass first.
func (r *reader) object(at int) (*Object, error) {
	c, err := r.classDesc()
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, r.fail("object without class at byte %d", at)
	}
	o := &Object{Class: c, fields: map[string]any{}, blocks: map[string][]byte{}}
	r.newHandle(o)
	var chain []*Class
	for k := c; k != nil; k = k.Super {
		if len(chain) == maxDepth {
			return nil, r.fail("class %s has more than %d superclasses", c.Name, maxDepth)
		}
		chain = append(chain, k)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		if err := r.classData(o, chain[i]); err != nil {
			return nil, err
		}
	}
	return o, r.err
}

// classDesc reads a class descriptor, a back reference to one, or null.
func (r *reader) classDesc() (*Class, error) {
	at := r.pos
	switch tc := r.u8(); tc {
	case tcNull:
		return nil, r.err
	case tcReference:
		v, err := r.reference(at)
		if err != nil {
			return nil, err
		}
		c, ok := v.(*Class)
		if !ok {
			return nil, r.fail("reference at byte %d is not a class", at)
		}
		return c, nil
	case tcClassDesc:
		c := &Class{Name: decodeModifiedUTF8(r.take(int(r.u16())))}
		r.newHandle(c)
		c.SUID = int64(r.u64())
		c.Flags = r.u8()
		if c.Flags&SCExternalizable != 0 && r.err == nil {
			return nil, r.fail("externalizable class %s is not supported", c.Name)
		}
		nf := int(r.u16())
		for i := 0; i < nf && r.err == nil; i++ {
			f := Field{Code: r.u8(), Name: decodeModifiedUTF8(r.take(int(r.u16())))}
			switch {
			case f.Code == 'L' || f.Code == '[':
				sig, err := r.content()
				if err != nil {
					return nil, err
				}
				s, ok := sig.(string)
				if !ok {
					return nil, r.fail("field %s of %s has no type string", f.Name, c.Name)
				}
				f.Sig = s
			case primitiveWidth(f.Code) == 0 && r.err == nil:
				return nil, r.fail("field %s of %s has type code 0x%02x", f.Name, c.Name, f.Code)
			}
			c.Fields = append(c.Fields, f)
		}
		if _, err := r.blockData(); err != nil { // classAnnotation
			return nil, err
		}
		super, err := r.classDesc()
		if err != nil {
			return nil, err
		}
		c.Super = super
		return c, r.err
	default:
		return nil, r.fail("type code 0x%02x at byte %d where a class was expected", tc, at)
	}
}

// blockData reads block data and objects up to the end-block marker (a class
// annotation, or what a writeObject method appended) and returns the block bytes.
func (r *reader) blockData() ([]byte, error) {
	var data []byte
	for r.err == nil {
		at := r.pos
		if at >= len(r.b) {
			return nil, r.fail("truncated at byte %d", at)
		}
		switch r.b[at] {
		case tcEndBlock:
			r.pos++
			return data, nil
		case tcBlockData:
			r.pos++
			data = append(data, r.take(int(r.u8()))...)
		case tcBlockLong:
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
func (r *reader) classData(o *Object, k *Class) error {
	for _, f := range k.Fields {
		var v any
		switch f.Code {
		case 'B':
			v = int64(int8(r.u8()))
		case 'Z':
			v = int64(r.u8())
		case 'C':
			v = int64(r.u16())
		case 'S':
			v = int64(int16(r.u16()))
		case 'I':
			v = int64(int32(r.u32()))
		case 'F':
			v = int64(r.u32())
		case 'J', 'D':
			v = int64(r.u64())
		default: // 'L', '[': classDesc admits no other code
			x, err := r.content()
			if err != nil {
				return err
			}
			v = x
		}
		o.fields[k.Name+"."+f.Name] = v
	}
	if k.Flags&SCWriteMethod != 0 {
		data, err := r.blockData()
		if err != nil {
			return err
		}
		o.blocks[k.Name] = data
	}
	return r.err
}

// primitiveWidth is the size in bytes of a primitive type code, 0 for others.
func primitiveWidth(code byte) int {
	switch code {
	case 'B', 'Z':
		return 1
	case 'C', 'S':
		return 2
	case 'I', 'F':
		return 4
	case 'J', 'D':
		return 8
	}
	return 0
}
