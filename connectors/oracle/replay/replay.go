// Package replay runs the Oracle connector's streaming engine on recorded LogMiner
// rows (the JSON Lines format of the fixture README) with no database, and prints
// what it emits: `gonnect oracle replay` and the fixture tests share it.
package replay

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/oracle"
	"github.com/gonnect/gonnect/connectors/oracle/logminer"
	"github.com/gonnect/gonnect/connectors/oracle/sqlredo"
)

// Scenario is the part of a scenario file replay reads; other keys are ignored.
type Scenario struct {
	ConnectorConfig map[string]string `json:"connector_config"`
	Database        struct {
		SystimestampOffset string `json:"systimestamp_offset"`
	} `json:"database"`
	// Snapshot, when set, starts the replay where a snapshot at SCN handed over to
	// streaming, with Debezium's snapshot_pending_tx value (transactions open then).
	Snapshot *struct {
		SCN       string `json:"scn"`
		PendingTx string `json:"pending_tx"`
	} `json:"snapshot"`
	// IncrementalSnapshotRows are the table rows ("SCHEMA.TABLE" → rows of printed
	// column values, null for NULL) that incremental snapshot chunks read.
	IncrementalSnapshotRows map[string][][]*string `json:"incremental_snapshot_rows"`
}

// Replay drives one Stream window by window. Not safe for concurrent use.
type Replay struct {
	stream *oracle.Stream
	prefix string
}

// New builds a replay from a scenario document and a tables.json document.
func New(scenario, tables io.Reader, log *slog.Logger) (*Replay, error) {
	var sc Scenario
	if err := json.NewDecoder(scenario).Decode(&sc); err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	if sc.ConnectorConfig == nil {
		return nil, fmt.Errorf("scenario: connector_config is missing")
	}
	cfg, err := oracle.ParseConfig(connectors.Config(sc.ConnectorConfig))
	if err != nil {
		return nil, fmt.Errorf("scenario connector_config: %w", err)
	}
	catalog, err := oracle.ReadCatalog(tables)
	if err != nil {
		return nil, err
	}
	scfg := cfg.StreamConfig()
	if off := sc.Database.SystimestampOffset; off != "" {
		d, err := parseOffset(off)
		if err != nil {
			return nil, fmt.Errorf("scenario database.systimestamp_offset: %w", err)
		}
		scfg.DBOffset = d
	}
	scfg.Reread = func(owner, table string) (*oracle.TableInfo, error) {
		ti := catalog.Lookup(owner, table)
		if ti == nil {
			return nil, nil
		}
		return ti.Clone(), nil
	}
	fixed := time.Unix(0, 0).UTC()
	scfg.Now = func() time.Time { return fixed }
	if len(sc.IncrementalSnapshotRows) > 0 {
		snap := &oracle.MemorySnapshot{Rows: map[string][][]any{}}
		for table, rows := range sc.IncrementalSnapshotRows {
			for _, r := range rows {
				vals := make([]any, len(r))
				for i, v := range r {
					if v != nil {
						vals[i] = sqlredo.Value{Kind: sqlredo.String, Text: *v}
					}
				}
				snap.Rows[table] = append(snap.Rows[table], vals)
			}
		}
		scfg.Incremental.Read = func(ti *oracle.TableInfo, after []any, n int) ([][]any, error) {
			return snap.ReadChunk(context.Background(), ti, after, n)
		}
	}
	st, err := oracle.NewStream(scfg, catalog, oracle.Position{}, log, oracle.NewMetrics("replay"))
	if err != nil {
		return nil, err
	}
	if s := sc.Snapshot; s != nil {
		scn, err := strconv.ParseUint(s.SCN, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("scenario snapshot.scn: %q is not an SCN", s.SCN)
		}
		if err := st.HandOver(scn, s.PendingTx); err != nil {
			return nil, fmt.Errorf("scenario snapshot.pending_tx: %w", err)
		}
	}
	return &Replay{stream: st, prefix: cfg.Common.Topics.SchemaChange()}, nil
}

func parseOffset(s string) (time.Duration, error) {
	t, err := time.Parse("-07:00", s)
	if err != nil {
		return 0, fmt.Errorf("%q is not ±hh:mm", s)
	}
	_, off := t.Zone()
	return time.Duration(off) * time.Second, nil
}

// Window feeds one mining window and writes the data records and tombstones it
// produced, one JSON object per line.
func (r *Replay) Window(ctx context.Context, w logminer.Window, out io.Writer) error {
	for i := range w.Rows {
		if err := ctx.Err(); err != nil {
			return err
		}
		row := w.Rows[i]
		if err := r.stream.Process(&row); err != nil {
			return err
		}
	}
	r.stream.EndWindow(w.To, len(w.Rows))
	for _, rec := range r.stream.Records() {
		if rec.Topic == r.prefix {
			continue // schema-change events are printed from the history at the end
		}
		if err := writeLine(out, renderRecord(rec)); err != nil {
			return err
		}
	}
	return nil
}

// Finish writes the schema changes ({"schema_change": <history record>}) and the
// final offsets ({"offsets": {...}}).
func (r *Replay) Finish(out io.Writer) error {
	for _, h := range r.stream.History() {
		b, err := json.Marshal(h)
		if err != nil {
			return err
		}
		if err := writeLine(out, new(object).set("schema_change", json.RawMessage(b))); err != nil {
			return err
		}
	}
	return writeLine(out, new(object).set("offsets", r.stream.Offset()))
}

// Offset returns the stream's current offset map.
func (r *Replay) Offset() map[string]any { return r.stream.Offset() }

func writeLine(out io.Writer, v any) error {
	b, err := marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = out.Write(b)
	return err
}

// Run replays rows under scenario and tables and writes every data record and
// tombstone in producer order, then the schema changes, then the final offsets.
// It blocks until done or ctx is cancelled.
func Run(ctx context.Context, scenario, tables io.Reader, rows io.Reader, out io.Writer) error {
	return RunWithLogger(ctx, scenario, tables, rows, out, slog.New(slog.DiscardHandler))
}

// RunWithLogger is Run with the connector's warnings sent to log.
func RunWithLogger(ctx context.Context, scenario, tables io.Reader, rows io.Reader, out io.Writer, log *slog.Logger) error {
	r, err := New(scenario, tables, log)
	if err != nil {
		return err
	}
	windows, err := logminer.ReadRecorded(rows)
	if err != nil {
		return err
	}
	for i, w := range windows {
		if err := r.Window(ctx, w, out); err != nil {
			return fmt.Errorf("window %d (%d, %d]: %w", i+1, w.From, w.To, err)
		}
	}
	return r.Finish(out)
}
