package cdc

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestJavaArrayGolden decodes the Object[] streams Java wrote (testdata/javaser) and,
// where Java wrote no back reference to a value, checks that EncodeJavaArray produces
// the same bytes.
func TestJavaArrayGolden(t *testing.T) {
	tests := []struct {
		name      string
		want      []any
		sameBytes bool
	}{
		{name: "null", want: nil, sameBytes: true},
		{name: "int42", want: []any{JavaInt(42)}, sameBytes: true},
		{name: "long", want: []any{int64(9007199254740993)}, sameBytes: true},
		{name: "string", want: []any{"ab\u00e9"}, sameBytes: true},
		{name: "mixed", want: []any{JavaInt(7), int64(8), "x", JavaInt(-1), int64(3), nil, "x"}},
		{name: "short", want: []any{int16(5), int8(-2)}, sameBytes: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "javaser", tc.name+".hex"))
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSpace(string(b))
			got, err := DecodeJavaArray(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("decoded %#v, want %#v", got, tc.want)
			}
			enc, err := EncodeJavaArray(tc.want)
			if err != nil {
				t.Fatal(err)
			}
			if tc.sameBytes && enc != golden {
				t.Fatalf("encoded\n%s\nwant\n%s", enc, golden)
			}
			back, err := DecodeJavaArray(enc)
			if err != nil || !reflect.DeepEqual(back, tc.want) {
				t.Fatalf("round trip: %#v, %v", back, err)
			}
		})
	}
}

func TestJavaArrayBadInput(t *testing.T) {
	int42, _ := os.ReadFile(filepath.Join("testdata", "javaser", "int42.hex"))
	tests := []struct {
		name, in, want string
	}{
		{name: "not hex", in: "zz", want: "not a serialized Java"},
		{name: "bad magic", in: "abcd000570", want: "bad stream header"},
		{name: "truncated", in: strings.TrimSpace(string(int42))[:60], want: "truncated"},
		{name: "big decimal", in: "aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c020000787000000001737200146a6176612e6d6174682e426967446563696d616c" +
			"0000000000000000020000787070", want: "java.math.BigDecimal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeJavaArray(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := EncodeJavaArray([]any{uint64(1 << 63)}); err == nil || !strings.Contains(err.Error(), "element 0") {
		t.Fatalf("unsigned overflow: %v", err)
	}
}
