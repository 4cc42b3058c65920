package offsets

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/gonnect/gonnect/schemas"
)

// This file writes JSON byte-for-byte as Kafka Connect's internal JsonConverter
// (schemas.enable=false, Jackson underneath) writes the same Java values:
//
//   - compact, UTF-8, no HTML escaping, no escaping of non-ASCII, U+2028 or U+2029;
//   - control characters escaped as \b \t \n \f \r where JSON has a short form,
//     otherwise \u00XX with upper-case hex; '"' and '\' backslash-escaped;
//   - integers in decimal; float64 as Java's Double.toString and float32 as
//     Float.toString (shortest round-trip digits, "1.0", "1.0E10", "1.0E-5");
//     NaN and infinities as the strings "NaN", "Infinity", "-Infinity";
//   - []byte as a base64 string (Jackson's binary node);
//   - object members in java.util.HashMap iteration order (see hashMapOrder), since
//     both the connector's maps and the ones JsonConverter reads back are HashMaps.

// appendJSON appends v's JSON to b. path names the value in errors.
func appendJSON(b []byte, v any, path string) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int8:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case uint:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint8:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint16:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint32:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint64:
		return strconv.AppendUint(b, x, 10), nil
	case float64:
		return appendJavaFloat(b, x, 64), nil
	case float32:
		return appendJavaFloat(b, float64(x), 32), nil
	case json.Number:
		if !json.Valid([]byte(x)) || strings.ContainsAny(string(x), "{[\"tfn") {
			return nil, fmt.Errorf("%s: invalid number %q", path, string(x))
		}
		return append(b, x...), nil
	case []byte:
		return appendString(b, base64.StdEncoding.EncodeToString(x)), nil
	case map[string]any:
		return appendObject(b, len(x), func(yield func(string, any) bool) {
			for k, v := range x {
				if !yield(k, v) {
					return
				}
			}
		}, path)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSON(b, e, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	return appendReflect(b, v, path)
}

// appendReflect handles other maps with string keys and slices (e.g. map[string]string).
func appendReflect(b []byte, v any, path string) ([]byte, error) {
	rv := reflect.ValueOf(v)
	switch {
	case rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String:
		return appendObject(b, rv.Len(), func(yield func(string, any) bool) {
			it := rv.MapRange()
			for it.Next() {
				if !yield(it.Key().String(), it.Value().Interface()) {
					return
				}
			}
		}, path)
	case rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array:
		b = append(b, '[')
		for i := range rv.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSON(b, rv.Index(i).Interface(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	return nil, fmt.Errorf("%s: unsupported value type %T (want string, number, boolean, null, bytes, map or list)", path, v)
}

func appendObject(b []byte, n int, each func(func(string, any) bool), path string) ([]byte, error) {
	keys := make([]string, 0, n)
	vals := make(map[string]any, n)
	each(func(k string, v any) bool {
		keys = append(keys, k)
		vals[k] = v
		return true
	})
	b = append(b, '{')
	for i, k := range hashMapOrder(keys) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		var err error
		if b, err = appendJSON(b, vals[k], path+"."+k); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// javaStringHash is java.lang.String.hashCode: s[0]*31^(n-1) + ... over UTF-16 units.
func javaStringHash(s string) int32 {
	var h int32
	for _, r := range s {
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			h = 31*h + int32(r1)
			h = 31*h + int32(r2)
			continue
		}
		h = 31*h + int32(r)
	}
	return h
}

// hashMapCapacity is the table size a java.util.HashMap built with new HashMap<>()
// and n put calls ends with: 16, doubled whenever size exceeds 0.75 × capacity.
func hashMapCapacity(n int) int {
	c := 16
	for n > c*3/4 {
		c *= 2
	}
	return c
}

// hashMapOrder sorts keys (in place, and returns them) into the order a
// java.util.HashMap holding them iterates: by bucket, (h ^ h>>>16) & (capacity-1)
// with h = String.hashCode(). Java orders keys sharing a bucket by insertion, which a
// Go map does not keep, so within a bucket keys are sorted by their Go string order;
// such collisions are rare for the few keys of a partition or offset map.
func hashMapOrder(keys []string) []string {
	mask := uint32(hashMapCapacity(len(keys)) - 1)
	bucket := func(k string) uint32 {
		h := uint32(javaStringHash(k))
		return (h ^ h>>16) & mask
	}
	slices.SortFunc(keys, func(a, b string) int {
		if ba, bb := bucket(a), bucket(b); ba != bb {
			if ba < bb {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	return keys
}

// appendString appends s as a JSON string the way Jackson escapes it.
func appendString(b []byte, s string) []byte { return schemas.AppendJSONString(b, s) }

// appendJavaFloat renders f as Java's Double.toString (bits 64) or Float.toString
// (bits 32), with NaN and the infinities as the JSON strings Jackson writes for them.
func appendJavaFloat(b []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		b = append(b, '"')
		b = schemas.AppendJavaFloat(b, f, bits)
		return append(b, '"')
	}
	return schemas.AppendJavaFloat(b, f, bits)
}
