package oracle

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"

	"github.com/gonnect/gonnect/connectors/oracle/logminer"
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

// inContainer is logminer.InContainer: fn runs inside the PDB on a pooled
// connection that goes back to the pool in CDB$ROOT.
func inContainer(ctx context.Context, db *sql.DB, pdb string, fn func(*sql.Conn) error) error {
	return logminer.InContainer(ctx, db, pdb, fn)
}
