package sqlredo

import (
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"
)

// XMLTYPE values reach V$LOGMNR_CONTENTS (lob.enabled) as an XML_BEGIN row that
// names the column and the row (OPERATION_CODE 68), XML_WRITE rows carrying the
// document (70) and an XML_END row (71). The shapes below are those Debezium's
// XmlBeginParser and XmlWriteParser read (their unit tests print them):
//
//	XML DOC BEGIN:  select "DATA" from "S"."T" where "ID" = '1'           (binary XML storage)
//	update "S"."T" a set a."DATA" = XMLType(:1) where a."ID" = '1';        (CLOB storage)
//	XML_REDO := HEXTORAW('3c726f6f743e…'):14                                (bytes, database character set)
//	XML_REDO := NULL
//	<root>text</root>                                                       (the document as text)

// ParseXMLBegin parses an XML_BEGIN statement into the column and row it opens,
// in either form. It never panics.
func ParseXMLBegin(sql string) (*LOBLocator, error) {
	t := strings.TrimSpace(sql)
	if i := indexFold(t, "xml doc begin:"); i == 0 {
		p := &parser{s: t, pos: len("xml doc begin:")}
		if err := p.expectKeyword("select"); err != nil {
			return nil, err
		}
		col, err := p.ident()
		if err != nil {
			return nil, err
		}
		if err := p.expectKeyword("from"); err != nil {
			return nil, err
		}
		return p.xmlRow(col)
	}
	p := &parser{s: t}
	if err := p.expectKeyword("update"); err != nil {
		return nil, &SyntaxError{Msg: "expected XML DOC BEGIN: select … or update … set … = XMLType(:n)", Near: head(t)}
	}
	owner, table, err := p.tableName()
	if err != nil {
		return nil, err
	}
	save := p.pos
	if !p.keyword("set") { // a table alias
		p.pos = save
		if _, err := p.ident(); err != nil {
			return nil, err
		}
		if err := p.expectKeyword("set"); err != nil {
			return nil, err
		}
	}
	col, err := p.qualifiedIdent()
	if err != nil {
		return nil, err
	}
	if err := p.expect('='); err != nil {
		return nil, err
	}
	if !p.keyword("xmltype") || !p.punct('(') {
		return nil, p.errf("expected XMLType(:n) as the value of %q", col)
	}
	if i := strings.IndexByte(p.s[p.pos:], ')'); i < 0 {
		return nil, p.errf("unterminated XMLType(")
	} else {
		p.pos += i + 1
	}
	l := &LOBLocator{Owner: owner, Table: table, Column: col}
	if p.keyword("where") {
		var st Statement
		if err := p.where(&st); err != nil {
			return nil, err
		}
		l.Where = st.Where
	}
	return l, nil
}

// xmlRow reads `"OWNER"."TABLE" where …` of the select form.
func (p *parser) xmlRow(col string) (*LOBLocator, error) {
	l := &LOBLocator{Column: col}
	var err error
	if l.Owner, l.Table, err = p.tableName(); err != nil {
		return nil, err
	}
	if p.keyword("where") {
		var st Statement
		if err := p.where(&st); err != nil {
			return nil, err
		}
		l.Where = st.Where
	}
	return l, nil
}

// qualifiedIdent reads an identifier that may carry a table alias (a."DATA").
func (p *parser) qualifiedIdent() (string, error) {
	n, err := p.ident()
	if err != nil {
		return "", err
	}
	if p.punct('.') {
		return p.ident()
	}
	return n, nil
}

// XMLWrite is one parsed XML_WRITE row.
type XMLWrite struct {
	// Null is XML_REDO := NULL: no document text.
	Null bool
	// Bytes is the HEXTORAW form's document bytes (Length of them), in the
	// database character set; nil for the text form.
	Bytes  []byte
	Length int
	// Text is the text form's document.
	Text string
}

// ParseXMLWrite parses an XML_WRITE statement. It never panics.
func ParseXMLWrite(sql string) (*XMLWrite, error) {
	t := strings.TrimSpace(sql)
	if indexFold(t, "xml_redo") != 0 {
		return &XMLWrite{Text: sql}, nil
	}
	i := strings.Index(t, ":=")
	if i < 0 {
		return nil, &SyntaxError{Msg: "expected XML_REDO :=", Near: head(t)}
	}
	p := &parser{s: t, pos: i + 2}
	if p.keyword("null") {
		return &XMLWrite{Null: true}, nil
	}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	if v.Kind != Raw {
		return nil, p.errf("expected HEXTORAW('…') or NULL after XML_REDO :=")
	}
	b, err := hex.DecodeString(v.Text)
	if err != nil {
		return nil, p.errf("HEXTORAW value: %v", err)
	}
	w := &XMLWrite{Bytes: b, Length: len(b)}
	if p.punct(':') {
		rest := strings.TrimRight(strings.TrimSpace(p.s[p.pos:]), ";")
		n, err := strconv.Atoi(strings.TrimSpace(rest))
		if err != nil || n < 0 || n > len(b) {
			return nil, p.errf("XML_WRITE length %q does not fit its %d bytes", rest, len(b))
		}
		w.Length = n
	}
	return w, nil
}

// Document returns the written text: the HEXTORAW bytes read as UTF-8 (AL32UTF8,
// Oracle's default database character set) or, when they are not valid UTF-8, as
// ISO-8859-1 (a single-byte WE8ISO8859P1 database), the text form as is.
func (w *XMLWrite) Document() string {
	if w.Null {
		return ""
	}
	if w.Bytes == nil {
		return w.Text
	}
	b := w.Bytes[:w.Length]
	if utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
