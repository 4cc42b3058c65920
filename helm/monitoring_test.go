package helm

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The Prometheus operator's API module (github.com/prometheus-operator/prometheus-operator/
// pkg/apis/monitoring) is not in go.mod and pulls a newer Kubernetes than the pinned
// v0.36.3, so ServiceMonitor and PrometheusRule are decoded into these mirrors of its
// monitoring.coreos.com/v1 schema (the fields the chart may render, same JSON names),
// strictly: a misspelt field fails as it would fail the CRD's structural schema.

// ServiceMonitor mirrors monitoringv1.ServiceMonitor.
type ServiceMonitor struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              ServiceMonitorSpec `json:"spec"`
}

// ServiceMonitorSpec mirrors monitoringv1.ServiceMonitorSpec.
type ServiceMonitorSpec struct {
	JobLabel          string               `json:"jobLabel,omitempty"`
	TargetLabels      []string             `json:"targetLabels,omitempty"`
	PodTargetLabels   []string             `json:"podTargetLabels,omitempty"`
	Endpoints         []Endpoint           `json:"endpoints"`
	Selector          metav1.LabelSelector `json:"selector"`
	NamespaceSelector NamespaceSelector    `json:"namespaceSelector,omitempty"`
	SampleLimit       *uint64              `json:"sampleLimit,omitempty"`
}

// NamespaceSelector mirrors monitoringv1.NamespaceSelector.
type NamespaceSelector struct {
	Any        bool     `json:"any,omitempty"`
	MatchNames []string `json:"matchNames,omitempty"`
}

// Endpoint mirrors monitoringv1.Endpoint.
type Endpoint struct {
	Port            string              `json:"port,omitempty"`
	TargetPort      *intstr.IntOrString `json:"targetPort,omitempty"`
	Path            string              `json:"path,omitempty"`
	Scheme          string              `json:"scheme,omitempty"`
	Params          map[string][]string `json:"params,omitempty"`
	Interval        string              `json:"interval,omitempty"`
	ScrapeTimeout   string              `json:"scrapeTimeout,omitempty"`
	HonorLabels     bool                `json:"honorLabels,omitempty"`
	HonorTimestamps *bool               `json:"honorTimestamps,omitempty"`
	BasicAuth       *BasicAuth          `json:"basicAuth,omitempty"`
	FollowRedirects *bool               `json:"followRedirects,omitempty"`
	EnableHTTP2     *bool               `json:"enableHttp2,omitempty"`
}

// BasicAuth mirrors monitoringv1.BasicAuth.
type BasicAuth struct {
	Username SecretKeySelector `json:"username,omitempty"`
	Password SecretKeySelector `json:"password,omitempty"`
}

// SecretKeySelector mirrors corev1.SecretKeySelector as the CRD embeds it.
type SecretKeySelector struct {
	Name     string `json:"name,omitempty"`
	Key      string `json:"key"`
	Optional *bool  `json:"optional,omitempty"`
}

// PrometheusRule mirrors monitoringv1.PrometheusRule.
type PrometheusRule struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              PrometheusRuleSpec `json:"spec"`
}

// PrometheusRuleSpec mirrors monitoringv1.PrometheusRuleSpec.
type PrometheusRuleSpec struct {
	Groups []RuleGroup `json:"groups,omitempty"`
}

// RuleGroup mirrors monitoringv1.RuleGroup.
type RuleGroup struct {
	Name                    string            `json:"name"`
	Labels                  map[string]string `json:"labels,omitempty"`
	Interval                string            `json:"interval,omitempty"`
	QueryOffset             string            `json:"query_offset,omitempty"`
	Rules                   []Rule            `json:"rules"`
	PartialResponseStrategy string            `json:"partial_response_strategy,omitempty"`
	Limit                   *int              `json:"limit,omitempty"`
}

// Rule mirrors monitoringv1.Rule.
type Rule struct {
	Record        string             `json:"record,omitempty"`
	Alert         string             `json:"alert,omitempty"`
	Expr          intstr.IntOrString `json:"expr"`
	For           string             `json:"for,omitempty"`
	KeepFiringFor string             `json:"keep_firing_for,omitempty"`
	Labels        map[string]string  `json:"labels,omitempty"`
	Annotations   map[string]string  `json:"annotations,omitempty"`
}
