package worker

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// explodingOffset is a connector's offsets.Lazy that panics when rendered: connector
// code, which the runtime must contain like a panic in Poll.
type explodingOffset struct{}

func (explodingOffset) Offset() offsets.Offset { panic("lazy offset exploded") }

// lazyPanicTask returns one record carrying an explodingOffset, then idles.
type lazyPanicTask struct {
	value any
	sent  bool
}

func (*lazyPanicTask) Start(context.Context, connectors.Config, connectors.TaskContext) error {
	return nil
}

func (t *lazyPanicTask) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	if t.sent {
		<-ctx.Done()
		return nil, nil
	}
	t.sent = true
	return []*connectors.SourceRecord{{
		SourcePartition: offsets.Partition{"server": "lazy"},
		LazyOffset:      explodingOffset{},
		Record:          connectors.Record{Topic: "lazy-out", ValueSchema: schemas.StringSchema, Value: t.value},
	}}, nil
}

func (*lazyPanicTask) Stop(context.Context) error { return nil }

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
	}{
		{name: "offset flush", converter: "org.apache.kafka.connect.storage.StringConverter", value: "v", want: "lazy offset exploded"},
		{name: "converter error position", converter: "org.apache.kafka.connect.converters.IntegerConverter", value: "v", want: string(StageValueConverter)},
		{name: "produce error position", converter: "org.apache.kafka.connect.storage.StringConverter", value: strings.Repeat("x", 2<<20), want: string(StageKafkaProduce)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
			if err != nil {
				t.Fatal(err)
			}
			defer k.Close()
			reg := connectors.NewRegistry()
			reg.Add(&connectors.Plugin{Class: "test.LazyPanic", NewConnector: func() connectors.Connector { return nil },
				NewSourceTask: func() connectors.SourceTask { return &lazyPanicTask{value: tc.value} }})
			st := newStatusLog()
			w := newTestWorker(t, reg, offsets.NewMemoryStore(), st, k.ListenAddrs())
			id := TaskID{"lazy", 0}
			conn := connectors.Config{"connector.class": "test.LazyPanic", "value.converter": tc.converter}
			if err := w.StartTask(id, conn, connectors.Config{}, TargetStarted); err != nil {
				t.Fatal(err)
			}
			defer w.StopTasks([]TaskID{id})
			eventually(t, "task FAILED", func() bool { return st.last(id) == Failed })
			st.mu.Lock()
			err = st.errs[id]
			st.mu.Unlock()
			if tr := Trace(err); !strings.Contains(tr, tc.want) {
				t.Fatalf("trace lacks %q:\n%s", tc.want, tr)
			}
			if tc.name == "offset flush" {
				var pe *PanicError
				if !errors.As(err, &pe) {
					t.Fatalf("error = %v, want a PanicError", err)
				}
			}
		})
	}
}
