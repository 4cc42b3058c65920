package cdc

import (
	"errors"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc/javaser"
)

// TestJavaArrayKeys pins what the cdc names add to package javaser: []byte key
// values are written as String (Connector/J's class for binary string keys), and
// decoding returns only values a driver binds, refusing temporal classes by name.
// The byte layouts are golden-tested in javaser.
func TestJavaArrayKeys(t *testing.T) {
	dec, err := ParseJavaDecimal("-18.50")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		in      []any
		want    []any
		wantErr string
	}{
		{name: "null key", in: nil, want: nil},
		{name: "bytes as strings", in: []any{[]byte("ab"), JavaInt(3), []byte{}}, want: []any{"ab", JavaInt(3), ""}},
		{name: "numbers", in: []any{int64(9), int16(-2), int8(1), dec, big.NewInt(5), true, 1.5},
			want: []any{int64(9), int16(-2), int8(1), JavaDecimal{Unscaled: big.NewInt(-1850), Scale: 2}, big.NewInt(5), true, 1.5}},
		{name: "timestamp refused", in: []any{"a", javaser.Timestamp{Time: time.Unix(0, 0)}},
			wantErr: "element 1: not a serialized Java Object[] of supported values: key values of class java.sql.Timestamp are not supported"},
		{name: "oracle timestamp refused", in: []any{javaser.OracleTimestamp{Wall: time.Unix(0, 0)}},
			wantErr: "element 0: not a serialized Java Object[] of supported values: key values of class oracle.sql.TIMESTAMP are not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.in)
			h, err := EncodeJavaArray(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tt.in, in) {
				t.Fatalf("EncodeJavaArray changed its argument to %#v", tt.in)
			}
			got, err := DecodeJavaArray(h)
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrJavaStream) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("decoded %#v, error %v; want one wrapping ErrJavaStream containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("decoded %#v, %v; want %#v", got, err, tt.want)
			}
		})
	}
}
