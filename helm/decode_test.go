package helm

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// rendered is one helm template output decoded into typed objects.
type rendered struct {
	deployments     []*appsv1.Deployment
	services        []*corev1.Service
	configMaps      map[string]*corev1.ConfigMap
	pods            []*corev1.Pod
	serviceAccounts []*corev1.ServiceAccount
	pdbs            []*policyv1.PodDisruptionBudget
	hpas            []*autoscalingv2.HorizontalPodAutoscaler
	serviceMonitors []*ServiceMonitor
	prometheusRules []*PrometheusRule
}

var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme, policyv1.AddToScheme, autoscalingv2.AddToScheme} {
		if err := add(s); err != nil {
			panic(err)
		}
	}
	return s
}()

// decodeAll splits a multi-document YAML stream and decodes each document strictly:
// Kubernetes kinds with the k8s.io/api types, the Prometheus operator's kinds with the
// mirrors in monitoring_test.go. An unknown field or kind is an error naming the document.
func decodeAll(stream string) (*rendered, error) {
	ser := json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme, json.SerializerOptions{Yaml: true, Strict: true})
	r := &rendered{configMaps: map[string]*corev1.ConfigMap{}}
	rd := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(stream)))
	for i := 0; ; i++ {
		doc, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return r, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if strings.TrimSpace(stripComments(string(doc))) == "" {
			continue
		}
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		where := fmt.Sprintf("document %d (%s %s)", i, tm.APIVersion, tm.Kind)
		if tm.APIVersion == "monitoring.coreos.com/v1" {
			switch tm.Kind {
			case "ServiceMonitor":
				var sm ServiceMonitor
				if err := yaml.UnmarshalStrict(doc, &sm); err != nil {
					return nil, fmt.Errorf("%s: %w", where, err)
				}
				r.serviceMonitors = append(r.serviceMonitors, &sm)
			case "PrometheusRule":
				var pr PrometheusRule
				if err := yaml.UnmarshalStrict(doc, &pr); err != nil {
					return nil, fmt.Errorf("%s: %w", where, err)
				}
				r.prometheusRules = append(r.prometheusRules, &pr)
			default:
				return nil, fmt.Errorf("%s: unexpected kind", where)
			}
			continue
		}
		obj, _, err := ser.Decode(doc, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		switch o := obj.(type) {
		case *appsv1.Deployment:
			r.deployments = append(r.deployments, o)
		case *corev1.Service:
			r.services = append(r.services, o)
		case *corev1.ConfigMap:
			r.configMaps[o.Name] = o
		case *corev1.Pod:
			r.pods = append(r.pods, o)
		case *corev1.ServiceAccount:
			r.serviceAccounts = append(r.serviceAccounts, o)
		case *policyv1.PodDisruptionBudget:
			r.pdbs = append(r.pdbs, o)
		case *autoscalingv2.HorizontalPodAutoscaler:
			r.hpas = append(r.hpas, o)
		default:
			return nil, fmt.Errorf("%s: the chart renders a kind this test does not check", where)
		}
	}
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, l := range strings.Split(doc, "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func TestDecodeAllRejects(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{name: "unknown field", doc: "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {portz: []}\n", want: `unknown field "spec.portz"`},
		{name: "wrong type", doc: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: three}\n", want: "replicas"},
		{name: "unknown kind", doc: "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: x}\n", want: `no kind "Thing"`},
		{name: "unknown ServiceMonitor field", doc: "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\nspec: {endpoints: [{port: http, pathh: /m}]}\n", want: `unknown field "pathh"`},
		{name: "unknown PrometheusRule field", doc: "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: x}\nspec: {groups: [{name: g, rules: [{alert: A, expr: up, fore: 1m}]}]}\n", want: `unknown field "fore"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeAll(tc.doc)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("decodeAll = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
