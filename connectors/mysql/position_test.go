package mysql

import (
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
)

func TestParsePosition(t *testing.T) {
	tests := []struct {
		name    string
		in      offsets.Offset
		want    position
		wantErr string
	}{
		{name: "debezium streaming offset", in: offsets.Offset{"file": "mysql-bin.000003", "pos": float64(4711), "row": float64(2), "event": float64(3),
			"gtids": "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,\n4e11fa47-71ca-11e1-9e33-c80aa9429562:1-2", "ts_sec": float64(1700000000), "server_id": float64(223344)},
			want: position{File: "mysql-bin.000003", Pos: 4711, Row: 2, Event: 3, GTIDs: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,4e11fa47-71ca-11e1-9e33-c80aa9429562:1-2", TsSec: 1700000000, ServerID: 223344}},
		{name: "legacy boolean snapshot", in: offsets.Offset{"file": "b.000001", "pos": int64(4), "snapshot": true}, want: position{File: "b.000001", Pos: 4, Snapshot: "INITIAL"}},
		{name: "string snapshot with progress", in: offsets.Offset{"file": "b.000001", "pos": int64(4), "snapshot": "INITIAL", "gonnect_snapshot_done": "d.a,d.b"},
			want: position{File: "b.000001", Pos: 4, Snapshot: "INITIAL", Done: []string{"d.a", "d.b"}}},
		{name: "no file", in: offsets.Offset{"scn": "123"}, wantErr: `stored offset map[scn:123] has no binlog "file": it was not written by a MySQL connector`},
		{name: "bad pos", in: offsets.Offset{"file": "b.1", "pos": []int{1}}, wantErr: `offset key "pos" has unexpected type []int`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parsePosition(tc.in)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tc.want.String() || got.Snapshot != tc.want.Snapshot || len(got.Done) != len(tc.want.Done) || got.TsSec != tc.want.TsSec || got.ServerID != tc.want.ServerID {
				t.Fatalf("got %+v want %+v", got, tc.want)
			}
			back, err := parsePosition(got.offset())
			if err != nil || back.String() != got.String() {
				t.Fatalf("round trip %+v %v", back, err)
			}
		})
	}
}

func TestAtOrBefore(t *testing.T) {
	u1 := "3e11fa47-71ca-11e1-9e33-c80aa9429562"
	tests := []struct {
		name     string
		rec, cur position
		want     bool
	}{
		{name: "mysql gtid contained", rec: position{GTIDs: u1 + ":1-5"}, cur: position{GTIDs: u1 + ":1-9"}, want: true},
		{name: "mysql gtid after", rec: position{GTIDs: u1 + ":1-10"}, cur: position{GTIDs: u1 + ":1-9"}, want: false},
		{name: "mariadb gtid", rec: position{GTIDs: "0-1-5"}, cur: position{GTIDs: "0-1-9"}, want: true},
		{name: "equal sets snapshot first", rec: position{GTIDs: "0-1-5", Snapshot: "INITIAL"}, cur: position{GTIDs: "0-1-5"}, want: true},
		{name: "equal sets later event", rec: position{GTIDs: "0-1-5", Event: 3}, cur: position{GTIDs: "0-1-5", Event: 2}, want: false},
		{name: "gtid-less record first", rec: position{File: "b.000009", Pos: 9}, cur: position{GTIDs: "0-1-1"}, want: true},
		{name: "file sequence", rec: position{File: "b.000002", Pos: 900}, cur: position{File: "b.000010", Pos: 4}, want: true},
		{name: "same file later pos", rec: position{File: "b.000002", Pos: 900}, cur: position{File: "b.000002", Pos: 4}, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := atOrBefore(tc.rec, tc.cur); got != tc.want {
				t.Fatalf("atOrBefore = %v", got)
			}
		})
	}
}

func TestGTIDSourceFilter(t *testing.T) {
	u1, u2 := "3e11fa47-71ca-11e1-9e33-c80aa9429562", "4e11fa47-71ca-11e1-9e33-c80aa9429562"
	tests := []struct {
		name    string
		cfg     connectors.Config
		set     string
		mariadb bool
		want    string
	}{
		{name: "mysql include", cfg: connectors.Config{"gtid.source.includes": "3e11.*"}, set: u1 + ":1-5," + u2 + ":1-2", want: u1 + ":1-5"},
		{name: "mysql exclude", cfg: connectors.Config{"gtid.source.excludes": "3E11.*"}, set: u1 + ":1-5," + u2 + ":1-2", want: u2 + ":1-2"},
		{name: "mariadb exclude domain-server", cfg: connectors.Config{"gtid.source.excludes": "1-2"}, set: "0-1-5,1-2-7", mariadb: true, want: "0-1-5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := connectors.Config{"topic.prefix": "p", "database.hostname": "h", "database.user": "u", "database.server.id": "9"}
			for k, v := range tc.cfg {
				cfg[k] = v
			}
			c, err := ParseConfig(cfg, tc.mariadb)
			if err != nil {
				t.Fatal(err)
			}
			set, err := (&Task{cfg: c}).filterGTIDs(tc.set, tc.mariadb)
			if err != nil {
				t.Fatal(err)
			}
			if set.String() != tc.want {
				t.Fatalf("got %s want %s", set, tc.want)
			}
		})
	}
}
