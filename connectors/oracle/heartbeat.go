package oracle

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"strings"
)

// heartbeatAction runs heartbeat.action.query. Like Debezium, an ORA-02396 (the
// session's idle time expired) is not a failure: the next heartbeat runs on a fresh
// session. Any other error fails the task with the query's error in the message.
func heartbeatAction(ctx context.Context, exec func(context.Context, string) error, query string, log *slog.Logger) error {
	err := exec(ctx, query)
	if err == nil {
		return nil
	}
	if strings.Contains(err.Error(), "ORA-02396") {
		log.Warn("heartbeat.action.query: session idle time expired; retried on the next heartbeat", "error", err)
		return nil
	}
	return fmt.Errorf("could not execute heartbeat action query (error: %w)", err)
}

// inContainer runs fn on a pooled connection switched to the PDB (pdb "" : as is),
// and switches it back to CDB$ROOT before it returns to the pool; a connection that
// cannot switch back is discarded, so LogMiner never gets a PDB session.
func inContainer(ctx context.Context, db *sql.DB, pdb string, fn func(*sql.Conn) error) error {
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if pdb == "" {
		return fn(c)
	}
	if _, err := c.ExecContext(ctx, "ALTER SESSION SET CONTAINER = "+quoteIdent(pdb)); err != nil {
		return fmt.Errorf("switching to PDB %s: %w", pdb, err)
	}
	defer func() {
		if _, err := c.ExecContext(context.WithoutCancel(ctx), "ALTER SESSION SET CONTAINER = CDB$ROOT"); err != nil {
			_ = c.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return fn(c)
}
