package oracle

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/oracle/sqlredo"
	"github.com/gonnect/gonnect/offsets"
)

// signalTableName returns signal.data.collection as SCHEMA.TABLE: Debezium's Oracle
// form is <database>.<schema>.<table>; the database part names the PDB or database
// the connector reads, so the table is identified by the last two parts.
func signalTableName(s string) string {
	s = strings.TrimSpace(s)
	if parts := strings.Split(s, "."); len(parts) == 3 {
		return parts[1] + "." + parts[2]
	}
	return s
}

// isSignalTable reports whether SCHEMA.TABLE is the signal data collection.
func (s *Stream) isSignalTable(name string) bool {
	return s.signalName != "" && strings.EqualFold(s.signalName, name)
}

// signalRow is one parsed row of the signal table.
type signalRow struct {
	id, typ, where string
	data           cdc.SignalData
	valid          bool
	started        bool // execute-snapshot started a new incremental snapshot
	stopCurrent    bool // stop-snapshot abandoned the chunk of the current table
}

// readSignal parses a row inserted into the signal table (columns ID, TYPE, DATA),
// or, with INSERT_DELETE watermarks, a deleted window-open row.
func (s *Stream) readSignal(ch change) *signalRow {
	cols := ch.version.info.Table.Columns
	row := ch.after
	if ch.op == cdc.OpDelete {
		row = ch.before
	}
	get := func(name string) string {
		for i := range cols {
			if strings.EqualFold(cols[i].Name, name) && i < len(row) {
				return valueText(row[i])
			}
		}
		return ""
	}
	sg := &signalRow{id: get("ID"), typ: get("TYPE"), where: ch.meta.position(""), valid: true}
	if ch.op == cdc.OpDelete {
		// INSERT_DELETE: deleting a window's open row closes it (Debezium renames
		// "open" to "close" in the id)
		sg.id, sg.typ = strings.ReplaceAll(sg.id, "open", "close"), cdc.SignalWindowClose
		return sg
	}
	if s.cfg.SourceSignalsOff && sg.typ != cdc.SignalWindowOpen && sg.typ != cdc.SignalWindowClose {
		sg.valid = false // signal.enabled.channels leaves the source channel out
		return sg
	}
	s.parseSignalData(sg, get("DATA"), cdc.SignalChannelSource)
	return sg
}

// parseSignalData decodes a signal's data into sg; invalid data makes it a no-op
// with a warning.
func (s *Stream) parseSignalData(sg *signalRow, data, channel string) {
	d, err := cdc.Signal{ID: sg.id, Type: sg.typ, Data: data}.ParseData()
	if err != nil {
		s.log.Warn("ignoring a signal whose DATA is not JSON", "signal", sg.id, "type", sg.typ, "channel", channel, "position", sg.where, "error", err)
		sg.valid = false
		return
	}
	sg.data = d
}

// signalState applies the state change of execute-snapshot and stop-snapshot before
// the signal row's own record is built, so that its offset already says what runs:
// a restart after that record resumes the snapshot instead of losing the signal.
// It does no I/O.
func (s *Stream) signalState(sg *signalRow) {
	if !sg.valid {
		return
	}
	d, id, inc := sg.data, sg.id, s.inc
	switch sg.typ {
	case cdc.SignalExecuteSnapshot:
		if !d.Incremental() {
			s.log.Warn("only incremental snapshots can be started by a signal; ignoring", "signal", id, "type", d.Type)
			return
		}
		if d.HasConditions() {
			s.log.Warn("additional-conditions of execute-snapshot are not supported; the whole tables are read", "signal", id)
		}
		tables := s.expandCollections(id, d.DataCollections)
		if len(tables) == 0 {
			s.log.Warn("execute-snapshot names no captured table; ignoring", "signal", id, "data-collections", d.DataCollections)
			return
		}
		if s.cfg.Incremental.Read == nil {
			s.log.Warn("execute-snapshot received but this source cannot read snapshot chunks; ignoring", "signal", id)
			return
		}
		if inc != nil {
			inc.tables = append(inc.tables, tables...)
			s.log.Info("tables added to the running incremental snapshot", "signal", id, "tables", tables)
		} else {
			s.inc = &incremental{correlation: id, tables: tables}
			sg.started = true
			s.log.Info("incremental snapshot requested", "signal", id, "tables", tables)
		}
	case cdc.SignalStopSnapshot:
		if inc == nil {
			return
		}
		if len(d.DataCollections) == 0 {
			s.inc = nil
			s.log.Info("incremental snapshot stopped", "signal", id)
			break
		}
		stop := map[string]bool{}
		for _, t := range s.expandCollections(id, d.DataCollections) {
			stop[t] = true
		}
		var keep []string
		for i, t := range inc.tables {
			if i == 0 && stop[t] {
				inc.dropWindow()
				inc.lastKey, inc.maxKey, sg.stopCurrent = nil, "", true
				continue
			}
			if !stop[t] {
				keep = append(keep, t)
			}
		}
		inc.tables = keep
		s.log.Info("tables removed from the incremental snapshot", "signal", id, "tables", d.DataCollections)
		if len(keep) == 0 {
			s.inc = nil
		}
	default:
		return
	}
	s.storeIncremental()
}

// signal acts on a signal row after its record was handed on (off is that record's
// offset): it issues chunks, pauses, resumes, reconciles windows and logs. Called at
// the commit of the signal's transaction: Debezium's source channel.
func (s *Stream) signal(sg *signalRow, ch change, off offsets.Offset) error {
	if !sg.valid {
		return nil
	}
	d, id, inc := sg.data, sg.id, s.inc
	switch sg.typ {
	case cdc.SignalLog:
		s.log.Info("signal: "+d.Message, "signal", id, "position", sg.where)
	case cdc.SignalExecuteSnapshot:
		if sg.started {
			return s.nextChunk(off)
		}
	case cdc.SignalStopSnapshot:
		if sg.stopCurrent && inc != nil {
			return s.nextChunk(off) // the chunk of the stopped table is abandoned
		}
	case cdc.SignalPauseSnapshot:
		if inc != nil && !inc.paused {
			inc.paused = true
			s.log.Info("incremental snapshot paused", "signal", id)
		}
	case cdc.SignalResumeSnapshot:
		if inc != nil && inc.paused {
			inc.paused = false
			s.log.Info("incremental snapshot resumed", "signal", id)
			if inc.window == "" {
				return s.nextChunk(off)
			}
		}
	case cdc.SignalWindowOpen:
		if inc != nil && inc.window != "" && id == inc.window+"-open" {
			inc.open = true
		}
	case cdc.SignalWindowClose:
		if inc != nil && inc.window != "" && id == inc.window+"-close" {
			return s.closeWindow(ch, off)
		}
	default:
		s.log.Warn("ignoring a signal of unknown type", "signal", id, "type", sg.typ, "position", sg.where)
	}
	return nil
}

// expandCollections resolves execute-snapshot data-collections: each is an anchored,
// case-insensitive regular expression matched against the captured tables as
// <database>.<SCHEMA>.<TABLE> and as SCHEMA.TABLE. Result: SCHEMA.TABLE names in
// request order.
func (s *Stream) expandCollections(id string, patterns []string) []string {
	var out []string
	seen := map[string]bool{}
	names := s.tables.names()
	for _, p := range patterns {
		re, err := regexp.Compile("(?i)^(?:" + strings.TrimSpace(p) + ")$")
		if err != nil {
			s.log.Warn("ignoring a data collection that is not a regular expression", "signal", id, "collection", p, "error", err)
			continue
		}
		for _, n := range names {
			if seen[n] || s.isSignalTable(n) {
				continue
			}
			if re.MatchString(n) || re.MatchString(s.cfg.DB+"."+n) {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// valueText returns the printed text of a row value ("" for null).
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case sqlredo.Value:
		if x.IsNull() {
			return ""
		}
		return x.Text
	case fmt.Stringer:
		return x.String()
	case string:
		return x
	}
	return fmt.Sprint(v)
}
