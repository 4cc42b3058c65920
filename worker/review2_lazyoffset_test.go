package worker

import (
	"errors"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// explodingOffset is a connector's offsets.Lazy that panics when rendered: connector
// code, which the runtime must contain like a panic in Poll.
type explodingOffset struct{}

func (explodingOffset) Offset() offsets.Offset { panic("lazy offset exploded") }

// TestLazyOffsetPanicFailsTaskNotWorker: a panic while rendering a record's
// LazyOffset (at the offset flush, or for the position in an error message on the
// task goroutine or in the producer callback) fails that task with the error, and the
// worker process survives, as a panic in Poll does.
func TestLazyOffsetPanicFailsTaskNotWorker(t *testing.T) {
	tests := []struct {
		name      string
		converter string
		value     any
		want      string // in the FAILED task's trace
		panicErr  bool   // the task's error is the recovered panic
	}{
		{name: "offset flush", converter: "org.apache.kafka.connect.storage.StringConverter", value: "v", want: "lazy offset exploded", panicErr: true},
		{name: "converter error position", converter: "org.apache.kafka.connect.converters.IntegerConverter", value: "v", want: string(StageValueConverter)},
		{name: "produce error position", converter: "org.apache.kafka.connect.storage.StringConverter", value: strings.Repeat("x", 2<<20), want: string(StageKafkaProduce)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &connectors.SourceRecord{
				SourcePartition: offsets.Partition{"server": "lazy"},
				LazyOffset:      explodingOffset{},
				Record:          connectors.Record{Topic: "lazy-out", ValueSchema: schemas.StringSchema, Value: tc.value},
			}
			_, st, _, id := startSourceTask(t, "LazyPanic", connectors.Config{"value.converter": tc.converter},
				func() connectors.SourceTask { return &onceTask{recs: []*connectors.SourceRecord{rec}} })
			err := st.failure(t, id)
			if tr := Trace(err); !strings.Contains(tr, tc.want) {
				t.Fatalf("trace lacks %q:\n%s", tc.want, tr)
			}
			var pe *PanicError
			if errors.As(err, &pe) != tc.panicErr {
				t.Fatalf("error = %v, want a PanicError: %v", err, tc.panicErr)
			}
		})
	}
}
