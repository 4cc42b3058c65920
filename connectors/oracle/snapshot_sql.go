package oracle

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
	"github.com/gonnect/gonnect/connectors/oracle/sqlredo"
)

// sqlSnapshot is the Snapshotter over a live database: ROW SHARE locks (with
// snapshot.locking.mode=shared) while the SCN is read, then one flashback query per
// table (`AS OF SCN`). Each column is selected as text in the same form LogMiner
// prints it, so snapshot and streaming values convert the same way.
type sqlSnapshot struct {
	db  *sql.DB
	cfg *Config
	// open is V$TRANSACTION read just before the snapshot SCN (Begin), merged into
	// PendingTransactions; used by the task's goroutine only.
	open []PendingTx
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Begin implements Snapshotter. It runs inside the PDB (database.pdb.name), where
// the tables are; the locks end with its transaction, before the session returns to
// the root.
func (s *sqlSnapshot) Begin(ctx context.Context, tables []*TableInfo) (uint64, error) {
	var scn string
	err := inContainer(ctx, s.db, s.cfg.PDBName, func(conn *sql.Conn) error {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback() // releases the locks
		if s.cfg.Raw["snapshot.locking.mode"] == "" || s.cfg.Raw["snapshot.locking.mode"] == "shared" {
			for _, t := range tables {
				q := lockStatement(t)
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return fmt.Errorf("%s: %w", q, err)
				}
			}
		}
		// Transactions open just before the SCN is read: with the list read after it,
		// this leaves only a transaction that starts and commits between the two
		// queries around the SCN read unlisted.
		if s.open, err = openTransactions(ctx, tx, s.transactionView(), 0); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, qSnapshotSCN).Scan(&scn); err != nil {
			return fmt.Errorf("reading the snapshot SCN: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(scn, 10, 64)
}

// qSnapshotSCN reads the snapshot SCN.
const qSnapshotSCN = "SELECT TO_CHAR(CURRENT_SCN) FROM V$DATABASE"

// lockStatement is the ROW SHARE lock snapshot.locking.mode=shared takes on a table
// while the snapshot SCN is read (Debezium's LOCK TABLE … IN ROW SHARE MODE).
func lockStatement(t *TableInfo) string {
	return "LOCK TABLE " + quoteIdent(t.Table.ID.Schema) + "." + quoteIdent(t.Table.ID.Table) + " IN ROW SHARE MODE"
}

// transactionView is V$TRANSACTION, or GV$TRANSACTION with rac.nodes set: on RAC,
// V$TRANSACTION shows only the instance the session is on (Debezium makes the same
// choice).
func (s *sqlSnapshot) transactionView() string {
	if len(s.cfg.RACNodes) > 0 {
		return "GV$TRANSACTION"
	}
	return "V$TRANSACTION"
}

// selectExpr returns the select-list expression of a column and the kind of text it
// yields.
func selectExpr(name string, ct ColumnType, lob bool) (string, sqlredo.Kind) {
	c := quoteIdent(name)
	switch ct.Name {
	case "NUMBER", "FLOAT":
		return "TO_CHAR(" + c + ", 'TM9')", sqlredo.String
	case "BINARY_FLOAT", "BINARY_DOUBLE":
		return "TO_CHAR(" + c + ")", sqlredo.String
	case "DATE":
		return "TO_CHAR(" + c + ", 'YYYY-MM-DD HH24:MI:SS')", sqlredo.Date
	case "TIMESTAMP":
		return "TO_CHAR(" + c + ", 'YYYY-MM-DD HH24:MI:SS.FF9')", sqlredo.Timestamp
	case "TIMESTAMP WITH TIME ZONE":
		return "TO_CHAR(" + c + ", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM')", sqlredo.TimestampTZ
	case "TIMESTAMP WITH LOCAL TIME ZONE":
		return "TO_CHAR(SYS_EXTRACT_UTC(CAST(" + c + " AS TIMESTAMP WITH TIME ZONE)), 'YYYY-MM-DD HH24:MI:SS.FF9') || ' +00:00'", sqlredo.TimestampTZ
	case "INTERVAL YEAR TO MONTH":
		return "TO_CHAR(" + c + ")", sqlredo.YearMonthInterval
	case "INTERVAL DAY TO SECOND":
		return "TO_CHAR(" + c + ")", sqlredo.DaySecondInterval
	case "RAW":
		return "RAWTOHEX(" + c + ")", sqlredo.Raw
	case "BLOB":
		if lob {
			return c, sqlredo.Raw
		}
		return "NULL", sqlredo.Unsupported
	case "CLOB", "NCLOB":
		if lob {
			return c, sqlredo.String
		}
		return "NULL", sqlredo.Unsupported
	case "CHAR", "NCHAR", "VARCHAR2", "VARCHAR", "NVARCHAR2":
		return c, sqlredo.String
	}
	return "NULL", sqlredo.Unsupported
}

// snapshotQueries returns the flashback queries that read t at scn: one, or with
// chunks > 1 one per ORA_HASH(ROWID) bucket, so that a large table is read by
// several sessions at the same SCN.
func snapshotQueries(t *TableInfo, scn uint64, chunks int, lob bool) ([]string, []sqlredo.Kind) {
	cols := t.Table.Columns
	exprs := make([]string, len(cols))
	kinds := make([]sqlredo.Kind, len(cols))
	for i := range cols {
		exprs[i], kinds[i] = selectExpr(cols[i].Name, columnType(&cols[i]), lob)
	}
	q := fmt.Sprintf("SELECT %s FROM %s.%s AS OF SCN %d", strings.Join(exprs, ", "), quoteIdent(t.Table.ID.Schema), quoteIdent(t.Table.ID.Table), scn)
	if chunks <= 1 {
		return []string{q}, kinds
	}
	out := make([]string, chunks)
	for k := range out {
		out[k] = fmt.Sprintf("%s WHERE ORA_HASH(ROWID, %d) = %d", q, chunks-1, k)
	}
	return out, kinds
}

// Read implements Snapshotter. With snapshot.max.threads > 1 the table is read in
// that many ORA_HASH(ROWID) chunks on parallel sessions, all AS OF the same SCN;
// rows reach fn from this goroutine only.
func (s *sqlSnapshot) Read(ctx context.Context, t *TableInfo, scn uint64, fn func([]any) error) error {
	threads, _ := strconv.Atoi(s.cfg.Raw["snapshot.max.threads"])
	queries, kinds := snapshotQueries(t, scn, threads, s.cfg.Modes.LOBEnabled)
	if len(queries) == 1 {
		return s.readChunk(ctx, t, queries[0], kinds, fn)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows := make(chan []any, 1024)
	errs := make(chan error, len(queries))
	var wg sync.WaitGroup
	for _, q := range queries {
		wg.Add(1)
		go func(q string) {
			defer wg.Done()
			errs <- s.readChunk(ctx, t, q, kinds, func(r []any) error {
				select {
				case rows <- r:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
		}(q)
	}
	go func() { wg.Wait(); close(rows) }()
	for r := range rows {
		if err := fn(r); err != nil {
			cancel()
			for range rows {
			}
			return err
		}
	}
	for range queries {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// readChunk runs one flashback query on its own session, inside the PDB; the NLS
// settings are applied there, after the switch, since the snapshot's texts depend
// on them (NLS_NUMERIC_CHARACTERS for TO_CHAR(…, 'TM9')).
func (s *sqlSnapshot) readChunk(ctx context.Context, t *TableInfo, q string, kinds []sqlredo.Kind, fn func([]any) error, args ...any) error {
	return inContainer(ctx, s.db, s.cfg.PDBName, func(conn *sql.Conn) error {
		for _, st := range logminer.SessionSettings {
			if _, err := conn.ExecContext(ctx, st); err != nil {
				return err
			}
		}
		rows, err := conn.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
		defer rows.Close()
		return scanSnapshotRows(rows, t.Table.Columns, kinds, fn)
	})
}

// scanSnapshotRows turns each result row into LogMiner-form values.
func scanSnapshotRows(rows *sql.Rows, cols []cdc.Column, kinds []sqlredo.Kind, fn func([]any) error) error {
	vals := make([]any, len(cols))
	for rows.Next() {
		raw := make([]sql.RawBytes, len(cols))
		for i := range raw {
			vals[i] = &raw[i]
		}
		if err := rows.Scan(vals...); err != nil {
			return err
		}
		row := make([]any, len(cols))
		for i, b := range raw {
			switch {
			case kinds[i] == sqlredo.Unsupported && columnType(&cols[i]).isLOB():
				row[i] = Unavailable // lob.enabled=false: the value is not read
			case kinds[i] == sqlredo.Unsupported:
				row[i] = nil
			case b == nil:
				row[i] = nil
			case kinds[i] == sqlredo.Raw && columnType(&cols[i]).Name == "BLOB":
				row[i] = sqlredo.Value{Kind: sqlredo.Raw, Text: hex.EncodeToString(b)}
			default:
				row[i] = sqlredo.Value{Kind: kinds[i], Text: string(b)}
			}
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return rows.Err()
}

// PendingTransactions implements PendingLister: the transactions V$TRANSACTION
// shows started at or before scn, read right after Begin, merged with those open
// just before Begin read the SCN. One listed but committed at or below scn is
// dropped by the handover; a transaction that starts and commits between the two
// reads around the SCN read is not listed (Debezium has the same window, wider).
func (s *sqlSnapshot) PendingTransactions(ctx context.Context, scn uint64) ([]PendingTx, error) {
	var after []PendingTx
	err := inContainer(ctx, s.db, s.cfg.PDBName, func(c *sql.Conn) error {
		var err error
		after, err = openTransactions(ctx, c, s.transactionView(), scn)
		return err
	})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []PendingTx
	for _, t := range append(after, s.open...) {
		if t.StartSCN <= scn && !seen[t.XID] {
			seen[t.XID] = true
			out = append(out, t)
		}
	}
	return out, nil
}

// openTransactionsQuery lists the open transactions of view (V$TRANSACTION or
// GV$TRANSACTION; inside a PDB only that PDB's), started at or before :1 when
// bounded.
func openTransactionsQuery(view string, bounded bool) string {
	q := "SELECT RAWTOHEX(XID), TO_CHAR(START_SCN) FROM " + view
	if bounded {
		q += " WHERE START_SCN <= TO_NUMBER(:1)"
	}
	return q
}

// openTransactions reads the open transactions (started at or before maxSCN when > 0).
func openTransactions(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, view string, maxSCN uint64) ([]PendingTx, error) {
	var args []any
	if maxSCN > 0 {
		args = append(args, strconv.FormatUint(maxSCN, 10))
	}
	rows, err := q.QueryContext(ctx, openTransactionsQuery(view, maxSCN > 0), args...)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", view, err)
	}
	defer rows.Close()
	var out []PendingTx
	for rows.Next() {
		var xid, start string
		if err := rows.Scan(&xid, &start); err != nil {
			return nil, fmt.Errorf("reading %s: %w", view, err)
		}
		n, err := strconv.ParseUint(start, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: START_SCN %q of %s is not a number", view, start, xid)
		}
		out = append(out, PendingTx{XID: xid, StartSCN: n})
	}
	return out, rows.Err()
}

// ReadChunk implements ChunkReader: a current (not flashback) read of up to n rows
// after the key, in primary-key order, for incremental snapshots.
func (s *sqlSnapshot) ReadChunk(ctx context.Context, t *TableInfo, after []any, n int) ([][]any, error) {
	q, kinds, args := chunkQuery(t, after, n, s.cfg.Modes.LOBEnabled)
	var out [][]any
	err := s.readChunk(ctx, t, q, kinds, func(r []any) error { out = append(out, r); return nil }, args...)
	return out, err
}

// chunkQuery builds the keyset query of an incremental snapshot chunk: key columns
// compared lexicographically ((k1 > :1) OR (k1 = :1 AND k2 > :2) ...), each bind
// converted from LogMiner's printed form to the column's type.
func chunkQuery(t *TableInfo, after []any, n int, lob bool) (string, []sqlredo.Kind, []any) {
	cols := t.Table.Columns
	exprs := make([]string, len(cols))
	kinds := make([]sqlredo.Kind, len(cols))
	byName := map[string]*cdc.Column{}
	for i := range cols {
		exprs[i], kinds[i] = selectExpr(cols[i].Name, columnType(&cols[i]), lob)
		byName[strings.ToUpper(cols[i].Name)] = &cols[i]
	}
	var keys []string
	for _, pk := range t.Table.PrimaryKey {
		keys = append(keys, quoteIdent(pk))
	}
	q := fmt.Sprintf("SELECT %s FROM %s.%s", strings.Join(exprs, ", "), quoteIdent(t.Table.ID.Schema), quoteIdent(t.Table.ID.Table))
	var args []any
	if len(after) > 0 {
		bind := func(i int) string {
			args = append(args, valueText(after[i]))
			ph := ":" + strconv.Itoa(len(args))
			c := byName[strings.ToUpper(t.Table.PrimaryKey[i])]
			if c == nil {
				return ph
			}
			switch columnType(c).Name {
			case "NUMBER", "FLOAT":
				return "TO_NUMBER(" + ph + ")"
			case "DATE":
				return "TO_DATE(" + ph + ", 'YYYY-MM-DD HH24:MI:SS')"
			case "TIMESTAMP":
				return "TO_TIMESTAMP(" + ph + ", 'YYYY-MM-DD HH24:MI:SS.FF9')"
			case "RAW":
				return "HEXTORAW(" + ph + ")"
			}
			return ph
		}
		var ors []string
		for i := range after {
			var ands []string
			for j := 0; j < i; j++ {
				ands = append(ands, keys[j]+" = "+bind(j))
			}
			ands = append(ands, keys[i]+" > "+bind(i))
			ors = append(ors, "("+strings.Join(ands, " AND ")+")")
		}
		q += " WHERE " + strings.Join(ors, " OR ")
	}
	q += " ORDER BY " + strings.Join(keys, ", ") + fmt.Sprintf(" FETCH FIRST %d ROWS ONLY", n)
	return q, kinds, args
}
