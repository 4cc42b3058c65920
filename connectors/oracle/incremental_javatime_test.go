package oracle

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/offsets"
)

// TestIncrementalTemporalKeys resumes incremental snapshots of tables keyed by DATE
// and TIMESTAMP columns from offsets holding the keys Debezium's Oracle connector
// writes (java.sql.Timestamp, oracle.sql.TIMESTAMP; the golden streams of
// testdata/javakey, identical to OpenJDK's): the chunk query resumes after the
// stored wall clock, and the key written back is the same stream, so the offsets
// switch between Gonnect and Debezium both ways. A Timestamp depends on the Java
// worker's time zone (incremental.snapshot.java.time.zone); TIMESTAMP bytes do not.
func TestIncrementalTemporalKeys(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", "javakey", name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	dateTable := &TableInfo{Table: newTestTable(t, "FINX", "D", []struct{ name, typ string }{{"AT", "DATE"}, {"V", "VARCHAR2(20)"}}, "AT")}
	tsTable := &TableInfo{Table: newTestTable(t, "FINX", "T", []struct{ name, typ string }{{"TS", "TIMESTAMP(9)"}, {"V", "VARCHAR2(20)"}}, "TS")}
	tests := []struct {
		name      string
		table     *TableInfo
		stored    string
		zone      *time.Location
		wantWhere string
		wantArg   string
	}{
		{name: "DATE key from a worker in UTC", table: dateTable, stored: read("date.hex"),
			wantWhere: `WHERE ("AT" > TO_DATE(:1, 'YYYY-MM-DD HH24:MI:SS'))`, wantArg: "2024-03-05 10:20:30"},
		{name: "DATE key from a worker in Europe/Berlin", table: dateTable, stored: read("date-berlin.hex"), zone: berlin,
			wantWhere: `WHERE ("AT" > TO_DATE(:1, 'YYYY-MM-DD HH24:MI:SS'))`, wantArg: "2024-03-05 10:20:30"},
		{name: "TIMESTAMP key", table: tsTable, stored: read("oracle-timestamp.hex"),
			wantWhere: `WHERE ("TS" > TO_TIMESTAMP(:1, 'YYYY-MM-DD HH24:MI:SS.FF9'))`, wantArg: "2024-03-05 10:20:30.123456789"},
		{name: "TIMESTAMP key read in another zone (zone-free bytes)", table: tsTable, stored: read("oracle-timestamp.hex"), zone: berlin,
			wantWhere: `WHERE ("TS" > TO_TIMESTAMP(:1, 'YYYY-MM-DD HH24:MI:SS.FF9'))`, wantArg: "2024-03-05 10:20:30.123456789"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "CBS.FINX." + tt.table.Table.ID.Table
			stored := offsets.Offset{OffsetIncrementalCollections: `[{"incremental_snapshot_collections_id":"` + id + `"}]`,
				OffsetIncrementalCorrelation: "sig-1", OffsetIncrementalPrimaryKey: tt.stored, OffsetIncrementalMaximumKey: tt.stored}
			inc, err := restoreIncremental(stored, slog.New(slog.DiscardHandler), tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			if len(inc.lastKey) != 1 {
				t.Fatalf("restored key %v, want one value", inc.lastKey)
			}
			q, _, args := chunkQuery(tt.table, inc.lastKey, 10, false)
			if !strings.Contains(q, tt.wantWhere) || len(args) != 1 || args[0] != tt.wantArg {
				t.Errorf("chunk query %s with %v, want %s with [%s]", q, args, tt.wantWhere, tt.wantArg)
			}
			if got := javaKeyHex(tt.table, inc.lastKey, tt.zone); got != tt.stored {
				t.Errorf("key written back:\n%s\nwant the stored stream\n%s", got, tt.stored)
			}
		})
	}
}

// TestIncrementalTemporalKeyFromChunkRow writes the key of a chunk row as the snapshot
// query prints it (TO_CHAR of DATE and TIMESTAMP) in Debezium's classes.
func TestIncrementalTemporalKeyFromChunkRow(t *testing.T) {
	cols := []struct{ name, typ string }{{"ID", "NUMBER(10)"}, {"AT", "DATE"}, {"S", "VARCHAR2(4)"}, {"D2", "DATE"}}
	ti := &TableInfo{Table: newTestTable(t, "FINX", "M", cols, "ID", "AT", "S", "D2")}
	key := []any{textValue("42"), textValue("2024-03-05 10:20:30"), textValue("x"), textValue("2024-03-06 00:00:00")}
	b, err := os.ReadFile(filepath.Join("testdata", "javakey", "number-date-string-date.hex"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := javaKeyHex(ti, key, nil), strings.TrimSpace(string(b)); got != want {
		t.Errorf("javaKeyHex = %s\nwant %s", got, want)
	}
}
