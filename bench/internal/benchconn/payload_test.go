package benchconn

import (
	"strconv"
	"strings"
	"testing"
)

func TestAppendValue(t *testing.T) {
	for _, tc := range []struct {
		name string
		seq  int64
		size int
	}{
		{name: "small", seq: 0, size: 16},
		{name: "typical", seq: 12345, size: 200},
		{name: "larger than the filler", seq: 25, size: 3000},
		{name: "digits exceed size", seq: 1234567890123, size: 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := string(AppendValue([]byte("x"), tc.seq, tc.size))[1:]
			prefix := "seq=" + strconv.FormatInt(tc.seq, 10) + ";"
			if want := max(tc.size, len(prefix)); len(v) != want {
				t.Fatalf("len = %d, want %d", len(v), want)
			}
			if !strings.HasPrefix(v, prefix) {
				t.Fatalf("value %q does not start with %q", v, prefix)
			}
			for i, c := range v[len(prefix):] {
				want := 'a' + rune((int64(i)+tc.seq)%26)
				if c != want {
					t.Fatalf("filler byte %d = %q, want %q", i, c, want)
				}
			}
		})
	}
}

func TestAppendKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		seq  int64
		want string
	}{
		{name: "zero", seq: 0, want: "0000000000"},
		{name: "padded", seq: 4711, want: "0000004711"},
		{name: "wider than the pad", seq: 123456789012, want: "123456789012"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(AppendKey(nil, tc.seq)); got != tc.want {
				t.Fatalf("AppendKey(%d) = %q, want %q", tc.seq, got, tc.want)
			}
		})
	}
}
