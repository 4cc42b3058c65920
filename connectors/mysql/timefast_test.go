package mysql

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc"
)

// TestParseDatetimeMatchesTimeParse: the hand-written parser agrees with
// time.ParseInLocation on random valid datetimes with 0 to 9 fraction digits, and both
// refuse (or the fast path steps aside for) malformed text.
func TestParseDatetimeMatchesTimeParse(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		ts := time.Unix(rng.Int64N(253402300799)-62135596800+62135596800, int64(rng.IntN(1e9))).UTC()
		ts = ts.AddDate(-rng.IntN(1900), 0, 0)
		digits := rng.IntN(10)
		s := ts.Format("2006-01-02 15:04:05")
		if digits > 0 {
			s += fmt.Sprintf(".%09d", ts.Nanosecond())[:digits+1]
		}
		want, werr := time.ParseInLocation("2006-01-02 15:04:05.999999999", s, time.UTC)
		got, gerr := parseDatetimeUTC(s)
		if (werr != nil) != (gerr != nil) || !got.Equal(want) {
			t.Fatalf("%q: got %v, %v; time.Parse %v, %v", s, got, gerr, want, werr)
		}
		if _, ok := parseDatetimeFast(s); !ok {
			t.Fatalf("%q: the fast path stepped aside for canonical text", s)
		}
	}
	for _, s := range []string{"2024-02-30 00:00:00", "2023-02-29 10:00:00", "2024-13-01 00:00:00", "2024-01-01 24:00:00",
		"2024-01-01 00:60:00", "2024-01-01 00:00:60", "2024-01-01T00:00:00", "2024-01-01 00:00:00.", "2024-01-01 00:00:00.1234567890",
		"2024-1-01 00:00:00", "abcd-01-01 00:00:00", "2024-01-01 00:00:00Z", "2024-01-01"} {
		_, werr := time.ParseInLocation("2006-01-02 15:04:05.999999999", s, time.UTC)
		_, gerr := parseDatetimeUTC(s)
		if (werr != nil) != (gerr != nil) {
			t.Errorf("%q: parseDatetimeUTC error %v, time.Parse error %v", s, gerr, werr)
		}
		if werr != nil {
			if _, ok := parseDatetimeFast(s); ok {
				t.Errorf("%q: the fast path accepted text time.Parse refuses", s)
			}
		}
	}
	if got, _ := parseDatetimeUTC("2024-02-29 23:59:59.5"); !got.Equal(time.Date(2024, 2, 29, 23, 59, 59, 5e8, time.UTC)) {
		t.Errorf("leap day with a fraction: %v", got)
	}
}

// referenceZoned is formatZoned as it was written with time.Format and fmt.
func referenceZoned(t time.Time, p int) string {
	base := t.UTC().Format("2006-01-02T15:04:05")
	if p > 0 {
		return base + "." + fmt.Sprintf("%09d", t.Nanosecond())[:p] + "Z"
	}
	if ns := t.Nanosecond(); ns != 0 {
		f := fmt.Sprintf("%09d", ns)
		switch {
		case ns%1e6 == 0:
			f = f[:3]
		case ns%1e3 == 0:
			f = f[:6]
		}
		return base + "." + f + "Z"
	}
	return base + "Z"
}

func TestFormatZonedMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 20000; i++ {
		ns := rng.IntN(1e9)
		switch i % 4 {
		case 0:
			ns = 0
		case 1:
			ns -= ns % 1e6
		case 2:
			ns -= ns % 1e3
		}
		ts := time.Unix(rng.Int64N(253402300799), int64(ns))
		p := rng.IntN(7)
		if got, want := formatZoned(ts, p), referenceZoned(ts, p); got != want {
			t.Fatalf("formatZoned(%v, %d) = %s, want %s", ts, p, got, want)
		}
	}
}

// TestCivilDays checks the calendar arithmetic of the fast path against time.Date for
// every month of years 0 to 9999 (month lengths, leap years including centuries, the
// day count from the epoch at each month's first and last day), and that a parsed
// datetime is the very time.Time value time.Date builds (== compares the location too).
func TestCivilDays(t *testing.T) {
	for year := 0; year <= 9999; year++ {
		for m := time.January; m <= time.December; m++ {
			last := time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC)
			if got := daysIn(m, year); got != last.Day() {
				t.Fatalf("daysIn(%v, %d) = %d, want %d", m, year, got, last.Day())
			}
			for _, d := range []int{1, last.Day()} {
				want := time.Date(year, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
				if got := daysSinceEpoch(year, int(m), d); got != want {
					t.Fatalf("daysSinceEpoch(%d, %d, %d) = %d, want %d", year, m, d, got, want)
				}
			}
		}
	}
	tests := []struct {
		name string
		text string
		want time.Time
	}{
		{name: "epoch", text: "1970-01-01 00:00:00", want: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)},
		{name: "before the epoch", text: "1969-12-31 23:59:59.999999", want: time.Date(1969, 12, 31, 23, 59, 59, 999999000, time.UTC)},
		{name: "year zero", text: "0000-01-01 00:00:00", want: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)},
		{name: "last datetime", text: "9999-12-31 23:59:59.999999999", want: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)},
		{name: "leap century", text: "2000-02-29 12:00:00.5", want: time.Date(2000, 2, 29, 12, 0, 0, 5e8, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseDatetimeFast(tc.text)
			if !ok || got != tc.want {
				t.Fatalf("parseDatetimeFast(%q) = %v, %v; want %v", tc.text, got, ok, tc.want)
			}
		})
	}
}

// TestDatetimeTextFastPaths holds the snapshot text fast paths to the converters they
// stand in for (zonedTextBoxing to zonedBoxing, epochTextBoxing to epochBoxing): the
// same value (or error) for random datetimes with 0 to 9 fraction digits, including
// ones before the epoch, and for text the fast paths leave to them.
func TestDatetimeTextFastPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var inputs []any
	for range 3000 {
		ts := time.Unix(rng.Int64N(253402300799)-62135596800, int64(rng.IntN(1e9))).UTC()
		s := ts.Format("2006-01-02 15:04:05")
		if digits := rng.IntN(10); digits > 0 {
			s += fmt.Sprintf(".%09d", ts.Nanosecond())[:digits+1]
		}
		inputs = append(inputs, s)
	}
	inputs = append(inputs, "0000-00-00 00:00:00", " 2024-01-02 03:04:05 ", "2024-02-30 00:00:00", "2024-01-02 03:04:05.000",
		"2024-01-02T03:04:05", "garbage", "", []byte("2024-01-02 03:04:05.5"), time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC), 42)
	tests := []struct {
		name       string
		fast, slow cdc.BoxingConverter
	}{
		{name: "TIMESTAMP", fast: zonedTextBoxing(0), slow: zonedBoxing(0)},
		{name: "TIMESTAMP(1)", fast: zonedTextBoxing(1), slow: zonedBoxing(1)},
		{name: "TIMESTAMP(3)", fast: zonedTextBoxing(3), slow: zonedBoxing(3)},
		{name: "TIMESTAMP(6)", fast: zonedTextBoxing(6), slow: zonedBoxing(6)},
		{name: "precision 9", fast: zonedTextBoxing(9), slow: zonedBoxing(9)},
		{name: "DATETIME as Timestamp", fast: epochTextBoxing(time.Millisecond), slow: epochBoxing(time.Millisecond)},
		{name: "DATETIME as MicroTimestamp", fast: epochTextBoxing(time.Microsecond), slow: epochBoxing(time.Microsecond)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fast, slow := tc.fast, tc.slow
			for _, in := range inputs {
				got, gerr := fast(in, nil)
				want, werr := slow(in, nil)
				if got != want || (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
					t.Fatalf("%#v: got %#v, %v; zonedBoxing %#v, %v", in, got, gerr, want, werr)
				}
			}
		})
	}
}
