package oracle

import (
	"fmt"
	"strconv"

	"github.com/gonnect/gonnect/connectors/cdc"
)

// Recover applies one schema history record (Debezium's recovery rule, spec §2.8): a
// record of this connector whose position SCN is at or before the stream's resume
// SCN changes the table models from that SCN on, structurally from its
// tableChanges. Records of other connectors or past the resume position are
// ignored (the DDL rows will be mined again). It reports whether the record applied.
//
// Call Recover for every stored record, oldest first, before the first Process.
func (s *Stream) Recover(h *cdc.HistoryRecord) (bool, error) {
	if srv, _ := h.Source["server"].(string); srv != s.cfg.Topics.Prefix {
		return false, nil
	}
	raw, ok := h.Position[OffsetSCN]
	if !ok {
		return false, fmt.Errorf("schema history record %q has no position scn", h.DDL)
	}
	scn, err := scnValue(raw)
	if err != nil {
		return false, fmt.Errorf("schema history record %q: position scn: %w", h.DDL, err)
	}
	if scn > s.pos.SCN {
		return false, nil
	}
	for _, tc := range h.TableChanges {
		name := tc.ID.Schema + "." + tc.ID.Table
		if tc.PreviousID != nil {
			if err := s.tables.put(tc.PreviousID.Schema+"."+tc.PreviousID.Table, scn, nil); err != nil {
				return false, err
			}
		}
		if tc.Type == cdc.ChangeDrop || tc.Table == nil {
			if err := s.tables.put(name, scn, nil); err != nil {
				return false, err
			}
			continue
		}
		t := tc.Table.Clone()
		t.ID = cdc.TableID{Schema: tc.ID.Schema, Table: tc.ID.Table}
		info := &TableInfo{Table: t, SupplementalAll: true}
		if prev := s.tables.latest(name); prev != nil {
			// partitioning, row movement and segments are catalog facts the history
			// does not carry
			info.Partitioned, info.PartitionKey, info.RowMovement = prev.info.Partitioned, prev.info.PartitionKey, prev.info.RowMovement
			info.DataObjectIDs, info.SupplementalAll = prev.info.DataObjectIDs, prev.info.SupplementalAll
		}
		if err := s.tables.put(name, scn, info); err != nil {
			return false, fmt.Errorf("schema history record at scn %s: %w", strconv.FormatUint(scn, 10), err)
		}
	}
	return true, nil
}
