package helm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/gonnect/gonnect/internal/golden"
)

// TestTemplateGolden pins the complete rendering of every CI values file, so that a
// change to a template shows up as a reviewable diff of testdata/<name>.golden.yaml.
// Regenerate with: go test ./helm -run TestTemplateGolden -update
func TestTemplateGolden(t *testing.T) {
	for _, f := range ciValues(t) {
		name := strings.TrimSuffix(filepath.Base(f), "-values.yaml")
		t.Run(name, func(t *testing.T) {
			got := renderValues(t, f)
			golden := filepath.Join("testdata", name+".golden.yaml")
			if goldenfile.Updating() {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("rendering of ci/%s differs from %s; review the change and run with -update:\n%s", filepath.Base(f), golden, firstDiff(string(want), got))
			}
		})
	}
}

// firstDiff shows the first differing line with a little context.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + itoa(int64(i+1)) + ":\n- " + wl + "\n+ " + gl
		}
	}
	return ""
}
