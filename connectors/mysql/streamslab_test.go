package mysql

import (
	"testing"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"
)

// TestMariadbGTIDText checks the streamer's GTID text against go-mysql's own
// rendering, with the source changing and repeating, and that texts handed out earlier
// stay intact while later ones are cut from the same slab.
func TestMariadbGTIDText(t *testing.T) {
	tests := []struct {
		name    string
		gtid    gmysql.MariadbGTID
		wantSrc string
	}{
		{name: "first", gtid: gmysql.MariadbGTID{DomainID: 0, ServerID: 1, SequenceNumber: 101}, wantSrc: "0-1"},
		{name: "same source", gtid: gmysql.MariadbGTID{DomainID: 0, ServerID: 1, SequenceNumber: 102}, wantSrc: "0-1"},
		{name: "other server", gtid: gmysql.MariadbGTID{DomainID: 0, ServerID: 4294967295, SequenceNumber: 1}, wantSrc: "0-4294967295"},
		{name: "other domain", gtid: gmysql.MariadbGTID{DomainID: 7, ServerID: 4294967295, SequenceNumber: 0}, wantSrc: "7-4294967295"},
		{name: "largest sequence", gtid: gmysql.MariadbGTID{DomainID: 4294967295, ServerID: 4294967295, SequenceNumber: 1<<64 - 1},
			wantSrc: "4294967295-4294967295"},
		{name: "back to the first source", gtid: gmysql.MariadbGTID{DomainID: 0, ServerID: 1, SequenceNumber: 103}, wantSrc: "0-1"},
	}
	s := &streamer{}
	var earlier []string
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gtid, src := s.mariadbGTID(tc.gtid)
			if want := tc.gtid.String(); gtid != want {
				t.Fatalf("gtid %q, want %q", gtid, want)
			}
			if src != tc.wantSrc {
				t.Fatalf("source %q, want %q", src, tc.wantSrc)
			}
			earlier = append(earlier, gtid)
		})
	}
	for i := range 5000 { // several slabs of text
		g := gmysql.MariadbGTID{DomainID: 0, ServerID: 1, SequenceNumber: uint64(i)}
		if got, _ := s.mariadbGTID(g); got != g.String() {
			t.Fatalf("gtid %q, want %q", got, g.String())
		}
	}
	for i, tc := range tests {
		if earlier[i] != tc.gtid.String() {
			t.Fatalf("%s: earlier text became %q", tc.name, earlier[i])
		}
	}
}
