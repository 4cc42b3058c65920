// Package golden compares test output with golden files under testdata/, the files
// that pin Gonnect's wire formats. `go test ./pkg -update` rewrites them instead;
// review the diff before committing. Only tests import this package.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// Update is the -update flag, for packages that write golden files of their own
// format (cdctest's event renderings).
var Update = flag.Bool("update", false, "rewrite golden files under testdata/ instead of comparing with them")

// Updating reports whether the test binary runs with -update.
func Updating() bool { return *Update }

// Check compares got with the file at path. With -update it writes got there
// (creating directories) instead.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file: %v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from its golden file (rerun with -update and review the diff):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
