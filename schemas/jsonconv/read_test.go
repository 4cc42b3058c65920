package jsonconv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/schemas"
)

// TestToConnectText pins string decoding now that text is read lazily from the
// document: escapes in values and keys, surrogates, and invalid UTF-8.
func TestToConnectText(t *testing.T) {
	ctx := context.Background()
	plain := DefaultConfig()
	plain.SchemasEnable = false
	tests := []struct {
		name string
		cfg  Config
		in   string
		want any
	}{
		{name: "simple escapes", cfg: plain, in: `"a\"b\\c\/d\b\f\n\r\tA\u0041"`, want: "a\"b\\c/d\b\f\n\r\tAA"},
		{name: "lone high surrogate", cfg: plain, in: `"\ud800x"`, want: "\uFFFDx"},
		{name: "surrogate then non-low escape", cfg: plain, in: `"\ud83d\u0041"`, want: "\uFFFDA"},
		{name: "invalid utf-8 replaced", cfg: plain, in: "\"a\xffb\"", want: "a\uFFFDb"},
		{name: "escaped key", cfg: plain, in: `{"\u0061b":1,"c\n":"\u00e9"}`, want: map[string]any{"ab": int64(1), "c\n": "é"}},
		{name: "escaped envelope keys", cfg: DefaultConfig(), in: `{"\u0073chema":{"type":"string","optional":false},"p\u0061yload":"x"}`, want: "x"},
		{name: "escaped schema type", cfg: DefaultConfig(), in: `{"schema":{"type":"str\u0069ng"},"payload":"y"}`, want: "y"},
		{name: "escaped non-finite double", cfg: DefaultConfig(), in: `{"schema":{"type":"double"},"payload":"N\u0061N"}`, want: "NaN"},
		{name: "base64 bytes", cfg: DefaultConfig(), in: `{"schema":{"type":"bytes"},"payload":"AQID"}`, want: []byte{1, 2, 3}},
		{name: "escaped base64 bytes", cfg: DefaultConfig(), in: `{"schema":{"type":"bytes"},"payload":"AQ\u0049D"}`, want: []byte{1, 2, 3}},
		{name: "map tuples", cfg: DefaultConfig(), in: `{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"string"}},"payload":[[1,"a"],[2,"b"]]}`,
			want: []schemas.MapEntry{{Key: int32(1), Value: "a"}, {Key: int32(2), Value: "b"}}},
		{name: "parameters and doc", cfg: DefaultConfig(), in: `{"schema":{"type":"int32","doc":"d\u0021","parameters":{"k\u0021":"v"}},"payload":3}`, want: int32(3)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, v, err := New(tc.cfg).ToConnect(ctx, "t", []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if f, ok := v.(float64); ok && tc.want == "NaN" {
				if f == f {
					t.Fatalf("got %v, want NaN", f)
				}
				return
			}
			if !schemas.ValuesEqual(v, tc.want) {
				t.Fatalf("got %#v, want %#v", v, tc.want)
			}
		})
	}
}

// TestToConnectSchemaDetails pins that doc and parameters (read lazily) arrive in
// the parsed schema, and that the cached schema is returned for the same text.
func TestToConnectSchemaDetails(t *testing.T) {
	ctx := context.Background()
	c := New(DefaultConfig())
	in := []byte(`{"schema":{"type":"int32","optional":true,"name":"n\u0021","version":3,"doc":"d\u0021","parameters":{"k\u0021":"v","a":"b"}},"payload":3}`)
	s, _, err := c.ToConnect(ctx, "t", in)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "n!" || s.Doc != "d!" || s.Version != 3 || !s.Optional || len(s.Params) != 2 || s.Params[0].Key != "k!" || s.Params[0].Value != "v" || s.Params[1].Key != "a" {
		t.Fatalf("schema %+v", s)
	}
	s2, _, err := c.ToConnect(ctx, "t", bytes.Clone(in))
	if err != nil {
		t.Fatal(err)
	}
	if s2 != s {
		t.Fatal("the same schema text was parsed twice")
	}
}

// TestToConnectDoesNotAliasInput pins that values are copies: changing the input
// bytes after ToConnect leaves the returned values (and the schema cache) intact,
// also when pooled parsers move between documents of very different sizes.
func TestToConnectDoesNotAliasInput(t *testing.T) {
	ctx := context.Background()
	c := New(DefaultConfig())
	var big strings.Builder
	big.WriteString(`{"schema":{"type":"array","items":{"type":"string"}},"payload":[`)
	for i := range 10000 { // more nodes than a pooled parser keeps
		if i > 0 {
			big.WriteByte(',')
		}
		big.WriteString(`"s` + strconv.Itoa(i) + `"`)
	}
	big.WriteString(`]}`)
	for round := range 3 {
		docs := [][]byte{
			[]byte(`{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"a"},{"type":"bytes","optional":true,"field":"b"}],"optional":false},"payload":{"a":"hello","b":"AQID"}}`),
			[]byte(big.String()),
		}
		var vals []any
		for _, d := range docs {
			_, v, err := c.ToConnect(ctx, "t", d)
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			vals = append(vals, v)
		}
		for _, d := range docs {
			for i := range d {
				d[i] = 'X'
			}
		}
		st := vals[0].(*schemas.Struct)
		if st.Raw(0) != "hello" || !bytes.Equal(st.Raw(1).([]byte), []byte{1, 2, 3}) {
			t.Fatalf("round %d: struct changed with its input: %v", round, st)
		}
		arr := vals[1].([]any)
		if len(arr) != 10000 || arr[0] != "s0" || arr[9999] != "s9999" {
			t.Fatalf("round %d: array changed with its input: len %d", round, len(arr))
		}
	}
}

// FuzzSchemalessMatchesEncodingJSON checks the parser against encoding/json: a
// document is accepted exactly when encoding/json accepts it (up to maxDepth), and a
// schemaless value equals encoding/json's decoding (integers that fit int64 as
// int64, other numbers as float64; invalid UTF-8 and lone surrogates as U+FFFD).
func FuzzSchemalessMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,-0,1e400,"x\u00e9\ud83d\ude00"],"b":{"c":null,"d":true}}`, `"\ud800\u0041"`, "\"a\xffb\"",
		`{"a":1,"a":2}`, `[1,]`, `01`, `"\x"`, ` [ "\/\b" ] `, `12345678901234567890`} {
		f.Add([]byte(s))
	}
	plain := DefaultConfig()
	plain.SchemasEnable = false
	c := New(plain)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, b []byte) {
		_, got, err := c.ToConnect(ctx, "t", b)
		if err != nil && strings.Contains(err.Error(), "nesting deeper") {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var want any
		werr := dec.Decode(&want)
		if werr == nil && dec.More() {
			werr = errors.New("trailing data")
		}
		if werr == nil {
			if _, terr := dec.Token(); terr != io.EOF {
				werr = errors.New("trailing data")
			}
		}
		if (err == nil) != (werr == nil) {
			t.Fatalf("%q: ours %v, encoding/json %v", b, err, werr)
		}
		if err == nil && !sameJSON(got, want) {
			t.Fatalf("%q: ours %#v, encoding/json %#v", b, got, want)
		}
	})
}

func sameJSON(got, want any) bool {
	switch w := want.(type) {
	case json.Number:
		switch g := got.(type) {
		case int64:
			x, err := w.Int64()
			return err == nil && x == g
		case float64:
			x, _ := strconv.ParseFloat(string(w), 64)
			return x == g
		}
		return false
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !sameJSON(g[i], w[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, v := range w {
			if gv, ok := g[k]; !ok || !sameJSON(gv, v) {
				return false
			}
		}
		return true
	}
	return got == want
}
