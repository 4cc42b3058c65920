package logminer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// QueryOptions shape the V$LOGMNR_CONTENTS query (spec §6.3).
type QueryOptions struct {
	// PDB restricts rows to one pluggable database (SRC_CON_NAME), "" for none; the
	// name as Oracle stores it (Config.PDBName).
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
		// LogMiner prints UNKNOWN where it cannot name the user; Debezium's include
		// list always admits it, so such rows are never dropped.
		q := []string{quoteLiteral("UNKNOWN")}
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
		// as configured: database.pdb.name is upper-cased unless quoted, and a quoted
		// lower-case PDB name is stored as written
		b.WriteString(" AND SRC_CON_NAME = " + quoteLiteral(o.PDB))
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
// archive.log.hours), in thread and sequence order. Archived logs come from one
// destination (ArchiveDestination), as in Debezium: V$ARCHIVED_LOG has a row per
// destination of each log, and a standby's row names a service, not a file.
func LogsQuery(archiveOnly bool, destination string, hours int64) string {
	dest := " AND " + ArchiveDestination("A.DEST_ID", destination)
	if hours > 0 {
		dest += fmt.Sprintf(" AND A.FIRST_TIME >= SYSDATE - (%d/24)", hours)
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

// ArchiveDestination is the predicate on col (a DEST_ID) choosing the archive log
// destination, as Debezium's ArchiveDestinationNameResolver does: the first of the
// archive.destination.name list (comma-separated, in priority order) that
// V$ARCHIVE_DEST_STATUS shows VALID and LOCAL, or without a list the first VALID
// LOCAL destination (LOG_ARCHIVE_DEST_n in n order). No such destination matches no
// log, which logFiles reports.
func ArchiveDestination(col, names string) string {
	var list []string
	for _, n := range strings.Split(names, ",") {
		if n = strings.TrimSpace(n); n != "" {
			list = append(list, strings.ToUpper(n))
		}
	}
	valid := "SELECT DEST_ID FROM V$ARCHIVE_DEST_STATUS WHERE STATUS = 'VALID' AND TYPE = 'LOCAL'"
	if len(list) == 0 {
		return col + " = (" + strings.Replace(valid, "DEST_ID", "MIN(DEST_ID)", 1) + ")"
	}
	var in, order []string
	for i, n := range list {
		in = append(in, quoteLiteral(n))
		order = append(order, fmt.Sprintf("WHEN %s THEN %d", quoteLiteral(n), i+1))
	}
	return col + " = (SELECT DEST_ID FROM (" + valid + " AND DEST_NAME IN (" + strings.Join(in, ",") +
		") ORDER BY CASE DEST_NAME " + strings.Join(order, " ") + " END) WHERE ROWNUM = 1)"
}

// CurrentSCNQuery reads the two facts UpperSCN combines: the database's current SCN
// (in archive-only mode the highest SCN the chosen destination's archived logs
// cover) and, when more than one public redo thread is open (RAC), the lowest
// LAST_REDO_CHANGE# among them (V$THREAD), the SCN up to which every instance's LGWR
// has written its redo. A single instance gets NULL: the flush before each window
// already makes its LGWR write, and capping at its last redo would stall an idle
// database one record short.
func CurrentSCNQuery(archiveOnly bool, destination string) string {
	cur := "SELECT TO_CHAR(CURRENT_SCN) FROM V$DATABASE"
	if archiveOnly {
		cur = "SELECT TO_CHAR(MAX(A.NEXT_CHANGE#) - 1) FROM V$ARCHIVED_LOG A WHERE A.STATUS = 'A' AND " + ArchiveDestination("A.DEST_ID", destination)
	}
	return "SELECT (" + cur + "), (SELECT TO_CHAR(MIN(LAST_REDO_CHANGE#)) FROM V$THREAD WHERE STATUS = 'OPEN' AND ENABLED <> 'PRIVATE' " +
		"HAVING COUNT(*) > 1) FROM DUAL"
}

// UpperSCN is the upper bound of the next mining window: the current SCN, capped,
// as Debezium caps it, one below the lowest SCN every open redo thread has flushed,
// so that a RAC instance whose redo lags is never read past (its changes would be
// skipped by the next window). redo "" means no thread state.
func UpperSCN(current, redo string) (uint64, error) {
	cur, err := strconv.ParseUint(strings.TrimSpace(current), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("current SCN %q is not a number", current)
	}
	if strings.TrimSpace(redo) == "" {
		return cur, nil
	}
	flushed, err := strconv.ParseUint(strings.TrimSpace(redo), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("V$THREAD LAST_REDO_CHANGE# %q is not a number", redo)
	}
	if flushed > 0 && flushed-1 < cur {
		return flushed - 1, nil
	}
	return cur, nil
}

// FlushStep is one idempotent step of the flush table's setup: run Check (a count
// with Args), and when it counts 0 execute Fix.
type FlushStep struct {
	Check string
	Args  []any
	Fix   string
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// FlushTableSetup creates log.mining.flush.table.name in the current schema when
// missing (Debezium's shape: LAST_SCN NUMBER(19,0)) and gives it its one row.
func FlushTableSetup(table string) []FlushStep {
	return []FlushStep{
		{Check: "SELECT COUNT(*) FROM USER_TABLES WHERE TABLE_NAME = :1", Args: []any{table},
			Fix: "CREATE TABLE " + quoteIdent(table) + " (LAST_SCN NUMBER(19,0))"},
		{Check: "SELECT COUNT(*) FROM " + quoteIdent(table), Fix: "INSERT INTO " + quoteIdent(table) + " (LAST_SCN) VALUES (0)"},
	}
}

// FlushStatement updates the flush table's row to the SCN bound as :1.
func FlushStatement(table string) string {
	return "UPDATE " + quoteIdent(table) + " SET LAST_SCN = :1"
}
