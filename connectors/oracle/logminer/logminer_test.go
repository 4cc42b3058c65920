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
			name: "PDB as configured (a quoted lower-case name stays lower-case) and LOB codes",
			o:    QueryOptions{PDB: "corepdb", LOB: true},
			want: []string{"SRC_CON_NAME = 'corepdb'", ",9,10,11,29,68,70,71,91,92,93"},
		},
		{
			name: "the signal table passes the include and username lists",
			o:    QueryOptions{FilterMode: "in", TableInclude: []string{"FINX.ACCOUNTS"}, UsernameInclude: []string{"app"}, Always: []string{"DBZ.DEBEZIUM_SIGNAL"}},
			want: []string{"TABLE_NAME IN ('FINX.ACCOUNTS')) AND USERNAME IN ('UNKNOWN','APP')) OR (SEG_OWNER = 'DBZ' AND TABLE_NAME = 'DEBEZIUM_SIGNAL')"},
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
	firstValidLocal := "A.DEST_ID = (SELECT MIN(DEST_ID) FROM V$ARCHIVE_DEST_STATUS WHERE STATUS = 'VALID' AND TYPE = 'LOCAL')"
	tests := []struct {
		name        string
		archiveOnly bool
		dest        string
		hours       int64
		want        string
	}{
		{name: "online and archived, first valid local destination",
			want: "SELECT * FROM (SELECT A.NAME AS FILE_NAME, A.THREAD#, A.SEQUENCE#, A.FIRST_CHANGE#, A.NEXT_CHANGE# FROM V$ARCHIVED_LOG A, V$DATABASE D " +
				"WHERE A.NAME IS NOT NULL AND A.ARCHIVED = 'YES' AND A.STATUS = 'A' AND A.NEXT_CHANGE# > :1 AND A.RESETLOGS_CHANGE# = D.RESETLOGS_CHANGE# " +
				"AND A.RESETLOGS_TIME = D.RESETLOGS_TIME AND " + firstValidLocal + " UNION ALL " +
				"SELECT MIN(F.MEMBER) AS FILE_NAME, L.THREAD#, L.SEQUENCE#, L.FIRST_CHANGE#, L.NEXT_CHANGE# FROM V$LOG L, V$LOGFILE F " +
				"WHERE F.GROUP# = L.GROUP# AND L.STATUS = 'CURRENT' GROUP BY L.THREAD#, L.SEQUENCE#, L.FIRST_CHANGE#, L.NEXT_CHANGE#) ORDER BY 2, 3"},
		{name: "archive only", archiveOnly: true,
			want: "SELECT A.NAME AS FILE_NAME, A.THREAD#, A.SEQUENCE#, A.FIRST_CHANGE#, A.NEXT_CHANGE# FROM V$ARCHIVED_LOG A, V$DATABASE D " +
				"WHERE A.NAME IS NOT NULL AND A.ARCHIVED = 'YES' AND A.STATUS = 'A' AND A.NEXT_CHANGE# > :1 AND A.RESETLOGS_CHANGE# = D.RESETLOGS_CHANGE# " +
				"AND A.RESETLOGS_TIME = D.RESETLOGS_TIME AND " + firstValidLocal + " ORDER BY 2, 3"},
		{name: "destinations in priority order and hours", archiveOnly: true, dest: "log_archive_dest_3, LOG_ARCHIVE_DEST_2", hours: 6,
			want: "SELECT A.NAME AS FILE_NAME, A.THREAD#, A.SEQUENCE#, A.FIRST_CHANGE#, A.NEXT_CHANGE# FROM V$ARCHIVED_LOG A, V$DATABASE D " +
				"WHERE A.NAME IS NOT NULL AND A.ARCHIVED = 'YES' AND A.STATUS = 'A' AND A.NEXT_CHANGE# > :1 AND A.RESETLOGS_CHANGE# = D.RESETLOGS_CHANGE# " +
				"AND A.RESETLOGS_TIME = D.RESETLOGS_TIME AND A.DEST_ID = (SELECT DEST_ID FROM (SELECT DEST_ID FROM V$ARCHIVE_DEST_STATUS " +
				"WHERE STATUS = 'VALID' AND TYPE = 'LOCAL' AND DEST_NAME IN ('LOG_ARCHIVE_DEST_3','LOG_ARCHIVE_DEST_2') " +
				"ORDER BY CASE DEST_NAME WHEN 'LOG_ARCHIVE_DEST_3' THEN 1 WHEN 'LOG_ARCHIVE_DEST_2' THEN 2 END) WHERE ROWNUM = 1) " +
				"AND A.FIRST_TIME >= SYSDATE - (6/24) ORDER BY 2, 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if q := LogsQuery(tt.archiveOnly, tt.dest, tt.hours); q != tt.want {
				t.Errorf("query:\n%s\nwant:\n%s", q, tt.want)
			}
		})
	}
}

func TestCurrentSCNQuery(t *testing.T) {
	threads := "(SELECT TO_CHAR(MIN(LAST_REDO_CHANGE#)) FROM V$THREAD WHERE STATUS = 'OPEN' AND ENABLED <> 'PRIVATE' HAVING COUNT(*) > 1) FROM DUAL"
	tests := []struct {
		name        string
		archiveOnly bool
		dest        string
		want        string
	}{
		{name: "online", want: "SELECT (SELECT TO_CHAR(CURRENT_SCN) FROM V$DATABASE), " + threads},
		{name: "archive only, from the chosen destination", archiveOnly: true, dest: "LOG_ARCHIVE_DEST_2",
			want: "SELECT (SELECT TO_CHAR(MAX(A.NEXT_CHANGE#) - 1) FROM V$ARCHIVED_LOG A WHERE A.STATUS = 'A' AND A.DEST_ID = (SELECT DEST_ID FROM " +
				"(SELECT DEST_ID FROM V$ARCHIVE_DEST_STATUS WHERE STATUS = 'VALID' AND TYPE = 'LOCAL' AND DEST_NAME IN ('LOG_ARCHIVE_DEST_2') " +
				"ORDER BY CASE DEST_NAME WHEN 'LOG_ARCHIVE_DEST_2' THEN 1 END) WHERE ROWNUM = 1)), " + threads},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if q := CurrentSCNQuery(tt.archiveOnly, tt.dest); q != tt.want {
				t.Errorf("query:\n%s\nwant:\n%s", q, tt.want)
			}
		})
	}
}

func TestUpperSCN(t *testing.T) {
	tests := []struct {
		name, current, redo string
		want                uint64
		wantErr             string
	}{
		{name: "every thread flushed past the current SCN", current: "5000", redo: "5003", want: 5000},
		{name: "a lagging RAC thread caps the window below its last redo", current: "5000", redo: "4200", want: 4199},
		{name: "no open thread state", current: "5000", redo: "", want: 5000},
		{name: "bad current SCN", current: "", redo: "1", wantErr: "current SCN"},
		{name: "bad thread SCN", current: "5000", redo: "x", wantErr: "LAST_REDO_CHANGE#"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := UpperSCN(tt.current, tt.redo)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to name %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("UpperSCN = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestFlushTableStatements(t *testing.T) {
	steps := FlushTableSetup("LOG_MINING_FLUSH")
	want := []FlushStep{
		{Check: "SELECT COUNT(*) FROM USER_TABLES WHERE TABLE_NAME = :1", Args: []any{"LOG_MINING_FLUSH"}, Fix: `CREATE TABLE "LOG_MINING_FLUSH" (LAST_SCN NUMBER(19,0))`},
		{Check: `SELECT COUNT(*) FROM "LOG_MINING_FLUSH"`, Fix: `INSERT INTO "LOG_MINING_FLUSH" (LAST_SCN) VALUES (0)`},
	}
	if len(steps) != len(want) {
		t.Fatalf("%d steps, want %d", len(steps), len(want))
	}
	for i := range want {
		if steps[i].Check != want[i].Check || steps[i].Fix != want[i].Fix || len(steps[i].Args) != len(want[i].Args) {
			t.Errorf("step %d = %+v, want %+v", i, steps[i], want[i])
		}
	}
	if got := FlushStatement("LOG_MINING_FLUSH"); got != `UPDATE "LOG_MINING_FLUSH" SET LAST_SCN = :1` {
		t.Errorf("flush = %s", got)
	}
	for _, tt := range []struct{ name, in, want string }{
		{name: "a PDB by its quoted name", in: "COREPDB", want: `ALTER SESSION SET CONTAINER = "COREPDB"`},
		{name: "a lower-case PDB keeps its case", in: "pdb1", want: `ALTER SESSION SET CONTAINER = "pdb1"`},
		{name: "the root", in: "CDB$ROOT", want: "ALTER SESSION SET CONTAINER = CDB$ROOT"},
	} {
		if got := SetContainer(tt.in); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}
