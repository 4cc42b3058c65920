package avro

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/gonnect/gonnect/schemas"
)

const msPerDay = 24 * 60 * 60 * 1000

var errShort = errors.New("unexpected end of Avro data")

// maxCollection bounds a block or byte length read from untrusted input, so a
// corrupt length cannot allocate gigabytes.
const maxCollection = 1 << 26

type reader struct {
	b []byte
	i int
}

func (r *reader) long() (int64, error) {
	var u uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if r.i >= len(r.b) {
			return 0, errShort
		}
		c := r.b[r.i]
		r.i++
		u |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return int64(u>>1) ^ -int64(u&1), nil
		}
	}
	return 0, errors.New("invalid Avro varint")
}

func (r *reader) bytes() ([]byte, error) {
	n, err := r.long()
	if err != nil {
		return nil, err
	}
	if n < 0 || n > maxCollection || int(n) > len(r.b)-r.i {
		return nil, fmt.Errorf("invalid Avro length %d at offset %d", n, r.i)
	}
	out := r.b[r.i : r.i+int(n)]
	r.i += int(n)
	return out, nil
}

func (r *reader) fixed(n int) ([]byte, error) {
	if n > len(r.b)-r.i {
		return nil, errShort
	}
	out := r.b[r.i : r.i+n]
	r.i += n
	return out, nil
}

// blockCount reads an array/map block header; a negative count is followed by the
// block's byte size, which is skipped over.
func (r *reader) blockCount() (int, error) {
	n, err := r.long()
	if err != nil {
		return 0, err
	}
	if n < 0 {
		if _, err := r.long(); err != nil {
			return 0, err
		}
		n = -n
	}
	if n > maxCollection || n > int64(len(r.b)-r.i)+1 {
		return 0, fmt.Errorf("invalid Avro block count %d at offset %d", n, r.i)
	}
	return int(n), nil
}

// decode reads one value under plan d and returns its Connect form.
func (d *dec) decode(r *reader) (any, error) {
	switch d.kind {
	case aNull:
		return nil, nil
	case aAnything:
		return decodeAnything(r, 0)
	case aBoolean:
		x, err := r.fixed(1)
		if err != nil {
			return nil, err
		}
		return x[0] != 0, nil
	case aInt, aLong:
		n, err := r.long()
		if err != nil {
			return nil, err
		}
		switch d.logical {
		case logDate:
			return schemas.DaysToDate(int32(n)), nil
		case logTime:
			if n < 0 || n >= msPerDay {
				return nil, &valueError{msg: fmt.Sprintf("Time values must use number of milliseconds greater than 0 and less than 86400000, got %d", n)}
			}
			return schemas.MillisToTime(int32(n)), nil
		case logTimestamp:
			return unixMilli(n), nil
		}
		switch d.connect.Type {
		case schemas.Int8:
			return int8(n), nil
		case schemas.Int16:
			return int16(n), nil
		case schemas.Int32:
			return int32(n), nil
		}
		return n, nil
	case aFloat:
		x, err := r.fixed(4)
		if err != nil {
			return nil, err
		}
		return math.Float32frombits(binary.LittleEndian.Uint32(x)), nil
	case aDouble:
		x, err := r.fixed(8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(x)), nil
	case aBytes, aFixed:
		var x []byte
		var err error
		if d.kind == aFixed {
			x, err = r.fixed(d.size)
		} else {
			x, err = r.bytes()
		}
		if err != nil {
			return nil, err
		}
		if d.logical == logDecimal {
			return schemas.Decimal{Unscaled: schemas.DecimalFromBytes(x), Scale: d.scale}, nil
		}
		return append([]byte(nil), x...), nil
	case aString:
		x, err := r.bytes()
		if err != nil {
			return nil, err
		}
		return string(x), nil
	case aEnum:
		n, err := r.long()
		if err != nil {
			return nil, err
		}
		if n < 0 || int(n) >= len(d.symbols) {
			return nil, fmt.Errorf("enum index %d out of range", n)
		}
		return d.symbols[n], nil
	case aRecord:
		st := schemas.NewStruct(d.connect)
		for i, f := range d.fields {
			v, err := f.decode(r)
			if err != nil {
				return nil, inPath(err, d.connect.Fields[i].Name)
			}
			st.SetIndex(i, v)
		}
		return st, nil
	case aArray:
		return d.decodeArray(r)
	case aMap:
		out := map[string]any{}
		for {
			n, err := r.blockCount()
			if err != nil {
				return nil, err
			}
			if n == 0 {
				return out, nil
			}
			for range n {
				k, err := r.bytes()
				if err != nil {
					return nil, err
				}
				v, err := d.elem.decode(r)
				if err != nil {
					return nil, inPath(err, string(k))
				}
				out[string(k)] = v
			}
		}
	case aUnion:
		idx, err := r.long()
		if err != nil {
			return nil, err
		}
		if idx < 0 || int(idx) >= len(d.members) {
			return nil, fmt.Errorf("union index %d out of range", idx)
		}
		m := d.members[idx]
		if m == nil {
			return nil, nil
		}
		v, err := m.decode(r)
		if err != nil || d.names == nil {
			return v, err
		}
		st := schemas.NewStruct(d.connect)
		st.SetIndex(fieldIndex(d.connect, d.names[idx]), v)
		return st, nil
	}
	return nil, fmt.Errorf("unsupported Avro type")
}

func fieldIndex(s *schemas.Schema, name string) int {
	f, _ := s.Field(name)
	return f.Index
}

func (d *dec) decodeArray(r *reader) (any, error) {
	var arr []any
	var entries []schemas.MapEntry
	for {
		n, err := r.blockCount()
		if err != nil {
			return nil, err
		}
		if n == 0 {
			break
		}
		for range n {
			if d.entries {
				k, err := d.key.decode(r)
				if err != nil {
					return nil, inPath(err, "key")
				}
				v, err := d.elem.decode(r)
				if err != nil {
					return nil, inPath(err, "value")
				}
				entries = append(entries, schemas.MapEntry{Key: k, Value: v})
				continue
			}
			v, err := d.elem.decode(r)
			if err != nil {
				return nil, inPath(err, fmt.Sprint(len(arr)))
			}
			arr = append(arr, v)
		}
	}
	if d.entries {
		if entries == nil {
			entries = []schemas.MapEntry{}
		}
		return entries, nil
	}
	if arr == nil {
		arr = []any{}
	}
	return arr, nil
}

func unixMilli(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
