package oracle

import (
	"fmt"
	"strings"
)

// ddlKind classifies a DDL statement by what it does to captured columns.
type ddlKind int

const (
	// ddlHarmless cannot change any table's columns: partition and subpartition
	// maintenance, SHRINK SPACE, row movement, constraints, indexes, grants, comments,
	// storage attributes. Debezium stopped on several of these (F-DDL-PARSE); here they
	// are recognised and skipped.
	ddlHarmless ddlKind = iota
	ddlAddColumns
	ddlModifyColumns
	ddlDropColumns
	ddlRenameColumn
	ddlCreateTable
	ddlDropTable
	ddlRenameTable
	ddlTruncateTable
	// ddlUnknown is a statement the parser cannot read; on a captured table the
	// connector re-reads the catalog and warns.
	ddlUnknown
)

type colDef struct {
	name     string
	typ      string // "" when MODIFY changes only nullability
	nullable *bool
	inlinePK bool
}

type ddlStatement struct {
	kind         ddlKind
	owner, table string
	newName      string // rename table / column target
	oldColumn    string
	columns      []colDef
	drop         []string
	primaryKey   []string
}

type token struct {
	text   string // identifiers upper-cased unless quoted
	quoted bool
	punct  byte
}

func tokenizeDDL(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("unterminated quoted identifier at offset %d", i)
			}
			out = append(out, token{text: s[i+1 : i+1+j], quoted: true})
			i += j + 2
		case c == '\'':
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						j++
						continue
					}
					break
				}
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated literal at offset %d", i)
			}
			out = append(out, token{text: s[i : j+1], quoted: true, punct: '\''})
			i = j + 1
		case strings.IndexByte("(),.;=", c) >= 0:
			out = append(out, token{punct: c, text: string(c)})
			i++
		default:
			j := i
			for j < len(s) && strings.IndexByte(" \t\n\r\"'(),.;=", s[j]) < 0 {
				j++
			}
			out = append(out, token{text: strings.ToUpper(s[i:j])})
			i = j
		}
	}
	return out, nil
}

type ddlParser struct {
	t   []token
	pos int
}

func (p *ddlParser) peek() token {
	if p.pos < len(p.t) {
		return p.t[p.pos]
	}
	return token{}
}

func (p *ddlParser) next() token {
	tk := p.peek()
	p.pos++
	return tk
}

func (p *ddlParser) is(words ...string) bool {
	tk := p.peek()
	if tk.quoted || tk.punct != 0 {
		return false
	}
	for _, w := range words {
		if tk.text == w {
			return true
		}
	}
	return false
}

func (p *ddlParser) accept(word string) bool {
	if p.is(word) {
		p.pos++
		return true
	}
	return false
}

func (p *ddlParser) punct(c byte) bool {
	if p.peek().punct == c {
		p.pos++
		return true
	}
	return false
}

func (p *ddlParser) ident() (string, bool) {
	tk := p.peek()
	if tk.punct != 0 || tk.text == "" {
		return "", false
	}
	p.pos++
	return tk.text, true
}

func (p *ddlParser) qualified(defaultOwner string) (owner, name string, ok bool) {
	first, ok := p.ident()
	if !ok {
		return "", "", false
	}
	if p.punct('.') {
		second, ok := p.ident()
		return first, second, ok
	}
	return defaultOwner, first, true
}

// parseDDL classifies and reads a DDL statement as the user typed it (F-DDL).
// defaultOwner qualifies unqualified names.
func parseDDL(sql, defaultOwner string) (ddlStatement, error) {
	toks, err := tokenizeDDL(sql)
	if err != nil {
		return ddlStatement{kind: ddlUnknown}, err
	}
	p := &ddlParser{t: toks}
	st := ddlStatement{kind: ddlUnknown}
	switch {
	case p.accept("ALTER"):
		if !p.accept("TABLE") {
			st.kind = ddlHarmless // ALTER INDEX/SEQUENCE/SESSION/USER/...
			return st, nil
		}
		var ok bool
		if st.owner, st.table, ok = p.qualified(defaultOwner); !ok {
			return st, fmt.Errorf("ALTER TABLE without a table name")
		}
		return p.alterTable(st)
	case p.accept("CREATE"):
		p.accept("OR")
		p.accept("REPLACE")
		if p.is("GLOBAL", "PRIVATE") {
			st.kind = ddlHarmless // temporary tables carry no redo of interest
			return st, nil
		}
		if !p.accept("TABLE") {
			st.kind = ddlHarmless
			return st, nil
		}
		var ok bool
		if st.owner, st.table, ok = p.qualified(defaultOwner); !ok {
			return st, fmt.Errorf("CREATE TABLE without a table name")
		}
		if !p.punct('(') {
			return st, nil // CREATE TABLE ... AS SELECT: unknown, re-read the catalog
		}
		st.kind = ddlCreateTable
		return st, p.columnList(&st)
	case p.accept("DROP"):
		if !p.accept("TABLE") {
			st.kind = ddlHarmless
			return st, nil
		}
		var ok bool
		if st.owner, st.table, ok = p.qualified(defaultOwner); !ok {
			return st, fmt.Errorf("DROP TABLE without a table name")
		}
		st.kind = ddlDropTable
		return st, nil
	case p.accept("TRUNCATE"):
		if !p.accept("TABLE") {
			st.kind = ddlHarmless // TRUNCATE CLUSTER
			return st, nil
		}
		var ok bool
		if st.owner, st.table, ok = p.qualified(defaultOwner); !ok {
			return st, fmt.Errorf("TRUNCATE TABLE without a table name")
		}
		st.kind = ddlTruncateTable
		return st, nil
	case p.accept("RENAME"):
		var ok bool
		if st.owner, st.table, ok = p.qualified(defaultOwner); !ok || !p.accept("TO") {
			return st, fmt.Errorf("RENAME without FROM TO names")
		}
		if _, st.newName, ok = p.qualified(st.owner); !ok {
			return st, fmt.Errorf("RENAME without a new name")
		}
		st.kind = ddlRenameTable
		return st, nil
	case p.is("COMMENT", "GRANT", "REVOKE", "ANALYZE", "AUDIT", "NOAUDIT", "PURGE", "FLASHBACK", "LOCK", "ASSOCIATE", "DISASSOCIATE", "SET", "CALL", "BEGIN", "DECLARE", "EXPLAIN"):
		st.kind = ddlHarmless
		return st, nil
	}
	return st, fmt.Errorf("unrecognised DDL")
}

// alterTable reads the clause after ALTER TABLE <name>.
func (p *ddlParser) alterTable(st ddlStatement) (ddlStatement, error) {
	maintenance := []string{"PARTITION", "SUBPARTITION", "PARTITIONS", "SUBPARTITIONS", "CONSTRAINT", "PRIMARY", "UNIQUE",
		"FOREIGN", "CHECK", "SUPPLEMENTAL", "OVERFLOW", "LOB", "DEFAULT", "INDEXING", "MAPPING", "UNUSED", "NESTED", "VARRAY"}
	switch {
	case p.accept("ADD"), p.accept("MODIFY"):
		modify := p.t[p.pos-1].text == "MODIFY"
		if p.is(maintenance...) {
			st.kind = ddlHarmless
			return st, nil
		}
		p.accept("COLUMN")
		st.kind = ddlAddColumns
		if modify {
			st.kind = ddlModifyColumns
		}
		if p.punct('(') {
			return st, p.columnList(&st)
		}
		c, err := p.columnDef(modify)
		if err != nil {
			return st, err
		}
		st.columns = append(st.columns, c)
		return st, nil
	case p.accept("DROP"):
		if p.accept("COLUMN") {
			n, ok := p.ident()
			if !ok {
				return st, fmt.Errorf("DROP COLUMN without a column name")
			}
			st.kind, st.drop = ddlDropColumns, []string{n}
			return st, nil
		}
		if p.punct('(') {
			names, err := p.identList("DROP (...)")
			if err != nil {
				return st, err
			}
			st.kind, st.drop = ddlDropColumns, names
			return st, nil
		}
		st.kind = ddlHarmless // DROP PARTITION/CONSTRAINT/UNUSED COLUMNS/...
		return st, nil
	case p.accept("RENAME"):
		if p.accept("COLUMN") {
			from, ok1 := p.ident()
			ok2 := p.accept("TO")
			to, ok3 := p.ident()
			if !ok1 || !ok2 || !ok3 {
				return st, fmt.Errorf("RENAME COLUMN: expected <old> TO <new>")
			}
			st.kind, st.oldColumn, st.newName = ddlRenameColumn, from, to
			return st, nil
		}
		if p.accept("TO") {
			_, to, ok := p.qualified(st.owner)
			if !ok {
				return st, fmt.Errorf("RENAME TO without a new name")
			}
			st.kind, st.newName = ddlRenameTable, to
			return st, nil
		}
		st.kind = ddlHarmless
		return st, nil
	case p.is("SHRINK", "ENABLE", "DISABLE", "MOVE", "SPLIT", "MERGE", "EXCHANGE", "TRUNCATE", "COALESCE", "SET",
		"LOGGING", "NOLOGGING", "COMPRESS", "NOCOMPRESS", "ROW", "PARALLEL", "NOPARALLEL", "CACHE", "NOCACHE",
		"ALLOCATE", "DEALLOCATE", "READ", "UPGRADE", "FLASHBACK", "NO", "PCTFREE", "PCTUSED", "INITRANS", "STORAGE",
		"MONITORING", "NOMONITORING", "RESULT_CACHE", "INMEMORY", "NO", "ILM", "ATTRIBUTE", "OVERFLOW", "MODIFY_PARTITION"):
		st.kind = ddlHarmless
		return st, nil
	}
	return st, fmt.Errorf("unrecognised ALTER TABLE clause %q", p.peek().text)
}

var columnStop = map[string]bool{"DEFAULT": true, "NOT": true, "NULL": true, "CONSTRAINT": true, "PRIMARY": true,
	"UNIQUE": true, "REFERENCES": true, "CHECK": true, "ENABLE": true, "DISABLE": true, "VISIBLE": true,
	"INVISIBLE": true, "GENERATED": true, "ENCRYPT": true, "COLLATE": true, "SORT": true, "AS": true}

// columnDef reads "<name> <type> [DEFAULT …] [NOT NULL|NULL] [PRIMARY KEY] …".
func (p *ddlParser) columnDef(modify bool) (colDef, error) {
	name, ok := p.ident()
	if !ok {
		return colDef{}, fmt.Errorf("expected a column name")
	}
	c := colDef{name: name}
	var typ strings.Builder
	depth := 0
	for p.pos < len(p.t) {
		tk := p.peek()
		if depth == 0 && (tk.punct == ',' || tk.punct == ')' || tk.punct == ';') {
			break
		}
		if depth == 0 && tk.punct == 0 && !tk.quoted && columnStop[tk.text] {
			break
		}
		p.pos++
		switch tk.punct {
		case '(':
			depth++
			typ.WriteByte('(')
		case ')':
			depth--
			typ.WriteByte(')')
		case ',':
			typ.WriteByte(',')
		default:
			if typ.Len() > 0 && !strings.HasSuffix(typ.String(), "(") && !strings.HasSuffix(typ.String(), ",") {
				typ.WriteByte(' ')
			}
			typ.WriteString(tk.text)
		}
	}
	c.typ = typ.String()
	if c.typ == "" && !modify {
		return colDef{}, fmt.Errorf("column %s has no type", name)
	}
	// the rest of the definition: only nullability and inline PRIMARY KEY matter
	depth = 0
	for p.pos < len(p.t) {
		tk := p.peek()
		if depth == 0 && (tk.punct == ',' || tk.punct == ')' || tk.punct == ';') {
			break
		}
		p.pos++
		switch {
		case tk.punct == '(':
			depth++
		case tk.punct == ')':
			depth--
		case !tk.quoted && tk.text == "NOT" && p.is("NULL"):
			p.pos++
			f := false
			c.nullable = &f
		case !tk.quoted && tk.text == "NULL":
			t := true
			c.nullable = &t
		case !tk.quoted && tk.text == "PRIMARY" && p.is("KEY"):
			p.pos++
			f := false
			c.nullable = &f
			c.inlinePK = true
		}
	}
	return c, nil
}

// columnList reads "(<coldef>, … [, CONSTRAINT … PRIMARY KEY (…)])" after the '('.
func (p *ddlParser) columnList(st *ddlStatement) error {
	for {
		if p.is("CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "SUPPLEMENTAL", "PERIOD") {
			if err := p.constraint(st); err != nil {
				return err
			}
		} else {
			c, err := p.columnDef(st.kind == ddlModifyColumns)
			if err != nil {
				return err
			}
			if c.inlinePK {
				st.primaryKey = append(st.primaryKey, c.name)
			}
			st.columns = append(st.columns, c)
		}
		if p.punct(',') {
			continue
		}
		if p.punct(')') {
			return nil
		}
		return fmt.Errorf("column list: unexpected %q", p.peek().text)
	}
}

func (p *ddlParser) skipToListEnd() {
	depth := 0
	for p.pos < len(p.t) {
		tk := p.peek()
		if depth == 0 && (tk.punct == ',' || tk.punct == ')') {
			return
		}
		if tk.punct == '(' {
			depth++
		} else if tk.punct == ')' {
			depth--
		}
		p.pos++
	}
}

// constraint reads an out-of-line constraint, keeping a PRIMARY KEY's columns.
func (p *ddlParser) constraint(st *ddlStatement) error {
	if p.accept("CONSTRAINT") {
		p.ident()
	}
	if p.accept("PRIMARY") && p.accept("KEY") && p.punct('(') {
		names, err := p.identList("PRIMARY KEY (...)")
		if err != nil {
			return err
		}
		st.primaryKey = append(st.primaryKey, names...)
	}
	p.skipToListEnd()
	return nil
}

// identList reads "a, b, c)" after an opening parenthesis.
func (p *ddlParser) identList(what string) ([]string, error) {
	var out []string
	for {
		n, ok := p.ident()
		if !ok {
			return nil, fmt.Errorf("%s: expected a column name", what)
		}
		out = append(out, n)
		if p.punct(')') {
			return out, nil
		}
		if !p.punct(',') {
			return nil, fmt.Errorf("%s: expected ','", what)
		}
	}
}
