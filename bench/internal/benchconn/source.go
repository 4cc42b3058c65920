package benchconn

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// SourceClass is the class name of the synthetic source.
const SourceClass = "io.gonnect.bench.SyntheticSourceConnector"

// SourcePlugin returns the synthetic source. Keys: topic (required), records (records
// per task, required), payload.bytes (value size, default 200), batch.size (records
// per poll, default 1000). Task i emits, for n = 0..records-1, string key
// AppendKey(n % PoolSize) and value AppendValue(n % PoolSize, payload.bytes) (the
// pool the franz-go peer cycles through, encoded once at Start), with source partition
// {"task":"<i>"} and offset {"seq":n}; once done, Poll idles (returns nil every
// second) until the task is stopped. The SourceRecords themselves are built as Poll is
// called, so the Connect record model's cost is part of the worker's measured CPU
// (the pool's strings are boxed into Connect values once, at Start).
func SourcePlugin() *connectors.Plugin {
	return &connectors.Plugin{
		Class: SourceClass, Version: "bench",
		NewConnector:  func() connectors.Connector { return &source{} },
		NewSourceTask: func() connectors.SourceTask { return &sourceTask{} },
	}
}

func sourceDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(connectors.ConfigKey{Name: "topic", Type: connectors.TypeString, Required: true, Importance: connectors.High, Documentation: "Topic to write to"}).
		Define(connectors.ConfigKey{Name: "records", Type: connectors.TypeLong, Required: true, Validator: connectors.AtLeast(1), Documentation: "Records per task"}).
		Define(connectors.ConfigKey{Name: "payload.bytes", Type: connectors.TypeInt, Default: connectors.Str("200"), Validator: connectors.AtLeast(16), Documentation: "Size of each value in bytes"}).
		Define(connectors.ConfigKey{Name: "batch.size", Type: connectors.TypeInt, Default: connectors.Str("1000"), Validator: connectors.AtLeast(1), Documentation: "Records per poll"})
}

type source struct {
	connectors.Source
	cfg connectors.Config
}

func (c *source) ConfigDef() *connectors.ConfigDef { return sourceDef() }

func (c *source) Start(_ context.Context, cfg connectors.Config, _ connectors.ConnectorContext) error {
	if _, err := sourceDef().Parse(cfg); err != nil {
		return err
	}
	c.cfg = cfg
	return nil
}

func (c *source) TaskConfigs(maxTasks int) ([]connectors.Config, error) {
	out := make([]connectors.Config, maxTasks)
	for i := range out {
		t := c.cfg.Clone()
		t["task.index"] = strconv.Itoa(i)
		out[i] = t
	}
	return out, nil
}

func (c *source) Stop(context.Context) error { return nil }

type sourceTask struct {
	topic     string
	partition offsets.Partition
	records   int64
	size      int
	batch     int
	next      int64
	// The pool: record seq is keys[seq%len], vals[seq%len]. Its strings are boxed
	// into Connect values (any) once, as the franz-go peer encodes its pool once:
	// what the benchmark measures per record is the runtime, not a string header's
	// allocation in the connector.
	keys []any
	vals []any
}

func (t *sourceTask) Start(ctx context.Context, cfg connectors.Config, tc connectors.TaskContext) error {
	p, err := sourceDef().Parse(cfg)
	if err != nil {
		return err
	}
	t.topic = cfg["topic"]
	t.records = p["records"].(int64)
	t.size = int(p["payload.bytes"].(int32))
	t.batch = int(p["batch.size"].(int32))
	t.partition = offsets.Partition{"task": cfg["task.index"]}
	// The pre-encoded pool the franz-go peer cycles through too (PoolSize).
	t.keys = make([]any, min(t.records, PoolSize))
	t.vals = make([]any, len(t.keys))
	for i := range t.keys {
		t.keys[i] = string(AppendKey(nil, int64(i)))
		t.vals[i] = string(AppendValue(nil, int64(i), t.size))
	}
	offs, err := tc.Offsets().Offsets(ctx, []offsets.Partition{t.partition})
	if err != nil {
		return err
	}
	if o := offs[0]; o != nil {
		switch n := o["seq"].(type) {
		case int64:
			t.next = n + 1
		case float64:
			t.next = int64(n) + 1
		default:
			return fmt.Errorf("stored offset seq has type %T, want a number", o["seq"])
		}
	}
	return nil
}

func (t *sourceTask) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	if t.next >= t.records {
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
		return nil, nil
	}
	n := min(int64(t.batch), t.records-t.next)
	out := make([]*connectors.SourceRecord, n)
	recs := make([]connectors.SourceRecord, n)
	seqs := make([]seqOffset, n)
	for i := range recs {
		seq := t.next
		t.next++
		seqs[i] = seqOffset(seq)
		j := seq % int64(len(t.keys))
		recs[i] = connectors.SourceRecord{
			SourcePartition: t.partition,
			LazyOffset:      &seqs[i],
			Record: connectors.Record{Topic: t.topic, KeySchema: schemas.StringSchema, Key: t.keys[j],
				ValueSchema: schemas.StringSchema, Value: t.vals[j]},
		}
		out[i] = &recs[i]
	}
	return out, nil
}

// seqOffset is a record's offset {"seq": n}, rendered only when the runtime commits it
// (offsets.Lazy), as a real source whose every record moves the offset would do.
type seqOffset int64

func (s *seqOffset) Offset() offsets.Offset { return offsets.Offset{"seq": int64(*s)} }

func (t *sourceTask) Stop(context.Context) error { return nil }
