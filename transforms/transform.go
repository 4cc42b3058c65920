// Package transforms implements Kafka Connect's single message transforms (SMTs) and
// predicates, Kafka's built-ins and Debezium's, and the chain a task runs them in.
//
// A Chain is built once per task from the connector config and applied to every record
// the task produces or consumes. Transforms never modify the record they are given:
// they return a new one (sharing unchanged parts), so a caller may keep the original
// for error reporting.
package transforms

import (
	"fmt"

	"github.com/gonnect/gonnect/connectors"
)

// Transformation transforms one record. A nil result drops the record.
//
// Apply must not modify r or any value reachable from it; it returns a new record
// (usually r.Clone() with changed fields), or r itself when nothing changes. Apply does
// not block. Implementations in this package are safe for concurrent use: their only
// mutable state is a bounded schema or topic cache guarded by a mutex.
type Transformation interface {
	Apply(r *connectors.Record) (*connectors.Record, error)
}

// Predicate decides whether a transformation applies to a record. Test must not modify
// r. Implementations in this package are safe for concurrent use.
type Predicate interface {
	Test(r *connectors.Record) (bool, error)
}

// TransformError is the error Chain.Apply returns when a transformation or predicate
// fails on a record. It names the transform alias (and the predicate alias when the
// predicate failed) and the record's coordinates, as the worker's error reporter and
// errors.tolerance need them.
type TransformError struct {
	Alias     string // transform alias from the "transforms" list
	Class     string // the transformation's class name
	Predicate string // predicate alias when the predicate failed, else ""
	Topic     string
	Partition *int32
	Position  string // connectors.Record.Position
	Err       error
}

func (e *TransformError) Error() string {
	what := fmt.Sprintf("transform %q (%s)", e.Alias, e.Class)
	if e.Predicate != "" {
		what = fmt.Sprintf("predicate %q of transform %q", e.Predicate, e.Alias)
	}
	part := "none"
	if e.Partition != nil {
		part = fmt.Sprint(*e.Partition)
	}
	pos := ""
	if e.Position != "" {
		pos = " position " + e.Position
	}
	return fmt.Sprintf("%s failed on record topic %q partition %s%s: %v", what, e.Topic, part, pos, e.Err)
}

func (e *TransformError) Unwrap() error { return e.Err }

// DataError is a record a transformation cannot handle (Java's DataException). Its
// message follows Kafka's wording with Go type names.
type DataError struct{ Msg string }

func (e *DataError) Error() string { return e.Msg }

func dataErrorf(format string, args ...any) error {
	return &DataError{Msg: fmt.Sprintf(format, args...)}
}

// ConfigError is a bad transformation or predicate configuration (Java's
// ConfigException). Key names the offending key as the user wrote it, e.g.
// "transforms.route.regex".
type ConfigError struct {
	Key string
	Msg string
}

func (e *ConfigError) Error() string { return e.Msg }

func configErrorf(key, format string, args ...any) error {
	return &ConfigError{Key: key, Msg: fmt.Sprintf(format, args...)}
}
