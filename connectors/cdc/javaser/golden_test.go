package javaser

import (
	"math"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// readGolden returns one stream of testdata (written by OpenJDK's
// ObjectOutputStream, see testdata/cases.txt).
func readGolden(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".hex"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func bigInt(t testing.TB, s string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("%q is not an integer", s)
	}
	return n
}

func instant(t testing.TB, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// TestArrayGolden decodes the Object[] streams Java wrote and, where Java wrote no
// back reference to a shared value, checks that EncodeArray produces the same bytes.
func TestArrayGolden(t *testing.T) {
	tests := []struct {
		name      string
		want      []any
		sameBytes bool
	}{
		{name: "null", want: nil, sameBytes: true},
		{name: "int42", want: []any{Int(42)}, sameBytes: true},
		{name: "long", want: []any{int64(9007199254740993)}, sameBytes: true},
		{name: "string", want: []any{"ab\u00e9"}, sameBytes: true},
		{name: "mixed", want: []any{Int(7), int64(8), "x", Int(-1), int64(3), nil, "x"}},
		{name: "short", want: []any{int16(5), int8(-2)}, sameBytes: true},
		{name: "decimal", want: []any{Decimal{Unscaled: big.NewInt(3)}}, sameBytes: true},
		{name: "decimals", want: []any{Decimal{Unscaled: big.NewInt(-1850), Scale: 2},
			Decimal{Unscaled: bigInt(t, "123456789012345678901234567890001"), Scale: 3}}, sameBytes: true},
		{name: "boolean-double-float", want: []any{true, 1.5, float32(-0.25)}, sameBytes: true},
		{name: "biginteger", want: []any{bigInt(t, "-123456789012345678901234567890"), new(big.Int)}, sameBytes: true},
		{name: "bytes", want: []any{[]byte{1, 2, 0xff}, "s"}, sameBytes: true},
		{name: "timestamps", want: []any{Timestamp{instant(t, "2024-03-05T10:20:30.123456789Z")},
			Timestamp{instant(t, "1969-12-31T23:59:59.5Z")}}, sameBytes: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden := readGolden(t, tt.name)
			got, err := DecodeArray(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("decoded %#v, want %#v", got, tt.want)
			}
			enc, err := EncodeArray(tt.want)
			if err != nil {
				t.Fatal(err)
			}
			if tt.sameBytes && enc != golden {
				t.Fatalf("encoded\n%s\nwant\n%s", enc, golden)
			}
			back, err := DecodeArray(enc)
			if err != nil || !reflect.DeepEqual(back, tt.want) {
				t.Fatalf("round trip: %#v, %v", back, err)
			}
		})
	}
}

// TestArrayRoundTrip writes values of every supported Go type, alone and next to
// each other so that class descriptors (and java.lang.Number's) are written as
// back references, and reads them back.
func TestArrayRoundTrip(t *testing.T) {
	long := strings.Repeat("é", 40000) // 80000 bytes: a TC_LONGSTRING
	tests := []struct {
		name string
		in   []any
		want []any // nil: in
	}{
		{name: "empty array", in: []any{}},
		{name: "integers", in: []any{int32(-5), Int(6), int64(math.MinInt64), 7, uint64(math.MaxInt64), int16(-300), int8(127)},
			want: []any{Int(-5), Int(6), int64(math.MinInt64), int64(7), int64(math.MaxInt64), int16(-300), int8(127)}},
		{name: "floats and booleans", in: []any{math.Inf(-1), float32(math.MaxFloat32), false, true, 0.1}},
		{name: "long string, NUL and supplementary characters", in: []any{long, "a\x00b𝄞", ""}},
		{name: "decimals and big integers", in: []any{Decimal{Unscaled: big.NewInt(-7), Scale: 3}, big.NewInt(1 << 40),
			Decimal{Unscaled: big.NewInt(12), Scale: -2}, Decimal{Scale: 1}},
			want: []any{Decimal{Unscaled: big.NewInt(-7), Scale: 3}, big.NewInt(1 << 40),
				Decimal{Unscaled: big.NewInt(12), Scale: -2}, Decimal{Unscaled: new(big.Int), Scale: 1}}},
		{name: "oracle timestamps", in: []any{OracleTimestamp{time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC)},
			OracleTimestamp{time.Date(1, 1, 1, 0, 0, 0, 0, time.FixedZone("x", 3600))}},
			want: []any{OracleTimestamp{time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC)},
				OracleTimestamp{time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)}}},
		{name: "nil big integer", in: []any{(*big.Int)(nil), []byte{}}, want: []any{nil, []byte{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := EncodeArray(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeArray(h)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want == nil {
				want = tt.in
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("decoded %#v, want %#v", got, want)
			}
			for i, v := range want {
				if ClassOf(v) == "" {
					t.Errorf("element %d: ClassOf(%T) is empty", i, v)
				}
			}
		})
	}
}

// TestDecimal parses and renders decimals as BigDecimal's string constructor and
// toPlainString do.
func TestDecimal(t *testing.T) {
	tests := []struct {
		name, in, want string
		scale          int32
	}{
		{name: "zero", in: "0", want: "0"},
		{name: "negative with scale", in: "-18.50", want: "-18.50", scale: 2},
		{name: "beyond long", in: "123456789012345678901234567890.001", want: "123456789012345678901234567890.001", scale: 3},
		{name: "small fraction", in: "-0.007", want: "-0.007", scale: 3},
		{name: "spaces and plus", in: " +7 ", want: "7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDecimal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if d.String() != tt.want || d.Scale != tt.scale {
				t.Fatalf("%q: %s scale %d, want %s scale %d", tt.in, d, d.Scale, tt.want, tt.scale)
			}
		})
	}
	for _, bad := range []string{"", "-", "1e5", "12,5", "1.2.3"} {
		if _, err := ParseDecimal(bad); err == nil {
			t.Errorf("ParseDecimal(%q) accepted", bad)
		}
	}
	for _, tt := range []struct {
		name string
		d    Decimal
		want string
	}{
		{name: "negative scale", d: Decimal{Unscaled: big.NewInt(12), Scale: -2}, want: "1200"},
		{name: "nil unscaled", d: Decimal{Scale: 4}, want: "0"},
		{name: "huge negative scale", d: Decimal{Unscaled: big.NewInt(-123), Scale: math.MinInt32}, want: "-1.23E+2147483650"},
		{name: "huge scale", d: Decimal{Unscaled: big.NewInt(5), Scale: math.MaxInt32}, want: "5E-2147483647"},
	} {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%s: String() = %s, want %s", tt.name, got, tt.want)
		}
	}
}
