package offsets

import (
	"testing"
)

// FuzzDecodeKey feeds arbitrary offsets-topic keys (anyone can write to the topic):
// decoding never panics, and a decoded key re-encodes to bytes that decode to the
// same connector and the same canonical bytes again.
func FuzzDecodeKey(f *testing.F) {
	for _, s := range []string{`["c",{"p":1}]`, `["c",{}]`, `[1,{}]`, `["c",null]`, `["a\u0000b",{"x":[1,2.5,true,null,"s"]}]`, `{}`, ``, `[`, `["c",{"d":1e400}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		conn, p, err := DecodeKey(b)
		if err != nil {
			return
		}
		enc, err := EncodeKey(conn, p)
		if err != nil {
			t.Fatalf("decoded key %q does not re-encode: %v", b, err)
		}
		conn2, p2, err := DecodeKey(enc)
		if err != nil || conn2 != conn {
			t.Fatalf("re-encoded key %q does not decode back: %v", enc, err)
		}
		enc2, _ := EncodeKey(conn2, p2)
		if string(enc2) != string(enc) {
			t.Fatalf("canonical bytes unstable: %q then %q", enc, enc2)
		}
	})
}

// FuzzDecodeValue: offsets-topic values never panic the reader.
func FuzzDecodeValue(f *testing.F) {
	for _, s := range []string{`{"position":1}`, `null`, `[1]`, `{"a":{"b":[1e308,-0.0]}}`, "\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		o, err := DecodeValue(b)
		if err != nil || o == nil {
			return
		}
		if _, err := EncodeValue(o); err != nil {
			t.Fatalf("decoded value %q does not re-encode: %v", b, err)
		}
	})
}
