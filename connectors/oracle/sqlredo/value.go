// Package sqlredo parses the SQL_REDO and SQL_UNDO text that Oracle LogMiner
// reconstructs for row changes (V$LOGMNR_CONTENTS) into column names and raw values.
//
// It is pure: no I/O, no catalog, no type conversion. The caller stitches CSF
// continuation rows together first (see the transaction buffer in
// connectors/oracle) and converts the raw values with the table model afterwards.
// Parse never panics on any input (FuzzParse checks it); malformed text yields a
// *SyntaxError naming the byte offset.
package sqlredo

// Kind says how LogMiner rendered a value in SQL_REDO.
type Kind uint8

// The value renderings LogMiner uses (F-NLS, F-UNISTR, F-HEXTORAW, F-INTERVAL,
// F-UNSUPPORTED-TYPE in the fixture README).
const (
	// Null is the bare token NULL, or IS NULL in a WHERE clause.
	Null Kind = iota
	// String is a quoted literal, a UNISTR(...) call, or a || concatenation of
	// those; Text holds the decoded UTF-8 text with quotes undoubled.
	String
	// Raw is HEXTORAW('…'); Text holds the hex digits as printed.
	Raw
	// Date is TO_DATE('…', 'mask'); Text holds the first argument.
	Date
	// Timestamp is TO_TIMESTAMP('…'); Text holds the first argument.
	Timestamp
	// TimestampTZ is TO_TIMESTAMP_TZ('… +hh:mm'); Text holds the first argument.
	TimestampTZ
	// YearMonthInterval is TO_YMINTERVAL('…').
	YearMonthInterval
	// DaySecondInterval is TO_DSINTERVAL('…').
	DaySecondInterval
	// EmptyCLOB is EMPTY_CLOB(): a LOB locator whose value follows in later rows.
	EmptyCLOB
	// EmptyBLOB is EMPTY_BLOB().
	EmptyBLOB
	// Unsupported is the bare token `Unsupported Type`: LogMiner could not render
	// the column; its value is unknown.
	Unsupported
)

var kindNames = [...]string{
	Null: "NULL", String: "string", Raw: "HEXTORAW", Date: "TO_DATE", Timestamp: "TO_TIMESTAMP",
	TimestampTZ: "TO_TIMESTAMP_TZ", YearMonthInterval: "TO_YMINTERVAL", DaySecondInterval: "TO_DSINTERVAL",
	EmptyCLOB: "EMPTY_CLOB()", EmptyBLOB: "EMPTY_BLOB()", Unsupported: "Unsupported Type",
}

// String returns the SQL spelling of the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Value is one raw column value as LogMiner printed it.
type Value struct {
	Kind Kind
	Text string
}

// IsNull reports whether the value is SQL NULL.
func (v Value) IsNull() bool { return v.Kind == Null }

// Column is one column and its value, in statement order.
type Column struct {
	Name  string
	Value Value
}

// Op is the statement kind.
type Op uint8

// Statement kinds.
const (
	Insert Op = iota + 1
	Update
	Delete
)

// String returns the statement keyword in lower case.
func (o Op) String() string {
	switch o {
	case Insert:
		return "insert"
	case Update:
		return "update"
	case Delete:
		return "delete"
	}
	return "unknown"
}

// Statement is a parsed DML statement.
type Statement struct {
	Op    Op
	Owner string
	Table string
	// Values holds the VALUES of an insert or the SET list of an update, in order.
	Values []Column
	// Where holds the column predicates of an update or delete, in order
	// (`"C" IS NULL` gives a Null value). It is nil when there is no WHERE or the
	// WHERE is the ROWID-only form of an undo statement.
	Where []Column
	// RowID is set when the WHERE clause is `ROWID = '…'` (compensating undo rows,
	// F-UNDO-ROWID).
	RowID string
}

// Lookup returns the value of a column in cols.
func Lookup(cols []Column, name string) (Value, bool) {
	for _, c := range cols {
		if c.Name == name {
			return c.Value, true
		}
	}
	return Value{}, false
}
