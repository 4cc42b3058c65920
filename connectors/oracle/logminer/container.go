package logminer

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
)

// InContainer runs fn on a pooled connection of db switched to the pluggable
// database pdb ("" : as it is), and switches it back to CDB$ROOT before the
// connection returns to the pool; one that cannot switch back is discarded, so no
// later user of the pool (LogMiner above all, which runs in the root) gets a PDB
// session. It blocks for fn; ctx bounds the switch and fn, not the switch back.
// A transaction fn opens must end inside fn: Oracle refuses to switch container
// while one is active (ORA-65023).
func InContainer(ctx context.Context, db *sql.DB, pdb string, fn func(*sql.Conn) error) error {
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if pdb == "" {
		return fn(c)
	}
	if _, err := c.ExecContext(ctx, SetContainer(pdb)); err != nil {
		return fmt.Errorf("switching to PDB %s: %w", pdb, err)
	}
	defer func() {
		if _, err := c.ExecContext(context.WithoutCancel(ctx), SetContainer("CDB$ROOT")); err != nil {
			_ = c.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return fn(c)
}

// SetContainer is the ALTER SESSION that moves a session into a container: the PDB
// name as a quoted identifier (database.pdb.name is already upper-cased unless the
// user quoted it), CDB$ROOT as the root's own name.
func SetContainer(name string) string {
	if name == "CDB$ROOT" {
		return "ALTER SESSION SET CONTAINER = CDB$ROOT"
	}
	return `ALTER SESSION SET CONTAINER = "` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
