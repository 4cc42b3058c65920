package jsonconv

import (
	"encoding/base64"
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"

	"github.com/gonnect/gonnect/schemas"
)

// toSchema builds a Connect schema from JsonConverter's schema object, as Java's
// asConnectSchema. JSON null is a nil schema.
func (c *Converter) toSchema(n *node) (*schemas.Schema, error) {
	if n == nil || n.kind == kNull {
		return nil, nil
	}
	if n.kind != kObject {
		return nil, errAt("schema must be a JSON object, found %s", n.kind)
	}
	tn := n.get("type")
	if tn == nil || tn.kind != kString {
		return nil, errAt("Schema must contain 'type' field")
	}
	var b *schemas.Builder
	switch typ := tn.text(); typ {
	case "boolean", "int8", "int16", "int32", "int64", "float", "double", "bytes", "string":
		t, _ := schemas.ParseType(typ)
		b = schemas.NewBuilder(t)
	case "array":
		items := n.get("items")
		if items == nil || items.kind == kNull {
			return nil, errAt("Array schema did not specify the element type")
		}
		elem, err := c.toSchema(items)
		if err != nil {
			return nil, inField(err, "items")
		}
		b = schemas.ArrayBuilder(elem)
	case "map":
		kn, vn := n.get("keys"), n.get("values")
		if kn == nil {
			return nil, errAt("Map schema did not specify the key type")
		}
		if vn == nil {
			return nil, errAt("Map schema did not specify the value type")
		}
		ks, err := c.toSchema(kn)
		if err != nil {
			return nil, inField(err, "keys")
		}
		vs, err := c.toSchema(vn)
		if err != nil {
			return nil, inField(err, "values")
		}
		if ks == nil || vs == nil {
			return nil, errAt("Map schema key and value types must not be null")
		}
		b = schemas.MapBuilder(ks, vs)
	case "struct":
		b = schemas.StructBuilder()
		fields := n.get("fields")
		if fields == nil || fields.kind != kArray {
			return nil, errAt("Struct schema's \"fields\" argument is not an array.")
		}
		i := 0
		for f := fields.first; f != nil; f, i = f.next, i+1 {
			name := f.get("field")
			if name == nil || name.kind != kString {
				return nil, inField(errAt("Struct schema's field name not specified properly"), strconv.Itoa(i))
			}
			fname := name.text()
			fs, err := c.toSchema(f)
			if err != nil {
				return nil, inField(err, fname)
			}
			if fs == nil {
				return nil, inField(errAt("field schema must not be null"), fname)
			}
			b.Field(fname, fs)
		}
	default:
		return nil, errAt("Unknown schema type: %s", typ)
	}
	if o := n.get("optional"); o != nil && o.kind == kBool && o.b {
		b.Optional()
	}
	if x := n.get("name"); x != nil && x.kind == kString {
		b.Name(x.text())
	}
	if x := n.get("version"); x != nil && x.isIntegral() {
		v, err := strconv.ParseInt(string(x.lit()), 10, 32)
		if err != nil {
			return nil, errAt("schema version %s is out of range", x.lit())
		}
		b.Version(int(v))
	}
	if x := n.get("doc"); x != nil && x.kind == kString {
		b.Doc(x.text())
	}
	if x := n.get("parameters"); x != nil && x.kind == kObject {
		for m := x.first; m != nil; m = m.next {
			if m.kind != kString {
				return nil, errAt("Schema parameters must have string values.")
			}
			b.Param(m.key(), m.text())
		}
	}
	if x := n.get("default"); x != nil {
		// Build once without the default to convert it under the final schema.
		s, err := b.Build()
		if err != nil {
			return nil, errAt("%v", err)
		}
		dv, err := c.toValue(s, x)
		if err != nil {
			return nil, inField(err, "default")
		}
		b.Default(dv)
	}
	s, err := b.Build()
	if err != nil {
		return nil, errAt("%v", err)
	}
	return s, nil
}

// toValue converts a payload node under schema s (nil: schemaless), as Java's
// convertToConnect, but strict about JSON types: a mismatch names the expected type.
func (c *Converter) toValue(s *schemas.Schema, n *node) (any, error) {
	if n == nil || n.kind == kNull {
		switch {
		case s == nil:
			return nil, nil
		case s.Default != nil && c.cfg.ReplaceNullWithDefault:
			return s.Default, nil
		case s.Optional:
			return nil, nil
		}
		return nil, errAt("Invalid null value for required %s field", s.Type.JavaName())
	}
	if s == nil {
		return schemaless(n), nil
	}
	switch schemas.LogicalName(s) {
	case schemas.DecimalName:
		scale, err := schemas.DecimalScale(s)
		if err != nil {
			return nil, errAt("%v", err)
		}
		switch n.kind {
		case kNumber:
			// as Java, a numeric decimal keeps the scale it was written with
			d, err := schemas.ParseDecimal(string(n.lit()))
			if err != nil {
				return nil, errAt("%v", err)
			}
			return d, nil
		case kString:
			raw, err := decodeBase64(n)
			if err != nil {
				return nil, errAt("Invalid bytes field: %v", err)
			}
			return schemas.Decimal{Unscaled: schemas.DecimalFromBytes(raw), Scale: scale}, nil
		}
		return nil, kindErr(s, n)
	case schemas.DateName:
		x, err := intOf(s, n, 32)
		if err != nil {
			return nil, err
		}
		return schemas.DaysToDate(int32(x)), nil
	case schemas.TimeName:
		x, err := intOf(s, n, 32)
		if err != nil {
			return nil, err
		}
		if x < 0 || x >= 24*60*60*1000 {
			return nil, errAt("Time values must use number of milliseconds greater than 0 and less than 86400000, got %d", x)
		}
		return schemas.MillisToTime(int32(x)), nil
	case schemas.TimestampName:
		x, err := intOf(s, n, 64)
		if err != nil {
			return nil, err
		}
		return unixMilli(x), nil
	}
	switch s.Type {
	case schemas.Boolean:
		if n.kind != kBool {
			return nil, kindErr(s, n)
		}
		return n.b, nil
	case schemas.Int8:
		x, err := intOf(s, n, 8)
		return int8(x), err
	case schemas.Int16:
		x, err := intOf(s, n, 16)
		return int16(x), err
	case schemas.Int32:
		x, err := intOf(s, n, 32)
		return int32(x), err
	case schemas.Int64:
		return intOf(s, n, 64)
	case schemas.Float32:
		f, err := floatOf(s, n, 32)
		return float32(f), err
	case schemas.Float64:
		return floatOf(s, n, 64)
	case schemas.String:
		if n.kind != kString {
			return nil, kindErr(s, n)
		}
		return n.text(), nil
	case schemas.Bytes:
		if n.kind != kString {
			return nil, kindErr(s, n)
		}
		raw, err := decodeBase64(n)
		if err != nil {
			return nil, errAt("Invalid bytes field: %v", err)
		}
		return raw, nil
	case schemas.Array:
		if n.kind != kArray {
			return nil, kindErr(s, n)
		}
		out := make([]any, n.count)
		i := 0
		for e := n.first; e != nil; e, i = e.next, i+1 {
			v, err := c.toValue(s.Value, e)
			if err != nil {
				return nil, inField(err, strconv.Itoa(i))
			}
			out[i] = v
		}
		return out, nil
	case schemas.Map:
		return c.toMap(s, n)
	case schemas.StructType:
		if n.kind != kObject {
			return nil, errAt("Structs should be encoded as JSON objects, but found %s", n.kind)
		}
		st := schemas.NewStruct(s)
		for i, f := range s.Fields {
			v, err := c.toValue(f.Schema, n.get(f.Name))
			if err != nil {
				return nil, inField(err, f.Name)
			}
			st.SetIndex(i, v)
		}
		return st, nil
	}
	return nil, errAt("unsupported schema type %s", s.Type.JavaName())
}

func (c *Converter) toMap(s *schemas.Schema, n *node) (any, error) {
	if s.Key.Type == schemas.String {
		if n.kind != kObject {
			return nil, errAt("Maps with string fields should be encoded as JSON objects, but found %s", n.kind)
		}
		out := make(map[string]any, n.count)
		for m := n.first; m != nil; m = m.next {
			k := m.key()
			v, err := c.toValue(s.Value, m)
			if err != nil {
				return nil, inField(err, k)
			}
			out[k] = v
		}
		return out, nil
	}
	if n.kind != kArray {
		return nil, errAt("Maps with non-string fields should be encoded as JSON array of tuples, but found %s", n.kind)
	}
	out := make([]schemas.MapEntry, 0, n.count)
	i := 0
	for e := n.first; e != nil; e, i = e.next, i+1 {
		if e.kind != kArray {
			return nil, inField(errAt("Found invalid map entry instead of array tuple: %s", e.kind), strconv.Itoa(i))
		}
		if e.count != 2 {
			return nil, inField(errAt("Found invalid map entry, expected length 2 but found :%d", e.count), strconv.Itoa(i))
		}
		k, err := c.toValue(s.Key, e.first)
		if err != nil {
			return nil, inField(err, strconv.Itoa(i))
		}
		v, err := c.toValue(s.Value, e.first.next)
		if err != nil {
			return nil, inField(err, strconv.Itoa(i))
		}
		out = append(out, schemas.MapEntry{Key: k, Value: v})
	}
	return out, nil
}

// schemaless converts without a schema: integers → int64 (float64 when out of
// range), other numbers → float64, objects → map[string]any, arrays → []any.
func schemaless(n *node) any {
	switch n.kind {
	case kBool:
		return n.b
	case kNumber:
		if n.isIntegral() {
			if x, err := strconv.ParseInt(string(n.lit()), 10, 64); err == nil {
				return x
			}
		}
		f, _ := strconv.ParseFloat(string(n.lit()), 64)
		return f
	case kString:
		return n.text()
	case kArray:
		out := make([]any, n.count)
		i := 0
		for e := n.first; e != nil; e, i = e.next, i+1 {
			out[i] = schemaless(e)
		}
		return out
	case kObject:
		out := make(map[string]any, n.count)
		for m := n.first; m != nil; m = m.next {
			out[m.key()] = schemaless(m)
		}
		return out
	}
	return nil
}

// decodeBase64 decodes a string node's base64 text without an intermediate string.
func decodeBase64(n *node) ([]byte, error) {
	src := n.lit()
	if n.esc || !utf8.Valid(src) {
		src = []byte(n.text()) // as the decoded text, for identical error offsets
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(src)))
	k, err := base64.StdEncoding.Decode(out, src)
	return out[:k], err
}

func kindErr(s *schemas.Schema, n *node) error {
	return errAt("expected %s for schema %s, found JSON %s", s.Type.JavaName(), s, n.kind)
}

func intOf(s *schemas.Schema, n *node, bits int) (int64, error) {
	if n.kind != kNumber {
		return 0, kindErr(s, n)
	}
	if !n.isIntegral() {
		// Jackson truncates 1.0 to 1; accept integral values written with a fraction.
		f, err := strconv.ParseFloat(string(n.lit()), 64)
		if err != nil || f != math.Trunc(f) {
			return 0, errAt("expected an integer for %s, found %s", s.Type.JavaName(), n.lit())
		}
		bf := new(big.Float).SetFloat64(f)
		x, acc := bf.Int64()
		if acc != big.Exact {
			return 0, errAt("number %s out of range for %s", n.lit(), s.Type.JavaName())
		}
		return checkRange(s, n, x, bits)
	}
	x, err := strconv.ParseInt(string(n.lit()), 10, bits)
	if err != nil {
		return 0, errAt("number %s out of range for %s", n.lit(), s.Type.JavaName())
	}
	return x, nil
}

func checkRange(s *schemas.Schema, n *node, x int64, bits int) (int64, error) {
	if bits < 64 {
		lim := int64(1) << (bits - 1)
		if x < -lim || x >= lim {
			return 0, errAt("number %s out of range for %s", n.lit(), s.Type.JavaName())
		}
	}
	return x, nil
}

func floatOf(s *schemas.Schema, n *node, bits int) (float64, error) {
	switch n.kind {
	case kNumber:
		f, err := strconv.ParseFloat(string(n.lit()), bits)
		if err != nil && !isRangeErr(err) {
			return 0, errAt("invalid number %s", n.lit())
		}
		return f, nil
	case kString: // Jackson writes non-finite numbers as quoted strings
		switch {
		case n.textIs("NaN"):
			return math.NaN(), nil
		case n.textIs("Infinity"):
			return math.Inf(1), nil
		case n.textIs("-Infinity"):
			return math.Inf(-1), nil
		}
	}
	return 0, kindErr(s, n)
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}
