package rest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gonnect/gonnect/rest/entities"
)

// BenchmarkListExpandStatus measures the REST layer's own cost of
// GET /connectors?expand=status&expand=info with 200 connectors (the herder is the
// in-memory fake, so this is routing, lookups and JSON encoding).
func BenchmarkListExpandStatus(b *testing.B) {
	f := newFakeHerder(testRegistry())
	for i := range 200 {
		n := fmt.Sprintf("conn-%03d", i)
		f.configs[n] = map[string]string{"name": n, "connector.class": "TestSink", "topics": "t", "tasks.max": "2"}
		f.tasks[n] = []map[string]string{{"a": "b"}, {"a": "c"}}
		f.states[n] = entities.ConnectorStateInfo{Name: n, Type: entities.TypeSink,
			Connector: entities.ConnectorState{State: entities.StateRunning, WorkerID: "10.0.0.5:8083"},
			Tasks:     []entities.TaskState{{ID: 0, State: entities.StateRunning, WorkerID: "10.0.0.5:8083"}, {ID: 1, State: entities.StateRunning, WorkerID: "10.0.0.6:8083"}}}
	}
	s, err := New(f, WithLogger(discardLogger()))
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/connectors?expand=status&expand=info", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
