package transforms

import (
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

var (
	testTime = time.Date(2024, 1, 2, 3, 4, 5, 678_000_000, time.UTC)

	personSchema = schemas.StructBuilder().Name("shop.Person").Version(2).
			Field("id", schemas.Int32Schema).
			Field("name", schemas.StringSchema).
			Field("email", schemas.OptionalStringSchema).
			Schema()
)

func person(id int32, name string, email any) *schemas.Struct {
	st := schemas.NewStruct(personSchema).Set("id", id).Set("name", name)
	if email != nil {
		st.Set("email", email)
	}
	return st
}

func part(p int32) *int32 { return &p }

// rec returns a record on topic "orders", partition 3, with the sink-style position
// "orders-3-42" and a fixed timestamp.
func rec(ks *schemas.Schema, k any, vs *schemas.Schema, v any, hs ...connectors.Header) *connectors.Record {
	return &connectors.Record{Topic: "orders", KafkaPartition: part(3), KeySchema: ks, Key: k, ValueSchema: vs, Value: v,
		Timestamp: testTime, Headers: hs, Position: "orders-3-42"}
}

// what selects the part of a record a test compares.
type what int

const (
	valuePart what = iota
	keyPart
	topicPart
	headersPart
	wholeRecord
)

func renderPart(r *connectors.Record, w what) string {
	if r == nil {
		return "DROPPED"
	}
	switch w {
	case keyPart:
		return renderSchema(r.KeySchema) + " " + renderValue(r.Key)
	case topicPart:
		return r.Topic
	case headersPart:
		full := renderRecord(r)
		return full[strings.Index(full, "headers="):]
	case wholeRecord:
		return renderRecord(r)
	}
	return renderSchema(r.ValueSchema) + " " + renderValue(r.Value)
}

// transformCase is one row of a transformation table test.
type transformCase struct {
	name    string
	class   string
	cfg     map[string]string
	in      *connectors.Record
	part    what
	want    string // rendered part; ignored when wantErr is set
	wantErr string // substring of the error
}

func runTransformCases(t *testing.T, cases []transformCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := Lookup(tc.class)
			if !ok {
				t.Fatalf("Lookup(%q) found nothing", tc.class)
			}
			tr, err := p.NewTransformation(connectors.Config(tc.cfg))
			var out *connectors.Record
			before := renderRecord(tc.in)
			if err == nil {
				out, err = tr.Apply(tc.in)
			}
			if tc.wantErr != "" { // a construction or an Apply error
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got := renderPart(out, tc.part); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if after := renderRecord(tc.in); after != before {
				t.Errorf("input record was modified:\nbefore %s\nafter  %s", before, after)
			}
			if out != nil && out != tc.in && out.Position != tc.in.Position {
				t.Errorf("position not carried: %q", out.Position)
			}
		})
	}
}

func cfg(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// mustBuild builds a transformation; with wantErr it checks the construction error
// contains wantErr and returns nil.
func mustBuild(t *testing.T, class string, cfg map[string]string, wantErr string) Transformation {
	t.Helper()
	p, ok := Lookup(class)
	if !ok {
		t.Fatalf("Lookup(%q) found nothing", class)
	}
	tr, err := p.NewTransformation(connectors.Config(cfg))
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("error = %v, want it to contain %q", err, wantErr)
		}
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
