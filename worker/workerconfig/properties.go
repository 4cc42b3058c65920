// Package workerconfig loads a Gonnect worker's configuration the way Kafka
// Connect's Java worker does: a Java .properties file (connect-distributed.properties
// keys), CONNECT_* environment variables on top, ${provider:path:key} references
// resolved through config.providers when a value is used, typed and validated
// settings with Java's defaults, and franz-go client options built from the
// security.*, ssl.* and sasl.* keys.
package workerconfig

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// LoadProperties reads a Java .properties file; see ParseProperties.
func LoadProperties(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading worker config: %w", err)
	}
	m, err := ParseProperties(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// ParseProperties parses Java .properties text as java.util.Properties.load does:
//
//   - natural lines end at \n, \r or \r\n; a line ending in an odd number of
//     backslashes continues on the next line, whose leading whitespace is dropped;
//   - blank lines and lines whose first non-blank character is '#' or '!' are skipped;
//   - the key ends at the first unescaped '=', ':' or whitespace; whitespace and one
//     '=' or ':' after it are skipped; the rest of the line is the value, trailing
//     whitespace included;
//   - escapes: \t \n \r \f, \uXXXX, and '\' before any other character yields
//     that character (\=, \:, \ , \#, \\);
//   - a repeated key keeps its last value.
//
// One deliberate difference: Java's Properties.load(InputStream), which Kafka uses,
// reads ISO-8859-1; Gonnect reads UTF-8 (what editors write today) and falls back
// to ISO-8859-1 for input that is not valid UTF-8. A malformed \u escape is an
// error naming its line.
func ParseProperties(r io.Reader) (map[string]string, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	text := string(raw)
	if !utf8.Valid(raw) {
		runes := make([]rune, len(raw))
		for i, b := range raw {
			runes[i] = rune(b)
		}
		text = string(runes)
	}
	out := make(map[string]string)
	lines := splitNaturalLines(text)
	for i := 0; i < len(lines); i++ {
		start := i + 1 // 1-based line number where the logical line starts
		line := strings.TrimLeft(lines[i], " \t\f")
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		var logical strings.Builder
		for endsWithContinuation(line) && i+1 < len(lines) {
			logical.WriteString(line[:len(line)-1])
			i++
			line = strings.TrimLeft(lines[i], " \t\f")
		}
		if endsWithContinuation(line) { // at end of input: Java drops the backslash
			line = line[:len(line)-1]
		}
		logical.WriteString(line)
		key, value, err := splitKeyValue(logical.String())
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", start, err)
		}
		out[key] = value
	}
	return out, nil
}

func splitNaturalLines(s string) []string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 64*1024), len(s)+1)
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		for i, c := range data {
			switch c {
			case '\n':
				return i + 1, data[:i], nil
			case '\r':
				if i+1 < len(data) {
					if data[i+1] == '\n' {
						return i + 2, data[:i], nil
					}
					return i + 1, data[:i], nil
				}
				if atEOF {
					return i + 1, data[:i], nil
				}
				return 0, nil, nil // need to see whether \n follows
			}
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

func endsWithContinuation(line string) bool {
	n := 0
	for i := len(line) - 1; i >= 0 && line[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// splitKeyValue splits a logical line and unescapes both halves.
func splitKeyValue(line string) (string, string, error) {
	end := len(line)
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c == '\\' {
			i++ // the escaped character is part of the key
			continue
		}
		if c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f' {
			end = i
			break
		}
	}
	rest := line[end:]
	rest = strings.TrimLeft(rest, " \t\f")
	if rest != "" && (rest[0] == '=' || rest[0] == ':') {
		rest = strings.TrimLeft(rest[1:], " \t\f")
	}
	key, err := unescape(line[:end])
	if err != nil {
		return "", "", fmt.Errorf("key: %w", err)
	}
	value, err := unescape(rest)
	if err != nil {
		return "", "", fmt.Errorf("value of %q: %w", key, err)
	}
	return key, value, nil
}

func unescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	var pendingHigh rune // a UTF-16 high surrogate waiting for its low half
	flush := func() {
		if pendingHigh != 0 {
			b.WriteRune(utf8.RuneError)
			pendingHigh = 0
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			flush()
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 't':
			flush()
			b.WriteByte('\t')
		case 'n':
			flush()
			b.WriteByte('\n')
		case 'r':
			flush()
			b.WriteByte('\r')
		case 'f':
			flush()
			b.WriteByte('\f')
		case 'u':
			if i+5 > len(s) {
				return "", fmt.Errorf("malformed \\uxxxx encoding in %q", s)
			}
			var r rune
			for _, h := range []byte(s[i+1 : i+5]) {
				var d byte
				switch {
				case h >= '0' && h <= '9':
					d = h - '0'
				case h >= 'a' && h <= 'f':
					d = h - 'a' + 10
				case h >= 'A' && h <= 'F':
					d = h - 'A' + 10
				default:
					return "", fmt.Errorf("malformed \\uxxxx encoding in %q", s)
				}
				r = r<<4 | rune(d)
			}
			i += 4
			switch {
			case r >= 0xD800 && r < 0xDC00:
				flush()
				pendingHigh = r
			case r >= 0xDC00 && r < 0xE000 && pendingHigh != 0:
				b.WriteRune(0x10000 + (pendingHigh-0xD800)<<10 + (r - 0xDC00))
				pendingHigh = 0
			default:
				flush()
				b.WriteRune(r)
			}
		default:
			flush()
			// '\' before any other character (including a multi-byte one) yields it.
			b.WriteByte(s[i])
		}
	}
	flush()
	return b.String(), nil
}
