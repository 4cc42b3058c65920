package transforms

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// The config-string parsers take user input; they must never panic.

func FuzzSplitV2(f *testing.F) {
	for _, s := range []string{"a.b", "`a.b`.c", "`a\\`.b`", "a.", "`", "``", "`.`.`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		steps, err := splitV2(path)
		if err == nil && !strings.Contains(path, "`") && strings.Join(steps, ".") != path {
			t.Fatalf("splitV2(%q) = %q does not rejoin to the path", path, steps)
		}
	})
}

func FuzzJavaDateLayout(f *testing.F) {
	for _, s := range []string{"yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "yyyyMMdd", "EEE, d MMM yy h:mm a z", "''", "'", "S"} {
		f.Add(s)
	}
	ts := time.Date(2024, 1, 2, 3, 4, 5, 678_000_000, time.UTC)
	f.Fuzz(func(t *testing.T, pattern string) {
		layout, err := javaDateLayout(pattern)
		if err != nil {
			return
		}
		_ = ts.Format(layout)
	})
}

func FuzzJavaReplacement(f *testing.F) {
	for _, s := range []string{"$1", "${name}", `\$`, "$", `\`, "$12x", "${"} {
		f.Add(s)
	}
	re := regexp.MustCompile(`^(?:(?P<name>a)(b)?)$`)
	f.Fuzz(func(t *testing.T, repl string) {
		parts, err := parseReplacement(repl, re)
		if err != nil {
			return
		}
		p := &javaPattern{re: re, repl: parts}
		if _, ok := p.replace("ab"); !ok {
			t.Fatal("pattern stopped matching")
		}
	})
}
