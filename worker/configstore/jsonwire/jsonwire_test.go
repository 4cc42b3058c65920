package jsonwire

import (
	"encoding/json"
	"testing"
)

func TestAppendString(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "plain", in: "abc", want: `"abc"`},
		{name: "html not escaped", in: "<a>&'/", want: `"<a>&'/"`},
		{name: "quote and backslash", in: `a"b\c`, want: `"a\"b\\c"`},
		{name: "short escapes", in: "\b\t\n\f\r", want: `"\b\t\n\f\r"`},
		{name: "other controls upper hex", in: "\x00\x01\x1b\x1f", want: `"\u0000\u0001\u001B\u001F"`},
		{name: "DEL raw", in: "\x7f", want: "\"\x7f\""},
		{name: "non-ASCII raw", in: "é✓😀", want: `"é✓😀"`},
		{name: "line separators raw", in: "\u2028\u2029", want: "\"\u2028\u2029\""},
		{name: "invalid UTF-8 replaced", in: "a\xffb", want: "\"a\uFFFDb\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(AppendString(nil, tt.in))
			if got != tt.want {
				t.Fatalf("AppendString(%q) = %q, want %q", tt.in, got, tt.want)
			}
			var back string
			if err := json.Unmarshal([]byte(got), &back); err != nil {
				t.Fatalf("output is not valid JSON: %v", err)
			}
		})
	}
}

func TestObject(t *testing.T) {
	var empty Object
	if got := string(empty.Bytes()); got != "{}" {
		t.Errorf("empty object = %q", got)
	}
	var o Object
	o.String("s", "x")
	o.OptionalString("trace", nil)
	o.Int("n", -5)
	o.Bool("b", false)
	o.StringMap("m", map[string]string{"z": "1", "a": "2"})
	var inner Object
	inner.Int("i", 1)
	o.Raw("o", inner.Bytes())
	want := `{"s":"x","trace":null,"n":-5,"b":false,"m":{"a":"2","z":"1"},"o":{"i":1}}`
	if got := string(o.Bytes()); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestDecodeAndInt(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		wantInt bool
		wantErr bool
	}{
		{name: "tombstone", in: nil},
		{name: "integer", in: []byte(`7`), wantInt: true},
		{name: "float", in: []byte(`7.0`)},
		{name: "exponent", in: []byte(`7e0`)},
		{name: "too big", in: []byte(`99999999999999999999`)},
		{name: "empty", in: []byte{}, wantErr: true},
		{name: "garbage", in: []byte(`{`), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Decode(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Decode err = %v", err)
			}
			if _, ok := Int(v); ok != tt.wantInt {
				t.Fatalf("Int(%v) ok = %v, want %v", v, ok, tt.wantInt)
			}
		})
	}
}
