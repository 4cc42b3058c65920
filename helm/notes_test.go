package helm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// renderNotes renders NOTES.txt, which helm template leaves out, by copying the chart
// into a temporary directory with a template that runs NOTES.txt through tpl.
func renderNotes(t *testing.T, set ...string) string {
	t.Helper()
	src := chartDir(t)
	dst := filepath.Join(t.TempDir(), "gonnect")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	notes, err := os.ReadFile(filepath.Join(src, "templates", "NOTES.txt"))
	if err != nil {
		t.Fatal(err)
	}
	writeTo(t, filepath.Join(dst, "notes-under-test.txt"), string(notes))
	writeTo(t, filepath.Join(dst, "templates", "notes-under-test.yaml"),
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: {{ tpl (.Files.Get \"notes-under-test.txt\") . | quote }}\n")
	args := []string{"template", "pipelines", dst, "--namespace", "connect", "--show-only", "templates/notes-under-test.yaml"}
	for _, s := range set {
		args = append(args, "--set", s)
	}
	out, errOut, err := runHelm(t, args...)
	if err != nil {
		t.Fatalf("rendering NOTES.txt: %v\n%s", err, errOut)
	}
	var cm corev1.ConfigMap
	if err := yaml.UnmarshalStrict([]byte(out), &cm); err != nil {
		t.Fatal(err)
	}
	return cm.Data["notes"]
}

func TestNotes(t *testing.T) {
	tests := []struct {
		name    string
		set     []string
		want    []string
		notWant []string
	}{
		{name: "defaults", want: []string{
			"http://pipelines-gonnect.connect.svc:8083/",
			"kubectl --namespace connect port-forward svc/pipelines-gonnect 8083:8083",
			"curl http://localhost:8083/connectors",
			"helm test pipelines --namespace connect",
			"as 3 workers",
		}, notWant: []string{"Declared connectors", "ServiceMonitor"}},
		{name: "declared connectors, basic auth, monitoring, autoscaling", set: []string{
			"connectors.orders.connector\\.class=X", "connectors.billing.connector\\.class=Y",
			"rest.basicAuth.enabled=true", "rest.basicAuth.existingSecret=users",
			"metrics.serviceMonitor.enabled=true", "metrics.serviceMonitor.basicAuth.existingSecret=scrape",
			"autoscaling.enabled=true",
		}, want: []string{
			"Declared connectors (2): billing, orders.",
			"are NOT deleted",
			"curl -u USER:PASSWORD http://localhost:8083/connectors",
			"ServiceMonitor pipelines-gonnect",
			"as 2-6 workers",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			notes := renderNotes(t, tc.set...)
			for _, w := range tc.want {
				if !strings.Contains(notes, w) {
					t.Errorf("NOTES lack %q:\n%s", w, notes)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(notes, w) {
					t.Errorf("NOTES contain %q:\n%s", w, notes)
				}
			}
		})
	}
}
