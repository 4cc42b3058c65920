package transforms

import (
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

func onTopic(topic string) *connectors.Record {
	r := rec(nil, nil, nil, map[string]any{})
	r.Topic = topic
	return r
}

func TestRouters(t *testing.T) {
	runTransformCases(t, []transformCase{
		{name: "regex with groups", class: "org.apache.kafka.connect.transforms.RegexRouter", cfg: cfg("regex", `(.*)\.inventory\.(.*)`, "replacement", "$2_$1"), part: topicPart,
			in: onTopic("dbserver1.inventory.customers"), want: "customers_dbserver1"},
		{name: "regex must match the whole topic", class: "RegexRouter", cfg: cfg("regex", "inventory", "replacement", "x"), part: topicPart,
			in: onTopic("dbserver1.inventory.customers"), want: "dbserver1.inventory.customers"},
		{name: "java replacement escapes and named groups", class: "RegexRouter", cfg: cfg("regex", `(?P<db>[a-z]+)-(\d+)`, "replacement", `${db}\$$2$20`), part: topicPart,
			in: onTopic("shop-7"), want: "shop$770"},
		{name: "bad regex", class: "RegexRouter", cfg: cfg("regex", "(a", "replacement", "x"),
			in: onTopic("a"), wantErr: "Invalid value (a for configuration regex"},
		{name: "missing group", class: "RegexRouter", cfg: cfg("regex", "(a)", "replacement", "$2"),
			in: onTopic("a"), wantErr: "No group 2"},
		{name: "timestamp router defaults", class: "TimestampRouter", cfg: cfg(), part: topicPart,
			in: onTopic("orders"), want: "orders-20240102"},
		{name: "timestamp router format", class: "TimestampRouter", cfg: cfg("topic.format", "${timestamp}_${topic}", "timestamp.format", "yyyy-MM"), part: topicPart,
			in: onTopic("orders"), want: "2024-01_orders"},
		{name: "timestamp missing", class: "TimestampRouter", cfg: cfg(),
			in: func() *connectors.Record { r := onTopic("orders"); r.Timestamp = time.Time{}; return r }(), wantErr: "Timestamp missing on record"},
	})
}

func TestSetSchemaMetadata(t *testing.T) {
	runTransformCases(t, []transformCase{
		{name: "name and version", class: "SetSchemaMetadata$Value", cfg: cfg("schema.name", "shop.Customer", "schema.version", "3"),
			in: rec(nil, nil, personSchema, person(1, "ann", nil)), want: `struct<shop.Customer>{id:int32,name:string,email:?string} {id=int32(1),name="ann",email=null}`},
		{name: "key primitive", class: "SetSchemaMetadata$Key", cfg: cfg("schema.name", "k"), part: keyPart,
			in: rec(schemas.StringSchema, "a", nil, nil), want: `string<k> "a"`},
		{name: "schema required", class: "SetSchemaMetadata$Value", cfg: cfg("schema.name", "x"),
			in: rec(nil, nil, nil, "a"), wantErr: "Schema required for [updating schema metadata]"},
		{name: "nothing configured", class: "SetSchemaMetadata$Value", cfg: cfg(),
			in: rec(nil, nil, nil, nil), wantErr: "Neither schema name nor version configured"},
	})
}

func TestHeaderTransforms(t *testing.T) {
	existing := []connectors.Header{{Key: "a", Schema: schemas.StringSchema, Value: "1"}, {Key: "b", Value: "2"}, {Key: "a", Value: "3"}}
	runTransformCases(t, []transformCase{
		{name: "header from move", class: "HeaderFrom$Value", cfg: cfg("fields", "email,id", "headers", "h_email,h_id", "operation", "move"), part: wholeRecord,
			in:   rec(nil, nil, personSchema, person(7, "ann", "a@x")),
			want: `topic=orders key=nil:null value=struct<shop.Person>{name:string}:{name="ann"} headers=[h_email:?string="a@x" h_id:int32=int32(7)]`},
		{name: "header from copy schemaless key", class: "HeaderFrom$Key", cfg: cfg("fields", "k", "headers", "hk", "operation", "copy"), part: wholeRecord,
			in:   rec(nil, map[string]any{"k": "v"}, nil, nil),
			want: `topic=orders key=nil:map{k="v"} value=nil:null headers=[hk:nil="v"]`},
		{name: "header from unknown field", class: "HeaderFrom$Value", cfg: cfg("fields", "nope", "headers", "h", "operation", "copy"),
			in: rec(nil, nil, personSchema, person(7, "ann", nil)), wantErr: "Unknown field: nope"},
		{name: "header from size mismatch", class: "HeaderFrom$Value", cfg: cfg("fields", "a,b", "headers", "h", "operation", "copy"),
			in: rec(nil, nil, nil, nil), wantErr: "'fields' config must have the same number of elements as 'headers' config."},
		{name: "header from bad operation", class: "HeaderFrom$Value", cfg: cfg("fields", "a", "headers", "h", "operation", "cut"),
			in: rec(nil, nil, nil, nil), wantErr: "Invalid value cut for configuration operation: String must be one of: move, copy"},
		{name: "insert header string", class: "InsertHeader", cfg: cfg("header", "src", "value.literal", "gonnect"), part: headersPart,
			in: rec(nil, nil, nil, nil), want: `headers=[src:string="gonnect"]`},
		{name: "insert header number", class: "InsertHeader", cfg: cfg("header", "n", "value.literal", "300"), part: headersPart,
			in: rec(nil, nil, nil, nil), want: `headers=[n:int16=int16(300)]`},
		{name: "insert header boolean", class: "InsertHeader", cfg: cfg("header", "b", "value.literal", "true"), part: headersPart,
			in: rec(nil, nil, nil, nil), want: `headers=[b:boolean=true]`},
		{name: "insert header array", class: "InsertHeader", cfg: cfg("header", "a", "value.literal", "[1,2]"), part: headersPart,
			in: rec(nil, nil, nil, nil), want: `headers=[a:array[int8]=[int8(1),int8(2)]]`},
		{name: "insert header empty name allowed", class: "InsertHeader", cfg: cfg("header", "", "value.literal", "x"), part: headersPart,
			in: rec(nil, nil, nil, nil), want: `headers=[:string="x"]`},
		{name: "drop headers", class: "DropHeaders", cfg: cfg("headers", "a,zz"), part: headersPart,
			in: rec(nil, nil, nil, nil, existing...), want: `headers=[b:nil="2"]`},
		{name: "filter drops", class: "org.apache.kafka.connect.transforms.Filter", cfg: cfg(), part: wholeRecord,
			in: rec(nil, nil, nil, nil), want: "DROPPED"},
	})
}

func TestPredicates(t *testing.T) {
	withHeader := rec(nil, nil, nil, "v", connectors.Header{Key: "trace", Value: "x"})
	cases := []struct {
		name    string
		class   string
		cfg     map[string]string
		in      *connectors.Record
		want    bool
		wantErr string
	}{
		{name: "topic matches", class: "org.apache.kafka.connect.transforms.predicates.TopicNameMatches", cfg: cfg("pattern", "ord.*"), in: onTopic("orders"), want: true},
		{name: "topic must match whole", class: "TopicNameMatches", cfg: cfg("pattern", "ord"), in: onTopic("orders"), want: false},
		{name: "bad pattern", class: "TopicNameMatches", cfg: cfg("pattern", "(x"), wantErr: "Invalid value (x for configuration pattern"},
		{name: "empty pattern", class: "TopicNameMatches", cfg: cfg("pattern", ""), wantErr: "String must be non-empty"},
		{name: "has header", class: "HasHeaderKey", cfg: cfg("name", "trace"), in: withHeader, want: true},
		{name: "lacks header", class: "HasHeaderKey", cfg: cfg("name", "span"), in: withHeader, want: false},
		{name: "missing name", class: "HasHeaderKey", cfg: cfg(), wantErr: `Missing required configuration "name" which has no default value.`},
		{name: "tombstone", class: "RecordIsTombstone", cfg: cfg(), in: rec(nil, "k", nil, nil), want: true},
		{name: "not tombstone", class: "RecordIsTombstone", cfg: cfg(), in: withHeader, want: false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := Lookup(tc.class)
			if !ok || p.NewPredicate == nil {
				t.Fatalf("no predicate %q", tc.class)
			}
			pr, err := p.NewPredicate(connectors.Config(tc.cfg))
			if tc.wantErr != "" {
				if err == nil || !contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := pr.Test(tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("Test = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}
