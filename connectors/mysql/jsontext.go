package mysql

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/gonnect/gonnect/schemas"
)

// binlogJSON is a MySQL binary JSON column value from the binlog, as go-mysql renders
// it to text (a string; an empty document is an empty []byte). rows.go marks such values so toJSONText can bring them to the text
// Debezium's binlog client writes; JSON text from a snapshot's SELECT, and MariaDB's
// JSON (a LONGTEXT stored verbatim), pass through unchanged, as they do in Debezium.
type binlogJSON string

// toJSONText is a JSON column's value: binary JSON from the binlog in Debezium's text
// form (see debeziumJSONText), any other text as it is.
func toJSONText(v any) (any, error) {
	if b, ok := v.(binlogJSON); ok {
		return debeziumJSONText(string(b)), nil
	}
	return toString(v)
}

// debeziumJSONText rewrites go-mysql's text of a binary JSON document into the text
// Debezium's binlog client (JsonStringFormatter) writes for the same document. Both
// are compact and keep MySQL's key order; they differ in three ways, each undone here:
//   - strings: go-mysql's encoder writes <, >, &, U+2028 and U+2029 as \u escapes;
//     Debezium writes them as they are. Control characters are escaped by both, with
//     upper-case hex digits in Debezium's (\u001F).
//   - doubles Java prints in E notation (below 1e-3 or from 1e7 up): Debezium writes
//     the double's exact decimal value in plain notation (BigDecimal.toPlainString:
//     12345678, 0.000150000000000000003...); go-mysql writes 12345678.0 or Go's
//     shortest form (1.5e-05, 0.00015).
//   - doubles from 1e6 to 1e7 with a fraction: go-mysql writes E notation
//     (1.2345675e+06), Debezium Java's plain Double.toString (1234567.5).
//
// A DECIMAL inside a JSON document (MySQL's opaque NEWDECIMAL) is plain text in both;
// the one collision is a DECIMAL of scale 1 whose integral value is 1e7 or more
// (12345678.0), which reads like a double and loses its ".0".
func debeziumJSONText(doc string) string {
	var b strings.Builder
	b.Grow(len(doc) + 8)
	for i := 0; i < len(doc); {
		c := doc[i]
		switch {
		case c == '"':
			i = appendJSONString(&b, doc, i)
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(doc) && strings.IndexByte("0123456789+-.eE", doc[j]) >= 0 {
				j++
			}
			appendJSONNumber(&b, doc[i:j])
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// htmlSafeEscapes are the \u escapes go's HTML-safe JSON encoding writes, by hex digits.
var htmlSafeEscapes = map[string]string{"003c": "<", "003e": ">", "0026": "&", "2028": "\u2028", "2029": "\u2029"}

// appendJSONString copies the string token starting at doc[i] (a quote) in
// Debezium's escaping and returns the index after its closing quote.
func appendJSONString(b *strings.Builder, doc string, i int) int {
	b.WriteByte('"')
	for i++; i < len(doc); i++ {
		c := doc[i]
		switch {
		case c == '"':
			b.WriteByte('"')
			return i + 1
		case c != '\\' || i+1 >= len(doc):
			b.WriteByte(c)
		case doc[i+1] == 'u' && i+6 <= len(doc):
			hex := doc[i+2 : i+6]
			if r, ok := htmlSafeEscapes[strings.ToLower(hex)]; ok {
				b.WriteString(r)
			} else {
				b.WriteString(`\u`)
				b.WriteString(strings.ToUpper(hex))
			}
			i += 5
		default: // a two-character escape, copied whole
			b.WriteByte(c)
			b.WriteByte(doc[i+1])
			i++
		}
	}
	return i
}

// appendJSONNumber writes a number token as Debezium would (see debeziumJSONText).
func appendJSONNumber(b *strings.Builder, tok string) {
	exp := strings.ContainsAny(tok, "eE")
	frac := strings.IndexByte(tok, '.') >= 0
	if !exp && !frac {
		b.WriteString(tok) // an integer: the same in both
		return
	}
	f, err := strconv.ParseFloat(tok, 64)
	if err != nil || math.IsInf(f, 0) {
		b.WriteString(tok)
		return
	}
	a := math.Abs(f)
	switch {
	case exp: // only a double is written in E notation
	case strings.HasSuffix(tok, ".0") && a >= 1e7: // go-mysql's whole double
	case a != 0 && a < 1e-3: // below Java's plain range
	default:
		b.WriteString(tok) // within Java's plain range, the same digits
		return
	}
	b.WriteString(javaJSONDouble(f))
}

// javaJSONDouble is JsonStringFormatter's rendering of a double: Double.toString when
// that has no exponent, else the double's exact value in plain notation.
func javaJSONDouble(f float64) string {
	s := string(schemas.AppendJavaFloat(nil, f, 64))
	if !strings.ContainsRune(s, 'E') {
		return s
	}
	// The exact binary value has at most 1074 fractional digits.
	t := new(big.Float).SetFloat64(f).Text('f', 1100)
	if strings.IndexByte(t, '.') >= 0 {
		t = strings.TrimRight(t, "0")
		t = strings.TrimSuffix(t, ".")
	}
	return t
}
