package sqlredo

import (
	"fmt"
	"strconv"
	"strings"
)

// LOBLocator is a parsed SEL_LOB_LOCATOR row: the anonymous block LogMiner prints
// when a session selects a LOB locator for update (`DECLARE loc_c CLOB; … BEGIN
// select "COL" into loc_c from "OWNER"."TABLE" where … for update;`). The WHERE
// clause names the row (with ALL-column supplemental logging, its whole image).
type LOBLocator struct {
	Owner, Table, Column string
	Binary               bool // the locator is a BLOB (loc_b)
	Where                []Column
}

// LOBOpKind is the kind of a LOB_WRITE, LOB_TRIM or LOB_ERASE row.
type LOBOpKind uint8

// LOB operations.
const (
	LOBWrite LOBOpKind = iota + 1
	LOBTrim
	LOBErase
)

// LOBOp is a parsed LOB_WRITE (`buf_c := '…'; dbms_lob.write(loc_c, amount, offset,
// buf_c);`), LOB_TRIM (`dbms_lob.trim(loc_c, length);`) or LOB_ERASE
// (`dbms_lob.erase(loc_c, amount, offset);`) row. Offsets are 1-based, in characters
// for CLOBs and bytes for BLOBs.
type LOBOp struct {
	Kind   LOBOpKind
	Data   Value // LOBWrite: a String or Raw value
	Amount int64
	Offset int64
}

// ParseLOBLocator parses a SEL_LOB_LOCATOR statement. It never panics.
func ParseLOBLocator(sql string) (*LOBLocator, error) {
	i := indexFold(sql, "select ")
	if i < 0 {
		return nil, &SyntaxError{Msg: "expected select … into loc_x", Near: head(sql)}
	}
	p := &parser{s: sql, pos: i + len("select ")}
	col, err := p.ident()
	if err != nil {
		return nil, err
	}
	if err := p.expectKeyword("into"); err != nil {
		return nil, err
	}
	loc, err := p.ident()
	if err != nil {
		return nil, err
	}
	if err := p.expectKeyword("from"); err != nil {
		return nil, err
	}
	l := &LOBLocator{Column: col, Binary: strings.EqualFold(loc, "LOC_B")}
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
	if err := p.expectKeyword("for"); err != nil {
		return nil, err
	}
	if err := p.expectKeyword("update"); err != nil {
		return nil, err
	}
	return l, nil
}

// ParseLOBOp parses a LOB_WRITE, LOB_TRIM or LOB_ERASE statement. It never panics.
func ParseLOBOp(sql string) (*LOBOp, error) {
	op := &LOBOp{}
	if i := strings.Index(sql, ":="); i >= 0 {
		p := &parser{s: sql, pos: i + 2}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		op.Data = v
		sql = sql[p.pos:]
	}
	call := func(name string, n int) ([]int64, error) {
		i := indexFold(sql, name+"(")
		if i < 0 {
			return nil, nil
		}
		rest := sql[i+len(name)+1:]
		j := strings.IndexByte(rest, ')')
		if j < 0 {
			return nil, &SyntaxError{Msg: "unterminated " + name + " call", Near: head(rest)}
		}
		args := strings.Split(rest[:j], ",")
		if len(args) < n+1 {
			return nil, &SyntaxError{Msg: fmt.Sprintf("%s needs %d arguments", name, n+1), Near: head(rest)}
		}
		out := make([]int64, n)
		for k := 0; k < n; k++ {
			v, err := strconv.ParseInt(strings.TrimSpace(args[k+1]), 10, 64)
			if err != nil {
				return nil, &SyntaxError{Msg: fmt.Sprintf("%s argument %d is not a number", name, k+2), Near: head(rest)}
			}
			out[k] = v
		}
		return out, nil
	}
	if a, err := call("dbms_lob.write", 2); err != nil || a != nil {
		if err != nil {
			return nil, err
		}
		if op.Data.Kind != String && op.Data.Kind != Raw {
			return nil, &SyntaxError{Msg: "dbms_lob.write without a buffer value", Near: head(sql)}
		}
		op.Kind, op.Amount, op.Offset = LOBWrite, a[0], a[1]
		return op, nil
	}
	if a, err := call("dbms_lob.trim", 1); err != nil || a != nil {
		if err != nil {
			return nil, err
		}
		op.Kind, op.Amount = LOBTrim, a[0]
		return op, nil
	}
	if a, err := call("dbms_lob.erase", 2); err != nil || a != nil {
		if err != nil {
			return nil, err
		}
		op.Kind, op.Amount, op.Offset = LOBErase, a[0], a[1]
		return op, nil
	}
	return nil, &SyntaxError{Msg: "expected dbms_lob.write, dbms_lob.trim or dbms_lob.erase", Near: head(sql)}
}

// indexFold finds the lower-case ASCII word sub in s, ignoring ASCII case; byte
// offsets stay those of s (strings.ToLower may change lengths of other runes).
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		match := true
		for j := 0; j < len(sub); j++ {
			c := s[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}

func head(s string) string {
	if len(s) > 40 {
		return s[:40]
	}
	return s
}
