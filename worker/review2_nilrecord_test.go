package worker

import (
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// TestNilSourceRecordFailsTaskNotWorker: a nil record in a polled batch is bad
// connector output: it fails the task with an error naming its position in the
// batch, and the worker process survives.
func TestNilSourceRecordFailsTaskNotWorker(t *testing.T) {
	ok := &connectors.SourceRecord{SourcePartition: offsets.Partition{"p": "n"}, SourceOffset: offsets.Offset{"i": int64(0)},
		Record: connectors.Record{Topic: "nil-out", ValueSchema: schemas.StringSchema, Value: "v"}}
	tests := []struct {
		name  string
		batch []*connectors.SourceRecord
		want  string // in the FAILED task's error
	}{
		{name: "nil first", batch: []*connectors.SourceRecord{nil, ok}, want: "index 0 of a batch of 2"},
		{name: "nil after a good record", batch: []*connectors.SourceRecord{ok, nil}, want: "index 1 of a batch of 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, st, _, id := startSourceTask(t, "NilRecord", nil,
				func() connectors.SourceTask { return &onceTask{recs: tc.batch} })
			if err := st.failure(t, id); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one naming %q", err, tc.want)
			}
		})
	}
}
