package helm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

func TestLint(t *testing.T) {
	for _, f := range ciValues(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			out, errOut, err := runHelm(t, "lint", "--strict", chartDir(t), "-f", f)
			if err != nil {
				t.Fatalf("helm lint --strict -f %s: %v\n%s%s", f, err, out, errOut)
			}
		})
	}
}

// container returns the Deployment's gonnect container.
func container(t *testing.T, d *appsv1.Deployment) corev1.Container {
	t.Helper()
	for _, c := range d.Spec.Template.Spec.Containers {
		if c.Name == "gonnect" {
			return c
		}
	}
	t.Fatal("no gonnect container")
	return corev1.Container{}
}

func envByName(c corev1.Container) map[string]corev1.EnvVar {
	m := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		m[e.Name] = e
	}
	return m
}

// props parses a rendered worker.properties (key=value lines).
func props(t *testing.T, text string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for i, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("worker.properties line %d: %q is not key=value", i+1, l)
		}
		m[k] = v
	}
	return m
}

// secretish matches worker property keys whose values must never sit in a ConfigMap.
var secretish = regexp.MustCompile(`(password|jaas\.config|user\.info|secret)$`)

// checkCommon asserts what every rendering must hold.
func checkCommon(t *testing.T, r *rendered) {
	t.Helper()
	if len(r.deployments) != 1 {
		t.Fatalf("%d Deployments, want 1", len(r.deployments))
	}
	d := r.deployments[0]
	pod := d.Spec.Template.Spec
	c := container(t, d)
	cm := r.configMaps["pipelines-gonnect"]
	if cm == nil {
		t.Fatal("no worker ConfigMap pipelines-gonnect")
	}
	p := props(t, cm.Data["worker.properties"])
	for k := range p {
		if secretish.MatchString(k) {
			t.Errorf("worker.properties holds secret key %s", k)
		}
	}

	env := envByName(c)
	if e := env["CONNECT_REST_ADVERTISED_HOST_NAME"]; e.ValueFrom == nil || e.ValueFrom.FieldRef == nil || e.ValueFrom.FieldRef.FieldPath != "status.podIP" {
		t.Errorf("CONNECT_REST_ADVERTISED_HOST_NAME = %+v, want the pod IP from the downward API", e)
	}
	for _, e := range c.Env {
		if secretish.MatchString(strings.ToLower(e.Name)) && e.ValueFrom == nil && !strings.Contains(e.Value, "$(") {
			t.Errorf("env %s has a literal value; secrets must come from secretKeyRef", e.Name)
		}
	}

	for name, pr := range map[string]*corev1.Probe{"readiness": c.ReadinessProbe, "liveness": c.LivenessProbe} {
		if pr == nil || pr.HTTPGet == nil || pr.HTTPGet.Path != "/health" || pr.HTTPGet.Port.String() != "http" {
			t.Errorf("%s probe = %+v, want GET /health on port http", name, pr)
		}
	}
	shutdown, _ := strconv.Atoi(p["task.shutdown.graceful.timeout.ms"])
	flush, _ := strconv.Atoi(p["offset.flush.timeout.ms"])
	if shutdown == 0 || flush == 0 {
		t.Errorf("worker.properties lacks task.shutdown.graceful.timeout.ms or offset.flush.timeout.ms")
	}
	if g := pod.TerminationGracePeriodSeconds; g == nil || *g*1000 <= int64(shutdown+flush) {
		t.Errorf("terminationGracePeriodSeconds = %v, want > (%d + %d) ms", g, shutdown, flush)
	}

	psc, sc := pod.SecurityContext, c.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
		t.Error("pod securityContext.runAsNonRoot is not true")
	}
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" {
		t.Errorf("container securityContext = %+v, want read-only root, no privilege escalation, drop ALL", sc)
	}
	var tmpVolume string
	for _, m := range c.VolumeMounts {
		if m.MountPath == "/tmp" {
			tmpVolume = m.Name
		}
	}
	tmpIsEmptyDir := false
	for _, v := range pod.Volumes {
		if v.Name == tmpVolume && v.EmptyDir != nil {
			tmpIsEmptyDir = true
		}
	}
	if !tmpIsEmptyDir {
		t.Error("/tmp is not an emptyDir")
	}
	if len(c.Command) != 1 || c.Command[0] != "/usr/local/bin/gonnect" || len(c.Args) < 2 ||
		c.Args[0] != "distributed" || c.Args[len(c.Args)-1] != "/etc/gonnect/worker.properties" {
		t.Errorf("command %v args %v, want gonnect distributed [flags] /etc/gonnect/worker.properties", c.Command, c.Args)
	}

	var clusterIP, headless bool
	for _, s := range r.services {
		if s.Spec.ClusterIP == corev1.ClusterIPNone {
			headless = true
		} else if s.Spec.Type == corev1.ServiceTypeClusterIP {
			clusterIP = true
		}
		for k, v := range s.Spec.Selector {
			if d.Spec.Template.Labels[k] != v {
				t.Errorf("Service %s selects %s=%s, which the pods lack", s.Name, k, v)
			}
		}
	}
	if !clusterIP || !headless {
		t.Errorf("services: ClusterIP %v, headless %v; want both", clusterIP, headless)
	}
	if len(r.pdbs) != 1 {
		t.Errorf("%d PodDisruptionBudgets, want 1", len(r.pdbs))
	}
	var testPod bool
	for _, tp := range r.pods {
		if tp.Annotations["helm.sh/hook"] == "test" && strings.Contains(strings.Join(tp.Spec.Containers[0].Command, " "), "/health") {
			testPod = true
		}
	}
	if !testPod {
		t.Error("no helm test pod checking /health")
	}
}

func TestTemplate(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		check func(t *testing.T, r *rendered)
	}{
		{name: "defaults", file: "default-values.yaml", check: func(t *testing.T, r *rendered) {
			if n := r.deployments[0].Spec.Replicas; n == nil || *n != 3 {
				t.Errorf("replicas = %v, want 3", n)
			}
			if len(r.hpas)+len(r.serviceMonitors)+len(r.prometheusRules) != 0 {
				t.Error("optional objects rendered by default")
			}
			p := props(t, r.configMaps["pipelines-gonnect"].Data["worker.properties"])
			if p["security.protocol"] != "PLAINTEXT" || p["group.id"] != "gonnect" || p["listeners"] != "http://:8083" {
				t.Errorf("worker.properties = %v", p)
			}
		}},
		{name: "SASL_SSL with secrets", file: "sasl-ssl-values.yaml", check: func(t *testing.T, r *rendered) {
			c := container(t, r.deployments[0])
			env := envByName(c)
			for _, n := range []string{"KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD", "CONNECT_SSL_TRUSTSTORE_PASSWORD", "CONNECT_PRODUCER_SSL_TRUSTSTORE_PASSWORD", "CONNECT_VALUE_CONVERTER_BASIC_AUTH_USER_INFO"} {
				if e := env[n]; e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
					t.Errorf("env %s = %+v, want a secretKeyRef", n, e)
				}
			}
			for _, pre := range []string{"", "PRODUCER_", "CONSUMER_", "ADMIN_"} {
				want := `org.apache.kafka.common.security.scram.ScramLoginModule required username="$(KAFKA_SASL_USERNAME)" password="$(KAFKA_SASL_PASSWORD)";`
				if got := env["CONNECT_"+pre+"SASL_JAAS_CONFIG"].Value; got != want {
					t.Errorf("CONNECT_%sSASL_JAAS_CONFIG = %q, want %q", pre, got, want)
				}
			}
			p := props(t, r.configMaps["pipelines-gonnect"].Data["worker.properties"])
			for k, v := range map[string]string{"security.protocol": "SASL_SSL", "producer.sasl.mechanism": "SCRAM-SHA-512",
				"consumer.ssl.truststore.location": "/etc/gonnect/kafka-tls/ca.p12", "value.converter.schema.registry.url": "https://schema-registry:8081",
				"value.converter.basic.auth.credentials.source": "USER_INFO",
				"rest.extension.classes":                        "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension",
				"java.security.auth.login.config":               "/etc/gonnect/rest-jaas.conf",
				"rest.basic.auth.exempt.root":                   "true"} {
				if p[k] != v {
					t.Errorf("worker.properties %s = %q, want %q", k, p[k], v)
				}
			}
			jaas := r.configMaps["pipelines-gonnect"].Data["rest-jaas.conf"]
			if !strings.Contains(jaas, `file="/etc/gonnect/rest-users/users.properties"`) {
				t.Errorf("rest-jaas.conf = %q", jaas)
			}
			secrets := map[string]bool{}
			for _, v := range r.deployments[0].Spec.Template.Spec.Volumes {
				if v.Secret != nil {
					secrets[v.Secret.SecretName] = true
				}
			}
			if !secrets["kafka-cluster-ca"] || !secrets["gonnect-rest-users"] {
				t.Errorf("secret volumes %v, want the truststore and the REST users", secrets)
			}
		}},
		{name: "monitoring", file: "monitoring-values.yaml", check: checkMonitoring},
		{name: "declared connectors", file: "connectors-values.yaml", check: func(t *testing.T, r *rendered) {
			cm := r.configMaps["pipelines-gonnect-connectors"]
			if cm == nil || len(cm.Data) != 2 {
				t.Fatalf("connectors ConfigMap = %+v, want two files", cm)
			}
			var body struct {
				Name         string            `json:"name"`
				Config       map[string]string `json:"config"`
				InitialState string            `json:"initial_state"`
			}
			if err := json.Unmarshal([]byte(cm.Data["inventory.json"]), &body); err != nil {
				t.Fatalf("inventory.json: %v", err)
			}
			if body.Name != "inventory" || body.Config["connector.class"] != "io.debezium.connector.mysql.MySqlConnector" ||
				body.Config["database.server.id"] != "184054" || body.Config["tasks.max"] != "1" {
				t.Errorf("inventory.json = %+v", body)
			}
			if err := json.Unmarshal([]byte(cm.Data["audit-file.json"]), &body); err != nil || body.InitialState != "PAUSED" {
				t.Errorf("audit-file.json initial_state = %q (%v), want PAUSED", body.InitialState, err)
			}
			c := container(t, r.deployments[0])
			if strings.Join(c.Args, " ") != "distributed --connectors-dir /etc/gonnect/connectors /etc/gonnect/worker.properties" {
				t.Errorf("args = %v", c.Args)
			}
		}},
		{name: "autoscaling", file: "autoscaling-values.yaml", check: func(t *testing.T, r *rendered) {
			d := r.deployments[0]
			if d.Spec.Replicas != nil {
				t.Errorf("replicas = %d with an HPA, want unset", *d.Spec.Replicas)
			}
			if len(r.hpas) != 1 || r.hpas[0].Spec.MaxReplicas != 8 || *r.hpas[0].Spec.MinReplicas != 2 ||
				r.hpas[0].Spec.ScaleTargetRef.Name != d.Name {
				t.Fatalf("HPA = %+v", r.hpas)
			}
			pod := d.Spec.Template.Spec
			if *pod.TerminationGracePeriodSeconds != 60 || pod.NodeSelector["kubernetes.io/os"] != "linux" ||
				len(pod.Tolerations) != 1 || pod.Affinity == nil || pod.Affinity.PodAntiAffinity == nil {
				t.Errorf("placement not rendered: %+v", pod)
			}
			tsc := pod.TopologySpreadConstraints
			if len(tsc) != 1 || tsc[0].TopologyKey != "topology.kubernetes.io/zone" || tsc[0].LabelSelector == nil ||
				tsc[0].LabelSelector.MatchLabels["app.kubernetes.io/instance"] != "pipelines" {
				t.Errorf("topologySpreadConstraints = %+v, want the zone with the workers' selector", tsc)
			}
			if r.pdbs[0].Spec.MinAvailable == nil || r.pdbs[0].Spec.MinAvailable.IntValue() != 1 || r.pdbs[0].Spec.MaxUnavailable != nil {
				t.Errorf("PDB = %+v, want minAvailable 1 only", r.pdbs[0].Spec)
			}
		}},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		seen[tc.file] = true
		t.Run(tc.name, func(t *testing.T) {
			r, err := decodeAll(renderValues(t, filepath.Join(chartDir(t), "ci", tc.file)))
			if err != nil {
				t.Fatal(err)
			}
			checkCommon(t, r)
			tc.check(t, r)
		})
	}
	for _, f := range ciValues(t) {
		if !seen[filepath.Base(f)] {
			t.Errorf("ci/%s has no case in TestTemplate", filepath.Base(f))
		}
	}
}

func TestTemplateGracePeriodTooShort(t *testing.T) {
	_, errOut, err := runHelm(t, "template", "x", chartDir(t), "--set", "terminationGracePeriodSeconds=10")
	if err == nil || !strings.Contains(errOut, "terminationGracePeriodSeconds (10) must be longer than worker.taskShutdownGracefulTimeoutMs + worker.offsetFlushTimeoutMs (10 s)") {
		t.Fatalf("helm template = %v, stderr %q", err, errOut)
	}
}

func TestValuesRejected(t *testing.T) {
	tests := []struct {
		name   string
		values string
		want   []string // every one must appear in helm's error
	}{
		{name: "replica count below 1", values: "replicaCount: 0\n", want: []string{"/replicaCount", "minimum"}},
		{name: "replica count wrong type", values: "replicaCount: three\n", want: []string{"/replicaCount", "got string, want integer"}},
		{name: "unknown top-level key", values: "replicas: 3\n", want: []string{"additional properties 'replicas' not allowed"}},
		{name: "unknown security protocol", values: "kafka:\n  securityProtocol: SASL\n", want: []string{"/kafka/securityProtocol", "SASL_SSL"}},
		{name: "SASL without its secret", values: "kafka:\n  securityProtocol: SASL_PLAINTEXT\n", want: []string{"/kafka/sasl/existingSecret", "minLength"}},
		{name: "SSL without the truststore secret", values: "kafka:\n  securityProtocol: SSL\n", want: []string{"/kafka/tls/existingSecret", "minLength"}},
		{name: "REST basic auth without users secret", values: "rest:\n  basicAuth:\n    enabled: true\n", want: []string{"/rest/basicAuth/existingSecret", "minLength"}},
		{name: "schema registry basic auth without secret", values: "schemaRegistry:\n  url: http://sr:8081\n  basicAuth:\n    enabled: true\n", want: []string{"/schemaRegistry/basicAuth/existingSecret"}},
		{name: "scraping with basic auth without credentials", values: "rest:\n  basicAuth:\n    enabled: true\n    existingSecret: users\nmetrics:\n  serviceMonitor:\n    enabled: true\n", want: []string{"/metrics/serviceMonitor/basicAuth/existingSecret"}},
		{name: "connector without class", values: "connectors:\n  orders:\n    tasks.max: 1\n", want: []string{"/connectors/orders", "connector.class"}},
		{name: "connector config value is an object", values: "connectors:\n  orders:\n    connector.class: X\n    nested: {a: 1}\n", want: []string{"/connectors/orders/nested", "got object"}},
		{name: "bad connector name", values: "connectors:\n  \"orders/v2\":\n    connector.class: X\n", want: []string{"/connectors", "additional properties 'orders/v2' not allowed"}},
		{name: "bad alert window", values: "metrics:\n  prometheusRule:\n    window: ten minutes\n", want: []string{"/metrics/prometheusRule/window"}},
		{name: "bad initial state", values: "connectorsInitialState:\n  orders: RUN\n", want: []string{"/connectorsInitialState/orders"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "values.yaml")
			if err := os.WriteFile(f, []byte(tc.values), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, cmd := range [][]string{{"template", "x", chartDir(t), "-f", f}, {"lint", "--strict", chartDir(t), "-f", f}} {
				out, errOut, err := runHelm(t, cmd...)
				if err == nil {
					t.Fatalf("helm %s accepted %q", cmd[0], tc.values)
				}
				for _, w := range tc.want {
					if !strings.Contains(out+errOut, w) {
						t.Errorf("helm %s error does not name %q:\n%s%s", cmd[0], w, out, errOut)
					}
				}
			}
		})
	}
}
