package mysql

import "testing"

// TestDebeziumJSONText: go-mysql's text of binary JSON becomes the text Debezium's
// JsonStringFormatter writes. Expected doubles outside Java's plain range are the
// doubles' exact decimal values (Python's Decimal(float) printed them, independently
// of this code).
func TestDebeziumJSONText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{name: "html-safe escapes undone", in: `{"a":"x \u003cb\u003e \u0026 y"}`, want: `{"a":"x <b> & y"}`},
		{name: "line separators undone", in: `["\u2028\u2029"]`, want: "[\"\u2028\u2029\"]"},
		{name: "control characters in upper-case hex", in: `"\u001f\u0001\n\t"`, want: `"\u001F\u0001\n\t"`},
		{name: "escaped backslash before u003c stays", in: `"\\u003c"`, want: `"\\u003c"`},
		{name: "escaped backslash then an escape", in: `"\\\u003c"`, want: `"\\<"`},
		{name: "digits inside strings are text", in: `{"1.5e-05":"12345678.0"}`, want: `{"1.5e-05":"12345678.0"}`},
		{name: "integers and plain-range doubles unchanged", in: `[1,-2,70000,5000000000,3.25,12.5,1.0,0.001,1234567.0,0.0,-0.5]`,
			want: `[1,-2,70000,5000000000,3.25,12.5,1.0,0.001,1234567.0,0.0,-0.5]`},
		{name: "whole doubles from 1e7 lose .0", in: `[12345678.0,-12345678.0,100000000000000000000.0]`,
			want: `[12345678,-12345678,100000000000000000000]`},
		{name: "E-notation doubles in Java's plain range", in: `[1.2345675e+06,-2.5e+06]`, want: `[1234567.5,-2500000.0]`},
		{name: "small doubles as exact decimals", in: `{"a":1.5e-05,"b":0.0001,"c":0.00015}`,
			want: `{"a":0.000015000000000000000380012861456169304119612206704914569854736328125,"b":0.000100000000000000004792173602385929598312941379845142364501953125,"c":0.00014999999999999998685946966947568625982967205345630645751953125}`},
		{name: "literals and nesting", in: `{"t":true,"f":false,"n":null,"o":{"k":[true]}}`, want: `{"t":true,"f":false,"n":null,"o":{"k":[true]}}`},
		{name: "truncated input is copied", in: `{"a":"tail \`, want: `{"a":"tail \`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := debeziumJSONText(tc.in); got != tc.want {
				t.Errorf("debeziumJSONText(%s)\n got %s\nwant %s", tc.in, got, tc.want)
			}
		})
	}
}

// TestToJSONTextOnlyForBinlogJSON: text that is not binary JSON from the binlog (a
// snapshot's SELECT, MariaDB's verbatim LONGTEXT) is never rewritten.
func TestToJSONTextOnlyForBinlogJSON(t *testing.T) {
	const doc = `{"a":"\u003c","b":12345678.0}`
	for _, v := range []any{doc, []byte(doc)} {
		got, err := toJSONText(v)
		if err != nil || got != doc {
			t.Errorf("toJSONText(%T) = %v, %v; want the text unchanged", v, got, err)
		}
	}
	got, err := toJSONText(binlogJSON(doc))
	if err != nil || got != `{"a":"<","b":12345678}` {
		t.Errorf("toJSONText(binlogJSON) = %v, %v", got, err)
	}
}
