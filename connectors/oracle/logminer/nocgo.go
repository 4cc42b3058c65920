//go:build !cgo

package logminer

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"time"
)

// Options configure a database session.
type Options struct {
	Query        QueryOptions
	ArchiveOnly  bool
	Destination  string
	ArchiveHours int64
	SessionMax   time.Duration
	FlushTable   string
	ReadOnly     bool
	FetchSize    int
	StartRetries int
	Log          *slog.Logger
}

// DB is unavailable in builds without cgo (godror needs it).
type DB struct{}

// ErrNoCgo is returned by Open when Gonnect was built with CGO_ENABLED=0.
var ErrNoCgo = errors.New("the Oracle connector needs a build with cgo (godror); this binary was built with CGO_ENABLED=0")

// Open always fails without cgo.
func Open(context.Context, string, Options) (*DB, error) { return nil, ErrNoCgo }

// SQL returns nil.
func (d *DB) SQL() *sql.DB { return nil }

// CurrentSCN implements Session.
func (d *DB) CurrentSCN(context.Context) (uint64, error) { return 0, ErrNoCgo }

// Mine implements Session.
func (d *DB) Mine(context.Context, uint64, uint64, func(*Row) error) error { return ErrNoCgo }

// Close implements Session.
func (d *DB) Close(context.Context) error { return nil }
