package worker

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// countingTask returns records {"i": 0..n-1} of one source partition, ten per poll;
// record big is larger than the producer accepts (MESSAGE_TOO_LARGE). Once done it
// idles, returning (nil, nil) every 50 ms, or, with block, waits for ctx alone.
type countingTask struct {
	n, big int
	block  bool
	next   int
}

func (*countingTask) Start(context.Context, connectors.Config, connectors.TaskContext) error {
	return nil
}

func (t *countingTask) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	if t.next >= t.n {
		if t.block {
			<-ctx.Done()
			return nil, nil
		}
		idle := time.NewTimer(50 * time.Millisecond)
		defer idle.Stop()
		select {
		case <-ctx.Done():
		case <-idle.C:
		}
		return nil, nil
	}
	var out []*connectors.SourceRecord
	for i := 0; i < 10 && t.next < t.n; i++ {
		v := "v"
		if t.next == t.big {
			v = strings.Repeat("x", 2<<20)
		}
		out = append(out, &connectors.SourceRecord{
			SourcePartition: offsets.Partition{"p": "x"},
			SourceOffset:    offsets.Offset{"i": int64(t.next)},
			Record:          connectors.Record{Topic: "counting", ValueSchema: schemas.StringSchema, Value: v},
		})
		t.next++
	}
	return out, nil
}

func (*countingTask) Stop(context.Context) error { return nil }

// TestSourceOffsetsCommittedForAcknowledgedRecords runs the source task loop into
// kfake and checks which offset ends up committed: past a produce failure tolerated
// under errors.tolerance=all, up to (not past) a produce failure that fails the task,
// and all of them while Poll blocks (the flush timer does not wait for Poll).
func TestSourceOffsetsCommittedForAcknowledgedRecords(t *testing.T) {
	tests := []struct {
		name      string
		task      countingTask
		tolerance string
		want      int64 // committed {"i": want}
		failed    bool  // the task ends FAILED
	}{
		{name: "tolerated produce failure is committed past", task: countingTask{n: 35, big: 34}, tolerance: "all", want: 34},
		{name: "produce failure stops the committed prefix", task: countingTask{n: 35, big: 20}, tolerance: "none", want: 19, failed: true},
		{name: "offsets flush while Poll blocks", task: countingTask{n: 25, big: -1, block: true}, tolerance: "none", want: 24},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, st, store, id := startSourceTask(t, "counting", connectors.Config{"errors.tolerance": tc.tolerance},
				func() connectors.SourceTask { task := tc.task; return &task })
			committed := func() any {
				o, err := store.Get(context.Background(), "counting", []offsets.Partition{{"p": "x"}})
				if err != nil || o[0] == nil {
					return nil
				}
				return o[0]["i"]
			}
			if tc.failed {
				eventually(t, "task FAILED", func() bool { return st.last(id) == Failed })
			} else {
				// Committed by the flush timer while the task still runs.
				eventually(t, "offset committed", func() bool { return committed() == tc.want })
			}
			w.StopTasks([]TaskID{id})
			if got := committed(); got != tc.want {
				t.Fatalf("committed offset i = %v, want %d", got, tc.want)
			}
			if (st.last(id) == Failed) != tc.failed {
				t.Fatalf("last task state %s, want failed=%v", st.last(id), tc.failed)
			}
		})
	}
}
