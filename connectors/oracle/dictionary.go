package oracle

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/godror/godror/dsn"

	"github.com/gonnect/gonnect/connectors/cdc"
)

// Dictionary runs data-dictionary queries and returns every row as text (NULL as
// ""). SQLDictionary adapts a *sql.DB; tests use a small in-memory dictionary.
type Dictionary interface {
	Query(ctx context.Context, query string, args ...any) ([][]string, error)
}

// SQLDictionary is a Dictionary over database/sql. With PDB set every query runs
// inside that pluggable database (the connection itself is to the CDB root, where
// LogMiner runs): its tables, columns, constraints and log groups are only visible
// there, and Debezium checks supplemental logging there too.
type SQLDictionary struct {
	DB  *sql.DB
	PDB string
}

// Query implements Dictionary.
func (d SQLDictionary) Query(ctx context.Context, query string, args ...any) ([][]string, error) {
	var out [][]string
	err := inContainer(ctx, d.DB, d.PDB, func(c *sql.Conn) error {
		var err error
		out, err = queryStrings(ctx, c, query, args...)
		return err
	})
	return out, err
}

func queryStrings(ctx context.Context, c *sql.Conn, query string, args ...any) ([][]string, error) {
	rows, err := c.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// DSN renders the godror connection string for the config: database.url (a JDBC
// URL's prefix is dropped) or host:port/dbname, with the user and password. The
// result holds the password; never log it.
func (c *Config) DSN() string {
	connect := c.URL
	if connect == "" {
		connect = fmt.Sprintf("%s:%d/%s", c.Host, c.Port, c.DBName)
	}
	for _, p := range []string{"jdbc:oracle:thin:@", "jdbc:oracle:oci:@", "jdbc:oracle:oci8:@"} {
		connect = strings.TrimPrefix(connect, p)
	}
	var p dsn.ConnectionParams
	p.Username, p.ConnectString, p.Password = c.User, connect, dsn.NewPassword(c.Password)
	return p.StringWithPassword()
}

const (
	qTables  = `SELECT OWNER, TABLE_NAME, ROW_MOVEMENT, PARTITIONED FROM ALL_TABLES WHERE NESTED = 'NO' AND TEMPORARY = 'N' AND SECONDARY = 'N' AND IOT_TYPE IS NULL`
	qColumns = `SELECT COLUMN_NAME, DATA_TYPE, TO_CHAR(DATA_PRECISION), TO_CHAR(DATA_SCALE), TO_CHAR(CHAR_LENGTH), TO_CHAR(DATA_LENGTH), NULLABLE
FROM ALL_TAB_COLUMNS WHERE OWNER = :1 AND TABLE_NAME = :2 ORDER BY COLUMN_ID`
	qPrimaryKey = `SELECT CC.COLUMN_NAME FROM ALL_CONSTRAINTS C JOIN ALL_CONS_COLUMNS CC
ON CC.OWNER = C.OWNER AND CC.CONSTRAINT_NAME = C.CONSTRAINT_NAME AND CC.TABLE_NAME = C.TABLE_NAME
WHERE C.OWNER = :1 AND C.TABLE_NAME = :2 AND C.CONSTRAINT_TYPE = 'P' ORDER BY CC.POSITION`
	qObjects = `SELECT TO_CHAR(DATA_OBJECT_ID) FROM ALL_OBJECTS WHERE OWNER = :1 AND OBJECT_NAME = :2
AND OBJECT_TYPE IN ('TABLE', 'TABLE PARTITION', 'TABLE SUBPARTITION') AND DATA_OBJECT_ID IS NOT NULL`
	qPartKey  = `SELECT COLUMN_NAME FROM ALL_PART_KEY_COLUMNS WHERE OWNER = :1 AND NAME = :2 AND OBJECT_TYPE = 'TABLE' ORDER BY COLUMN_POSITION`
	qLogGroup = `SELECT COUNT(*) FROM ALL_LOG_GROUPS WHERE OWNER = :1 AND TABLE_NAME = :2 AND LOG_GROUP_TYPE = 'ALL COLUMN LOGGING'`
	qDatabase = `SELECT LOG_MODE, SUPPLEMENTAL_LOG_DATA_MIN, SUPPLEMENTAL_LOG_DATA_ALL FROM V$DATABASE`
	qPrivs    = `SELECT PRIVILEGE FROM SESSION_PRIVS UNION ALL SELECT ROLE FROM SESSION_ROLES`
)

const qObjectByID = `SELECT OWNER, OBJECT_NAME FROM ALL_OBJECTS WHERE DATA_OBJECT_ID = :1 AND OBJECT_TYPE IN ('TABLE', 'TABLE PARTITION', 'TABLE SUBPARTITION')`

// resolveObject names the table owning a data object number.
func resolveObject(ctx context.Context, d Dictionary, obj int64) (owner, table string, found bool, err error) {
	rows, err := d.Query(ctx, qObjectByID, obj)
	if err != nil {
		return "", "", false, err
	}
	if len(rows) == 0 {
		return "", "", false, nil
	}
	return rows[0][0], rows[0][1], true, nil
}

// oracleTypeText renders ALL_TAB_COLUMNS facts as a type spelling ParseColumnType reads.
func oracleTypeText(dataType, precision, scale, charLen, dataLen string) string {
	switch dataType {
	case "NUMBER":
		switch {
		case precision == "" && scale == "":
			return "NUMBER"
		case precision == "":
			return "NUMBER(38," + scale + ")" // NUMBER(*,s), e.g. INTEGER
		case scale == "":
			return "NUMBER(" + precision + ")"
		}
		return "NUMBER(" + precision + "," + scale + ")"
	case "FLOAT":
		if precision != "" {
			return "FLOAT(" + precision + ")"
		}
	case "VARCHAR2", "NVARCHAR2", "CHAR", "NCHAR", "VARCHAR":
		if charLen != "" && charLen != "0" {
			return dataType + "(" + charLen + ")"
		}
	case "RAW":
		if dataLen != "" {
			return "RAW(" + dataLen + ")"
		}
	}
	return dataType
}

// ReadDictionary reads the captured tables' models from the data dictionary: columns,
// primary key, data object numbers of every segment, partition key, row movement
// and ALL-columns supplemental logging (database-wide or a table log group).
func ReadDictionary(ctx context.Context, d Dictionary, filters *cdc.TableFilters) (Catalog, error) {
	dbRows, err := d.Query(ctx, qDatabase)
	if err != nil || len(dbRows) != 1 {
		return nil, fmt.Errorf("reading V$DATABASE: %v", err)
	}
	dbAll := dbRows[0][2] == "YES"
	tables, err := d.Query(ctx, qTables)
	if err != nil {
		return nil, fmt.Errorf("reading ALL_TABLES: %w", err)
	}
	out := Catalog{}
	for _, tr := range tables {
		owner, name := tr[0], tr[1]
		if filters != nil && !filters.Captured(cdc.TableID{Schema: owner, Table: name}) {
			continue
		}
		ti, err := readTable(ctx, d, owner, name)
		if err != nil {
			return nil, err
		}
		ti.RowMovement = tr[2] == "ENABLED"
		ti.Partitioned = tr[3] == "YES"
		ti.SupplementalAll = ti.SupplementalAll || dbAll
		out[owner+"."+name] = ti
	}
	return out, nil
}

func readTable(ctx context.Context, d Dictionary, owner, name string) (*TableInfo, error) {
	where := owner + "." + name
	cols, err := d.Query(ctx, qColumns, owner, name)
	if err != nil {
		return nil, fmt.Errorf("reading the columns of %s: %w", where, err)
	}
	t := &cdc.Table{ID: cdc.TableID{Schema: owner, Table: name}}
	for i, c := range cols {
		col, err := NewCatalogColumn(c[0], oracleTypeText(c[1], c[2], c[3], c[4], c[5]), c[6] == "Y", i+1)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		t.Columns = append(t.Columns, col)
	}
	pk, err := d.Query(ctx, qPrimaryKey, owner, name)
	if err != nil {
		return nil, fmt.Errorf("reading the primary key of %s: %w", where, err)
	}
	for _, r := range pk {
		t.PrimaryKey = append(t.PrimaryKey, r[0])
	}
	ti := &TableInfo{Table: t}
	objs, err := d.Query(ctx, qObjects, owner, name)
	if err != nil {
		return nil, fmt.Errorf("reading the segments of %s: %w", where, err)
	}
	for _, r := range objs {
		if n, err := strconv.ParseInt(r[0], 10, 64); err == nil {
			ti.DataObjectIDs = append(ti.DataObjectIDs, n)
		}
	}
	keys, err := d.Query(ctx, qPartKey, owner, name)
	if err != nil {
		return nil, fmt.Errorf("reading the partition key of %s: %w", where, err)
	}
	for _, r := range keys {
		ti.PartitionKey = append(ti.PartitionKey, r[0])
	}
	lg, err := d.Query(ctx, qLogGroup, owner, name)
	if err != nil {
		return nil, fmt.Errorf("reading the supplemental log groups of %s: %w", where, err)
	}
	ti.SupplementalAll = len(lg) == 1 && lg[0][0] != "0"
	return ti, nil
}

// Problem is a validation failure on a config key, with the statement to run.
type Problem struct {
	Key     string
	Message string
}

// requiredPrivileges are what LogMiner streaming and flashback snapshots need (spec §6.1).
var requiredPrivileges = []string{"CREATE SESSION", "SELECT ANY TRANSACTION", "LOGMINING", "FLASHBACK ANY TABLE",
	"SELECT ANY TABLE", "SELECT_CATALOG_ROLE", "EXECUTE_CATALOG_ROLE", "LOCK ANY TABLE"}

// ValidateDatabase checks ARCHIVELOG mode, minimal and ALL-columns supplemental
// logging of every captured table, and the privileges LogMiner needs. Each problem
// says what to run. A captured table without ALL-columns logging is refused: its
// UPDATE and DELETE rows would lack the key (oracle-update-as-delete §2.4).
func ValidateDatabase(ctx context.Context, d Dictionary, cat Catalog, user string) []Problem {
	var out []Problem
	db, err := d.Query(ctx, qDatabase)
	if err != nil || len(db) != 1 {
		if err != nil && strings.Contains(err.Error(), "switching to PDB") {
			return []Problem{{"database.pdb.name", fmt.Sprintf("cannot switch into the PDB (as a common user, run: GRANT SET CONTAINER TO %s CONTAINER=ALL;): %v", user, err)}}
		}
		return []Problem{{"database.hostname", fmt.Sprintf("cannot read V$DATABASE (grant SELECT ON V_$DATABASE TO %s): %v", user, err)}}
	}
	if db[0][0] != "ARCHIVELOG" {
		out = append(out, Problem{"database.hostname", "the database is in " + db[0][0] + " mode; LogMiner needs ARCHIVELOG. As SYSDBA run: SHUTDOWN IMMEDIATE; STARTUP MOUNT; ALTER DATABASE ARCHIVELOG; ALTER DATABASE OPEN;"})
	}
	if db[0][1] != "YES" && db[0][1] != "IMPLICIT" {
		out = append(out, Problem{"database.hostname", "minimal supplemental logging is off; run: ALTER DATABASE ADD SUPPLEMENTAL LOG DATA;"})
	}
	var missing []string
	for _, name := range cat.Names() {
		if ti := cat[name]; !ti.SupplementalAll && db[0][2] != "YES" {
			owner, table, _ := strings.Cut(name, ".")
			missing = append(missing, fmt.Sprintf(`ALTER TABLE "%s"."%s" ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS;`, owner, table))
		}
	}
	if len(missing) > 0 {
		out = append(out, Problem{"table.include.list", "captured tables lack ALL-columns supplemental logging, so their updates would arrive without key columns; run: " + strings.Join(missing, " ")})
	}
	privs, err := d.Query(ctx, qPrivs)
	if err != nil {
		return append(out, Problem{"database.user", fmt.Sprintf("cannot read SESSION_PRIVS: %v", err)})
	}
	have := map[string]bool{}
	for _, p := range privs {
		have[p[0]] = true
	}
	for _, p := range requiredPrivileges {
		if !have[p] && !have["DBA"] {
			out = append(out, Problem{"database.user", fmt.Sprintf("user %s lacks %s; run: GRANT %s TO %s;", user, p, p, user)})
		}
	}
	return out
}
