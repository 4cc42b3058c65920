package oracle

import "testing"

func TestCommitSCN(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		out     string
		handled [][3]any // thread, scn, xid
		fresh   [][3]any
		wantErr bool
	}{
		{name: "rac form", in: "3001010:1:15000400411f0000,3001012:2:29000900ba0b0000", out: "3001010:1:15000400411f0000,3001012:2:29000900ba0b0000",
			handled: [][3]any{{1, uint64(3001010), "15000400411F0000"}, {2, uint64(3001000), "x"}}, fresh: [][3]any{{1, uint64(3001010), "aa"}, {3, uint64(1), "x"}}},
		{name: "several xids at one scn, unsorted", in: "5:1:b-a", out: "5:1:a-b", handled: [][3]any{{1, uint64(5), "a"}, {1, uint64(5), "b"}}},
		{name: "legacy one part is thread 1", in: "12345", out: "12345:1:", handled: [][3]any{{1, uint64(12344), "x"}}, fresh: [][3]any{{1, uint64(12345), "x"}}},
		{name: "legacy four parts name the thread last", in: "777:00a1.2:0:2", out: "777:2:", fresh: [][3]any{{1, uint64(1), "x"}}},
		{name: "empty", in: "", out: ""},
		{name: "bad thread", in: "5:x:a", wantErr: true},
		{name: "bad scn", in: "x:1:a", wantErr: true},
		{name: "two parts", in: "5:1", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCommitSCN(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatal("want error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.String() != tt.out {
				t.Errorf("String() = %q, want %q", c.String(), tt.out)
			}
			for _, h := range tt.handled {
				if !c.Handled(h[0].(int), h[1].(uint64), h[2].(string)) {
					t.Errorf("Handled(%v) = false", h)
				}
			}
			for _, h := range tt.fresh {
				if c.Handled(h[0].(int), h[1].(uint64), h[2].(string)) {
					t.Errorf("Handled(%v) = true", h)
				}
			}
		})
	}
}

func TestCommitSCNRecord(t *testing.T) {
	c := CommitSCN{}
	c.Record(1, 10, "AA")
	c.Record(1, 10, "BB")
	c.Record(2, 7, "CC")
	c.Record(1, 9, "DD") // older: ignored
	c.Record(2, 8, "EE")
	if got, want := c.String(), "10:1:aa-bb,8:2:ee"; got != want {
		t.Fatalf("got %q want %q", got, want)
	}
}

func TestParsePosition(t *testing.T) {
	tests := []struct {
		name    string
		in      map[string]any
		scn     uint64
		txSeq   int64
		wantErr bool
	}{
		{name: "strings", in: map[string]any{"scn": "2006999", "commit_scn": "2007012:1:110002001d250000", "txId": "x", "txSeq": float64(3)}, scn: 2006999, txSeq: 3},
		{name: "legacy numbers", in: map[string]any{"scn": float64(123), "commit_scn": float64(120)}, scn: 123},
		{name: "snapshot keys carried", in: map[string]any{"scn": "5", "snapshot_scn": "5", "snapshot_completed": true}, scn: 5},
		{name: "bad scn", in: map[string]any{"scn": "abc"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePosition(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatal("want error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.SCN != tt.scn || p.TxSeq != tt.txSeq {
				t.Fatalf("got scn %d txSeq %d", p.SCN, p.TxSeq)
			}
			out := p.Offset()
			for k, v := range tt.in {
				if k == "scn" || k == "commit_scn" || k == "txSeq" {
					continue
				}
				if out[k] != v {
					t.Errorf("key %s = %v, want %v", k, out[k], v)
				}
			}
		})
	}
}
