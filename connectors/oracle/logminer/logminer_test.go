package logminer

import (
	"context"
	"strings"
	"testing"
)

func TestContentsQuery(t *testing.T) {
	tests := []struct {
		name    string
		o       QueryOptions
		want    []string
		notWant []string
		wantErr string
	}{
		{
			name:    "none mode keeps transaction rows and only excludes system schemas and MLOG$",
			o:       QueryOptions{ExcludedSchemas: []string{"sys", "system"}},
			want:    []string{"SCN > :1 AND SCN <= :2", "OPERATION_CODE IN (6,7,36)", "SEG_OWNER NOT IN ('SYS','SYSTEM')", "NOT LIKE 'MLOG$%'", "INFO NOT LIKE 'INTERNAL DDL%'"},
			notWant: []string{"REGEXP_LIKE", "SRC_CON_NAME", ",9,10,11"},
		},
		{
			name: "in mode puts literal names in IN lists",
			o:    QueryOptions{FilterMode: "in", SchemaInclude: []string{"finx"}, TableInclude: []string{"FINX.ACCOUNTS", "FINX.O'BRIEN"}},
			want: []string{"SEG_OWNER IN ('FINX')", "SEG_OWNER || '.' || TABLE_NAME IN ('FINX.ACCOUNTS','FINX.O''BRIEN')"},
		},
		{
			name:    "in mode refuses regular expressions",
			o:       QueryOptions{FilterMode: "in", TableInclude: []string{`FINX\..*`}},
			wantErr: "use regex mode",
		},
		{
			name: "regex mode anchors and ignores case",
			o:    QueryOptions{FilterMode: "regex", TableExclude: []string{`FINX\.AUDIT.*`}},
			want: []string{`NOT (REGEXP_LIKE(SEG_OWNER || '.' || TABLE_NAME, '^(FINX\.AUDIT.*)$', 'i'))`},
		},
		{
			name: "PDB and LOB codes",
			o:    QueryOptions{PDB: "corepdb", LOB: true},
			want: []string{"SRC_CON_NAME = 'COREPDB'", ",9,10,11,29,68,70,71,91,92,93"},
		},
		{
			name: "the signal table passes the include and username lists",
			o:    QueryOptions{FilterMode: "in", TableInclude: []string{"FINX.ACCOUNTS"}, UsernameInclude: []string{"app"}, Always: []string{"DBZ.DEBEZIUM_SIGNAL"}},
			want: []string{"TABLE_NAME IN ('FINX.ACCOUNTS')) AND USERNAME IN ('APP')) OR (SEG_OWNER = 'DBZ' AND TABLE_NAME = 'DEBEZIUM_SIGNAL')"},
		},
		{
			name:    "bad signal table name",
			o:       QueryOptions{Always: []string{"DBZ.SIG' OR 1=1"}},
			wantErr: "signal.data.collection",
		},
		{
			name:    "bad PDB name",
			o:       QueryOptions{PDB: "x' OR 1=1"},
			wantErr: "database.pdb.name",
		},
		{
			name:    "unknown filter mode",
			o:       QueryOptions{FilterMode: "glob"},
			wantErr: "log.mining.query.filter.mode",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ContentsQuery(tt.o)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(q, w) {
					t.Errorf("query lacks %q:\n%s", w, q)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(q, w) {
					t.Errorf("query has %q:\n%s", w, q)
				}
			}
		})
	}
}

func TestDataObjectOfRowID(t *testing.T) {
	tests := []struct {
		name  string
		rowID string
		want  int64
		ok    bool
	}{
		{name: "partition segment from S17", rowID: "AAAS/pAALAAAACCAAA", want: 77801, ok: true},
		{name: "LEDGER", rowID: "AAASEWAAIAAAAvCAAA", want: 74006, ok: true},
		{name: "too short", rowID: "AAA", ok: false},
		{name: "bad character", rowID: "AA*AAAAAAAAAAAAAAA", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := DataObjectOfRowID(tt.rowID)
			if ok != tt.ok || got != tt.want {
				t.Fatalf("DataObjectOfRowID(%q) = %d, %v; want %d, %v", tt.rowID, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestReadRecordedErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "row before window", in: `{"SCN":"1","OPERATION_CODE":6}`, want: "line 1: row before the first _window"},
		{name: "bad scn", in: "{\"_window\":{\"from_scn\":\"1\",\"to_scn\":\"2\"}}\n{\"SCN\":\"x\",\"OPERATION_CODE\":6}", want: `line 2: SCN "x" is not a number`},
		{name: "missing code", in: "{\"_window\":{\"from_scn\":\"1\",\"to_scn\":\"2\"}}\n{\"SCN\":\"2\"}", want: "line 2: OPERATION_CODE is missing"},
		{name: "bad window", in: `{"_window":{"from_scn":"5","to_scn":"2"}}`, want: "line 1: invalid _window"},
		{name: "not json", in: `{`, want: "line 1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadRecorded(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestRecordedMineReturnsRowsInRangeInRecordedOrder(t *testing.T) {
	in := `{"_window":{"from_scn":"10","to_scn":"20"}}
{"SCN":"12","OPERATION_CODE":6,"XID":"01"}
{"SCN":"11","OPERATION_CODE":6,"XID":"02"}
{"_window":{"from_scn":"20","to_scn":"30"}}
{"SCN":"25","OPERATION_CODE":7,"XID":"01"}`
	ws, err := ReadRecorded(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	s := NewRecorded(ws)
	tests := []struct {
		name     string
		from, to uint64
		want     []uint64
	}{
		{name: "first window", from: 10, to: 20, want: []uint64{12, 11}},
		{name: "re-mine after a restart at 11", from: 11, to: 30, want: []uint64{12, 25}},
		{name: "empty range", from: 25, to: 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []uint64
			if err := s.Mine(context.Background(), tt.from, tt.to, func(r *Row) error { got = append(got, r.SCN); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v want %v", got, tt.want)
				}
			}
		})
	}
}

func TestLogsQuery(t *testing.T) {
	tests := []struct {
		name        string
		archiveOnly bool
		dest        string
		hours       int64
		want        []string
		notWant     []string
	}{
		{name: "online and archived", want: []string{"V$ARCHIVED_LOG", "UNION ALL", "L.STATUS = 'CURRENT'", "RESETLOGS_CHANGE#", "NEXT_CHANGE# > :1"}},
		{name: "archive only", archiveOnly: true, want: []string{"V$ARCHIVED_LOG", "ORDER BY 2, 3"}, notWant: []string{"V$LOGFILE"}},
		{name: "destination and hours", dest: "log_archive_dest_2", hours: 6, want: []string{"DEST_NAME = 'LOG_ARCHIVE_DEST_2'", "FIRST_TIME >= SYSDATE - (6/24)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := LogsQuery(tt.archiveOnly, tt.dest, tt.hours)
			for _, w := range tt.want {
				if !strings.Contains(q, w) {
					t.Errorf("query lacks %q:\n%s", w, q)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(q, w) {
					t.Errorf("query has %q", w)
				}
			}
		})
	}
}
