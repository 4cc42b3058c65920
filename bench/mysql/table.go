package main

import (
	"fmt"
	"strings"

	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
)

// tableDDL is the W1/W3 table of shared/spec/benchmarks.md §11.2: ten columns (BIGINT
// auto-increment key, INT, BIGINT, two VARCHARs, DECIMAL(10,2), DOUBLE, DATETIME(6),
// TIMESTAMP, TINYINT(1)), about 200 bytes per row with the values of rowValues.
const tableDDL = "CREATE TABLE bench.t (" +
	"id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, " +
	"qty INT NOT NULL, " +
	"account BIGINT NOT NULL, " +
	"name VARCHAR(64) NOT NULL, " +
	"note VARCHAR(255), " +
	"price DECIMAL(10,2) NOT NULL, " +
	"score DOUBLE NOT NULL, " +
	"created DATETIME(6) NOT NULL, " +
	"updated TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, " +
	"active TINYINT(1) NOT NULL)"

// insertColumns are the columns rowValues fills (the key is assigned by the server).
const insertColumns = "INSERT INTO bench.t (qty, account, name, note, price, score, created, updated, active) VALUES "

// noteText is cut to between 96 and 127 bytes per row for the note column.
var noteText = strings.Repeat("the quick brown fox jumps over the lazy dog; ", 3)

// rowValues is the VALUES tuple of row i: 40-byte name, 96 to 127-byte note, and
// numbers and times that vary with i, so a row is about 200 bytes on the wire.
func rowValues(i int) string {
	return fmt.Sprintf("(%d,%d,'customer-%08d-%021d','%s',%d.%02d,%d.%03d,'2024-01-%02d %02d:%02d:%02d.%06d','2024-03-%02d %02d:%02d:%02d',%d)",
		i%1000, int64(i)*7919, i, int64(i)*104729, noteText[:96+i%32], i%100000, i%100, i, i%1000,
		1+i%28, i%24, i%60, (i/60)%60, i%1000000, 1+i%28, (i/3)%24, (i/7)%60, i%60, i%2)
}

// loadRows inserts rows rows in multi-row statements of 1000 (W1's table contents).
func loadRows(srv *mysqltest.Server, rows int) error {
	for i := 0; i < rows; i += 1000 {
		var b strings.Builder
		b.WriteString(insertColumns)
		for j := i; j < min(i+1000, rows); j++ {
			if j > i {
				b.WriteByte(',')
			}
			b.WriteString(rowValues(j))
		}
		if err := srv.Root(b.String()); err != nil {
			return err
		}
	}
	return nil
}

// insertSingleRowTxs writes n autocommit single-row INSERTs (W3's workload): one
// transaction, one GTID and one rows event per row. The redo log is not flushed per
// commit while they are written (innodb_flush_log_at_trx_commit=0), which changes how
// fast they are written, not what the binlog holds.
func insertSingleRowTxs(srv *mysqltest.Server, first, n int) error {
	if err := srv.Root("SET GLOBAL innodb_flush_log_at_trx_commit = 0"); err != nil {
		return err
	}
	const perCall = 1000
	for i := 0; i < n; i += perCall {
		stmts := make([]string, 0, perCall)
		for j := i; j < min(i+perCall, n); j++ {
			stmts = append(stmts, insertColumns+rowValues(first+j))
		}
		if err := srv.Root(stmts...); err != nil {
			return err
		}
	}
	return srv.Root("SET GLOBAL innodb_flush_log_at_trx_commit = 1")
}
