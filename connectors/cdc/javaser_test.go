package cdc

import (
	"math/big"
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
		{name: "decimal", want: []any{JavaDecimal{Unscaled: big.NewInt(3)}}, sameBytes: true},
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

// TestJavaDecimalRoundTrip writes BigDecimal keys (Oracle NUMBER) of every sign and
// scale, alone and next to other classes so that descriptors and the shared
// java.lang.Number descriptor are written as back references, and reads them back.
func TestJavaDecimalRoundTrip(t *testing.T) {
	dec := func(s string) JavaDecimal {
		d, err := ParseJavaDecimal(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name string
		vals []any
		text []string // String() of the decimals, in order
	}{
		{name: "zero", vals: []any{dec("0")}, text: []string{"0"}},
		{name: "negative with scale", vals: []any{dec("-18.50")}, text: []string{"-18.50"}},
		{name: "beyond long", vals: []any{dec("123456789012345678901234567890.001")}, text: []string{"123456789012345678901234567890.001"}},
		{name: "small fraction", vals: []any{dec("-0.007")}, text: []string{"-0.007"}},
		{name: "two decimals and others", vals: []any{dec("7000001"), "ACC", JavaInt(4), dec("2.5"), int64(9), nil},
			text: []string{"7000001", "2.5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := EncodeJavaArray(tc.vals)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeJavaArray(h)
			if err != nil {
				t.Fatalf("decoding %s: %v", h, err)
			}
			if len(got) != len(tc.vals) {
				t.Fatalf("decoded %d values, want %d", len(got), len(tc.vals))
			}
			var texts []string
			for i, v := range got {
				if d, ok := v.(JavaDecimal); ok {
					texts = append(texts, d.String())
					continue
				}
				if !reflect.DeepEqual(v, tc.vals[i]) {
					t.Errorf("element %d: %#v, want %#v", i, v, tc.vals[i])
				}
			}
			if strings.Join(texts, " ") != strings.Join(tc.text, " ") {
				t.Errorf("decimals %v, want %v", texts, tc.text)
			}
		})
	}
	for _, bad := range []string{"", "-", "1e5", "12,5", "1.2.3"} {
		if _, err := ParseJavaDecimal(bad); err == nil {
			t.Errorf("ParseJavaDecimal(%q) accepted", bad)
		}
	}
}

// FuzzDecodeJavaArray feeds stored offset keys of any shape to the decoder: it must
// return an error or values that encode and decode to the same thing, never panic.
func FuzzDecodeJavaArray(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "javaser", "*.hex"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(strings.TrimSpace(string(b)))
	}
	f.Fuzz(func(t *testing.T, s string) {
		vals, err := DecodeJavaArray(s)
		if err != nil {
			return
		}
		h, err := EncodeJavaArray(vals)
		if err != nil {
			return // e.g. a byte[] element, which keys never hold
		}
		back, err := DecodeJavaArray(h)
		if err != nil || len(back) != len(vals) {
			t.Fatalf("re-encoded %v: %v, %v", vals, back, err)
		}
	})
}
