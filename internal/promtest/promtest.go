// Package promtest helps tests read what a Prometheus registry exports.
package promtest

import "github.com/prometheus/client_golang/prometheus"

// SeriesLabels gathers g and returns, per metric family name, the labels of its last
// series (enough for families with one series, which is what the tests look at).
func SeriesLabels(g prometheus.Gatherer) (map[string]map[string]string, error) {
	fams, err := g.Gather()
	if err != nil {
		return nil, err
	}
	got := map[string]map[string]string{}
	for _, f := range fams {
		for _, m := range f.Metric {
			l := map[string]string{}
			for _, p := range m.Label {
				l[p.GetName()] = p.GetValue()
			}
			got[f.GetName()] = l
		}
	}
	return got, nil
}
