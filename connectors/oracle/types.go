package oracle

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gonnect/gonnect/connectors/cdc"
)

// ColumnType is an Oracle column type as the catalog or a DDL statement spells it,
// e.g. NUMBER(12,2), TIMESTAMP(6) WITH TIME ZONE, INTERVAL DAY(3) TO SECOND(6).
type ColumnType struct {
	Name      string // base name: NUMBER, VARCHAR2, TIMESTAMP WITH TIME ZONE, INTERVAL DAY TO SECOND, ...
	Precision *int32 // NUMBER/FLOAT precision, character length, TIMESTAMP fraction digits, leading interval field precision
	Scale     *int32 // NUMBER scale, interval fraction digits
}

var intervalRe = regexp.MustCompile(`(?i)^INTERVAL\s+(YEAR|DAY)\s*(?:\(\s*(\d+)\s*\))?\s+TO\s+(MONTH|SECOND)\s*(?:\(\s*(\d+)\s*\))?$`)

// ParseColumnType parses an Oracle type spelling. Unknown type names are accepted
// (they map to an optional string whose value LogMiner prints as Unsupported Type).
func ParseColumnType(s string) (ColumnType, error) {
	s = strings.TrimSpace(s)
	if m := intervalRe.FindStringSubmatch(s); m != nil {
		ct := ColumnType{Name: "INTERVAL " + strings.ToUpper(m[1]) + " TO " + strings.ToUpper(m[3])}
		if m[2] != "" {
			ct.Precision = atoi32(m[2])
		}
		if m[4] != "" {
			ct.Scale = atoi32(m[4])
		}
		return ct, nil
	}
	name, args, rest := s, "", ""
	if i := strings.IndexByte(s, '('); i >= 0 {
		j := strings.IndexByte(s[i:], ')')
		if j < 0 {
			return ColumnType{}, fmt.Errorf("cannot read column type %q: unbalanced parenthesis", s)
		}
		name, args, rest = s[:i], s[i+1:i+j], s[i+j+1:]
	}
	name = strings.ToUpper(strings.Join(strings.Fields(name), " "))
	if name == "" {
		return ColumnType{}, fmt.Errorf("cannot read column type %q", s)
	}
	if rest := strings.ToUpper(strings.Join(strings.Fields(rest), " ")); rest != "" {
		switch rest {
		case "WITH TIME ZONE", "WITH LOCAL TIME ZONE":
			name += " " + rest
		default:
			return ColumnType{}, fmt.Errorf("cannot read column type %q: unexpected %q", s, rest)
		}
	}
	var prec, scale string
	if args != "" {
		f := strings.Fields(strings.ReplaceAll(args, ",", " , "))
		switch {
		case len(f) == 1:
			prec = f[0]
		case len(f) == 2 && (strings.EqualFold(f[1], "BYTE") || strings.EqualFold(f[1], "CHAR")):
			prec = f[0]
		case len(f) == 3 && f[1] == ",":
			prec, scale = f[0], f[2]
		default:
			return ColumnType{}, fmt.Errorf("cannot read column type %q: arguments %q", s, args)
		}
	}
	ct := ColumnType{Name: name}
	if prec == "*" { // NUMBER(*) and NUMBER(*,s): the maximum precision
		prec = "38"
	}
	if prec != "" {
		if ct.Precision = atoi32(prec); ct.Precision == nil {
			return ColumnType{}, fmt.Errorf("cannot read column type %q: precision %q", s, prec)
		}
	}
	if scale != "" {
		if ct.Scale = atoi32(scale); ct.Scale == nil {
			return ColumnType{}, fmt.Errorf("cannot read column type %q: scale %q", s, scale)
		}
	}
	switch ct.Name {
	case "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITH LOCAL TIME ZONE":
		if ct.Precision == nil {
			ct.Precision = cdc.Int32(6) // Oracle's default fractional precision
		}
	case "INTEGER", "INT", "SMALLINT":
		ct.Name, ct.Precision, ct.Scale = "NUMBER", cdc.Int32(38), cdc.Int32(0)
	case "DECIMAL", "NUMERIC":
		ct.Name = "NUMBER"
		if ct.Precision == nil {
			ct.Precision = cdc.Int32(38)
		}
		if ct.Scale == nil {
			ct.Scale = cdc.Int32(0)
		}
	case "NUMBER":
		if ct.Precision != nil && ct.Scale == nil {
			ct.Scale = cdc.Int32(0)
		}
	}
	return ct, nil
}

func atoi32(s string) *int32 {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return nil
	}
	return cdc.Int32(int32(n))
}

// String renders the type back in Oracle's spelling.
func (t ColumnType) String() string {
	switch {
	case strings.HasPrefix(t.Name, "INTERVAL "):
		lead, trail, _ := strings.Cut(strings.TrimPrefix(t.Name, "INTERVAL "), " TO ")
		s := "INTERVAL " + lead
		if t.Precision != nil {
			s += fmt.Sprintf("(%d)", *t.Precision)
		}
		s += " TO " + trail
		if t.Scale != nil {
			s += fmt.Sprintf("(%d)", *t.Scale)
		}
		return s
	case strings.HasPrefix(t.Name, "TIMESTAMP"):
		zone := strings.TrimPrefix(t.Name, "TIMESTAMP")
		if t.Precision != nil {
			return fmt.Sprintf("TIMESTAMP(%d)%s", *t.Precision, zone)
		}
		return t.Name
	case t.Precision != nil && t.Scale != nil:
		return fmt.Sprintf("%s(%d,%d)", t.Name, *t.Precision, *t.Scale)
	case t.Name == "NUMBER" && t.Scale == nil:
		return t.Name // no scale: variable (Debezium records the bare NUMBER with length 38)
	case t.Precision != nil:
		return fmt.Sprintf("%s(%d)", t.Name, *t.Precision)
	}
	return t.Name
}

// jdbcType returns the java.sql.Types code Debezium's Oracle DDL parser writes for
// the type (spec §3.2).
func (t ColumnType) jdbcType() int32 {
	switch t.Name {
	case "NUMBER":
		return cdc.JDBCNumeric
	case "FLOAT", "REAL", "DOUBLE PRECISION":
		return cdc.JDBCFloat
	case "VARCHAR2", "VARCHAR", "ROWID":
		return cdc.JDBCVarchar
	case "CHAR":
		return cdc.JDBCChar
	case "NCHAR":
		return cdc.JDBCNChar
	case "NVARCHAR2":
		return cdc.JDBCNVarchar
	case "CLOB":
		return cdc.JDBCClob
	case "NCLOB":
		return cdc.JDBCNClob
	case "BLOB":
		return cdc.JDBCBlob
	case "DATE", "TIMESTAMP":
		return cdc.JDBCTimestamp
	case "TIMESTAMP WITH TIME ZONE":
		return -101
	case "TIMESTAMP WITH LOCAL TIME ZONE":
		return -102
	case "INTERVAL YEAR TO MONTH":
		return -103
	case "INTERVAL DAY TO SECOND":
		return -104
	case "BINARY_FLOAT":
		return 100
	case "BINARY_DOUBLE":
		return 101
	case "RAW":
		return cdc.JDBCBinary
	case "XMLTYPE":
		return cdc.JDBCSQLXML
	}
	return cdc.JDBCOther
}

// isLOB reports whether values of the type arrive through LOB mechanics.
func (t ColumnType) isLOB() bool {
	switch t.Name {
	case "CLOB", "NCLOB", "BLOB", "XMLTYPE":
		return true
	}
	return false
}

// NewColumn builds the cdc column for an Oracle column.
func NewColumn(name, oracleType string, nullable bool, position int) (cdc.Column, error) {
	ct, err := ParseColumnType(oracleType)
	if err != nil {
		return cdc.Column{}, fmt.Errorf("column %s: %w", name, err)
	}
	h := spelling(ct)
	return cdc.Column{
		Name:           name,
		JDBCType:       h.jdbc,
		TypeName:       h.name,
		TypeExpression: h.name,
		Length:         h.length,
		Scale:          h.scale,
		Position:       int32(position),
		Optional:       nullable,
	}, nil
}

// columnType recovers the ColumnType of a cdc column. A type name that carries its
// own modifiers (as Java-written history may, e.g. "TIMESTAMP(6)") is re-parsed.
func columnType(c *cdc.Column) ColumnType {
	if strings.ContainsRune(c.TypeName, '(') {
		if ct, err := ParseColumnType(c.TypeName); err == nil {
			return ct
		}
	}
	return ColumnType{Name: c.TypeName, Precision: c.Length, Scale: c.Scale}
}
