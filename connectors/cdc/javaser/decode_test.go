package javaser

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// objectArrayOf1 is the start of a serialized Object[] of one element.
const objectArrayOf1 = "aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c020000787000000001"

// TestDecodeBadInput feeds streams the reader must refuse with an error wrapping
// ErrStream that names the problem, never a panic or a guess.
func TestDecodeBadInput(t *testing.T) {
	int42 := readGolden(t, "int42")
	ts, err := EncodeArray([]any{OracleTimestamp{time.Date(2024, 3, 5, 10, 20, 30, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	// an object of class x whose superclass is x itself (handle 2)
	selfSuper := objectArrayOf1 + "73" + "72" + "000178" + "0000000000000000" + "02" + "0000" + "78" + "71007e0002"
	tests := []struct {
		name, in, want string
	}{
		{name: "not hex", in: "zz", want: "invalid byte"},
		{name: "bad magic", in: "abcd000570", want: "bad stream header"},
		{name: "bad version", in: "aced000670", want: "bad stream header"},
		{name: "truncated", in: int42[:60], want: "truncated"},
		{name: "a string, not an array", in: "aced0005740001", want: "truncated"},
		{name: "a whole string, not an array", in: "aced000574000161", want: "holds a string, not an Object[]"},
		{name: "dangling reference", in: "aced00057571007e0005", want: "dangling reference at byte 5"},
		{name: "BigDecimal without fields", in: objectArrayOf1 + "737200146a6176612e6d6174682e426967446563696d616c" +
			"0000000000000000020000787070", want: "element 0: not a serialized Java Object[] of supported values: java.math.BigDecimal without scale"},
		{name: "Integer with a long value", in: objectArrayOf1 + "737200116a6176612e6c616e672e496e7465676572" +
			"12e2a0a4f7818738020001" + "4a000576616c7565" + "7870" + "0000000000000001", want: "java.lang.Integer without its I field value"},
		{name: "invalid TIMESTAMP bytes", in: strings.Replace(ts, "787c03050b151f", "787c0d050b151f", 1), want: "invalid date bytes"},
		{name: "February 30", in: strings.Replace(ts, "787c03050b151f", "787c021e0b151f", 1), want: "invalid date bytes"},
		{name: "unsupported class", in: readGolden(t, "uuid"), want: "element 0: not a serialized Java Object[] of supported values: values of class java.util.UUID are not supported"},
		{name: "int[] element", in: objectArrayOf1 + "757200025b494dba602676eab2a5020000787000000001" + "00000007", want: "values of class [I are not supported"},
		{name: "class its own superclass", in: selfSuper, want: "class x has more than 64 superclasses"},
		{name: "externalizable", in: objectArrayOf1 + "7372000178" + "0000000000000000" + "0c0000" + "7870", want: "externalizable class x"},
		{name: "bad field type", in: objectArrayOf1 + "7372000178" + "0000000000000000" + "020001" + "51000176" + "7870", want: "field v of x has type code 0x51"},
		{name: "nested too deep", in: "aced0005" + deepArrays(70), want: "nested deeper than 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals, err := DecodeArray(tt.in)
			if err == nil || !errors.Is(err, ErrStream) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %#v, error %v; want one wrapping ErrStream containing %q", vals, err, tt.want)
			}
		})
	}
}

// deepArrays is a stream body of n Object[]s each holding the next.
func deepArrays(n int) string {
	var b strings.Builder
	b.WriteString("757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c020000787000000001")
	for range n - 1 {
		b.WriteString("7571007e000000000001")
	}
	b.WriteString("70")
	return b.String()
}

// TestEncodeBadInput checks that values Java cannot hold are refused with the
// element's position.
func TestEncodeBadInput(t *testing.T) {
	tests := []struct {
		name string
		vals []any
		want string
	}{
		{name: "unsigned beyond Long", vals: []any{"a", uint64(1 << 63)}, want: "element 1: unsigned value 9223372036854775808 does not fit in java.lang.Long"},
		{name: "unknown Go type", vals: []any{struct{}{}}, want: "element 0: value of type struct {} cannot be written"},
		{name: "year beyond TIMESTAMP", vals: []any{nil, OracleTimestamp{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
			want: "element 1: year 10000 is outside oracle.sql.TIMESTAMP's range"},
		{name: "instant beyond Timestamp", vals: []any{Timestamp{time.Unix(math.MaxInt64/1000+1, 0)}}, want: "element 0: " + time.Unix(math.MaxInt64/1000+1, 0).String() + " is outside java.sql.Timestamp's range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if h, err := EncodeArray(tt.vals); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %s, error %v; want one containing %q", h, err, tt.want)
			}
		})
	}
}

// uuid is a connector's own class, java.util.UUID, through the extension point.
type uuid struct{ most, least int64 }

var classUUID = &Class{Name: "java.util.UUID", SUID: -4856846361193249489, Flags: SCSerializable,
	Fields: []Field{{Code: 'J', Name: "leastSigBits"}, {Code: 'J', Name: "mostSigBits"}}}

func (u uuid) MarshalJava(w *Writer) error {
	w.NewObject(classUUID)
	w.Int64(u.least)
	w.Int64(u.most)
	return nil
}

func readUUID(o *Object) (any, error) {
	least, ok1 := o.Field(classUUID.Name, "leastSigBits").(int64)
	most, ok2 := o.Field(classUUID.Name, "mostSigBits").(int64)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("%w: java.util.UUID without its bits", ErrStream)
	}
	return uuid{most: most, least: least}, nil
}

// TestExtensionClass reads and writes a class the package does not know through
// Decoder.Classes and Marshaler, byte for byte as Java wrote it, next to built-in
// values whose descriptors it then shares.
func TestExtensionClass(t *testing.T) {
	golden := readGolden(t, "uuid")
	d := Decoder{Classes: map[string]ReadFunc{classUUID.Name: readUUID}}
	got, err := d.DecodeArray(golden)
	if err != nil {
		t.Fatal(err)
	}
	if want := []any{uuid{most: 2, least: 1}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("decoded %#v, want %#v", got, want)
	}
	h, err := EncodeArray(got)
	if err != nil || h != golden {
		t.Fatalf("encoded %s, %v\nwant %s", h, err, golden)
	}
	mixed := []any{uuid{most: -1, least: 3}, Int(4), uuid{most: 5, least: 6}}
	h, err = EncodeArray(mixed)
	if err != nil {
		t.Fatal(err)
	}
	back, err := d.DecodeArray(h)
	if err != nil || !reflect.DeepEqual(back, mixed) {
		t.Fatalf("round trip: %#v, %v", back, err)
	}
}

// TestBlockDataAndAnnotations reads class annotations and writeObject data with
// objects between blocks, as a generic stream may hold them: a Date subclass whose
// class annotation holds a string and a long block.
func TestBlockDataAndAnnotations(t *testing.T) {
	w := newWriter()
	w.b = append(w.b, tcArray)
	w.ClassDesc(classObjectArray)
	w.next++
	w.Int32(1)
	// java.sql.Timestamp written by hand with an annotated java.util.Date descriptor
	w.b = append(w.b, tcObject, tcClassDesc)
	w.utf(classTimestamp.Name)
	w.Int64(classTimestamp.SUID)
	w.b = append(w.b, classTimestamp.Flags, 0, 1, 'I')
	w.utf("nanos")
	w.EndBlockData()
	w.b = append(w.b, tcClassDesc)
	w.utf(classDate.Name)
	w.Int64(classDate.SUID)
	w.b = append(w.b, classDate.Flags, 0, 0)
	w.String("annotation")
	w.BlockData(make([]byte, 300))
	w.EndBlockData()
	w.Null()
	w.BlockData(binary.BigEndian.AppendUint64(nil, 1000))
	w.String("dropped")
	w.EndBlockData()
	w.Int32(7)
	got, err := DecodeArray(fmt.Sprintf("%x", w.b))
	if err != nil {
		t.Fatal(err)
	}
	if want := []any{Timestamp{time.Unix(1, 7).UTC()}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("decoded %#v, want %#v", got, want)
	}
}

// FuzzDecodeArray feeds stored offset keys of any shape to the decoder: it must
// return an error or values that encode and decode to the same values, never panic.
func FuzzDecodeArray(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.hex"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(strings.TrimSpace(string(b)))
	}
	for _, vals := range [][]any{{Timestamp{time.Unix(0, 0)}}, {OracleTimestamp{time.Unix(1e9, 5)}, "a"}} {
		h, err := EncodeArray(vals)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, s string) {
		vals, err := DecodeArray(s)
		if err != nil {
			if !errors.Is(err, ErrStream) {
				t.Fatalf("error %v does not wrap ErrStream", err)
			}
			return
		}
		h, err := EncodeArray(vals)
		if err != nil {
			t.Fatalf("decoded %#v does not encode: %v", vals, err)
		}
		back, err := DecodeArray(h)
		if err != nil || fmt.Sprint(back) != fmt.Sprint(vals) {
			t.Fatalf("re-encoded %v: %v, %v", vals, back, err)
		}
	})
}
