package mysql

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/offsets"
)

// schemaState is the task's view of table structures: the parsed model, the Connect
// schemas of captured tables and the schema history. Owned by the task's run goroutine.
type schemaState struct {
	model   *schemaModel
	kind    *connectorKind
	cfg     *Config
	mapper  mapper
	history cdc.HistoryStore
	cache   map[cdc.TableID]*cdc.TableSchema
	part    offsets.Partition
}

func newSchemaState(cfg *Config, kind *connectorKind, h cdc.HistoryStore, part offsets.Partition) *schemaState {
	return &schemaState{model: newSchemaModel(), kind: kind, cfg: cfg, mapper: mapper{cfg.Modes}, history: h,
		cache: map[cdc.TableID]*cdc.TableSchema{}, part: part}
}

// tableSchema returns the Connect schemas of a captured table, building them on first
// use; nil when the table is unknown.
func (s *schemaState) tableSchema(id cdc.TableID) (*cdc.TableSchema, error) {
	if ts, ok := s.cache[id]; ok {
		return ts, nil
	}
	key, t := s.model.lookup(id)
	if t == nil {
		return nil, nil
	}
	opts := cdc.TableSchemaOptions{
		ColumnIncluded: func(col string) bool { return s.cfg.Filters.ColumnIncluded(key, col) },
		KeyColumns:     s.cfg.KeyColumns.For(key.String()),
	}
	ts, err := cdc.BuildTableSchema(t, s.cfg.Topics.Data(key), s.kind.sourceSchema, s.mapper, opts)
	if err != nil {
		return nil, err
	}
	s.cache[id] = ts
	return ts, nil
}

func (s *schemaState) invalidate() { s.cache = map[cdc.TableID]*cdc.TableSchema{} }

// record writes one history record at pos and returns the schema-change record to emit
// (nil when include.schema.changes is off or no captured table is involved and the
// statement is table DDL).
func (s *schemaState) record(ctx context.Context, ddl, db string, pos position, changes []cdc.TableChange, si sourceInfo, now time.Time) (*connectors.SourceRecord, error) {
	h := &cdc.HistoryRecord{Source: map[string]any{"server": s.cfg.TopicPrefix}, Position: pos.offset(),
		TsMs: now.UnixMilli(), DatabaseName: db, DDL: ddl, TableChanges: changes}
	if s.history != nil {
		if err := s.history.Record(ctx, h); err != nil {
			return nil, err
		}
	}
	if !s.cfg.IncludeSchema {
		return nil, nil
	}
	captured := len(changes) == 0
	for _, c := range changes {
		if s.cfg.Filters.Captured(c.ID) {
			captured = true
		}
	}
	if !captured || (db != "" && !s.cfg.Filters.Eligible(cdc.TableID{Catalog: db})) {
		return nil, nil
	}
	si.db = db
	return s.kind.schemaChange.Record(s.cfg.Topics.SchemaChange(), h, s.kind.source(si), s.part, pos.offset(), now), nil
}

// recover replays the history up to and including stored position upTo.
func (s *schemaState) recover(ctx context.Context, upTo position) (int, error) {
	if s.history == nil {
		return 0, nil
	}
	n := 0
	err := s.history.Recover(ctx, func(r *cdc.HistoryRecord) error {
		if srv, _ := r.Source["server"].(string); srv != s.cfg.TopicPrefix {
			return nil
		}
		rp, err := parsePosition(r.Position)
		if err != nil || !atOrBefore(rp, upTo) {
			return nil
		}
		n++
		if s.model.tables.Apply(r) {
			return nil
		}
		stmts, err := s.model.parse(r.DDL)
		if err != nil {
			return nil // DDL-only records Gonnect cannot parse carry no table structure
		}
		for _, st := range stmts {
			if _, err := s.model.apply(st, r.DatabaseName); err != nil {
				return nil
			}
		}
		return nil
	})
	s.invalidate()
	return n, err
}

// atOrBefore is Debezium's history comparator, simplified: GTID-set containment when
// both have GTIDs, snapshot records before streaming ones, else file sequence, pos and
// event counts.
func atOrBefore(rec, cur position) bool {
	if rec.GTIDs != "" && cur.GTIDs != "" {
		a, errA := parseGTIDSet(rec.GTIDs)
		b, errB := parseGTIDSet(cur.GTIDs)
		if errA == nil && errB == nil {
			if a.Equal(b) {
				if rec.Snapshot != "" && cur.Snapshot == "" {
					return true
				}
				return rec.Event <= cur.Event
			}
			return b.Contain(a)
		}
	}
	if rec.GTIDs == "" && cur.GTIDs != "" {
		return true
	}
	fa, fb := fileSeq(rec.File), fileSeq(cur.File)
	if base(rec.File) != base(cur.File) {
		return true
	}
	if fa != fb {
		return fa < fb
	}
	if rec.Pos != cur.Pos {
		return rec.Pos < cur.Pos
	}
	return rec.Event <= cur.Event
}

func base(f string) string {
	if i := strings.LastIndexByte(f, '.'); i >= 0 {
		return f[:i]
	}
	return f
}

func fileSeq(f string) int64 {
	if i := strings.LastIndexByte(f, '.'); i >= 0 {
		n, _ := strconv.ParseInt(f[i+1:], 10, 64)
		return n
	}
	return 0
}

// parseGTIDSet parses a MariaDB (domain-server-seq) or MySQL (uuid:interval) set.
func parseGTIDSet(s string) (gmysql.GTIDSet, error) {
	if strings.Contains(s, ":") {
		return gmysql.ParseMysqlGTIDSet(s)
	}
	return gmysql.ParseMariadbGTIDSet(s)
}

func flavorOf(s string) string {
	if strings.Contains(s, ":") {
		return gmysql.MySQLFlavor
	}
	return gmysql.MariaDBFlavor
}

var _ = fmt.Sprint
