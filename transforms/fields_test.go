package transforms

import (
	"github.com/gonnect/gonnect/connectors"
	"testing"

	"github.com/gonnect/gonnect/schemas"
)

const personOut = "struct<shop.Person>{id:int32,name:string,email:?string}"

func TestInsertField(t *testing.T) {
	all := cfg("topic.field", "t!", "partition.field", "p", "offset.field", "o?", "timestamp.field", "ts", "static.field", "s", "static.value", "v")
	runTransformCases(t, []transformCase{
		{name: "schema'd value gets every field", class: "org.apache.kafka.connect.transforms.InsertField$Value", cfg: all,
			in:   rec(nil, nil, personSchema, person(1, "ann", nil)),
			want: `struct<shop.Person>{id:int32,name:string,email:?string,t:string,p:?int32,o:?int64,ts:?int64<org.apache.kafka.connect.data.Timestamp>,s:?string} {id=int32(1),name="ann",email=null,t="orders",p=int32(3),o=int64(42),ts=time:2024-01-02T03:04:05.678Z,s="v"}`},
		{name: "schemaless value", class: "InsertField$Value", cfg: all,
			in:   rec(nil, nil, nil, map[string]any{"id": int64(1)}),
			want: `nil map{id=int64(1),o=int64(42),p=int32(3),s="v",t="orders",ts=int64(1704164645678)}`},
		{name: "schemaless key", class: "InsertField$Key", cfg: cfg("topic.field", "topic"),
			in: rec(nil, map[string]any{"k": "a"}, nil, nil), part: keyPart,
			want: `nil map{k="a",topic="orders"}`},
		{name: "tombstone passes through", class: "InsertField$Value", cfg: all,
			in: rec(nil, nil, personSchema, nil), want: personOut + " null"},
		{name: "string value with schema", class: "InsertField$Value", cfg: all,
			in: rec(nil, nil, schemas.StringSchema, "x"), wantErr: "Only Struct objects supported for [field insertion], found: string"},
		{name: "string value without schema", class: "InsertField$Value", cfg: all,
			in: rec(nil, nil, nil, "x"), wantErr: "Only Map objects supported in absence of schema for [field insertion], found: string"},
		{name: "offset needs a sink record", class: "InsertField$Value", cfg: cfg("offset.field", "o"),
			in: func() *connectors.Record {
				r := rec(nil, nil, nil, map[string]any{})
				r.Position = `{"file":"binlog.1","pos":4}`
				return r
			}(),
			wantErr: "Only SinkRecord supported for [field insertion]"},
		{name: "missing partition is left null, as in Java", class: "InsertField$Value", cfg: cfg("partition.field", "p!"),
			in: func() *connectors.Record {
				r := rec(nil, nil, personSchema, person(1, "a", nil))
				r.KafkaPartition = nil
				return r
			}(),
			want: `struct<shop.Person>{id:int32,name:string,email:?string,p:int32} {id=int32(1),name="a",email=null,p=null}`},
		{name: "nothing to insert", class: "InsertField$Value", cfg: cfg(), in: rec(nil, nil, nil, nil), wantErr: "No field insertion configured"},
		{name: "static field without value", class: "InsertField$Value", cfg: cfg("static.field", "s"), in: rec(nil, nil, nil, nil),
			wantErr: "No value specified for static field: s"},
	})
}

func TestReplaceField(t *testing.T) {
	runTransformCases(t, []transformCase{
		{name: "include and rename", class: "ReplaceField$Value", cfg: cfg("include", "id,name", "renames", "name:full_name"),
			in:   rec(nil, nil, personSchema, person(1, "ann", "a@x")),
			want: `struct<shop.Person>{id:int32,full_name:string} {id=int32(1),full_name="ann"}`},
		{name: "exclude", class: "ReplaceField$Value", cfg: cfg("exclude", "email"),
			in: rec(nil, nil, personSchema, person(1, "ann", "a@x")), want: `struct<shop.Person>{id:int32,name:string} {id=int32(1),name="ann"}`},
		{name: "exclude wins over include", class: "ReplaceField$Value", cfg: cfg("exclude", "email", "include", "email,id"),
			in: rec(nil, nil, personSchema, person(1, "ann", "a@x")), want: `struct<shop.Person>{id:int32} {id=int32(1)}`},
		{name: "deprecated blacklist", class: "ReplaceField$Value", cfg: cfg("blacklist", "email,name"),
			in: rec(nil, nil, personSchema, person(1, "ann", "a@x")), want: `struct<shop.Person>{id:int32} {id=int32(1)}`},
		{name: "deprecated whitelist", class: "ReplaceField$Value", cfg: cfg("whitelist", "name"),
			in: rec(nil, nil, personSchema, person(1, "ann", "a@x")), want: `struct<shop.Person>{name:string} {name="ann"}`},
		{name: "schemaless key", class: "ReplaceField$Key", cfg: cfg("exclude", "b", "renames", "a:x"), part: keyPart,
			in: rec(nil, map[string]any{"a": 1.5, "b": true}, nil, nil), want: `nil map{x=float64(1.5)}`},
		{name: "tombstone", class: "ReplaceField$Value", cfg: cfg("exclude", "email"),
			in: rec(nil, nil, nil, nil), want: `nil null`},
		{name: "bad rename", class: "ReplaceField$Value", cfg: cfg("renames", "a:b,c"),
			in: rec(nil, nil, nil, nil), wantErr: "Invalid value a:b,c for configuration renames: Invalid rename mapping: c"},
		{name: "array value", class: "ReplaceField$Value", cfg: cfg("exclude", "x"),
			in: rec(nil, nil, nil, []any{"a"}), wantErr: "Only Map objects supported in absence of schema for [field replacement], found: []interface {}"},
	})
}

func TestMaskField(t *testing.T) {
	runTransformCases(t, []transformCase{
		{name: "null equivalents", class: "MaskField$Value", cfg: cfg("fields", "id,name,email"),
			in: rec(nil, nil, personSchema, person(7, "ann", "a@x")), want: personOut + ` {id=int32(0),name="",email=""}`},
		{name: "null stays null", class: "MaskField$Value", cfg: cfg("fields", "email"),
			in: rec(nil, nil, personSchema, person(7, "ann", nil)), want: personOut + ` {id=int32(7),name="ann",email=null}`},
		{name: "string replacement", class: "MaskField$Value", cfg: cfg("fields", "name", "replacement", "****"),
			in: rec(nil, nil, personSchema, person(7, "ann", nil)), want: personOut + ` {id=int32(7),name="****",email=null}`},
		{name: "numeric replacement", class: "MaskField$Value", cfg: cfg("fields", "id", "replacement", "9"),
			in: rec(nil, nil, personSchema, person(7, "ann", nil)), want: personOut + ` {id=int32(9),name="ann",email=null}`},
		{name: "non-numeric replacement for a number", class: "MaskField$Value", cfg: cfg("fields", "id", "replacement", "x"),
			in: rec(nil, nil, personSchema, person(7, "ann", nil)), wantErr: "Unable to convert x (int32) to number"},
		{name: "schemaless with decimal and timestamp", class: "MaskField$Key", cfg: cfg("fields", "d,t,l"), part: keyPart,
			in:   rec(nil, map[string]any{"d": schemas.NewDecimal(1234, 2), "t": testTime, "l": []any{"x"}, "k": "keep"}, nil, nil),
			want: `nil map{d=dec:0.00,k="keep",l=[],t=time:1970-01-01T00:00:00Z}`},
		{name: "tombstone is an error, as in Kafka", class: "MaskField$Value", cfg: cfg("fields", "id"),
			in: rec(nil, nil, personSchema, nil), wantErr: "Only Struct objects supported for [mask fields], found: null"},
		{name: "empty fields", class: "MaskField$Value", cfg: cfg("fields", ""),
			in: rec(nil, nil, nil, nil), wantErr: "Invalid value  for configuration fields: Empty list"},
	})
}

func TestValueToKey(t *testing.T) {
	runTransformCases(t, []transformCase{
		{name: "schema'd", class: "org.apache.kafka.connect.transforms.ValueToKey", cfg: cfg("fields", "name,id"), part: keyPart,
			in: rec(nil, nil, personSchema, person(7, "ann", nil)), want: `struct{name:string,id:int32} {name="ann",id=int32(7)}`},
		{name: "schemaless", class: "ValueToKey", cfg: cfg("fields", "id,missing"), part: keyPart,
			in: rec(nil, nil, nil, map[string]any{"id": int64(7), "x": "y"}), want: `nil map{id=int64(7),missing=null}`},
		{name: "missing field", class: "ValueToKey", cfg: cfg("fields", "nope"),
			in: rec(nil, nil, personSchema, person(7, "ann", nil)), wantErr: "Field does not exist: nope"},
		{name: "tombstone without schema", class: "ValueToKey", cfg: cfg("fields", "id"),
			in: rec(nil, nil, nil, nil), wantErr: "Only Map objects supported in absence of schema for [copying fields from value to key], found: null"},
	})
}

func TestHoistField(t *testing.T) {
	runTransformCases(t, []transformCase{
		{name: "schema'd", class: "HoistField$Value", cfg: cfg("field", "line"),
			in: rec(nil, nil, schemas.StringSchema, "hello"), want: `struct{line:string} {line="hello"}`},
		{name: "schemaless key", class: "HoistField$Key", cfg: cfg("field", "k"), part: keyPart,
			in: rec(nil, int64(5), nil, nil), want: `nil map{k=int64(5)}`},
		{name: "null into required", class: "HoistField$Value", cfg: cfg("field", "line"),
			in: rec(nil, nil, schemas.StringSchema, nil), wantErr: `Invalid value for field "line"`},
	})
}

var nestedSchema = schemas.StructBuilder().Name("n.Outer").
	Field("id", schemas.Int32Schema).
	Field("a.b", schemas.OptionalStringSchema).
	Field("inner", schemas.StructBuilder().Optional().Name("n.Inner").
		Field("city", schemas.StringSchema).
		Field("zip", schemas.OptionalInt32Schema).Schema()).
	Schema()

func nested(city string, zip any) *schemas.Struct {
	st := schemas.NewStruct(nestedSchema).Set("id", int32(1)).Set("a.b", "dotted")
	if city != "" {
		in := schemas.NewStruct(nestedSchema.Fields[2].Schema).Set("city", city)
		if zip != nil {
			in.Set("zip", zip)
		}
		st.Set("inner", in)
	}
	return st
}

func TestExtractField(t *testing.T) {
	runTransformCases(t, []transformCase{
		{name: "schema'd value", class: "ExtractField$Value", cfg: cfg("field", "name"),
			in: rec(nil, nil, personSchema, person(7, "ann", nil)), want: `string "ann"`},
		{name: "schema'd key", class: "ExtractField$Key", cfg: cfg("field", "id"), part: keyPart,
			in: rec(personSchema, person(7, "ann", nil), nil, nil), want: `int32 int32(7)`},
		{name: "null value keeps field schema", class: "ExtractField$Value", cfg: cfg("field", "email"),
			in: rec(nil, nil, personSchema, nil), want: `?string null`},
		{name: "unknown field", class: "ExtractField$Value", cfg: cfg("field", "nope"),
			in: rec(nil, nil, personSchema, person(7, "ann", nil)), wantErr: "Unknown field: nope"},
		{name: "V1 reads a dotted name as one field", class: "ExtractField$Value", cfg: cfg("field", "a.b"),
			in: rec(nil, nil, nestedSchema, nested("Oslo", nil)), want: `?string "dotted"`},
		{name: "V2 nested path", class: "ExtractField$Value", cfg: cfg("field", "inner.city", "field.syntax.version", "V2"),
			in: rec(nil, nil, nestedSchema, nested("Oslo", nil)), want: `string "Oslo"`},
		{name: "V2 backticks", class: "ExtractField$Value", cfg: cfg("field", "`a.b`", "field.syntax.version", "V2"),
			in: rec(nil, nil, nestedSchema, nested("Oslo", nil)), want: `?string "dotted"`},
		{name: "V2 null parent", class: "ExtractField$Value", cfg: cfg("field", "inner.zip", "field.syntax.version", "V2"),
			in: rec(nil, nil, nestedSchema, nested("", nil)), want: `?int32 null`},
		{name: "V2 schemaless", class: "ExtractField$Value", cfg: cfg("field", "a.b", "field.syntax.version", "V2"),
			in: rec(nil, nil, nil, map[string]any{"a": map[string]any{"b": "deep"}}), want: `nil "deep"`},
		{name: "schemaless tombstone", class: "ExtractField$Value", cfg: cfg("field", "a"),
			in: rec(nil, nil, nil, nil), want: `nil null`},
		{name: "schemaless wrong type", class: "ExtractField$Value", cfg: cfg("field", "a"),
			in: rec(nil, nil, nil, int32(1)), wantErr: "Only Map objects supported in absence of schema for [field extraction], found: int32"},
		{name: "bad syntax version", class: "ExtractField$Value", cfg: cfg("field", "a", "field.syntax.version", "V3"),
			in: rec(nil, nil, nil, nil), wantErr: "Invalid value V3 for configuration field.syntax.version"},
	})
}

func TestFlatten(t *testing.T) {
	runTransformCases(t, []transformCase{
		{name: "schema'd with delimiter", class: "Flatten$Value", cfg: cfg("delimiter", "_"),
			in:   rec(nil, nil, nestedSchema, nested("Oslo", int32(150))),
			want: `struct<n.Outer>{id:int32,a.b:?string,inner_city:?string,inner_zip:?int32} {id=int32(1),a.b="dotted",inner_city="Oslo",inner_zip=int32(150)}`},
		{name: "null nested struct", class: "Flatten$Value", cfg: cfg(),
			in:   rec(nil, nil, nestedSchema, nested("", nil)),
			want: `struct<n.Outer>{id:int32,a.b:?string,inner.city:?string,inner.zip:?int32} {id=int32(1),a.b="dotted",inner.city=null,inner.zip=null}`},
		{name: "schemaless", class: "Flatten$Key", cfg: cfg(), part: keyPart,
			in:   rec(nil, map[string]any{"a": map[string]any{"b": int64(1), "c": map[string]any{"d": "x"}}, "l": []any{int64(1)}, "n": nil}, nil, nil),
			want: `nil map{a.b=int64(1),a.c.d="x",l=[int64(1)],n=null}`},
		{name: "schema'd map is not supported", class: "Flatten$Value", cfg: cfg(),
			in: func() *connectors.Record {
				s := schemas.StructBuilder().Field("m", schemas.MapBuilder(schemas.StringSchema, schemas.StringSchema).Schema()).Schema()
				return rec(nil, nil, s, schemas.NewStruct(s).Set("m", map[string]any{}))
			}(),
			wantErr: "Flatten transformation does not support MAP for record with schemas (for field m)."},
		{name: "tombstone", class: "Flatten$Value", cfg: cfg(), in: rec(nil, nil, nestedSchema, nil), want: "struct<n.Outer>{id:int32,a.b:?string,inner:?struct<n.Inner>{city:string,zip:?int32}} null"},
	})
}
