package transforms

import (
	"testing"
	"time"

	"github.com/gonnect/gonnect/schemas"
)

var typedSchema = schemas.StructBuilder().Name("t.Typed").
	Field("i8", schemas.Int8Schema).
	Field("f64", schemas.OptionalFloat64Schema).
	Field("dec", schemas.DecimalSchema(2).Optional().Schema()).
	Field("ts", schemas.TimestampSchema().Optional().Schema()).
	Field("day", schemas.DateSchema().Optional().Schema()).
	Field("raw", schemas.OptionalBytesSchema).
	Field("flag", schemas.NewBuilder(schemas.String).Optional().Default("yes").Schema()).
	Schema()

func typed() *schemas.Struct {
	return schemas.NewStruct(typedSchema).Set("i8", int8(-3)).Set("f64", 2.75).Set("dec", schemas.NewDecimal(12345, 2)).
		Set("ts", testTime).Set("day", time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)).Set("raw", []byte{0xde, 0xad})
}

func TestCast(t *testing.T) {
	runTransformCases(t, []transformCase{
		{name: "fields to other primitives", class: "Cast$Value", cfg: cfg("spec", "i8:int64,f64:int32,dec:float64,ts:string,day:int32,raw:string,flag:boolean"),
			in:   rec(nil, nil, typedSchema, typed()),
			want: `struct<t.Typed>{i8:int64,f64:?int32,dec:?double,ts:?string,day:?int32,raw:?string,flag:?boolean} {i8=int64(-3),f64=int32(2),dec=float64(123.45),ts="2024-01-02T03:04:05.678Z",day=int32(19724),raw="3q0=",flag=false}`},
		{name: "timestamp to int64 millis and decimal to int", class: "Cast$Value", cfg: cfg("spec", "ts:int64,dec:int16,day:string"),
			in:   rec(nil, nil, typedSchema, typed()),
			want: `struct<t.Typed>{i8:int8,f64:?double,dec:?int16,ts:?int64,day:?string,raw:?bytes,flag:?string} {i8=int8(-3),f64=float64(2.75),dec=int16(123),ts=int64(1704164645678),day="2024-01-02",raw=bytes:3q0=,flag="yes"}`},
		{name: "replace.null.with.default=false keeps null", class: "Cast$Value", cfg: cfg("spec", "i8:int16", "replace.null.with.default", "false"),
			in:   rec(nil, nil, typedSchema, typed()),
			want: `struct<t.Typed>{i8:int16,f64:?double,dec:?bytes<org.apache.kafka.connect.data.Decimal>,ts:?int64<org.apache.kafka.connect.data.Timestamp>,day:?int32<org.apache.kafka.connect.data.Date>,raw:?bytes,flag:?string} {i8=int16(-3),f64=float64(2.75),dec=dec:123.45,ts=time:2024-01-02T03:04:05.678Z,day=time:2024-01-02T00:00:00Z,raw=bytes:3q0=,flag=null}`},
		{name: "whole value", class: "Cast$Key", cfg: cfg("spec", "string"), part: keyPart,
			in: rec(schemas.Float32Schema, float32(1e10), nil, nil), want: `string "1.0E10"`},
		{name: "whole schemaless value", class: "Cast$Value", cfg: cfg("spec", "int8"),
			in: rec(nil, nil, nil, "12"), want: `nil int8(12)`},
		{name: "schemaless map", class: "Cast$Value", cfg: cfg("spec", "a:boolean,b:float32"),
			in: rec(nil, nil, nil, map[string]any{"a": "TRUE", "b": int64(3), "c": "x"}), want: `nil map{a=true,b=float32(3),c="x"}`},
		{name: "schemaless map adds missing cast fields as null", class: "Cast$Value", cfg: cfg("spec", "missing:int8"),
			in: rec(nil, nil, nil, map[string]any{"a": "x"}), want: `nil map{a="x",missing=null}`},
		{name: "midnight timestamp renders as a date, as Java's Values", class: "Cast$Value", cfg: cfg("spec", "string"),
			in: rec(nil, nil, schemas.TimestampSchema().Schema(), time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)), want: `string<org.apache.kafka.connect.data.Timestamp> "2024-01-02"`},
		{name: "whole-value cast with several specs", class: "Cast$Value", cfg: cfg("spec", "int8,a:int16"),
			in: rec(nil, nil, nil, nil), wantErr: "may only specify a single cast in their spec"},
		{name: "unparseable string", class: "Cast$Value", cfg: cfg("spec", "int32"),
			in: rec(nil, nil, nil, "abc"), wantErr: "Value (abc) was out of range for requested data type"},
		{name: "struct field", class: "Cast$Value", cfg: cfg("spec", "inner:string"),
			in: rec(nil, nil, nestedSchema, nested("Oslo", nil)), wantErr: "Cast transformation does not support casting from STRUCT"},
		{name: "bytes to number", class: "Cast$Value", cfg: cfg("spec", "raw:int32"),
			in: rec(nil, nil, typedSchema, typed()), wantErr: "BYTES can only be cast to STRING"},
		{name: "unsupported target", class: "Cast$Value", cfg: cfg("spec", "a:bytes"),
			in: rec(nil, nil, nil, nil), wantErr: "Cast transformation does not support casting to BYTES"},
		{name: "unknown type", class: "Cast$Value", cfg: cfg("spec", "a:uuid"),
			in: rec(nil, nil, nil, nil), wantErr: "Invalid type found in casting spec: uuid"},
		{name: "tombstone", class: "Cast$Value", cfg: cfg("spec", "int32"),
			in: rec(nil, nil, schemas.OptionalStringSchema, nil), want: `?string null`},
	})
}

func TestTimestampConverter(t *testing.T) {
	const tc = "org.apache.kafka.connect.transforms.TimestampConverter$Value"
	runTransformCases(t, []transformCase{
		{name: "unix millis to string", class: tc, cfg: cfg("target.type", "string", "format", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"),
			in: rec(nil, nil, schemas.Int64Schema, int64(1704164645678)), want: `string "2024-01-02T03:04:05.678Z"`},
		{name: "string to Timestamp", class: tc, cfg: cfg("target.type", "Timestamp", "format", "dd/MM/yyyy HH:mm:ss"),
			in: rec(nil, nil, schemas.OptionalStringSchema, "02/01/2024 03:04:05"), want: `?int64<org.apache.kafka.connect.data.Timestamp> time:2024-01-02T03:04:05Z`},
		{name: "field to unix seconds", class: tc, cfg: cfg("field", "ts", "target.type", "unix", "unix.precision", "seconds"),
			in:   rec(nil, nil, typedSchema, typed()),
			want: `struct<t.Typed>{i8:int8,f64:?double,dec:?bytes<org.apache.kafka.connect.data.Decimal>,ts:?int64,day:?int32<org.apache.kafka.connect.data.Date>,raw:?bytes,flag:?string} {i8=int8(-3),f64=float64(2.75),dec=dec:123.45,ts=int64(1704164645),day=time:2024-01-02T00:00:00Z,raw=bytes:3q0=,flag="yes"}`},
		{name: "unix micros to Date", class: tc, cfg: cfg("target.type", "Date", "unix.precision", "microseconds"),
			in: rec(nil, nil, nil, int64(1704164645678901)), want: `nil time:2024-01-02T00:00:00Z`},
		{name: "Timestamp to Time", class: tc, cfg: cfg("target.type", "Time"),
			in: rec(nil, nil, schemas.TimestampSchema().Schema(), testTime), want: `int32<org.apache.kafka.connect.data.Time> time:1970-01-01T03:04:05.678Z`},
		{name: "schemaless field", class: "TimestampConverter$Key", cfg: cfg("field", "at", "target.type", "unix", "unix.precision", "nanoseconds"), part: keyPart,
			in: rec(nil, map[string]any{"at": testTime, "x": int64(1)}, nil, nil), want: `nil map{at=int64(1704164645678000000),x=int64(1)}`},
		{name: "null field", class: tc, cfg: cfg("field", "ts", "target.type", "unix"),
			in: rec(nil, nil, nil, map[string]any{"ts": nil}), want: `nil map{ts=null}`},
		{name: "string does not match", class: tc, cfg: cfg("target.type", "unix", "format", "yyyy-MM-dd"),
			in: rec(nil, nil, nil, "yesterday"), wantErr: "Could not parse timestamp: value (yesterday) does not match pattern (yyyy-MM-dd)"},
		{name: "string target needs format", class: tc, cfg: cfg("target.type", "string"),
			in: rec(nil, nil, nil, nil), wantErr: "TimestampConverter requires format option to be specified when using string timestamps"},
		{name: "bad target type", class: tc, cfg: cfg("target.type", "epoch"),
			in: rec(nil, nil, nil, nil), wantErr: "Invalid value epoch for configuration target.type: String must be one of: string, unix, Date, Time, Timestamp"},
		{name: "not a timestamp schema", class: tc, cfg: cfg("target.type", "unix"),
			in: rec(nil, nil, schemas.BooleanSchema, true), wantErr: "Schema Schema{BOOLEAN} does not correspond to a known timestamp type format"},
		{name: "int64 schema with an int32 value", class: tc, cfg: cfg("target.type", "Timestamp"),
			in: rec(nil, nil, schemas.Int64Schema, int32(5)), wantErr: "Expected Unix timestamp to be a Long, but found int32"},
		{name: "unsupported schemaless type", class: tc, cfg: cfg("target.type", "unix"),
			in: rec(nil, nil, nil, 1.5), wantErr: "TimestampConverter does not support float64 objects as timestamps"},
	})
}

func TestJavaDateLayout(t *testing.T) {
	cases := []struct {
		name, pattern, want, wantErr string
	}{
		{name: "iso", pattern: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", want: "2006-01-02T15:04:05.000Z07:00"},
		{name: "router default", pattern: "yyyyMMdd", want: "20060102"},
		{name: "names", pattern: "EEE, d MMM yy h:mm a z", want: "Mon, 2 Jan 06 3:04 PM MST"},
		{name: "escaped quote", pattern: "HH'h'''", want: "15h'"},
		{name: "fraction without dot", pattern: "ssSSS", wantErr: "must follow '.' or ','"},
		{name: "unsupported letter", pattern: "yyyy-ww", wantErr: "unsupported pattern letter 'w' at position 5"},
		{name: "literal digit", pattern: "yyyy'1'", wantErr: "literal digit"},
		{name: "unterminated", pattern: "yyyy'T", wantErr: "unterminated quote at position 4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := javaDateLayout(tc.pattern)
			if tc.wantErr != "" {
				if err == nil || !contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("javaDateLayout(%q) = %q, %v; want %q", tc.pattern, got, err, tc.want)
			}
		})
	}
}

func contains(s, sub string) bool { return len(sub) == 0 || indexOf(s, sub) >= 0 }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
