package helm

import (
	"regexp"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// envRef matches Kubernetes' $(VAR) dependent-variable syntax.
var envRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// containerEnv resolves a container's env as the kubelet would: status.podIP is
// podIP, secretKeyRef values come from secrets (Secret name → key → value), and $(VAR)
// refers to a variable defined earlier. It returns NAME=value pairs in order; a
// reference this test cannot resolve fails the test.
func containerEnv(t *testing.T, c corev1.Container, podIP string, secrets map[string]map[string]string) []string {
	t.Helper()
	resolved := map[string]string{}
	var out []string
	for _, e := range c.Env {
		v := e.Value
		switch {
		case e.ValueFrom == nil:
		case e.ValueFrom.FieldRef != nil && e.ValueFrom.FieldRef.FieldPath == "status.podIP":
			v = podIP
		case e.ValueFrom.SecretKeyRef != nil:
			ref := e.ValueFrom.SecretKeyRef
			s, ok := secrets[ref.Name][ref.Key]
			if !ok {
				t.Fatalf("env %s reads Secret %s key %s, which the test does not provide", e.Name, ref.Name, ref.Key)
			}
			v = s
		default:
			t.Fatalf("env %s comes from %+v, which this test does not resolve", e.Name, e.ValueFrom)
		}
		if e.ValueFrom == nil {
			v = envRef.ReplaceAllStringFunc(v, func(m string) string { return resolved[envRef.FindStringSubmatch(m)[1]] })
		}
		resolved[e.Name] = v
		out = append(out, e.Name+"="+v)
	}
	return out
}
