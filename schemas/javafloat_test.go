package schemas

import (
	"math"
	"testing"
)

// TestJavaFloatSmallest pins the one-digit cases Java's Double/Float.toString print
// with a second digit (the closest two-digit decimal that rounds to the value).
func TestJavaFloatSmallest(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{name: "smallest double", got: FormatFloat64(math.SmallestNonzeroFloat64), want: "4.9E-324"},
		{name: "smallest float", got: FormatFloat32(math.SmallestNonzeroFloat32), want: "1.4E-45"},
		{name: "one", got: FormatFloat64(1), want: "1.0"},
		{name: "ten million", got: FormatFloat64(1e7), want: "1.0E7"},
		{name: "NaN", got: FormatFloat64(math.NaN()), want: "NaN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("got %s, want %s", tc.got, tc.want)
			}
		})
	}
}
