package logminer

import (
	"fmt"
	"regexp"
	"strings"
)

// QueryOptions shape the V$LOGMNR_CONTENTS query (spec §6.3).
type QueryOptions struct {
	// PDB restricts rows to one pluggable database (SRC_CON_NAME), "" for none.
	PDB string
	// FilterMode is log.mining.query.filter.mode: none, in or regex.
	FilterMode string
	// SchemaInclude/SchemaExclude and TableInclude/TableExclude are the include and
	// exclude lists (literal names for "in", regular expressions for "regex").
	SchemaInclude, SchemaExclude []string
	TableInclude, TableExclude   []string
	// UsernameInclude/UsernameExclude filter on the redo USERNAME.
	UsernameInclude, UsernameExclude []string
	// LOB adds the LOB operation codes (lob.enabled).
	LOB bool
	// ExcludedSchemas are the built-in schemas never mined.
	ExcludedSchemas []string
	// Always lists "SCHEMA.TABLE" names whose rows pass whatever the include,
	// exclude and username lists say: the signal table (Debezium captures it without
	// it being in table.include.list, and its watermark rows are written by the
	// connector's own user).
	Always []string
}

// Columns is the select list, in the order Row scanning expects.
// SCN and XID are rendered as text (SCNs exceed 2^53; XID is RAW(8)) and TIMESTAMP
// as its wall clock so that no driver time-zone conversion applies.
const Columns = "TO_CHAR(SCN), SQL_REDO, OPERATION_CODE, TO_CHAR(TIMESTAMP, 'YYYY-MM-DD HH24:MI:SS'), RAWTOHEX(XID), CSF, " +
	"TABLE_NAME, SEG_OWNER, OPERATION, ROW_ID, ROLLBACK, STATUS, INFO, SSN, THREAD#, DATA_OBJ#, DATA_OBJD#, RS_ID, USERNAME"

var identRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_$#]*$`)

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ContentsQuery builds the buffered-mode query over V$LOGMNR_CONTENTS with two bind
// variables (:1 lower SCN, exclusive; :2 upper SCN, inclusive). COMMIT, ROLLBACK and
// START rows are never filtered (DBZ-2759); DDL rows come unless Oracle marked them
// INTERNAL DDL. An invalid filter value is an error naming it.
func ContentsQuery(o QueryOptions) (string, error) {
	codes := "1,2,3,6,7,27,34,36,255"
	if o.LOB {
		codes += ",9,10,11,29,68,70,71,91,92,93"
	}
	var dml []string
	if len(o.ExcludedSchemas) > 0 {
		var q []string
		for _, s := range o.ExcludedSchemas {
			q = append(q, quoteLiteral(strings.ToUpper(s)))
		}
		dml = append(dml, "(SEG_OWNER IS NULL OR SEG_OWNER NOT IN ("+strings.Join(q, ",")+"))")
	}
	dml = append(dml, "(TABLE_NAME IS NULL OR TABLE_NAME NOT LIKE 'MLOG$%')")
	add := func(col string, include, exclude []string) error {
		p, err := predicate(o.FilterMode, col, include, false)
		if err != nil {
			return err
		}
		if p != "" {
			dml = append(dml, p)
		}
		if p, err = predicate(o.FilterMode, col, exclude, true); err != nil {
			return err
		}
		if p != "" {
			dml = append(dml, p)
		}
		return nil
	}
	switch strings.ToLower(o.FilterMode) {
	case "", "none":
	case "in", "regex":
		if err := add("SEG_OWNER", o.SchemaInclude, o.SchemaExclude); err != nil {
			return "", err
		}
		if err := add("SEG_OWNER || '.' || TABLE_NAME", o.TableInclude, o.TableExclude); err != nil {
			return "", err
		}
	default:
		return "", fmt.Errorf("log.mining.query.filter.mode: %q is not one of none, in, regex", o.FilterMode)
	}
	if len(o.UsernameInclude) > 0 {
		var q []string
		for _, u := range o.UsernameInclude {
			q = append(q, quoteLiteral(strings.ToUpper(u)))
		}
		dml = append(dml, "USERNAME IN ("+strings.Join(q, ",")+")")
	}
	if len(o.UsernameExclude) > 0 {
		var q []string
		for _, u := range o.UsernameExclude {
			q = append(q, quoteLiteral(strings.ToUpper(u)))
		}
		dml = append(dml, "(USERNAME IS NULL OR USERNAME NOT IN ("+strings.Join(q, ",")+"))")
	}
	var b strings.Builder
	b.WriteString("SELECT " + Columns + " FROM V$LOGMNR_CONTENTS WHERE SCN > :1 AND SCN <= :2")
	if o.PDB != "" {
		if !identRe.MatchString(o.PDB) {
			return "", fmt.Errorf("database.pdb.name: %q is not a valid PDB name", o.PDB)
		}
		b.WriteString(" AND SRC_CON_NAME = " + quoteLiteral(strings.ToUpper(o.PDB)))
	}
	filter := strings.Join(dml, " AND ")
	for _, t := range o.Always {
		owner, table, ok := strings.Cut(t, ".")
		if !ok || !identRe.MatchString(owner) || !identRe.MatchString(table) {
			return "", fmt.Errorf("signal.data.collection: %q is not SCHEMA.TABLE of plain identifiers", t)
		}
		filter = "(" + filter + ") OR (SEG_OWNER = " + quoteLiteral(owner) + " AND TABLE_NAME = " + quoteLiteral(table) + ")"
	}
	b.WriteString(" AND ((OPERATION_CODE IN (6,7,36)) OR (OPERATION_CODE IN (" + codes + ") AND (" + filter +
		")) OR (OPERATION_CODE = 5 AND INFO NOT LIKE 'INTERNAL DDL%'))")
	return b.String(), nil
}

// predicate renders one include (or exclude) list for the "in" or "regex" mode.
func predicate(mode, col string, list []string, exclude bool) (string, error) {
	if len(list) == 0 {
		return "", nil
	}
	switch strings.ToLower(mode) {
	case "in":
		var q []string
		for _, v := range list {
			v = strings.TrimSpace(v)
			if strings.ContainsAny(v, `*+?[](){}|^$\`) {
				return "", fmt.Errorf("log.mining.query.filter.mode=in takes literal names, but %q is a regular expression; use regex mode", v)
			}
			q = append(q, quoteLiteral(strings.ToUpper(v)))
		}
		if exclude {
			return "(" + col + " IS NULL OR " + col + " NOT IN (" + strings.Join(q, ",") + "))", nil
		}
		return "(" + col + " IS NULL OR " + col + " IN (" + strings.Join(q, ",") + "))", nil
	case "regex":
		var ors []string
		for _, v := range list {
			ors = append(ors, "REGEXP_LIKE("+col+", "+quoteLiteral("^("+strings.TrimSpace(v)+")$")+", 'i')")
		}
		if exclude {
			return "(" + col + " IS NULL OR NOT (" + strings.Join(ors, " OR ") + "))", nil
		}
		return "(" + col + " IS NULL OR " + strings.Join(ors, " OR ") + ")", nil
	}
	return "", nil
}

// SessionSettings are the statements run on the mining connection before the first
// query (F-NLS): they fix how LogMiner prints dates, timestamps and numbers, and put
// TIMESTAMP WITH LOCAL TIME ZONE values in UTC.
var SessionSettings = []string{
	"ALTER SESSION SET NLS_DATE_FORMAT = 'YYYY-MM-DD HH24:MI:SS' NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9' " +
		"NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM' NLS_NUMERIC_CHARACTERS = '.,'",
	"ALTER SESSION SET TIME_ZONE = '00:00'",
}

// StartStatement returns the DBMS_LOGMNR.START_LOGMNR call for a window; the
// dictionary comes from the online catalog and ROWIDs are kept out of the SQL.
func StartStatement(from, to uint64) string {
	return fmt.Sprintf("BEGIN SYS.DBMS_LOGMNR.START_LOGMNR(STARTSCN => %d, ENDSCN => %d, "+
		"OPTIONS => DBMS_LOGMNR.DICT_FROM_ONLINE_CATALOG + DBMS_LOGMNR.NO_ROWID_IN_STMT); END;", from, to)
}

// AddLogStatement registers one redo log file with the session.
func AddLogStatement(file string) string {
	return "BEGIN SYS.DBMS_LOGMNR.ADD_LOGFILE(LOGFILENAME => " + quoteLiteral(file) + ", OPTIONS => DBMS_LOGMNR.ADDFILE); END;"
}

// EndStatement ends the LogMiner session.
const EndStatement = "BEGIN SYS.DBMS_LOGMNR.END_LOGMNR(); END;"

// LogsQuery selects the redo logs that cover SCNs above :1: the current online log of
// every thread (unless archiveOnly) and the archived logs of the current incarnation
// whose range ends above the start (and, with hours > 0, that are at most that old:
// archive.log.hours), in thread and sequence order.
func LogsQuery(archiveOnly bool, destination string, hours int64) string {
	dest := ""
	if hours > 0 {
		dest += fmt.Sprintf(" AND A.FIRST_TIME >= SYSDATE - (%d/24)", hours)
	}
	if destination != "" {
		dest += " AND A.DEST_ID IN (SELECT DEST_ID FROM V$ARCHIVE_DEST_STATUS WHERE DEST_NAME = " + quoteLiteral(strings.ToUpper(destination)) + ")"
	}
	arch := "SELECT A.NAME AS FILE_NAME, A.THREAD#, A.SEQUENCE#, A.FIRST_CHANGE#, A.NEXT_CHANGE# FROM V$ARCHIVED_LOG A, V$DATABASE D " +
		"WHERE A.NAME IS NOT NULL AND A.ARCHIVED = 'YES' AND A.STATUS = 'A' AND A.NEXT_CHANGE# > :1 " +
		"AND A.RESETLOGS_CHANGE# = D.RESETLOGS_CHANGE# AND A.RESETLOGS_TIME = D.RESETLOGS_TIME" + dest
	if archiveOnly {
		return arch + " ORDER BY 2, 3"
	}
	online := "SELECT MIN(F.MEMBER) AS FILE_NAME, L.THREAD#, L.SEQUENCE#, L.FIRST_CHANGE#, L.NEXT_CHANGE# FROM V$LOG L, V$LOGFILE F " +
		"WHERE F.GROUP# = L.GROUP# AND L.STATUS = 'CURRENT' GROUP BY L.THREAD#, L.SEQUENCE#, L.FIRST_CHANGE#, L.NEXT_CHANGE#"
	return "SELECT * FROM (" + arch + " UNION ALL " + online + ") ORDER BY 2, 3"
}
