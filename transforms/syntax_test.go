package transforms

import (
	"strings"
	"testing"

	"github.com/gonnect/gonnect/schemas"
)

func TestSplitV2(t *testing.T) {
	cases := []struct {
		name, path, want, wantErr string
	}{
		{name: "plain", path: "a", want: "a"},
		{name: "dotted", path: "a.b.c", want: "a|b|c"},
		{name: "quoted with dots", path: "`a.b`.c", want: "a.b|c"},
		{name: "quoted last", path: "a.`b.c`", want: "a|b.c"},
		{name: "backtick not before a dot stays in the name", path: "`a`b`.c", want: "a`b|c"},
		{name: "escaped closing backtick", path: "`a\\`.b`.c", want: "a`.b|c"},
		{name: "trailing dot adds an empty step", path: "a.", want: "a|"},
		{name: "backtick inside a plain step", path: "a`b.c", want: "a`b|c"},
		{name: "unclosed backtick", path: "a.`b.c", wantErr: "Incomplete backtick pair in path: [a.`b.c], consider adding a backslash before backtick at position 2 to escape it"},
		{name: "escaped final backtick", path: "`a\\`", wantErr: "at position 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := splitV2(tc.path)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("splitV2(%q) error = %v, want %q", tc.path, err, tc.wantErr)
				}
				return
			}
			if err != nil || strings.Join(got, "|") != tc.want {
				t.Fatalf("splitV2(%q) = %q, %v; want %q", tc.path, got, err, tc.want)
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
