package logminer

import "context"

// Session is one LogMiner mining session: the connector asks for the rows of a
// window (from, to] and ends the session when it restarts or stops.
//
// A Session is used by one goroutine (the task's) and is not safe for concurrent
// use. Every call honours ctx: cancelling it abandons the call and returns ctx.Err().
type Session interface {
	// CurrentSCN returns the highest SCN that may be mined now (V$DATABASE.CURRENT_SCN,
	// or the highest archived SCN in archive-only mode).
	CurrentSCN(ctx context.Context) (uint64, error)
	// Mine returns the rows with from < SCN ≤ to, in redo order, calling fn for each.
	// fn's error stops the fetch and is returned.
	Mine(ctx context.Context, from, to uint64, fn func(*Row) error) error
	// Close ends the LogMiner session and releases the connection.
	Close(ctx context.Context) error
}
