package group

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/internal/golden"
)

// readHex reads a golden .hex file: '#' lines are comments, whitespace is ignored.
func readHex(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("reading golden %s: %v", name, err)
	}
	var sb strings.Builder
	for line := range strings.SplitSeq(string(raw), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		sb.WriteString(strings.Join(strings.Fields(line), ""))
	}
	b, err := hex.DecodeString(sb.String())
	if err != nil {
		t.Fatalf("golden %s: %v", name, err)
	}
	return b
}

func writeHex(t *testing.T, name, comment string, b []byte) {
	t.Helper()
	var sb strings.Builder
	fmt.Fprintf(&sb, "# %s (%d bytes)\n", comment, len(b))
	for i := 0; i < len(b); i += 16 {
		end := min(i+16, len(b))
		for j := i; j < end; j++ {
			if j > i {
				sb.WriteByte(' ')
			}
			fmt.Fprintf(&sb, "%02x", b[j])
		}
		sb.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join("testdata", name), []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

const w1 = "http://w1:8083/"

func TestMetadataGolden(t *testing.T) {
	tests := []struct {
		name   string
		golden string
		spec   bool // hand-written from connect.md; -update never touches it
		md     Metadata
	}{
		{name: "v2 first join (spec example)", golden: "metadata-v2-first-join.hex", spec: true,
			md: Metadata{Version: 2, URL: w1, ConfigOffset: 5}},
		{name: "v0 eager", golden: "metadata-v0.hex",
			md: Metadata{Version: 0, URL: "http://w2:8083/", ConfigOffset: 42}},
		{name: "v1 with current allocation", golden: "metadata-v1-allocation.hex",
			md: Metadata{Version: 1, URL: w1, ConfigOffset: 7, Current: &Assignment{
				Version: 1, Leader: "m-1", LeaderURL: w1, ConfigOffset: 7,
				Connectors: []string{"c1"}, Tasks: []TaskID{{"c1", 0}, {"c2", 1}},
			}}},
		{name: "v2 with config offset -1 and empty allocation", golden: "metadata-v2-empty-allocation.hex",
			md: Metadata{Version: 2, URL: "", ConfigOffset: -1, Current: &Assignment{Version: 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.md.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if golden.Updating() && !tt.spec {
				writeHex(t, tt.golden, "JoinGroup connect metadata: "+tt.name, got)
			}
			want := readHex(t, tt.golden)
			if !bytes.Equal(got, want) {
				t.Fatalf("encoded\n%x\nwant\n%x", got, want)
			}
			dec, err := DecodeMetadata(want)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(normMeta(dec), normMeta(tt.md)) {
				t.Fatalf("decoded %+v, want %+v", dec, tt.md)
			}
		})
	}
}

// normMeta makes nil and empty slices compare equal.
func normMeta(m Metadata) Metadata {
	if m.Current != nil {
		c := normAssignment(*m.Current)
		m.Current = &c
	}
	return m
}

func normAssignment(a Assignment) Assignment {
	if len(a.Connectors) == 0 {
		a.Connectors = nil
	}
	if len(a.Tasks) == 0 {
		a.Tasks = nil
	}
	if len(a.RevokedConnectors) == 0 {
		a.RevokedConnectors = nil
	}
	if len(a.RevokedTasks) == 0 {
		a.RevokedTasks = nil
	}
	return a
}

func TestAssignmentGolden(t *testing.T) {
	tests := []struct {
		name   string
		golden string
		spec   bool
		a      Assignment
	}{
		{name: "v2 connector and task (spec example)", golden: "assignment-v2-c1.hex", spec: true,
			a: Assignment{Version: 2, Leader: "m-1", LeaderURL: w1, ConfigOffset: 5,
				Connectors: []string{"c1"}, Tasks: []TaskID{{"c1", 0}}}},
		{name: "v0 eager full assignment", golden: "assignment-v0.hex",
			a: Assignment{Version: 0, Leader: "m-1", LeaderURL: w1, ConfigOffset: 12,
				Connectors: []string{"a", "b"}, Tasks: []TaskID{{"a", 0}, {"a", 2}, {"c", 1}}}},
		{name: "v1 revocations and delay", golden: "assignment-v1-revoked-delay.hex",
			a: Assignment{Version: 1, Leader: "m-2", LeaderURL: "http://w2:8083/", ConfigOffset: 3,
				Tasks:             []TaskID{{"c1", 3}},
				RevokedConnectors: []string{"c2"}, RevokedTasks: []TaskID{{"c2", 0}, {"c1", 1}},
				Delay: 300000}},
		{name: "v2 config mismatch", golden: "assignment-v2-config-mismatch.hex",
			a: Assignment{Version: 2, Error: ErrorConfigMismatch, Leader: "m-1", LeaderURL: w1, ConfigOffset: 99}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.a.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if golden.Updating() && !tt.spec {
				writeHex(t, tt.golden, "SyncGroup connect assignment: "+tt.name, got)
			}
			want := readHex(t, tt.golden)
			if !bytes.Equal(got, want) {
				t.Fatalf("encoded\n%x\nwant\n%x", got, want)
			}
			dec, err := DecodeAssignment(want)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(normAssignment(dec), normAssignment(tt.a)) {
				t.Fatalf("decoded %+v, want %+v", dec, tt.a)
			}
		})
	}
}

func TestDecodeTolerance(t *testing.T) {
	v0, err := Assignment{Version: 0, Leader: "m", LeaderURL: "u", ConfigOffset: 1,
		Connectors: []string{"c"}}.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// A v2 assignment written by a hypothetical newer worker with an extra trailing field.
	v2, err := Assignment{Version: 2, Leader: "m", LeaderURL: "u", Delay: 5}.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   []byte
		want Assignment
	}{
		{name: "v0 decodes with empty revoked and zero delay", in: v0,
			want: Assignment{Version: 0, Leader: "m", LeaderURL: "u", ConfigOffset: 1, Connectors: []string{"c"}}},
		{name: "missing assignment array", in: v0[:2+2+3+3+8],
			want: Assignment{Version: 0, Leader: "m", LeaderURL: "u", ConfigOffset: 1}},
		{name: "trailing bytes ignored", in: append(append([]byte{}, v2...), 0xde, 0xad),
			want: Assignment{Version: 2, Leader: "m", LeaderURL: "u", Delay: 5}},
		{name: "null assignment and revoked arrays", in: append(append([]byte{}, v0[:18]...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
			want: Assignment{Version: 0, Leader: "m", LeaderURL: "u", ConfigOffset: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeAssignment(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(normAssignment(got), normAssignment(tt.want)) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	spec := []byte{0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 'm', '-', '1'}
	tests := []struct {
		name    string
		meta    bool
		in      []byte
		wantErr string
	}{
		{name: "empty assignment", in: nil, wantErr: "version at byte 0: truncated"},
		{name: "negative version", in: []byte{0xff, 0xfe}, wantErr: "unsupported version -2"},
		{name: "truncated leader", in: spec[:7], wantErr: "leader at byte 4: truncated"},
		{name: "truncated config offset", in: append(append([]byte{}, spec...), 0, 0, 0, 0), wantErr: "config-offset at byte 11: truncated"},
		{name: "negative string length", in: []byte{0, 1, 0, 0, 0x80, 0x00}, wantErr: "leader at byte 4: negative string length"},
		{name: "huge array count", in: []byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff},
			wantErr: "assignment at byte 16: truncated (array of 2147483647 elements"},
		{name: "null task array", in: []byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff},
			wantErr: "assignment[0].tasks at byte 22: negative array length -1"},
		{name: "metadata negative allocation length", meta: true,
			in: []byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xfe}, wantErr: "allocation at byte 12: negative bytes length -2"},
		{name: "metadata bad nested allocation", meta: true,
			in: []byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}, wantErr: "allocation: decoding connect assignment: version at byte 0: truncated"},
		{name: "metadata truncated url", meta: true, in: []byte{0, 0, 0, 5, 'h'}, wantErr: "url at byte 2: truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.meta {
				_, err = DecodeMetadata(tt.in)
			} else {
				_, err = DecodeAssignment(tt.in)
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	long := strings.Repeat("x", 1<<15)
	tests := []struct {
		name    string
		enc     func() ([]byte, error)
		wantErr string
	}{
		{name: "long url", enc: Metadata{Version: 2, URL: long}.MarshalBinary, wantErr: "url: string of 32768 bytes"},
		{name: "long connector", enc: Assignment{Version: 1, Connectors: []string{long}}.MarshalBinary, wantErr: "assignment.connector: string of 32768 bytes"},
		{name: "negative version", enc: Assignment{Version: -1}.MarshalBinary, wantErr: "version -1"},
		{name: "long allocation leader", enc: Metadata{Version: 1, Current: &Assignment{Leader: long}}.MarshalBinary, wantErr: "allocation: leader"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.enc()
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func FuzzDecodeAssignment(f *testing.F) {
	for _, g := range []string{"assignment-v2-c1.hex", "assignment-v0.hex", "assignment-v1-revoked-delay.hex", "assignment-v2-config-mismatch.hex"} {
		f.Add(readHex(f, g))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := DecodeAssignment(b)
		if err != nil {
			return
		}
		// Whatever decodes must re-encode and decode to the same items.
		enc, err := a.MarshalBinary()
		if err != nil {
			t.Fatalf("re-encoding decoded assignment %+v: %v", a, err) // decoded strings always fit
		}
		back, err := DecodeAssignment(enc)
		if err != nil {
			t.Fatalf("re-decoding %x: %v", enc, err)
		}
		if a.Version >= 1 && !reflect.DeepEqual(normAssignment(back), normAssignment(a)) {
			t.Fatalf("round trip %+v != %+v", back, a)
		}
	})
}

func FuzzDecodeMetadata(f *testing.F) {
	for _, g := range []string{"metadata-v2-first-join.hex", "metadata-v0.hex", "metadata-v1-allocation.hex", "metadata-v2-empty-allocation.hex"} {
		f.Add(readHex(f, g))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeMetadata(b)
		if err != nil {
			return
		}
		if _, err := m.MarshalBinary(); err != nil {
			t.Fatalf("re-encoding decoded metadata %+v: %v", m, err)
		}
	})
}
