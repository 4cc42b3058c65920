package mysql

import (
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/offsets"
)

func TestRestoreIncremental(t *testing.T) {
	key := func(vals ...any) string {
		h, err := cdc.EncodeJavaArray(vals)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	cols := `[{"incremental_snapshot_collections_id":"db.a","incremental_snapshot_collections_additional_condition":null,"incremental_snapshot_collections_surrogate_key":null},` +
		`{"incremental_snapshot_collections_id":"db.b","incremental_snapshot_collections_additional_condition":"","incremental_snapshot_collections_surrogate_key":""}]`
	tests := []struct {
		name      string
		offset    offsets.Offset
		wantErr   string
		wantWarn  bool
		wantState string
	}{
		{name: "none", offset: offsets.Offset{"file": "f"}, wantState: "<nil>"},
		{name: "mid table", offset: offsets.Offset{keyIncCollections: cols, keyIncPrimaryKey: key(cdc.JavaInt(41)), keyIncMaximumKey: key(cdc.JavaInt(99)),
			keyIncCorrelation: "c1"}, wantState: "[db.a db.b] last=[41] max=[99] corr=c1"},
		{name: "table start", offset: offsets.Offset{keyIncCollections: cols, keyIncPrimaryKey: "aced000570", keyIncMaximumKey: "aced000570"},
			wantState: "[db.a db.b] last=[] max=[] corr="},
		{name: "string keys", offset: offsets.Offset{keyIncCollections: cols, keyIncPrimaryKey: key("k7", int64(3)), keyIncMaximumKey: key("z", int64(9))},
			wantState: "[db.a db.b] last=[k7 3] max=[z 9] corr="},
		{name: "undecodable key restarts the table", wantWarn: true, offset: offsets.Offset{keyIncCollections: cols, keyIncPrimaryKey: "aced0005737200146a6176612e6d6174682e426967446563696d616c"},
			wantState: "[db.a db.b] last=[] max=[] corr="},
		{name: "bad collections", offset: offsets.Offset{keyIncCollections: "{"}, wantErr: "incremental_snapshot_collections is not a JSON list"},
		{name: "collection not db.table", offset: offsets.Offset{keyIncCollections: `[{"incremental_snapshot_collections_id":"t"}]`},
			wantErr: `collection 0 "t" is not db.table`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			warned := false
			inc, err := restoreIncremental(incrementalKeys(tc.offset), func(string, ...any) { warned = true })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if warned != tc.wantWarn {
				t.Fatalf("warned %v", warned)
			}
			state := "<nil>"
			if inc != nil {
				var names []string
				for _, id := range inc.tables {
					names = append(names, id.Catalog+"."+id.Table)
				}
				state = sprintf("%v last=%v max=%v corr=%s", names, inc.lastKey, inc.maxKey, inc.correlation)
			}
			if state != tc.wantState {
				t.Fatalf("state %s, want %s", state, tc.wantState)
			}
		})
	}
}
