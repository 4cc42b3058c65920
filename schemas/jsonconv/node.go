package jsonconv

import (
	"fmt"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// kind is the JSON type of a node.
type kind uint8

const (
	kNull kind = iota
	kBool
	kNumber
	kString
	kArray
	kObject
)

func (k kind) String() string {
	return [...]string{"NULL", "BOOLEAN", "NUMBER", "STRING", "ARRAY", "OBJECT"}[k]
}

// node is a parsed JSON value. It keeps object key order and the raw span it came
// from (the span keys the schema cache). Nodes point into their document instead of
// copying text: a string's Go value is made only when text is called, so a schema
// found in the cache and the envelope's keys cost no allocation. Nodes live in their
// parser's pooled storage and are valid until the parser is released.
type node struct {
	kind kind
	b    bool
	esc  bool // the string value has escapes
	kesc bool // the member key has escapes
	doc  []byte
	// start and end are the raw span of the value; a string's text is inside the quotes.
	start, end int
	// ks and ke are the span of an object member's key, inside its quotes.
	ks, ke int
	// first is the first element or member of a container, next the following sibling.
	first, next *node
	count       int // number of elements or members
}

// lit returns the raw bytes of a number (its literal text) or a string (inside the quotes).
func (n *node) lit() []byte {
	if n.kind == kString {
		return n.doc[n.start+1 : n.end-1]
	}
	return n.doc[n.start:n.end]
}

// text returns a string node's value as a new Go string (escapes decoded, invalid
// UTF-8 replaced as Java's decoder does).
func (n *node) text() string { return decodeString(n.lit(), n.esc) }

// key returns an object member's key as a new Go string.
func (n *node) key() string { return decodeString(n.doc[n.ks:n.ke], n.kesc) }

// keyIs reports whether an object member's key is k, without allocating for keys
// written without escapes.
func (n *node) keyIs(k string) bool {
	if !n.kesc {
		return string(n.doc[n.ks:n.ke]) == k
	}
	return n.key() == k
}

// textIs reports whether a string node's value is s, without allocating for strings
// written without escapes.
func (n *node) textIs(s string) bool {
	if !n.esc {
		return string(n.lit()) == s
	}
	return n.text() == s
}

// get returns an object member, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kObject {
		return nil
	}
	for m := n.first; m != nil; m = m.next {
		if m.keyIs(key) {
			return m
		}
	}
	return nil
}

// isIntegral reports whether a number node has no fraction or exponent.
func (n *node) isIntegral() bool {
	if n.kind != kNumber {
		return false
	}
	for _, c := range n.lit() {
		switch c {
		case '.', 'e', 'E':
			return false
		}
	}
	return true
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 1000

// Node storage: nodes are allocated in fixed chunks (so pointers stay valid while a
// document grows) owned by a pooled parser; a parser keeps at most maxPooledChunks.
const (
	nodeChunk       = 64
	maxPooledChunks = 64
)

// parser parses one document at a time into its pooled node storage.
type parser struct {
	b      []byte
	i      int
	chunks []*[nodeChunk]node
	used   int // nodes handed out
}

var parserPool = sync.Pool{New: func() any { return new(parser) }}

// parse parses one JSON document; trailing non-space bytes are an error. The nodes
// belong to the returned parser: call release when done with them. Safe for
// concurrent use (each call has its own parser).
func parse(b []byte) (*node, *parser, error) {
	p := parserPool.Get().(*parser)
	p.b, p.i, p.used = b, 0, 0
	p.ws()
	n, err := p.value(0)
	if err == nil {
		p.ws()
		if p.i != len(b) {
			err = p.errf("unexpected data after the JSON value")
		}
	}
	if err != nil {
		p.release()
		return nil, nil, err
	}
	return n, p, nil
}

// release returns the parser and its nodes to the pool; the nodes must not be used
// afterwards. It drops the reference to the document.
func (p *parser) release() {
	p.b = nil
	for i := 0; i*nodeChunk < p.used; i++ {
		clear(p.chunks[i][:min(nodeChunk, p.used-i*nodeChunk)]) // drop references to the document
	}
	if len(p.chunks) > maxPooledChunks {
		clear(p.chunks[maxPooledChunks:])
		p.chunks = p.chunks[:maxPooledChunks]
	}
	parserPool.Put(p)
}

func (p *parser) alloc(k kind, start int) *node {
	c, i := p.used/nodeChunk, p.used%nodeChunk
	if c == len(p.chunks) {
		p.chunks = append(p.chunks, new([nodeChunk]node))
	}
	p.used++
	n := &p.chunks[c][i]
	*n = node{kind: k, doc: p.b, start: start}
	return n
}

func (p *parser) errf(format string, a ...any) error {
	return fmt.Errorf("invalid JSON at offset %d: %s", p.i, fmt.Sprintf(format, a...))
}

func (p *parser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) lit(word string) bool {
	if len(p.b)-p.i >= len(word) && string(p.b[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return true
	}
	return false
}

func (p *parser) value(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, p.errf("nesting deeper than %d", maxDepth)
	}
	if p.i >= len(p.b) {
		return nil, p.errf("unexpected end of input")
	}
	start := p.i
	var n *node
	switch c := p.b[p.i]; {
	case c == '{':
		p.i++
		n = p.alloc(kObject, start)
		p.ws()
		if p.i < len(p.b) && p.b[p.i] == '}' {
			p.i++
			break
		}
		var last *node
		for {
			p.ws()
			if p.i >= len(p.b) || p.b[p.i] != '"' {
				return nil, p.errf("expected an object key")
			}
			ks := p.i + 1
			kesc, err := p.string()
			if err != nil {
				return nil, err
			}
			ke := p.i - 1
			p.ws()
			if p.i >= len(p.b) || p.b[p.i] != ':' {
				return nil, p.errf("expected ':' after object key")
			}
			p.i++
			p.ws()
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			v.ks, v.ke, v.kesc = ks, ke, kesc
			last = n.add(last, v)
			p.ws()
			if p.i < len(p.b) && p.b[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.b) && p.b[p.i] == '}' {
				p.i++
				break
			}
			return nil, p.errf("expected ',' or '}' in object")
		}
	case c == '[':
		p.i++
		n = p.alloc(kArray, start)
		p.ws()
		if p.i < len(p.b) && p.b[p.i] == ']' {
			p.i++
			break
		}
		var last *node
		for {
			p.ws()
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			last = n.add(last, v)
			p.ws()
			if p.i < len(p.b) && p.b[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.b) && p.b[p.i] == ']' {
				p.i++
				break
			}
			return nil, p.errf("expected ',' or ']' in array")
		}
	case c == '"':
		esc, err := p.string()
		if err != nil {
			return nil, err
		}
		n = p.alloc(kString, start)
		n.esc = esc
	case c == 't' && p.lit("true"):
		n = p.alloc(kBool, start)
		n.b = true
	case c == 'f' && p.lit("false"):
		n = p.alloc(kBool, start)
	case c == 'n' && p.lit("null"):
		n = p.alloc(kNull, start)
	case c == '-' || (c >= '0' && c <= '9'):
		if err := p.number(); err != nil {
			return nil, err
		}
		n = p.alloc(kNumber, start)
	default:
		return nil, p.errf("unexpected character %q", c)
	}
	n.end = p.i
	return n, nil
}

// add appends child v after last (nil: v is the first) and returns v.
func (n *node) add(last, v *node) *node {
	if last == nil {
		n.first = v
	} else {
		last.next = v
	}
	n.count++
	return v
}

func (p *parser) number() error {
	if p.b[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		s := p.i
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
		}
		return p.i - s
	}
	intStart := p.i
	nInt := digits()
	if nInt == 0 {
		return p.errf("invalid number")
	}
	if nInt > 1 && p.b[intStart] == '0' {
		return p.errf("invalid number: leading zero")
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return p.errf("invalid number: no digits after '.'")
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return p.errf("invalid number: no exponent digits")
		}
	}
	return nil
}

// string checks the string at p.i (its opening quote) and moves past its closing
// quote, reporting whether it holds escapes. Decoding waits for decodeString.
func (p *parser) string() (esc bool, err error) {
	p.i++ // opening quote
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return esc, nil
		case c < 0x20:
			return false, p.errf("control character in string")
		case c != '\\':
			p.i++
			continue
		}
		esc = true
		p.i++
		if p.i >= len(p.b) {
			break
		}
		e := p.b[p.i]
		p.i++
		switch e {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		case 'u':
			if _, err := p.hex4(); err != nil {
				return false, err
			}
		default:
			return false, p.errf("invalid escape '\\%c'", e)
		}
	}
	return false, p.errf("unterminated string")
}

func (p *parser) hex4() (rune, error) {
	if p.i+4 > len(p.b) {
		return 0, p.errf("truncated \\u escape")
	}
	r, ok := parseHex4(p.b[p.i : p.i+4])
	if !ok {
		return 0, p.errf("invalid \\u escape")
	}
	p.i += 4
	return r, nil
}

func parseHex4(b []byte) (rune, bool) {
	v, err := strconv.ParseUint(string(b), 16, 32)
	return rune(v), err == nil
}

// decodeString returns the text of a string's raw bytes (inside the quotes), which
// the parser already checked: escapes decoded when esc, and invalid UTF-8 replaced
// with U+FFFD as Java's decoder does.
func decodeString(raw []byte, esc bool) string {
	if !esc {
		return toUTF8(raw)
	}
	buf := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			buf = append(buf, c)
			i++
			continue
		}
		e := raw[i+1]
		i += 2
		switch e {
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, _ := parseHex4(raw[i : i+4])
			i += 4
			if utf16.IsSurrogate(r) && i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
				if r2, ok := parseHex4(raw[i+2 : i+6]); ok && utf16.DecodeRune(r, r2) != utf8.RuneError {
					r = utf16.DecodeRune(r, r2)
					i += 6
				}
			}
			buf = utf8.AppendRune(buf, r)
		default: // '"', '\\', '/'
			buf = append(buf, e)
		}
	}
	return toUTF8(buf)
}

// toUTF8 returns b as a string, replacing invalid UTF-8 with U+FFFD as Java's
// decoder does.
func toUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return string([]rune(string(b)))
}
