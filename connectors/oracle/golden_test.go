package oracle_test

import (
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors/cdc/cdctest"
	"github.com/gonnect/gonnect/connectors/oracle"
)

// TestGoldenRecords pins the wire shape of what the connector emits — topics, key and
// envelope schemas (names, versions, field order of io.debezium.connector.oracle.Source),
// headers of a key change, tombstones, schema-change events, the offset maps and the
// schema history records — for three fixture scenarios. Review the diff of any
// -update against shared/spec/debezium.md §2 and §4.3.
func TestGoldenRecords(t *testing.T) {
	for _, sc := range loadScenarios(t) {
		switch sc.name {
		case "S02-update-full-image", "S16-ddl-add-column", "S21-primary-key-update", "G01-rac-three-threads":
		default:
			continue
		}
		t.Run(sc.name, func(t *testing.T) {
			cfg := sc.cfg
			cfg.Now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
			st, err := oracle.NewStream(cfg, sc.catalog(), oracle.Position{}, slog.New(slog.DiscardHandler), oracle.NewMetrics("t"))
			if err != nil {
				t.Fatal(err)
			}
			var recs []any
			var hist []json.RawMessage
			for _, w := range sc.windows {
				for i := range w.Rows {
					r := w.Rows[i]
					if err := st.Process(&r); err != nil {
						t.Fatal(err)
					}
				}
				st.EndWindow(w.To, len(w.Rows))
				for _, r := range st.Records() {
					recs = append(recs, cdctest.Record(r, true, nil))
				}
				for _, h := range st.History() {
					b, err := json.Marshal(h)
					if err != nil {
						t.Fatal(err)
					}
					hist = append(hist, b)
				}
			}
			cdctest.Golden(t, "golden/"+sc.name+".json", map[string]any{"records": recs, "history": hist, "offset": st.Offset()})
		})
	}
}
