package offsets

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/internal/golden"
)

// golden compares got with testdata/<name>, rewriting it under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), got)
}

// javaReference reads testdata/java-reference.txt, printed by a real JVM running
// testdata/JavaReference.java: lines "order <inserted> -> <iterated>" and
// "double|float <Java toString> <raw bits>".
func javaReference(t *testing.T, kind string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "java-reference.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 0 && fields[0] == kind {
			out = append(out, fields[1:])
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %q lines in java-reference.txt", kind)
	}
	return out
}

func TestHashMapOrderMatchesJava(t *testing.T) {
	// server_id and event share a bucket: Java iterates them in insertion order,
	// which a Go map does not keep, so Gonnect's documented tie-break (sorted) applies.
	tieBreak := map[string]string{
		"ts_sec,file,pos,gtids,row,server_id,event,snapshot": "ts_sec,file,pos,gtids,row,event,server_id,snapshot",
	}
	for _, line := range javaReference(t, "order") {
		inserted, want := line[0], line[2]
		if w, ok := tieBreak[want]; ok {
			want = w
		}
		t.Run(inserted, func(t *testing.T) {
			got := strings.Join(hashMapOrder(strings.Split(inserted, ",")), ",")
			if got != want {
				t.Fatalf("order %s, Java's HashMap iterates %s", got, want)
			}
		})
	}
}

func TestJavaFloatMatchesJava(t *testing.T) {
	// Java 17 (the JVM that printed the reference) still used the pre-JDK-19
	// algorithm, which is not always shortest; Java 19+ prints 1.0E23.
	jdk19 := map[string]string{"9.999999999999999E22": "1.0E23"}
	for _, kind := range []string{"double", "float"} {
		for _, line := range javaReference(t, kind) {
			want, bitsStr := line[0], line[1]
			t.Run(kind+" "+want, func(t *testing.T) {
				bits, err := strconv.ParseInt(bitsStr, 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				var got string
				if kind == "double" {
					got = string(appendJavaFloat(nil, math.Float64frombits(uint64(bits)), 64))
				} else {
					got = string(appendJavaFloat(nil, float64(math.Float32frombits(uint32(bits))), 32))
				}
				if w, ok := jdk19[want]; ok {
					want = w
				}
				if got != want {
					t.Fatalf("got %s, Java prints %s", got, want)
				}
			})
		}
	}
}

// keyCases are the offset keys pinned by testdata/offset-keys.golden, written from
// spec connect.md §2.2 and §2.4.
var keyCases = []struct {
	name      string
	connector string
	partition Partition
}{
	{name: "filestream", connector: "file-src", partition: Partition{"filename": "/data/in.txt"}},
	{name: "mysql server", connector: "inventory", partition: Partition{"server": "dbserver1"}},
	{name: "oracle server", connector: "ora", partition: Partition{"server": "server1"}},
	{name: "integer types agree", connector: "c", partition: Partition{"int": 7, "int32": int32(-7), "int64": int64(1) << 40, "uint8": uint8(255)}},
	{name: "floats as Java", connector: "c", partition: Partition{"d": 1.0, "f": float32(0.1), "big": 1e21, "small": 1e-4, "nan": math.NaN()}},
	{name: "booleans bytes and null", connector: "c", partition: Partition{"t": true, "f": false, "n": nil, "b": []byte{0, 1, 2, 250}}},
	{name: "no HTML escaping, UTF-8 as is", connector: "<c&d>/é", partition: Partition{"path": "a/b<c>&'d' 日本 \u2028"}},
	{name: "control characters", connector: "tab\there", partition: Partition{"s": "\"q\" \\ \b\f\n\r\t\x00\x01\x1f\x7f"}},
	{name: "hashmap order of many keys", connector: "c", partition: Partition{"ts_sec": 1, "file": "f", "pos": 4, "row": 0, "server_id": 1, "event": 2, "gtids": "g", "snapshot": true}},
	{name: "nested", connector: "c", partition: Partition{"tables": []any{"a", "b"}, "m": map[string]string{"k": "v"}}},
	{name: "empty partition", connector: "c", partition: Partition{}},
	{name: "nil partition", connector: "c", partition: nil},
}

func TestEncodeKeyGolden(t *testing.T) {
	var all strings.Builder
	for _, tt := range keyCases {
		b, err := EncodeKey(tt.connector, tt.partition)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		fmt.Fprintf(&all, "%s: %s\n", tt.name, b)
	}
	checkGolden(t, "offset-keys.golden", []byte(all.String()))
}

func TestEncodeValueGolden(t *testing.T) {
	tests := []struct {
		name   string
		offset Offset
	}{
		{name: "filestream position", offset: Offset{"position": int64(1234)}},
		{name: "mysql binlog", offset: Offset{"file": "mysql-bin.000003", "pos": int64(4711), "gtids": "0-1-5", "row": 1, "event": 2, "ts_sec": int64(1716220000)}},
		{name: "oracle scn", offset: Offset{"scn": "2838492", "commit_scn": "2838490:1:0a001b00", "snapshot": true, "snapshot_completed": false}},
		{name: "double", offset: Offset{"x": 0.5, "y": 1e7}},
	}
	var all strings.Builder
	for _, tt := range tests {
		b, err := EncodeValue(tt.offset)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		fmt.Fprintf(&all, "%s: %s\n", tt.name, b)
		back, err := DecodeValue(b)
		if err != nil {
			t.Fatalf("%s: decoding back: %v", tt.name, err)
		}
		again, _ := EncodeValue(back)
		if string(again) != string(b) {
			t.Errorf("%s: round trip changed bytes: %s -> %s", tt.name, b, again)
		}
	}
	checkGolden(t, "offset-values.golden", []byte(all.String()))
	if b, err := EncodeValue(nil); err != nil || b != nil {
		t.Fatalf("EncodeValue(nil) = %q, %v; want a nil tombstone", b, err)
	}
}

func TestKeyRoundTrip(t *testing.T) {
	for _, tt := range keyCases {
		if tt.partition == nil {
			continue // a null partition is not a decodable key, as in Java
		}
		t.Run(tt.name, func(t *testing.T) {
			b, err := EncodeKey(tt.connector, tt.partition)
			if err != nil {
				t.Fatal(err)
			}
			conn, p, err := DecodeKey(b)
			if err != nil {
				t.Fatalf("DecodeKey(%s): %v", b, err)
			}
			if conn != tt.connector {
				t.Errorf("connector %q, want %q", conn, tt.connector)
			}
			again, err := EncodeKey(conn, p)
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != string(b) {
				t.Errorf("re-encoded %s, want %s", again, b)
			}
		})
	}
}

func TestDecodeNumbersAsJava(t *testing.T) {
	_, p, err := DecodeKey([]byte(`["c",{"i":42,"neg":-1,"f":1.0,"e":1.0E10,"huge":123456789012345678901234}]`))
	if err != nil {
		t.Fatal(err)
	}
	want := Partition{"i": int64(42), "neg": int64(-1), "f": 1.0, "e": 1e10, "huge": 1.2345678901234568e23}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("got %#v, want %#v", p, want)
	}
}

func TestDecodeKeyRejects(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{name: "not json", in: `["c",{`, wantErr: "not valid JSON"},
		{name: "object", in: `{"c":1}`, wantErr: "is an object, want a JSON array"},
		{name: "one element", in: `["c"]`, wantErr: "has 1 elements, want 2"},
		{name: "three elements", in: `["c",{},{}]`, wantErr: "has 3 elements, want 2"},
		{name: "name not string", in: `[1,{}]`, wantErr: "element 0 is a number"},
		{name: "partition not object", in: `["c","p"]`, wantErr: "element 1 is a string"},
		{name: "null partition", in: `["c",null]`, wantErr: "element 1 is null"},
		{name: "trailing data", in: `["c",{}] x`, wantErr: "trailing data"},
		{name: "empty", in: ``, wantErr: "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := DecodeKey([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestDecodeValue(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		want    Offset
		wantErr string
	}{
		{name: "tombstone", in: nil, want: nil},
		{name: "json null", in: []byte("null"), want: nil},
		{name: "object", in: []byte(`{"position":7}`), want: Offset{"position": int64(7)}},
		{name: "array", in: []byte(`[1]`), wantErr: "is an array, want a JSON object"},
		{name: "garbage", in: []byte{0xff, 0x00}, wantErr: "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeValue(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v, %v; want %#v", got, err, tt.want)
			}
		})
	}
}

func TestEncodeRejectsUnsupportedTypes(t *testing.T) {
	_, err := EncodeKey("c", Partition{"ch": make(chan int)})
	if err == nil || !strings.Contains(err.Error(), "partition.ch: unsupported value type chan int") {
		t.Fatalf("error %v, want one naming partition.ch", err)
	}
	_, err = EncodeValue(Offset{"nested": map[string]any{"bad": struct{}{}}})
	if err == nil || !strings.Contains(err.Error(), "offset.nested.bad") {
		t.Fatalf("error %v, want one naming offset.nested.bad", err)
	}
}
