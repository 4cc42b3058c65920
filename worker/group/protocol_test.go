package group

import (
	"slices"
	"strings"
	"testing"
)

func TestParseConnectProtocol(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Protocol
		offered []Protocol
		version int16
		wantErr string
	}{
		{name: "eager is default v0", in: "eager", want: ProtocolEager, offered: []Protocol{"default"}, version: 0},
		{name: "compatible", in: "compatible", want: ProtocolCompatible, offered: []Protocol{"compatible", "default"}, version: 1},
		{name: "sessioned in upper case", in: "SESSIONED", want: ProtocolSessioned, offered: []Protocol{"sessioned", "compatible", "default"}, version: 2},
		{name: "protocol name is not a config value", in: "default", wantErr: `connect.protocol: invalid value "default"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConnectProtocol(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || !slices.Equal(got.Offered(), tt.offered) || got.Version() != tt.version {
				t.Fatalf("got %q offering %v version %d", got, got.Offered(), got.Version())
			}
		})
	}
}
