package oracle

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
	"github.com/gonnect/gonnect/connectors/oracle/sqlredo"
)

// decodeLocator reads a SEL_LOB_LOCATOR row: the LOB column and the row it belongs
// to (its WHERE image).
func (s *Stream) decodeLocator(e *entry) (*change, error) {
	l, err := sqlredo.ParseLOBLocator(e.SQL)
	if err != nil {
		return nil, err
	}
	ch, _, err := s.lobRow(e, l, "LOB")
	if err != nil {
		return nil, err
	}
	ch.lobBinary = l.Binary
	return ch, nil
}

// decodeXMLBegin reads an XML_BEGIN row: the XMLTYPE column and the row it belongs
// to, opened like a locator selection whose XML_WRITE rows append the document.
func (s *Stream) decodeXMLBegin(e *entry) (*change, error) {
	l, err := sqlredo.ParseXMLBegin(e.SQL)
	if err != nil {
		return nil, err
	}
	ch, k, err := s.lobRow(e, l, "XML")
	if err != nil {
		return nil, err
	}
	if t := columnType(&ch.version.info.Table.Columns[k]).Name; t != "XMLTYPE" {
		return nil, fmt.Errorf("XML_BEGIN names column %q of %s, a %s", l.Column, ch.name, t)
	}
	ch.lobXML = true
	return ch, nil
}

// lobRow turns the row and column a LOB or XML row opens into a change with no
// operation of its own (the row image in before, lobColumn set) and the column's
// index in the table model.
func (s *Stream) lobRow(e *entry, l *sqlredo.LOBLocator, what string) (*change, int, error) {
	if l.Owner == "" {
		l.Owner = e.Owner
	}
	name := l.Owner + "." + l.Table
	v := s.tables.at(name, e.SCN)
	if v == nil {
		return nil, 0, fmt.Errorf("table %s has no model at SCN %d in the schema history", name, e.SCN)
	}
	ch, err := buildChange(e, &sqlredo.Statement{Op: sqlredo.Delete, Owner: l.Owner, Table: l.Table, Where: l.Where}, v, name)
	if err != nil {
		return nil, 0, err
	}
	k := columnIndex(v, l.Column)
	if k < 0 {
		return nil, 0, fmt.Errorf("%s column %q is not in the model of %s", what, l.Column, name)
	}
	ch.op, ch.lobColumn = "", l.Column
	return ch, k, nil
}

// lobValue is a LOB assembled from a locator selection and its writes, or an
// XMLTYPE value from XML_BEGIN and its XML_WRITE rows.
type lobValue struct {
	loc     change // the SEL_LOB_LOCATOR or XML_BEGIN change: table, row image, column
	text    []rune
	bytes   []byte
	written bool   // XML: some XML_WRITE carried text (XML_REDO := NULL alone leaves the value null)
	xmlRaw  []byte // XML: HEXTORAW pieces not yet decoded (a character may span two pieces)
}

// appendXML adds one XML_WRITE piece. HEXTORAW pieces are kept as bytes until the
// document is complete, so a multi-byte character split between rows decodes whole.
func (l *lobValue) appendXML(w *sqlredo.XMLWrite) {
	if w.Null {
		return
	}
	l.written = true
	if w.Bytes != nil {
		l.xmlRaw = append(l.xmlRaw, w.Bytes[:w.Length]...)
		return
	}
	l.flushXML()
	l.text = append(l.text, []rune(w.Text)...)
}

// flushXML decodes the pending HEXTORAW bytes into the text.
func (l *lobValue) flushXML() {
	if len(l.xmlRaw) > 0 {
		doc := (&sqlredo.XMLWrite{Bytes: l.xmlRaw, Length: len(l.xmlRaw)}).Document()
		l.text = append(l.text, []rune(doc)...)
		l.xmlRaw = nil
	}
}

func (l *lobValue) apply(op *sqlredo.LOBOp) error {
	off := int(op.Offset) - 1
	n := int(op.Amount)
	if op.Kind == sqlredo.LOBTrim {
		off = 0
	}
	if off < 0 || n < 0 || off > 1<<30 || n > 1<<30 {
		return fmt.Errorf("LOB operation with offset %d amount %d", op.Offset, op.Amount)
	}
	if l.loc.lobBinary {
		switch op.Kind {
		case sqlredo.LOBWrite:
			b, err := hex.DecodeString(op.Data.Text)
			if err != nil {
				return fmt.Errorf("LOB_WRITE buffer: %v", err)
			}
			if need := off + len(b); need > len(l.bytes) {
				l.bytes = append(l.bytes, make([]byte, need-len(l.bytes))...)
			}
			copy(l.bytes[off:], b)
		case sqlredo.LOBTrim:
			if n < len(l.bytes) {
				l.bytes = l.bytes[:n]
			}
		case sqlredo.LOBErase:
			for i := off; i < off+n && i < len(l.bytes); i++ {
				l.bytes[i] = 0
			}
		}
		return nil
	}
	switch op.Kind {
	case sqlredo.LOBWrite:
		r := []rune(op.Data.Text)
		if need := off + len(r); need > len(l.text) {
			l.text = append(l.text, []rune(strings.Repeat(" ", need-len(l.text)))...)
		}
		copy(l.text[off:], r)
	case sqlredo.LOBTrim:
		if n < len(l.text) {
			l.text = l.text[:n]
		}
	case sqlredo.LOBErase:
		for i := off; i < off+n && i < len(l.text); i++ {
			l.text[i] = ' '
		}
	}
	return nil
}

func (l *lobValue) value() any {
	if l.loc.lobXML {
		if !l.written {
			return nil
		}
		l.flushXML()
	}
	if l.loc.lobBinary {
		return sqlredo.Value{Kind: sqlredo.Raw, Text: hex.EncodeToString(l.bytes)}
	}
	return sqlredo.Value{Kind: sqlredo.String, Text: string(l.text)}
}

// endLOB applies an assembled LOB (M-LOB): to the pending INSERT or UPDATE of the
// same row when there is one, else as an UPDATE of that LOB column alone, whose
// before image has the placeholder for the LOB columns LogMiner did not log.
func (rs *ruleState) endLOB() error {
	l := rs.lob
	if l == nil {
		return nil
	}
	rs.lob = nil
	k := columnIndex(l.loc.version, l.loc.lobColumn)
	if p := rs.pending; p != nil && p.after != nil && p.name == l.loc.name && p.version == l.loc.version && sameKey(p.version, p.after, l.loc.before) {
		p.after[k] = l.value()
		if !logminer.EmptyRowID(l.loc.rowID) {
			p.rowID = l.loc.rowID
		}
		return nil
	}
	u := l.loc
	u.op = cdc.OpUpdate
	u.after = append([]any(nil), u.before...)
	u.after[k] = l.value()
	u.set = map[string]bool{l.loc.lobColumn: true}
	u.lobColumn = ""
	return rs.push(u)
}

// sameKey reports whether two row images agree on the primary key (on every column
// for a table without one).
func sameKey(v *tableVersion, a, b []any) bool {
	pk := v.info.Table.PrimaryKey
	if len(pk) == 0 {
		return sameImage(a, b)
	}
	for _, col := range pk {
		i := columnIndex(v, col)
		if i < 0 || !sameValue(a[i], b[i]) {
			return false
		}
	}
	return true
}
