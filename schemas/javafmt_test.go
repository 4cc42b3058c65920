package schemas

import (
	"math"
	"testing"
)

func TestJavaFloatFormat(t *testing.T) {
	tests := []struct {
		name string
		f    float64
		want string
	}{
		{name: "one", f: 1, want: "1.0"},
		{name: "fraction", f: 0.5, want: "0.5"},
		{name: "small plain", f: 0.001, want: "0.001"},
		{name: "small sci", f: 0.0001234, want: "1.234E-4"},
		{name: "big plain", f: 1234567, want: "1234567.0"},
		{name: "big sci", f: 12345678, want: "1.2345678E7"},
		{name: "max", f: math.MaxFloat64, want: "1.7976931348623157E308"},
		{name: "neg zero", f: math.Copysign(0, -1), want: "-0.0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatFloat64(tc.f); got != tc.want {
				t.Fatalf("got %s want %s", got, tc.want)
			}
		})
	}
	if got := FormatFloat32(0.1); got != "0.1" {
		t.Fatalf("float32 0.1 = %s", got)
	}
}
