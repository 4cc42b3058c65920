package javaser

import (
	"encoding/binary"
	"math"
)

// Writer writes one serialization stream as ObjectOutputStream does: contents in
// the protocol's grammar, each new object, string, array and class descriptor
// taking the next handle, and a class descriptor or field type string written once
// and referred back to afterwards. A Marshaler uses it to write its class's data.
// A Writer is not safe for concurrent use.
type Writer struct {
	b      []byte
	next   uint32            // handle of the next object written
	shared map[string]uint32 // class descriptors and field type strings already written
}

func newWriter() *Writer {
	w := &Writer{shared: map[string]uint32{}}
	w.b = binary.BigEndian.AppendUint16(w.b, streamMagic)
	w.b = binary.BigEndian.AppendUint16(w.b, streamVersion)
	return w
}

// Bool writes a boolean as class data.
func (w *Writer) Bool(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}

// Int8 writes a byte as class data.
func (w *Writer) Int8(v int8) { w.b = append(w.b, byte(v)) }

// Int16 writes a short as class data.
func (w *Writer) Int16(v int16) { w.b = binary.BigEndian.AppendUint16(w.b, uint16(v)) }

// Int32 writes an int as class data.
func (w *Writer) Int32(v int32) { w.b = binary.BigEndian.AppendUint32(w.b, uint32(v)) }

// Int64 writes a long as class data.
func (w *Writer) Int64(v int64) { w.b = binary.BigEndian.AppendUint64(w.b, uint64(v)) }

// Float32 writes a float as class data.
func (w *Writer) Float32(v float32) { w.b = binary.BigEndian.AppendUint32(w.b, math.Float32bits(v)) }

// Float64 writes a double as class data.
func (w *Writer) Float64(v float64) { w.b = binary.BigEndian.AppendUint64(w.b, math.Float64bits(v)) }

// Null writes a null reference.
func (w *Writer) Null() { w.b = append(w.b, tcNull) }

// utf writes a length-prefixed modified UTF-8 string (names, signatures).
func (w *Writer) utf(s string) {
	at := len(w.b)
	w.b = appendModifiedUTF8(append(w.b, 0, 0), s)
	binary.BigEndian.PutUint16(w.b[at:], uint16(len(w.b)-at-2))
}

// reuse writes a back reference when key was written before and reports whether it
// did; otherwise it gives key the next handle.
func (w *Writer) reuse(key string) bool {
	if h, ok := w.shared[key]; ok {
		w.b = append(w.b, tcReference)
		w.b = binary.BigEndian.AppendUint32(w.b, baseHandle+h)
		return true
	}
	w.shared[key] = w.next
	w.next++
	return false
}

// ClassDesc writes c's descriptor and its superclass chain, a back reference when
// c was written before in this stream, or null for a nil c.
func (w *Writer) ClassDesc(c *Class) {
	if c == nil {
		w.Null()
		return
	}
	if w.reuse("class:" + c.Name) {
		return
	}
	w.b = append(w.b, tcClassDesc)
	w.utf(c.Name)
	w.b = binary.BigEndian.AppendUint64(w.b, uint64(c.SUID))
	w.b = append(w.b, c.Flags)
	w.b = binary.BigEndian.AppendUint16(w.b, uint16(len(c.Fields)))
	for _, f := range c.Fields {
		w.b = append(w.b, f.Code)
		w.utf(f.Name)
		if f.Sig != "" && !w.reuse("sig:"+f.Sig) {
			w.b = append(w.b, tcString)
			w.utf(f.Sig)
		}
	}
	w.b = append(w.b, tcEndBlock) // no class annotation
	w.ClassDesc(c.Super)
}

// NewObject starts a new object of class c. The caller then writes its class data:
// per class of the chain, superclass first, the fields in c.Fields order, and for
// a class with SCWriteMethod what its writeObject appends, then EndBlockData.
func (w *Writer) NewObject(c *Class) {
	w.b = append(w.b, tcObject)
	w.ClassDesc(c)
	w.next++
}

// String writes s as a new String object (a long string beyond 65535 bytes).
func (w *Writer) String(s string) {
	w.next++
	at := len(w.b)
	w.b = appendModifiedUTF8(append(w.b, tcString, 0, 0), s)
	n := len(w.b) - at - 3
	if n <= math.MaxUint16 {
		binary.BigEndian.PutUint16(w.b[at+1:], uint16(n))
		return
	}
	// TC_LONGSTRING has an 8-byte length: shift the text by 6 bytes.
	w.b = append(w.b, make([]byte, 6)...)
	copy(w.b[at+9:], w.b[at+3:at+3+n])
	w.b[at] = tcLongString
	binary.BigEndian.PutUint64(w.b[at+1:], uint64(n))
}

// ByteArray writes p as a new byte[].
func (w *Writer) ByteArray(p []byte) {
	w.b = append(w.b, tcArray)
	w.ClassDesc(classByteArray)
	w.next++
	w.b = binary.BigEndian.AppendUint32(w.b, uint32(len(p)))
	w.b = append(w.b, p...)
}

// BlockData writes p as block data, as a writeObject method's primitive writes
// appear in the stream.
func (w *Writer) BlockData(p []byte) {
	if len(p) <= math.MaxUint8 {
		w.b = append(w.b, tcBlockData, byte(len(p)))
	} else {
		w.b = append(w.b, tcBlockLong)
		w.b = binary.BigEndian.AppendUint32(w.b, uint32(len(p)))
	}
	w.b = append(w.b, p...)
}

// EndBlockData ends the data a writeObject method appended.
func (w *Writer) EndBlockData() { w.b = append(w.b, tcEndBlock) }
