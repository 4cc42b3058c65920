package cdc

import (
	"fmt"
	"regexp"
	"strings"
)

// PatternList is a parsed include or exclude list: comma-separated Java-style regexes,
// each compiled case-insensitive and matched against the whole string.
type PatternList []*regexp.Regexp

// ParsePatternList parses a list value. A backslash before a comma keeps the comma in
// the pattern; surrounding spaces are trimmed. key names the config key in errors.
func ParsePatternList(key, s string) (PatternList, error) {
	var out PatternList
	for i, p := range splitEscaped(s) {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		re, err := regexp.Compile(`(?i)^(?:` + p + `)$`)
		if err != nil {
			return nil, fmt.Errorf("%s: pattern %d %q is not a valid regular expression: %v", key, i+1, p, err)
		}
		out = append(out, re)
	}
	return out, nil
}

func splitEscaped(s string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == ',':
			cur.WriteByte(',')
			i++
		case s[i] == ',':
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(s[i])
		}
	}
	return append(out, cur.String())
}

// Matches reports whether any pattern matches all of s.
func (l PatternList) Matches(s string) bool {
	for _, re := range l {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// Filter is an include/exclude pair: with an include list only matches pass; with an
// exclude list matches are dropped; with neither everything passes.
type Filter struct {
	include, exclude PatternList
}

// NewFilter parses an include/exclude pair; setting both is an error naming the keys.
func NewFilter(includeKey, include, excludeKey, exclude string) (*Filter, error) {
	if strings.TrimSpace(include) != "" && strings.TrimSpace(exclude) != "" {
		return nil, fmt.Errorf("%s and %s are mutually exclusive: set only one of them", includeKey, excludeKey)
	}
	in, err := ParsePatternList(includeKey, include)
	if err != nil {
		return nil, err
	}
	ex, err := ParsePatternList(excludeKey, exclude)
	if err != nil {
		return nil, err
	}
	return &Filter{include: in, exclude: ex}, nil
}

// Allows reports whether s passes the filter. A nil Filter allows everything.
func (f *Filter) Allows(s string) bool {
	if f == nil {
		return true
	}
	if len(f.include) > 0 {
		return f.include.Matches(s)
	}
	return !f.exclude.Matches(s)
}

// IsEmpty reports whether neither list is set.
func (f *Filter) IsEmpty() bool { return f == nil || (len(f.include) == 0 && len(f.exclude) == 0) }

// TableFilters is the capture filter of a relational connector: the database/schema
// filter AND the table filter, plus the column filter, built-in exclusion and the
// signal table that is always captured.
type TableFilters struct {
	// Container filters the database (MySQL) or schema (Oracle) name.
	Container *Filter
	// Table filters "db.table" (MySQL) or "SCHEMA.TABLE" (Oracle).
	Table *Filter
	// Column filters "db.table.column" or "SCHEMA.TABLE.COLUMN".
	Column *Filter
	// BuiltIn reports built-in containers dropped when table.ignore.builtin=true.
	BuiltIn func(container string) bool
	// Signal is the signal data collection, always captured ("" when none).
	Signal string
	// TableName renders the string the table filter matches for id.
	TableName func(id TableID) string
	// ContainerName renders the string the container filter matches for id.
	ContainerName func(id TableID) string
}

// Eligible reports whether the table's DDL belongs in the schema history: its container
// passes the container filter and is not built in.
func (f *TableFilters) Eligible(id TableID) bool {
	c := f.ContainerName(id)
	if f.BuiltIn != nil && f.BuiltIn(c) {
		return false
	}
	return f.Container.Allows(c)
}

// Captured reports whether change events of the table are emitted.
func (f *TableFilters) Captured(id TableID) bool {
	name := f.TableName(id)
	if f.Signal != "" && strings.EqualFold(name, f.Signal) {
		return true
	}
	return f.Eligible(id) && f.Table.Allows(name)
}

// ColumnIncluded reports whether a column of a captured table is kept in events.
func (f *TableFilters) ColumnIncluded(id TableID, column string) bool {
	return f.Column.Allows(f.TableName(id) + "." + column)
}

// KeyColumns is a parsed message.key.columns value.
type KeyColumns []keyColumnsEntry

type keyColumnsEntry struct {
	table   *regexp.Regexp
	columns []string
}

// ParseKeyColumns parses "<tableRegex>:<col>[,<col>...][;<tableRegex>:<col>...]".
func ParseKeyColumns(key, s string) (KeyColumns, error) {
	var out KeyColumns
	for i, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		colon := strings.LastIndexByte(part, ':')
		if colon <= 0 || colon == len(part)-1 {
			return nil, fmt.Errorf("%s: entry %d %q must have the form <table>:<column>[,<column>...]", key, i+1, part)
		}
		re, err := regexp.Compile(`(?i)^(?:` + strings.TrimSpace(part[:colon]) + `)$`)
		if err != nil {
			return nil, fmt.Errorf("%s: entry %d table pattern: %v", key, i+1, err)
		}
		var cols []string
		for _, c := range strings.Split(part[colon+1:], ",") {
			if c = strings.TrimSpace(c); c != "" {
				cols = append(cols, c)
			}
		}
		out = append(out, keyColumnsEntry{table: re, columns: cols})
	}
	return out, nil
}

// For returns the key columns configured for a table, matching any of names (the forms
// the dialect accepts), or nil when none applies.
func (k KeyColumns) For(names ...string) []string {
	for _, e := range k {
		for _, n := range names {
			if e.table.MatchString(n) {
				return e.columns
			}
		}
	}
	return nil
}
