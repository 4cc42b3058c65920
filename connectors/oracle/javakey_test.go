package oracle

import (
	"errors"
	"math/big"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/connectors/cdc/javaser"
	"github.com/gonnect/gonnect/internal/golden"
)

func wall(t *testing.T, s string) time.Time {
	t.Helper()
	w, err := parseWallClock(s)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestJavaKeyGolden pins the serialized Object[] of chunk keys with DATE and TIMESTAMP
// columns (java.sql.Timestamp, oracle.sql.TIMESTAMP) next to NUMBER and string ones,
// and reads each back. The golden bytes follow the Java Object Serialization Stream
// Protocol grammar (newArray, newObject, classDesc with its superclass chain, back
// references to class descriptors and field type strings, Date.writeObject's block
// data); they were compared with OpenJDK 17's ObjectOutputStream.
func TestJavaKeyGolden(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	dec := func(n int64, scale int32) cdc.JavaDecimal {
		return cdc.JavaDecimal{Unscaled: big.NewInt(n), Scale: scale}
	}
	tests := []struct {
		name string
		zone *time.Location
		vals []any
		back []any // what decodeJavaKey returns
	}{
		{name: "date", vals: []any{javaSQLTimestamp{wall(t, "2024-03-05 10:20:30")}},
			back: []any{javaSQLTimestamp{wall(t, "2024-03-05 10:20:30")}}},
		{name: "date-berlin", zone: berlin, vals: []any{javaSQLTimestamp{wall(t, "2024-03-05 10:20:30")}},
			back: []any{javaSQLTimestamp{wall(t, "2024-03-05 10:20:30")}}},
		{name: "timestamp-before-1970", vals: []any{javaSQLTimestamp{wall(t, "1969-12-31 23:59:59.5")}},
			back: []any{javaSQLTimestamp{wall(t, "1969-12-31 23:59:59.5")}}},
		{name: "number-date-string-date", vals: []any{dec(42, 0), javaSQLTimestamp{wall(t, "2024-03-05 10:20:30")}, "x",
			javaSQLTimestamp{wall(t, "2024-03-06 00:00:00")}},
			back: []any{"42", javaSQLTimestamp{wall(t, "2024-03-05 10:20:30")}, "x", javaSQLTimestamp{wall(t, "2024-03-06 00:00:00")}}},
		{name: "oracle-timestamp", vals: []any{javaOracleTimestamp{wall(t, "2024-03-05 10:20:30.123456789")}},
			back: []any{javaOracleTimestamp{wall(t, "2024-03-05 10:20:30.123456789")}}},
		{name: "number-oracle-timestamps", vals: []any{dec(1, 0), javaOracleTimestamp{wall(t, "2024-03-05 10:20:30.123456789")},
			javaOracleTimestamp{wall(t, "2024-03-05 10:20:30")}},
			back: []any{"1", javaOracleTimestamp{wall(t, "2024-03-05 10:20:30.123456789")}, javaOracleTimestamp{wall(t, "2024-03-05 10:20:30")}}},
		{name: "null-key", vals: nil, back: nil},
		{name: "decimal-and-null", vals: []any{dec(-1250, 2), nil}, back: []any{"-12.50", nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := encodeJavaKey(tt.vals, tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "javakey", tt.name+".hex"), []byte(h+"\n"))
			got, err := decodeJavaKey(h, tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.back) {
				t.Errorf("decoded %#v, want %#v", got, tt.back)
			}
		})
	}
}

// TestJavaKeyMatchesCDCCodec checks that keys without temporal columns are written
// byte for byte as connectors/cdc writes them (the MySQL connector's and the
// earlier Oracle offsets), and that cdc's output reads back.
func TestJavaKeyMatchesCDCCodec(t *testing.T) {
	d, _ := cdc.ParseJavaDecimal("7000002")
	d2, _ := cdc.ParseJavaDecimal("-0.001")
	tests := []struct {
		name string
		vals []any
	}{
		{name: "decimal", vals: []any{d}},
		{name: "decimals and strings", vals: []any{d, "ACC-1", d2, "ACC-1", "é𝄞\x00"}},
		{name: "empty array", vals: []any{}},
		{name: "null", vals: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := cdc.EncodeJavaArray(tt.vals)
			if err != nil {
				t.Fatal(err)
			}
			got, err := encodeJavaKey(tt.vals, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("encodeJavaKey = %s\ncdc writes     %s", got, want)
			}
			back, err := decodeJavaKey(want, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(back) != len(tt.vals) {
				t.Fatalf("decoded %d elements, want %d", len(back), len(tt.vals))
			}
			for i, v := range tt.vals {
				if s := valueText(v); back[i] != s {
					t.Errorf("element %d = %#v, want %q", i, back[i], s)
				}
			}
		})
	}
}

// TestJavaKeyBadInput feeds streams the reader must refuse with an error naming the
// problem, never a panic or a guess.
func TestJavaKeyBadInput(t *testing.T) {
	ts, _ := encodeJavaKey([]any{javaOracleTimestamp{time.Date(2024, 3, 5, 10, 20, 30, 0, time.UTC)}}, nil)
	tests := []struct {
		name, hex, want string
	}{
		{name: "not hex", hex: "zz", want: "invalid byte"},
		{name: "bad header", hex: "aced000670", want: "bad stream header"},
		{name: "truncated", hex: ts[:len(ts)-6], want: "truncated"},
		{name: "invalid TIMESTAMP bytes", hex: strings.Replace(ts, "787c03050b151f", "787c0d050b151f", 1), want: "invalid date bytes"},
		// a serialized java.util.UUID: a class no key column maps to
		{name: "unsupported class", hex: "aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c020000787000000001" +
			"7372000e6a6176612e7574696c2e55554944bc9903f7986d852f0200024a000c6c65617374536967426974734a000b6d6f7374536967426974737870" +
			"00000000000000010000000000000002", want: "class java.util.UUID"},
		{name: "dangling reference", hex: "aced00057571007e0005", want: "dangling reference"},
		{name: "a string, not an array", hex: "aced0005740001", want: "truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeJavaKey(tt.hex, nil)
			if err == nil || !errors.Is(err, javaser.ErrStream) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one wrapping javaser.ErrStream naming %q", err, tt.want)
			}
		})
	}
}

// FuzzDecodeJavaKey checks that no stream panics the reader.
func FuzzDecodeJavaKey(f *testing.F) {
	for _, vals := range [][]any{{javaSQLTimestamp{time.Unix(0, 0)}}, {javaOracleTimestamp{time.Unix(1e9, 5)}, "a"}} {
		h, _ := encodeJavaKey(vals, nil)
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		decodeJavaKey(h, nil)
	})
}
