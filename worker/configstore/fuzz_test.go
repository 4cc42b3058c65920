package configstore

import (
	"io"
	"log/slog"
	"testing"
)

// FuzzApply feeds arbitrary config-topic records to the reader: whatever another
// worker (or a broken tool) wrote, applying it must not panic, and the snapshot must
// stay usable.
func FuzzApply(f *testing.F) {
	seeds := []Record{
		ConnectorConfigRecord("a", map[string]string{"k": "v"}),
		TaskConfigRecord(TaskID{"a", 0}, map[string]string{"k": "v"}),
		CommitRecord("a", 1),
		TargetStateRecord("a", TargetStopped),
		RestartRecord(RestartRequest{Connector: "a", IncludeTasks: true}),
		TaskCountRecord("a", 1),
		SessionKeyRecord(SessionKey{Key: []byte("k"), Algorithm: "HmacSHA256"}),
		LoggerLevelRecord("x", "INFO"),
		raw("commit-a", `{"tasks":99999999999}`),
		raw("task-a-1", `{"properties":{"a":null}}`),
	}
	for _, s := range seeds {
		f.Add(s.Key, s.Value, false)
	}
	f.Add("connector-a", []byte(nil), true)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.Fuzz(func(t *testing.T, key string, value []byte, tombstone bool) {
		if tombstone {
			value = nil
		}
		a := newApplier(log)
		a.started = true
		a.apply(0, ConnectorKey("a"), ConnectorConfigRecord("a", nil).Value)
		a.apply(1, key, value)
		a.apply(2, key, value)
		s := a.snapshot()
		for _, name := range s.Connectors() {
			s.TaskConfigs(name)
			s.Tasks(name)
		}
		if s.Offset() < 1 || s.Offset() > 3 {
			t.Fatalf("offset %d after 3 records", s.Offset())
		}
	})
}
