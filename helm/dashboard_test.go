package helm

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// dashboard is the part of Grafana's dashboard model the checks read.
type dashboard struct {
	Title      string `json:"title"`
	UID        string `json:"uid"`
	Templating struct {
		List []struct {
			Name  string `json:"name"`
			Type  string `json:"type"`
			Multi bool   `json:"multi"`
		} `json:"list"`
	} `json:"templating"`
	Panels []struct {
		Type    string `json:"type"`
		Title   string `json:"title"`
		Repeat  string `json:"repeat"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

// metricName matches the series the dashboard and alerts read.
var metricName = regexp.MustCompile(`\b(kafka_connect_[a-z_]+|debezium_metrics_[A-Za-z]+|gonnect_[a-z_]+)\b`)

// metricNames returns the sorted distinct series names in exprs.
func metricNames(exprs []string) []string {
	set := map[string]bool{}
	for _, e := range exprs {
		for _, m := range metricName.FindAllString(e, -1) {
			set[m] = true
		}
	}
	out := make([]string, 0, len(set))
	for m := range set {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// monitoringExprs renders the monitoring CI values and returns every PromQL expression
// of the dashboard and the alert rules.
func monitoringExprs(t *testing.T) []string {
	t.Helper()
	r, err := decodeAll(renderValues(t, chartDir(t)+"/ci/monitoring-values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for _, pr := range r.prometheusRules {
		for _, g := range pr.Spec.Groups {
			for _, rule := range g.Rules {
				exprs = append(exprs, rule.Expr.String())
			}
		}
	}
	var d dashboard
	if err := json.Unmarshal([]byte(r.configMaps["pipelines-gonnect-dashboard"].Data["gonnect.json"]), &d); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	return exprs
}

// balanced reports the first unbalanced (, [ or { in a PromQL expression, ignoring
// quoted strings; "" when balanced. A cheap guard: no PromQL parser is in go.mod.
func balanced(expr string) string {
	var stack []rune
	pairs := map[rune]rune{')': '(', ']': '[', '}': '{'}
	var quote rune
	for i, c := range expr {
		switch {
		case quote != 0:
			if c == quote && (i == 0 || expr[i-1] != '\\') {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '[' || c == '{':
			stack = append(stack, c)
		case pairs[c] != 0:
			if len(stack) == 0 || stack[len(stack)-1] != pairs[c] {
				return fmt.Sprintf("unexpected %c at %d", c, i)
			}
			stack = stack[:len(stack)-1]
		}
	}
	if quote != 0 {
		return "unterminated string"
	}
	if len(stack) > 0 {
		return fmt.Sprintf("unclosed %c", stack[len(stack)-1])
	}
	return ""
}

func TestPromQLBalanced(t *testing.T) {
	for _, e := range monitoringExprs(t) {
		if msg := balanced(e); msg != "" {
			t.Errorf("%s: %q", msg, e)
		}
	}
	for _, tc := range []struct{ name, expr, want string }{
		{name: "ok", expr: `sum(rate(x{a="(}"}[5m]))`, want: ""},
		{name: "unclosed", expr: `sum(rate(x[5m])`, want: "unclosed ("},
		{name: "crossed", expr: `max(x{a="b")}`, want: "unexpected ) at 11"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := balanced(tc.expr); got != tc.want {
				t.Errorf("balanced(%q) = %q, want %q", tc.expr, got, tc.want)
			}
		})
	}
}

func checkMonitoring(t *testing.T, r *rendered) {
	t.Helper()
	if len(r.serviceMonitors) != 1 {
		t.Fatalf("%d ServiceMonitors, want 1", len(r.serviceMonitors))
	}
	sm := r.serviceMonitors[0]
	if sm.Labels["release"] != "kube-prometheus-stack" || len(sm.Spec.Endpoints) != 1 ||
		sm.Spec.Endpoints[0].Path != "/metrics" || sm.Spec.Endpoints[0].Port != "http" {
		t.Errorf("ServiceMonitor = %+v", sm)
	}
	var scraped []string
	for _, s := range r.services {
		match := true
		for k, v := range sm.Spec.Selector.MatchLabels {
			if s.Labels[k] != v {
				match = false
			}
		}
		if match {
			scraped = append(scraped, s.Name)
		}
	}
	if strings.Join(scraped, ",") != "pipelines-gonnect-headless" {
		t.Errorf("ServiceMonitor selects services %v, want only the headless one (each pod once)", scraped)
	}

	if len(r.prometheusRules) != 1 {
		t.Fatalf("%d PrometheusRules, want 1", len(r.prometheusRules))
	}
	alerts := map[string]Rule{}
	for _, g := range r.prometheusRules[0].Spec.Groups {
		for _, rule := range g.Rules {
			alerts[rule.Alert] = rule
		}
	}
	want := map[string][]string{
		"GonnectConnectorFailed":      {`kafka_connect_connector_status{status="failed"}`},
		"GonnectTaskFailed":           {`kafka_connect_connector_task_status{status="failed"}`},
		"GonnectSourceLag":            {`max by (namespace, connector, plugin) (debezium_metrics_MilliSecondsBehindSource{context="streaming"}) > 120000`},
		"GonnectHeartbeatsStopped":    {`kafka_connect_source_task_metrics_source_record_write_total`},
		"GonnectOffsetCommitsFailing": {`kafka_connect_connector_task_metrics_offset_commit_failure_total`},
		"GonnectRebalanceLoop": {`kafka_connect_worker_rebalance_completed_rebalances_total`,
			`kafka_connect_worker_rebalance_rebalancing`},
	}
	for name, exprs := range want {
		a, ok := alerts[name]
		if !ok {
			t.Errorf("alert %s missing", name)
			continue
		}
		for _, expr := range exprs {
			if !strings.Contains(a.Expr.String(), expr) {
				t.Errorf("alert %s expr = %q, want it to contain %q", name, a.Expr.String(), expr)
			}
		}
		if a.For != "10m" {
			t.Errorf("alert %s for = %q, want the 10m default window", name, a.For)
		}
		if a.Annotations["runbook"] == "" || a.Annotations["summary"] == "" || a.Labels["severity"] == "" {
			t.Errorf("alert %s lacks a runbook, summary or severity: %+v", name, a)
		}
	}
	if len(alerts) != len(want) {
		t.Errorf("alerts %v, want exactly %d", alerts, len(want))
	}

	cm := r.configMaps["pipelines-gonnect-dashboard"]
	if cm == nil || cm.Labels["grafana_dashboard"] != "1" {
		t.Fatalf("dashboard ConfigMap missing or not labelled grafana_dashboard=1: %+v", cm)
	}
	var d dashboard
	if err := json.Unmarshal([]byte(cm.Data["gonnect.json"]), &d); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	var connectorVar bool
	for _, v := range d.Templating.List {
		if v.Name == "connector" && v.Type == "query" && v.Multi {
			connectorVar = true
		}
	}
	if !connectorVar {
		t.Error("dashboard has no multi-value connector variable")
	}
	var repeated bool
	titles := map[string]bool{}
	for _, p := range d.Panels {
		if p.Type == "row" && p.Repeat == "connector" {
			repeated = true
		}
		if repeated && p.Type != "row" {
			titles[p.Title] = true
			for _, tg := range p.Targets {
				if !strings.Contains(tg.Expr, `connector="$connector"`) {
					t.Errorf("panel %q query %q is not filtered on the row's connector", p.Title, tg.Expr)
				}
			}
		}
	}
	if !repeated {
		t.Error("dashboard has no row repeated per connector")
	}
	for _, want := range []string{"Status", "Events per second", "Lag behind source", "Snapshot progress", "Offset commit latency", "Errors"} {
		if !titles[want] {
			t.Errorf("connector row lacks panel %q (has %v)", want, titles)
		}
	}
}
