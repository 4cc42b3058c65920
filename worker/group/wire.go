package group

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// The Connect protocol payloads use Kafka's classic protocol primitives,
// big-endian: INT16, INT32, INT64, STRING (int16 length + UTF-8),
// NULLABLE_BYTES (int32 length, -1 = null) and ARRAY (int32 count, -1 = null
// when nullable). writer and reader implement just those.

// errTruncated reports a payload that ends in the middle of a field.
var errTruncated = errors.New("truncated")

type writer struct {
	b   []byte
	err error // first error; later writes are no-ops
}

func (w *writer) int16(v int16) { w.b = binary.BigEndian.AppendUint16(w.b, uint16(v)) }
func (w *writer) int32(v int32) { w.b = binary.BigEndian.AppendUint32(w.b, uint32(v)) }
func (w *writer) int64(v int64) { w.b = binary.BigEndian.AppendUint64(w.b, uint64(v)) }

func (w *writer) string(field, s string) {
	if len(s) > math.MaxInt16 {
		if w.err == nil {
			w.err = fmt.Errorf("%s: string of %d bytes exceeds the protocol limit of %d", field, len(s), math.MaxInt16)
		}
		return
	}
	w.int16(int16(len(s)))
	w.b = append(w.b, s...)
}

func (w *writer) nullableBytes(b []byte) {
	if b == nil {
		w.int32(-1)
		return
	}
	w.int32(int32(len(b)))
	w.b = append(w.b, b...)
}

// reader decodes primitives; each method names the field it reads so that an
// error says where the payload went wrong.
type reader struct {
	b   []byte
	off int
}

func (r *reader) remaining() int { return len(r.b) - r.off }

func (r *reader) need(field string, n int) error { return r.needAt(field, r.off, n) }

// needAt checks that n more bytes are left for the field that starts at start.
func (r *reader) needAt(field string, start, n int) error {
	if r.remaining() < n {
		return fmt.Errorf("%s at byte %d: %w (need %d more bytes, have %d)", field, start, errTruncated, n, r.remaining())
	}
	return nil
}

func (r *reader) int16(field string) (int16, error) {
	if err := r.need(field, 2); err != nil {
		return 0, err
	}
	v := int16(binary.BigEndian.Uint16(r.b[r.off:]))
	r.off += 2
	return v, nil
}

func (r *reader) int32(field string) (int32, error) {
	if err := r.need(field, 4); err != nil {
		return 0, err
	}
	v := int32(binary.BigEndian.Uint32(r.b[r.off:]))
	r.off += 4
	return v, nil
}

func (r *reader) int64(field string) (int64, error) {
	if err := r.need(field, 8); err != nil {
		return 0, err
	}
	v := int64(binary.BigEndian.Uint64(r.b[r.off:]))
	r.off += 8
	return v, nil
}

func (r *reader) string(field string) (string, error) {
	start := r.off
	n, err := r.int16(field)
	if err != nil {
		return "", err
	}
	if n < 0 {
		return "", fmt.Errorf("%s at byte %d: negative string length %d", field, start, n)
	}
	if err := r.needAt(field, start, int(n)); err != nil {
		return "", err
	}
	s := string(r.b[r.off : r.off+int(n)])
	r.off += int(n)
	return s, nil
}

// nullableBytes returns nil for a null value and a non-nil (possibly empty)
// slice otherwise.
func (r *reader) nullableBytes(field string) ([]byte, error) {
	start := r.off
	n, err := r.int32(field)
	if err != nil {
		return nil, err
	}
	if n == -1 {
		return nil, nil
	}
	if n < 0 {
		return nil, fmt.Errorf("%s at byte %d: negative bytes length %d", field, start, n)
	}
	if err := r.needAt(field, start, int(n)); err != nil {
		return nil, err
	}
	b := r.b[r.off : r.off+int(n) : r.off+int(n)]
	r.off += int(n)
	return b, nil
}

// arrayLen reads an ARRAY count. null is -1 and only accepted when nullable.
// minElem is the smallest encoded element size, used to reject counts the
// remaining bytes cannot hold before anything is allocated.
func (r *reader) arrayLen(field string, nullable bool, minElem int) (int, error) {
	start := r.off
	n, err := r.int32(field)
	if err != nil {
		return 0, err
	}
	if n == -1 && nullable {
		return -1, nil
	}
	if n < 0 {
		return 0, fmt.Errorf("%s at byte %d: negative array length %d", field, start, n)
	}
	if int64(n)*int64(minElem) > int64(r.remaining()) {
		return 0, fmt.Errorf("%s at byte %d: %w (array of %d elements, %d bytes left)", field, start, errTruncated, n, r.remaining())
	}
	return int(n), nil
}
