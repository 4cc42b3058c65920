package mysqltest

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func TestServer(t *testing.T) {
	s := Start(t)
	tests := []struct{ name, query, want string }{
		{name: "binlog format", query: "SELECT @@binlog_format", want: "ROW"},
		{name: "row image", query: "SELECT @@binlog_row_image", want: "FULL"},
		{name: "log_bin", query: "SELECT @@log_bin", want: "1"},
		{name: "cdc user", query: "SELECT COUNT(*) FROM mysql.user WHERE user='cdc'", want: "1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.Query(t, tc.query)[0][0]; got != tc.want {
				t.Fatalf("%s = %s, want %s", tc.query, got, tc.want)
			}
		})
	}
	a := s.NewDatabase(t, "x")
	s.Exec(t, "CREATE TABLE "+a+".t (id INT)")
	if b := s.NewDatabase(t, "x"); b != a {
		t.Fatalf("database name %s is not stable (was %s)", b, a)
	}
	if n := s.Query(t, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA='"+a+"'")[0][0]; n != "0" {
		t.Fatalf("recreated database still has %s tables", n)
	}
}
