package sqlredo

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// SyntaxError reports text Parse cannot read, with the byte offset where reading
// stopped and a short excerpt of the statement around it.
type SyntaxError struct {
	Offset int
	Msg    string
	Near   string
}

// Error implements error.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("sql_redo: %s at offset %d near %q", e.Msg, e.Offset, e.Near)
}

// Parse parses one complete (CSF-stitched) INSERT, UPDATE or DELETE statement as
// LogMiner renders it, with or without the trailing semicolon.
//
// Parse is safe for concurrent use and never panics.
func Parse(sql string) (*Statement, error) {
	p := &parser{s: sql}
	st, err := p.statement()
	if err != nil {
		return nil, err
	}
	return st, nil
}

type parser struct {
	s   string
	pos int
}

func (p *parser) errf(format string, args ...any) error {
	end := p.pos + 40
	if end > len(p.s) {
		end = len(p.s)
	}
	start := p.pos
	if start > len(p.s) {
		start = len(p.s)
	}
	return &SyntaxError{Offset: p.pos, Msg: fmt.Sprintf(format, args...), Near: p.s[start:end]}
}

func (p *parser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// keyword consumes kw (case-insensitive) when it is next and is not followed by an
// identifier character.
func (p *parser) keyword(kw string) bool {
	p.skipSpace()
	if len(p.s)-p.pos < len(kw) || !strings.EqualFold(p.s[p.pos:p.pos+len(kw)], kw) {
		return false
	}
	if n := p.pos + len(kw); n < len(p.s) && isIdentByte(p.s[n]) {
		return false
	}
	p.pos += len(kw)
	return true
}

func (p *parser) expectKeyword(kw string) error {
	if !p.keyword(kw) {
		return p.errf("expected %s", strings.ToUpper(kw))
	}
	return nil
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c == '#' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func (p *parser) punct(c byte) bool {
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

func (p *parser) expect(c byte) error {
	if !p.punct(c) {
		return p.errf("expected %q", c)
	}
	return nil
}

// ident reads a double-quoted identifier (doubled quotes inside) or a bare one.
func (p *parser) ident() (string, error) {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return "", p.errf("expected identifier, found end of statement")
	}
	if p.s[p.pos] == '"' {
		var b strings.Builder
		i := p.pos + 1
		for i < len(p.s) {
			if p.s[i] == '"' {
				if i+1 < len(p.s) && p.s[i+1] == '"' {
					b.WriteByte('"')
					i += 2
					continue
				}
				p.pos = i + 1
				return b.String(), nil
			}
			b.WriteByte(p.s[i])
			i++
		}
		return "", p.errf("unterminated quoted identifier")
	}
	start := p.pos
	for p.pos < len(p.s) && isIdentByte(p.s[p.pos]) {
		p.pos++
	}
	if start == p.pos {
		return "", p.errf("expected identifier")
	}
	return strings.ToUpper(p.s[start:p.pos]), nil
}

// quoted reads a single-quoted literal with doubled quotes.
func (p *parser) quoted() (string, error) {
	p.skipSpace()
	if p.pos >= len(p.s) || p.s[p.pos] != '\'' {
		return "", p.errf("expected quoted literal")
	}
	i := p.pos + 1
	var b strings.Builder
	for i < len(p.s) {
		j := strings.IndexByte(p.s[i:], '\'')
		if j < 0 {
			break
		}
		b.WriteString(p.s[i : i+j])
		i += j
		if i+1 < len(p.s) && p.s[i+1] == '\'' {
			b.WriteByte('\'')
			i += 2
			continue
		}
		p.pos = i + 1
		return b.String(), nil
	}
	return "", p.errf("unterminated quoted literal")
}

func (p *parser) tableName() (owner, table string, err error) {
	first, err := p.ident()
	if err != nil {
		return "", "", err
	}
	if !p.punct('.') {
		return "", first, nil
	}
	second, err := p.ident()
	if err != nil {
		return "", "", err
	}
	return first, second, nil
}

func (p *parser) statement() (*Statement, error) {
	var st Statement
	switch {
	case p.keyword("insert"):
		if err := p.expectKeyword("into"); err != nil {
			return nil, err
		}
		st.Op = Insert
	case p.keyword("update"):
		st.Op = Update
	case p.keyword("delete"):
		if err := p.expectKeyword("from"); err != nil {
			return nil, err
		}
		st.Op = Delete
	default:
		return nil, p.errf("expected INSERT, UPDATE or DELETE")
	}
	var err error
	if st.Owner, st.Table, err = p.tableName(); err != nil {
		return nil, err
	}
	switch st.Op {
	case Insert:
		err = p.insertBody(&st)
	case Update:
		if err = p.expectKeyword("set"); err == nil {
			err = p.setList(&st)
		}
		if err == nil && p.keyword("where") {
			err = p.where(&st)
		}
	case Delete:
		if p.keyword("where") {
			err = p.where(&st)
		}
	}
	if err != nil {
		return nil, err
	}
	p.punct(';')
	p.skipSpace()
	if p.pos != len(p.s) {
		return nil, p.errf("unexpected text after statement")
	}
	return &st, nil
}

func (p *parser) insertBody(st *Statement) error {
	if err := p.expect('('); err != nil {
		return err
	}
	var names []string
	for {
		n, err := p.ident()
		if err != nil {
			return err
		}
		names = append(names, n)
		if p.punct(')') {
			break
		}
		if err := p.expect(','); err != nil {
			return err
		}
	}
	if err := p.expectKeyword("values"); err != nil {
		return err
	}
	if err := p.expect('('); err != nil {
		return err
	}
	st.Values = make([]Column, 0, len(names))
	for i := range names {
		v, err := p.value()
		if err != nil {
			return fmt.Errorf("column %q: %w", names[i], err)
		}
		st.Values = append(st.Values, Column{Name: names[i], Value: v})
		if i < len(names)-1 {
			if err := p.expect(','); err != nil {
				return err
			}
		}
	}
	return p.expect(')')
}

func (p *parser) setList(st *Statement) error {
	for {
		n, err := p.ident()
		if err != nil {
			return err
		}
		if err := p.expect('='); err != nil {
			return err
		}
		v, err := p.value()
		if err != nil {
			return fmt.Errorf("column %q: %w", n, err)
		}
		st.Values = append(st.Values, Column{Name: n, Value: v})
		if !p.punct(',') {
			return nil
		}
	}
}

func (p *parser) where(st *Statement) error {
	for {
		p.skipSpace()
		save := p.pos
		if p.keyword("rowid") {
			if err := p.expect('='); err != nil {
				return err
			}
			id, err := p.quoted()
			if err != nil {
				return err
			}
			st.RowID = id
		} else {
			p.pos = save
			n, err := p.qualifiedIdent() // a."ID" where the statement aliases its table (XML_BEGIN)
			if err != nil {
				return err
			}
			if p.keyword("is") {
				if err := p.expectKeyword("null"); err != nil {
					return err
				}
				st.Where = append(st.Where, Column{Name: n, Value: Value{Kind: Null}})
			} else {
				if err := p.expect('='); err != nil {
					return err
				}
				v, err := p.value()
				if err != nil {
					return fmt.Errorf("column %q: %w", n, err)
				}
				st.Where = append(st.Where, Column{Name: n, Value: v})
			}
		}
		if !p.keyword("and") {
			return nil
		}
	}
}

// value reads one value expression, including || concatenations of strings.
func (p *parser) value() (Value, error) {
	v, units, err := p.term()
	if err != nil {
		return Value{}, err
	}
	concat := false
	for {
		p.skipSpace()
		if !strings.HasPrefix(p.s[p.pos:], "||") {
			break
		}
		p.pos += 2
		if v.Kind != String {
			return Value{}, p.errf("cannot concatenate %s", v.Kind)
		}
		if !concat && units == nil {
			units = utf16.Encode([]rune(v.Text))
		}
		concat = true
		w, more, err := p.term()
		if err != nil {
			return Value{}, err
		}
		if w.Kind != String {
			return Value{}, p.errf("cannot concatenate %s", w.Kind)
		}
		if more == nil {
			more = utf16.Encode([]rune(w.Text))
		}
		units = append(units, more...)
	}
	if units != nil {
		v.Text = string(utf16.Decode(units))
	}
	return v, nil
}

// term reads one value. UNISTR text is returned as UTF-16 code units (non-nil) so
// that surrogate pairs split between UNISTR pieces join correctly; quoted literals
// come back in Text.
func (p *parser) term() (Value, []uint16, error) {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return Value{}, nil, p.errf("expected value, found end of statement")
	}
	if p.s[p.pos] == '\'' {
		s, err := p.quoted()
		if err != nil {
			return Value{}, nil, err
		}
		return Value{Kind: String, Text: s}, nil, nil
	}
	if p.keyword("null") {
		return Value{Kind: Null}, nil, nil
	}
	if p.keyword("unsupported") {
		if err := p.expectKeyword("type"); err != nil {
			return Value{}, nil, err
		}
		return Value{Kind: Unsupported}, nil, nil
	}
	start := p.pos
	for p.pos < len(p.s) && isIdentByte(p.s[p.pos]) {
		p.pos++
	}
	fn := strings.ToUpper(p.s[start:p.pos])
	if fn == "" {
		return Value{}, nil, p.errf("expected value")
	}
	if err := p.expect('('); err != nil {
		return Value{}, nil, err
	}
	var kind Kind
	switch fn {
	case "EMPTY_CLOB", "EMPTY_BLOB":
		if err := p.expect(')'); err != nil {
			return Value{}, nil, err
		}
		if fn == "EMPTY_CLOB" {
			return Value{Kind: EmptyCLOB}, nil, nil
		}
		return Value{Kind: EmptyBLOB}, nil, nil
	case "UNISTR":
		s, err := p.quoted()
		if err != nil {
			return Value{}, nil, err
		}
		units, err := decodeUnistr(s)
		if err != nil {
			return Value{}, nil, p.errf("%v", err)
		}
		if err := p.expect(')'); err != nil {
			return Value{}, nil, err
		}
		return Value{Kind: String}, units, nil
	case "HEXTORAW":
		kind = Raw
	case "TO_DATE":
		kind = Date
	case "TO_TIMESTAMP":
		kind = Timestamp
	case "TO_TIMESTAMP_TZ":
		kind = TimestampTZ
	case "TO_YMINTERVAL":
		kind = YearMonthInterval
	case "TO_DSINTERVAL":
		kind = DaySecondInterval
	default:
		p.pos = start
		return Value{}, nil, p.errf("unknown function %s", fn)
	}
	s, err := p.quoted()
	if err != nil {
		return Value{}, nil, err
	}
	// Further arguments (the TO_DATE mask, NLS parameters) are read and ignored:
	// the mining session fixes the formats (F-NLS).
	for p.punct(',') {
		if _, err := p.quoted(); err != nil {
			return Value{}, nil, err
		}
	}
	if err := p.expect(')'); err != nil {
		return Value{}, nil, err
	}
	return Value{Kind: kind, Text: s}, nil, nil
}

// decodeUnistr turns UNISTR text (\XXXX UTF-16 code units, \\ for a backslash,
// everything else literal UTF-8) into UTF-16 code units.
func decodeUnistr(s string) ([]uint16, error) {
	out := make([]uint16, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c == '\\' {
			if i+1 < len(s) && s[i+1] == '\\' {
				out = append(out, '\\')
				i += 2
				continue
			}
			if i+5 > len(s) {
				return nil, fmt.Errorf("truncated UNISTR escape at %d", i)
			}
			var u uint16
			for _, h := range []byte(s[i+1 : i+5]) {
				d, ok := hexDigit(h)
				if !ok {
					return nil, fmt.Errorf("invalid UNISTR escape %q", s[i:i+5])
				}
				u = u<<4 | uint16(d)
			}
			out = append(out, u)
			i += 5
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		out = utf16.AppendRune(out, r)
		i += n
	}
	return out, nil
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
