package workerconfig

import (
	"bytes"
	"testing"
)

// FuzzParseProperties: any file content parses or fails with an error, never a panic.
func FuzzParseProperties(f *testing.F) {
	for _, s := range []string{"a=b\n", "k\\\n  v", "\\u00e9=\\uD83D\\uDE00", "#c\r\n!d\rk:v", "\\", "k=\\u12", "\xe9=\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseProperties(bytes.NewReader(b))
	})
}

// FuzzParseJAAS: any sasl.jaas.config parses or fails, never a panic.
func FuzzParseJAAS(f *testing.F) {
	for _, s := range []string{PlainLoginModule + ` required username="u" password="p";`, `m r a="\`, `;;==`, `m required a=b; c`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseJAAS(s)
	})
}
