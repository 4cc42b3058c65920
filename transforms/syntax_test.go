package transforms

import (
	"math"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/schemas"
)

func TestSplitV2(t *testing.T) {
	cases := []struct {
		name, path, want string
	}{
		{name: "plain", path: "a", want: "a"},
		{name: "dotted", path: "a.b.c", want: "a|b|c"},
		{name: "quoted with dots", path: "`a.b`.c", want: "a.b|c"},
		{name: "quoted last", path: "a.`b.c`", want: "a|b.c"},
		{name: "escaped backtick", path: "`a``b`.c", want: "a`b|c"},
		{name: "unclosed backtick is plain", path: "`a.b", want: "`a|b"},
		{name: "backtick inside a plain step", path: "a`b.c", want: "a`b|c"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := splitV2(tc.path)
			if err != nil || strings.Join(got, "|") != tc.want {
				t.Fatalf("splitV2(%q) = %q, %v; want %q", tc.path, got, err, tc.want)
			}
		})
	}
}

func TestJavaFloat(t *testing.T) {
	cases := []struct {
		name string
		f    float64
		bits int
		want string
	}{
		{name: "whole", f: 1, bits: 64, want: "1.0"},
		{name: "fraction", f: 2.75, bits: 64, want: "2.75"},
		{name: "large", f: 1e10, bits: 64, want: "1.0E10"},
		{name: "small", f: 0.0001, bits: 64, want: "1.0E-4"},
		{name: "float32 rounding", f: float64(float32(0.1)), bits: 32, want: "0.1"},
		{name: "negative zero", f: math.Copysign(0, -1), bits: 64, want: "-0.0"},
		{name: "nan", f: math.NaN(), bits: 64, want: "NaN"},
		{name: "below 1e7", f: 9999999, bits: 64, want: "9999999.0"},
		{name: "at 1e7", f: 12345678, bits: 64, want: "1.2345678E7"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := javaFloat(tc.f, tc.bits); got != tc.want {
				t.Fatalf("javaFloat(%v) = %s, want %s", tc.f, got, tc.want)
			}
		})
	}
}

func TestParseLiteral(t *testing.T) {
	cases := []struct {
		name, in string
		want     string
	}{
		{name: "bool", in: "TRUE", want: "boolean true"},
		{name: "int8", in: "-128", want: "int8 int8(-128)"},
		{name: "int32", in: "70000", want: "int32 int32(70000)"},
		{name: "int64", in: "5000000000", want: "int64 int64(5000000000)"},
		{name: "float32", in: "1.5", want: "float float32(1.5)"},
		{name: "float64", in: "0.1", want: "double float64(0.1)"},
		{name: "string", in: "hello world", want: `string "hello world"`},
		{name: "empty", in: "", want: `string ""`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, v := parseLiteral(tc.in)
			if got := renderSchema(s) + " " + renderValue(v); got != tc.want {
				t.Fatalf("parseLiteral(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestJavaReplacement(t *testing.T) {
	cases := []struct {
		name, regex, repl, in, want string
		match                       bool
		wantErr                     string
	}{
		{name: "group 1", regex: `a(\d+)`, repl: "b$1", in: "a12", want: "b12", match: true},
		{name: "greedy group digits", regex: `(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)`, repl: "$11-$10-$1", in: "abcdefghijk", want: "k-j-a", match: true},
		{name: "escaped dollar and backslash", regex: `x`, repl: `\$\\`, in: "x", want: `$\`, match: true},
		{name: "optional group absent", regex: `a(b)?`, repl: "[$1]", in: "a", want: "[]", match: true},
		{name: "no match", regex: `a`, repl: "b", in: "ab", match: false},
		{name: "unknown name", regex: `(?<x>a)`, repl: "${y}", wantErr: "No group with name {y}"},
		{name: "dangling dollar", regex: `a`, repl: "b$", wantErr: "group index is missing"},
		{name: "dangling backslash", regex: `a`, repl: `b\`, wantErr: "character to be escaped is missing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := compileJavaPattern(tc.regex, tc.repl, "regex", "replacement")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, ok := p.replace(tc.in)
			if ok != tc.match || got != tc.want {
				t.Fatalf("replace(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.match)
			}
		})
	}
}

func TestSchemaCacheIsPerInputSchema(t *testing.T) {
	p, _ := Lookup("ReplaceField$Value")
	tr, err := p.NewTransformation(cfg("exclude", "email"))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := tr.Apply(rec(nil, nil, personSchema, person(1, "a", nil)))
	b, _ := tr.Apply(rec(nil, nil, personSchema, person(2, "b", nil)))
	if a.ValueSchema != b.ValueSchema {
		t.Fatalf("derived schema not reused for the same input schema")
	}
	other := schemas.StructBuilder().Name("x").Field("id", schemas.Int64Schema).Field("email", schemas.StringSchema).Schema()
	c, _ := tr.Apply(rec(nil, nil, other, schemas.NewStruct(other).Set("id", int64(1)).Set("email", "e")))
	if got := renderSchema(c.ValueSchema); got != "struct<x>{id:int64}" {
		t.Fatalf("second input schema: %s", got)
	}
}
