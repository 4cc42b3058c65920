package oracle

import (
	"strings"

	"github.com/gonnect/gonnect/connectors/oracle/sqlredo"
)

const (
	redoDate = sqlredo.Date
	redoTS   = sqlredo.Timestamp
	redoTSTZ = sqlredo.TimestampTZ
	redoYM   = sqlredo.YearMonthInterval
	redoDS   = sqlredo.DaySecondInterval
	redoRaw  = sqlredo.Raw
)

func redo(s string) sqlredo.Value                 { return sqlredo.Value{Kind: sqlredo.String, Text: s} }
func date(k sqlredo.Kind, s string) sqlredo.Value { return sqlredo.Value{Kind: k, Text: s} }
func contains(s, sub string) bool                 { return strings.Contains(s, sub) }
