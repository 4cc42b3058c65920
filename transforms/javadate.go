package transforms

import (
	"fmt"
	"strings"
)

// javaDateLayout translates a java.text.SimpleDateFormat pattern to a Go time layout.
// It covers the letters Connect users put in timestamp formats: y, M, d, H, h, m, s,
// S (after a '.' or ','), a, E, D, z, Z, X and quoted literals. Letters without a Go
// equivalent, and literal text Go would read as a layout element, are an error naming
// the position, so a bad format fails at configuration time, never on a record.
func javaDateLayout(pattern string) (string, error) {
	var b strings.Builder
	rs := []rune(pattern)
	for i := 0; i < len(rs); {
		c := rs[i]
		if c == '\'' {
			// Quoted literal; '' is a single quote.
			if i+1 < len(rs) && rs[i+1] == '\'' {
				b.WriteByte('\'')
				i += 2
				continue
			}
			j := i + 1
			var lit strings.Builder
			for ; j < len(rs); j++ {
				if rs[j] == '\'' {
					if j+1 < len(rs) && rs[j+1] == '\'' {
						lit.WriteByte('\'')
						j++
						continue
					}
					break
				}
				lit.WriteRune(rs[j])
			}
			if j >= len(rs) {
				return "", fmt.Errorf("unterminated quote at position %d in date pattern %q", i, pattern)
			}
			if err := literalSafe(lit.String(), i, pattern); err != nil {
				return "", err
			}
			b.WriteString(lit.String())
			i = j + 1
			continue
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			if err := literalSafe(string(c), i, pattern); err != nil {
				return "", err
			}
			b.WriteRune(c)
			i++
			continue
		}
		n := 1
		for i+n < len(rs) && rs[i+n] == c {
			n++
		}
		el, err := dateElement(c, n, b.String())
		if err != nil {
			return "", fmt.Errorf("%v at position %d in date pattern %q", err, i, pattern)
		}
		b.WriteString(el)
		i += n
	}
	return b.String(), nil
}

func dateElement(c rune, n int, before string) (string, error) {
	switch c {
	case 'y', 'u':
		if n == 2 {
			return "06", nil
		}
		return "2006", nil
	case 'M', 'L':
		switch {
		case n >= 4:
			return "January", nil
		case n == 3:
			return "Jan", nil
		case n == 2:
			return "01", nil
		}
		return "1", nil
	case 'd':
		if n >= 2 {
			return "02", nil
		}
		return "2", nil
	case 'D':
		return "002", nil
	case 'H':
		return "15", nil
	case 'h':
		if n >= 2 {
			return "03", nil
		}
		return "3", nil
	case 'm':
		if n >= 2 {
			return "04", nil
		}
		return "4", nil
	case 's':
		if n >= 2 {
			return "05", nil
		}
		return "5", nil
	case 'S':
		if !strings.HasSuffix(before, ".") && !strings.HasSuffix(before, ",") {
			return "", fmt.Errorf("fraction of second 'S' must follow '.' or ','")
		}
		return strings.Repeat("0", n), nil
	case 'a':
		return "PM", nil
	case 'E':
		if n >= 4 {
			return "Monday", nil
		}
		return "Mon", nil
	case 'z':
		return "MST", nil
	case 'Z':
		return "-0700", nil
	case 'X':
		switch n {
		case 1:
			return "Z07", nil
		case 2:
			return "Z0700", nil
		}
		return "Z07:00", nil
	}
	return "", fmt.Errorf("unsupported pattern letter '%c'", c)
}

// goLayoutWords are the parts of a Go layout that a literal must not contain.
var goLayoutWords = []string{"Jan", "Mon", "MST", "PM", "pm", "Z07", "_2", "__2", "002"}

func literalSafe(lit string, pos int, pattern string) error {
	for _, r := range lit {
		if r >= '0' && r <= '9' {
			return fmt.Errorf("literal digit at position %d in date pattern %q is not supported", pos, pattern)
		}
	}
	for _, w := range goLayoutWords {
		if strings.Contains(lit, w) {
			return fmt.Errorf("literal %q at position %d in date pattern %q is not supported", lit, pos, pattern)
		}
	}
	return nil
}
