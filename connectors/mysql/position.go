package mysql

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/gonnect/gonnect/offsets"
)

// Offset keys, exactly Debezium's MySqlOffsetContext names (§4.2), plus one Gonnect key
// that Debezium ignores: the tables a crashed snapshot had already finished.
const (
	keyFile         = "file"
	keyPos          = "pos"
	keyGTIDs        = "gtids"
	keyEvent        = "event"
	keyRow          = "row"
	keyTsSec        = "ts_sec"
	keyServerID     = "server_id"
	keySnapshot     = "snapshot"
	keySnapshotDone = "gonnect_snapshot_done"
)

// position is where the connector is in the binlog: the restart point (the BEGIN of the
// transaction in progress, or the position after the last completed event outside a
// transaction) and how many events and rows after it were already emitted.
type position struct {
	File     string
	Pos      int64
	GTIDs    string // executed set before the current transaction; "" in file/pos mode
	Event    int64  // events of the current transaction already processed
	Row      int    // rows of the next rows event already emitted
	TsSec    int64
	ServerID int64
	Snapshot string         // "INITIAL" while a snapshot runs
	Done     []string       // snapshot: tables (db.table) already read
	Inc      offsets.Offset // incremental snapshot keys (incremental_offset.go); nil when none runs; never mutated
}

func (p position) String() string {
	s := fmt.Sprintf("%s:%d", p.File, p.Pos)
	if p.GTIDs != "" {
		s += " gtids=" + p.GTIDs
	}
	if p.Event != 0 || p.Row != 0 {
		s += fmt.Sprintf(" event=%d row=%d", p.Event, p.Row)
	}
	return s
}

// Offset implements offsets.Lazy: a binlog event's records carry a pointer to a copy
// of the position, and the map is built only for the records whose offset is committed.
func (p *position) Offset() offsets.Offset { return p.offset() }

// offset renders the position as Debezium's offset map.
func (p position) offset() offsets.Offset {
	o := offsets.Offset{keyFile: p.File, keyPos: p.Pos}
	if p.GTIDs != "" {
		o[keyGTIDs] = p.GTIDs
	}
	if p.Event != 0 {
		o[keyEvent] = p.Event
	}
	if p.Row != 0 {
		o[keyRow] = int32(p.Row)
	}
	if p.TsSec != 0 {
		o[keyTsSec] = p.TsSec
	}
	if p.ServerID != 0 {
		o[keyServerID] = p.ServerID
	}
	for k, v := range p.Inc {
		o[k] = v
	}
	if p.Snapshot != "" {
		o[keySnapshot] = p.Snapshot
		if len(p.Done) > 0 {
			o[keySnapshotDone] = strings.Join(p.Done, ",")
		}
	}
	return o
}

func offsetInt(o offsets.Offset, k string) (int64, error) {
	switch v := o[k].(type) {
	case nil:
		return 0, nil
	case int64:
		return v, nil
	case int32:
		return int64(v), nil
	case int:
		return int64(v), nil
	case float64:
		return int64(v), nil
	case json.Number:
		return v.Int64()
	case string:
		return strconv.ParseInt(v, 10, 64)
	}
	return 0, fmt.Errorf("offset key %q has unexpected type %T", k, o[k])
}

// parsePosition reads a stored offset written by Debezium or Gonnect. A missing file is
// an error; snapshot may be the string INITIAL/BLOCKING or the legacy boolean true.
func parsePosition(o offsets.Offset) (position, error) {
	var p position
	f, ok := o[keyFile].(string)
	if !ok || f == "" {
		return p, fmt.Errorf("stored offset %v has no binlog %q: it was not written by a MySQL connector", o, keyFile)
	}
	p.File = f
	var err error
	for _, x := range []struct {
		k string
		v *int64
	}{{keyPos, &p.Pos}, {keyEvent, &p.Event}, {keyTsSec, &p.TsSec}, {keyServerID, &p.ServerID}} {
		if *x.v, err = offsetInt(o, x.k); err != nil {
			return p, err
		}
	}
	row, err := offsetInt(o, keyRow)
	if err != nil {
		return p, err
	}
	p.Row = int(row)
	if g, ok := o[keyGTIDs].(string); ok {
		p.GTIDs = strings.ReplaceAll(g, "\n", "")
	}
	switch s := o[keySnapshot].(type) {
	case string:
		if s != "" && !strings.EqualFold(s, "false") {
			p.Snapshot = s
		}
	case bool:
		if s {
			p.Snapshot = "INITIAL"
		}
	}
	p.Inc = incrementalKeys(o)
	if d, ok := o[keySnapshotDone].(string); ok && d != "" && p.Snapshot != "" {
		p.Done = strings.Split(d, ",")
	}
	return p, nil
}
