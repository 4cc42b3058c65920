package mysql

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc"
)

// kafkaSignals is the shared Kafka signal channel (cdc.KafkaSignals), named here so
// the streamer's field keeps its type name.
type kafkaSignals = cdc.KafkaSignals

// incremental is a running incremental snapshot (DBLog watermarks): each chunk is read
// between an open and a close watermark written to the signal table; binlog events of
// the chunk's keys seen between the two watermarks win over the chunk's rows, and the
// rest is emitted as op=r with source.snapshot=incremental when the close watermark
// arrives. Progress is in every record's offset (incremental_offset.go), so a restarted
// task resumes after the last row it sent. Owned by the streaming goroutine.
type incremental struct {
	tables      []cdc.TableID
	current     int
	correlation string
	lastKey     []any // chunk start: key of the last row read (after a restart: sent) of the current table
	lastSent    []any // key of the last row emitted of the current table
	maxKey      []any // largest key of the current table when its snapshot began; nil until read
	tableDone   bool  // the chunk in the window is the current table's last
	paused      bool

	collections, maxHex string // cached offset renderings, "" after they change

	window string           // id of the open window ("" when none)
	open   bool             // the open watermark was seen in the binlog
	chunk  map[string][]any // key → row of the chunk being reconciled
	order  []string
}

// nextTable moves to the next table of the snapshot.
func (inc *incremental) nextTable() {
	inc.current++
	inc.lastKey, inc.lastSent, inc.maxKey, inc.tableDone = nil, nil, nil, false
	inc.collections, inc.maxHex = "", ""
}

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// signal handles an inserted row of the signal table (columns id, type, data): the
// watermarks always, other signals when the source channel is enabled.
func (s *streamer) signal(ctx context.Context, ts *cdc.TableSchema, row []any) error {
	get := func(name string) string {
		for i, c := range ts.Table.Columns {
			if strings.EqualFold(c.Name, name) && i < len(row) && row[i] != nil {
				v, _ := toString(row[i])
				return v.(string)
			}
		}
		return ""
	}
	id, typ, data := get("id"), get("type"), get("data")
	inc := s.inc
	switch typ {
	case cdc.SignalWindowOpen:
		if inc != nil && id == inc.window+"-open" {
			inc.open = true
		}
		return nil
	case cdc.SignalWindowClose:
		if inc != nil && id == inc.window+"-close" {
			return s.closeWindow(ctx)
		}
		return nil
	}
	if !s.t.cfg.Signals.Source {
		return nil
	}
	return s.execute(ctx, cdc.Signal{ID: id, Type: typ, Data: data}, cdc.SignalChannelSource)
}

// execute runs one signal from any channel.
func (s *streamer) execute(ctx context.Context, sig cdc.Signal, channel string) error {
	t := s.t
	d, err := sig.ParseData()
	if err != nil {
		t.log.Warn("ignoring signal with invalid data", "signal", sig.ID, "type", sig.Type, "channel", channel, "error", err)
		return nil
	}
	inc := s.inc
	switch sig.Type {
	case cdc.SignalLog:
		t.log.Info("signal: "+d.Message, "signal", sig.ID, "channel", channel)
	case cdc.SignalExecuteSnapshot:
		if !d.Incremental() {
			t.log.Warn("only incremental snapshots are supported by signal; ignoring", "signal", sig.ID, "type", d.Type)
			return nil
		}
		if t.cfg.SignalTable == "" {
			t.log.Warn("ignoring execute-snapshot: incremental snapshots need signal.data.collection for their watermarks", "signal", sig.ID)
			return nil
		}
		var tables []cdc.TableID
		for _, dc := range d.DataCollections {
			parts := strings.SplitN(dc, ".", 2)
			if len(parts) != 2 {
				t.log.Warn("ignoring data collection that is not db.table", "signal", sig.ID, "collection", dc)
				continue
			}
			tables = append(tables, cdc.TableID{Catalog: parts[0], Table: parts[1]})
		}
		if len(tables) == 0 {
			return nil
		}
		t.log.Info("incremental snapshot requested", "signal", sig.ID, "channel", channel, "tables", d.DataCollections)
		if inc != nil {
			inc.tables = append(inc.tables, tables...)
			inc.collections = ""
			return s.syncIncOffset()
		}
		s.inc = &incremental{tables: tables}
		if err := s.syncIncOffset(); err != nil {
			return err
		}
		return s.nextChunk(ctx)
	case cdc.SignalStopSnapshot:
		if inc == nil {
			return nil
		}
		if len(d.DataCollections) == 0 {
			s.inc = nil
			s.cur.Inc = nil
			t.log.Info("incremental snapshot stopped", "signal", sig.ID, "channel", channel)
			return nil
		}
		return s.stopTables(ctx, d.DataCollections)
	case cdc.SignalPauseSnapshot:
		if inc != nil {
			inc.paused = true
			t.log.Info("incremental snapshot paused", "signal", sig.ID, "channel", channel)
		}
	case cdc.SignalResumeSnapshot:
		if inc != nil && inc.paused {
			inc.paused = false
			t.log.Info("incremental snapshot resumed", "signal", sig.ID, "channel", channel)
			if inc.window == "" {
				return s.nextChunk(ctx)
			}
		}
	default:
		t.log.Warn("ignoring signal of unknown type", "signal", sig.ID, "type", sig.Type, "channel", channel)
	}
	return nil
}

// stopTables removes the named tables from the running snapshot; when the current one
// is among them it is abandoned (its open window is ignored when it closes).
func (s *streamer) stopTables(ctx context.Context, names []string) error {
	inc := s.inc
	stop := map[string]bool{}
	for _, n := range names {
		stop[strings.ToLower(n)] = true
	}
	name := func(id cdc.TableID) string { return strings.ToLower(id.Catalog + "." + id.Table) }
	current := stop[name(inc.tables[inc.current])]
	keep := append([]cdc.TableID(nil), inc.tables[:inc.current+1]...)
	if current {
		keep = keep[:inc.current]
	}
	for _, id := range inc.tables[inc.current+1:] {
		if !stop[name(id)] {
			keep = append(keep, id)
		}
	}
	inc.tables, inc.collections = keep, ""
	s.t.log.Info("incremental snapshot of tables stopped", "tables", names)
	if !current {
		return s.syncIncOffset()
	}
	inc.current-- // nextTable moves to the table that now sits at current
	inc.nextTable()
	inc.window, inc.open, inc.chunk, inc.order = "", false, nil, nil
	return s.nextChunk(ctx)
}

// syncIncOffset renders the snapshot's progress into the offset of the records that
// follow.
func (s *streamer) syncIncOffset() error {
	inc := s.inc
	if inc == nil || inc.current >= len(inc.tables) {
		s.cur.Inc = nil
		return nil
	}
	ts, err := s.state.tableSchema(inc.tables[inc.current])
	if err != nil {
		return err
	}
	keys, err := inc.offsetKeys(ts, inc.lastSent)
	if err != nil {
		return err
	}
	s.cur.Inc = keys
	return nil
}

// startSignals opens the kafka signal channel when enabled and resumes an incremental
// snapshot recorded in the stored offset. Called once by stream before reading.
func (s *streamer) startSignals(ctx context.Context, start position) error {
	if cfg := s.t.cfg.Signals; cfg.Kafka {
		k, err := cdc.NewKafkaSignals(ctx, cfg, s.t.cfg.TopicPrefix, s.t.log)
		if err != nil {
			return err
		}
		s.ksig = k
	}
	return s.resumeIncremental(ctx, start)
}

// closeSignals releases the signal connections when streaming ends.
func (s *streamer) closeSignals() {
	if s.sigConn != nil {
		s.sigConn.Close()
	}
	if s.ksig != nil {
		s.ksig.Close()
	}
}

// kafkaSignals executes the signals that arrived on the kafka channel, at most once per
// signal.poll.interval.ms. Called between transactions and while the binlog is idle.
func (s *streamer) kafkaSignals(ctx context.Context) error {
	if s.ksig == nil || !s.ksig.Due(time.Now()) {
		return nil
	}
	for _, sig := range s.ksig.Read(ctx) {
		if err := s.execute(ctx, sig, cdc.SignalChannelKafka); err != nil {
			return err
		}
	}
	return nil
}

// idleWait is how long the binlog reader waits for an event before it runs the idle
// work (heartbeats, the kafka signal channel); 0 waits without limit.
func (s *streamer) idleWait() time.Duration {
	var wait time.Duration
	if s.hb != nil {
		wait = s.hb.Interval
	}
	if s.ksig != nil && (wait == 0 || s.ksig.Interval() < wait) {
		wait = s.ksig.Interval()
	}
	return wait
}
