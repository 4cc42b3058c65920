package oracle

import (
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
)

func TestRACNodeConnectStrings(t *testing.T) {
	tests := []struct {
		name, nodes, want, wantErr string
	}{
		{name: "host only: database.port and database.dbname", nodes: "rac1,rac2", want: "rac1:1528/CBS rac2:1528/CBS"},
		{name: "host and port", nodes: "10.0.0.1:1521, 10.0.0.2:1522", want: "10.0.0.1:1521/CBS 10.0.0.2:1522/CBS"},
		{name: "host, port and service", nodes: "rac1:1521/CBS1", want: "rac1:1521/CBS1"},
		{name: "bad port", nodes: "rac1:x", wantErr: `port "x"`},
		{name: "no host", nodes: ":1521", wantErr: "host[:port[/service]]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// a bad entry is refused by ParseConfig, naming the key
			cfg, err := ParseConfig(connectors.Config{"topic.prefix": "p", "database.dbname": "cbs", "database.user": "c##gonnect",
				"database.password": "secret", "rac.nodes": tt.nodes})
			var got []string
			if err == nil {
				got, err = cfg.RACNodeConnectStrings()
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "rac.nodes") {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || strings.Join(got, " ") != tt.want {
				t.Fatalf("got %v, %v; want %s", got, err, tt.want)
			}
			dsns, err := cfg.RACNodeDSNs()
			if err != nil || len(dsns) != len(got) || !strings.Contains(dsns[0], "connectString="+got[0]) || !strings.Contains(dsns[0], "c##gonnect") {
				t.Errorf("DSNs %v, %v", dsns, err)
			}
		})
	}
}
