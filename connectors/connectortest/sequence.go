// Package connectortest holds connectors for tests: SequenceSource emits numbered
// records per task so tests can check that nothing is lost or skipped across
// restarts and rebalances.
package connectortest

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// SequenceClass is the class name SequenceSource registers under.
const SequenceClass = "io.gonnect.test.SequenceSourceConnector"

// SequencePlugin returns the plugin. Keys: topic (required), tasks.max, batch.size
// (records per poll, default 10), poll.interval.ms (pause between polls, default 10),
// limit (records per task, default unlimited).
//
// Task i writes records with key "<i>" and value "<i>:<n>" for n = 0, 1, ..., under
// source partition {"task":"<i>"} and offset {"seq":n}; after a restart it resumes at
// the committed seq + 1.
func SequencePlugin() *connectors.Plugin {
	return &connectors.Plugin{
		Class: SequenceClass, Version: "test",
		NewConnector:  func() connectors.Connector { return &sequenceConnector{} },
		NewSourceTask: func() connectors.SourceTask { return &sequenceTask{} },
	}
}

type sequenceConnector struct {
	connectors.Source
	cfg connectors.Config
}

func (c *sequenceConnector) ConfigDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(connectors.ConfigKey{Name: "topic", Type: connectors.TypeString, Required: true, Importance: connectors.High, Documentation: "Topic to write to"}).
		Define(connectors.ConfigKey{Name: "batch.size", Type: connectors.TypeInt, Default: connectors.Str("10"), Documentation: "Records per poll"}).
		Define(connectors.ConfigKey{Name: "poll.interval.ms", Type: connectors.TypeInt, Default: connectors.Str("10"), Documentation: "Pause between polls"}).
		Define(connectors.ConfigKey{Name: "limit", Type: connectors.TypeLong, Default: connectors.Str("-1"), Documentation: "Records per task; -1 unlimited"})
}

func (c *sequenceConnector) Start(_ context.Context, cfg connectors.Config, _ connectors.ConnectorContext) error {
	if _, err := c.ConfigDef().Parse(cfg); err != nil {
		return err
	}
	c.cfg = cfg
	return nil
}

func (c *sequenceConnector) TaskConfigs(maxTasks int) ([]connectors.Config, error) {
	out := make([]connectors.Config, maxTasks)
	for i := range out {
		t := c.cfg.Clone()
		t["task.id"] = strconv.Itoa(i)
		out[i] = t
	}
	return out, nil
}

func (c *sequenceConnector) Stop(context.Context) error { return nil }

type sequenceTask struct {
	id       string
	topic    string
	batch    int
	interval time.Duration
	limit    int64
	next     int64
}

func (t *sequenceTask) Start(ctx context.Context, cfg connectors.Config, tc connectors.TaskContext) error {
	parsed, err := (&sequenceConnector{}).ConfigDef().Parse(cfg)
	if err != nil {
		return err
	}
	t.id, t.topic = cfg["task.id"], cfg["topic"]
	t.batch = int(parsed["batch.size"].(int32))
	t.interval = time.Duration(parsed["poll.interval.ms"].(int32)) * time.Millisecond
	t.limit = parsed["limit"].(int64)
	offs, err := tc.Offsets().Offsets(ctx, []offsets.Partition{{"task": t.id}})
	if err != nil {
		return err
	}
	if offs[0] != nil {
		switch n := offs[0]["seq"].(type) {
		case int64:
			t.next = n + 1
		case float64:
			t.next = int64(n) + 1
		default:
			return fmt.Errorf("stored offset seq has type %T", offs[0]["seq"])
		}
	}
	return nil
}

func (t *sequenceTask) Poll(ctx context.Context) ([]*connectors.SourceRecord, error) {
	if t.interval > 0 {
		select {
		case <-ctx.Done():
			return nil, nil
		case <-time.After(t.interval):
		}
	}
	var out []*connectors.SourceRecord
	for i := 0; i < t.batch && (t.limit < 0 || t.next < t.limit); i++ {
		out = append(out, &connectors.SourceRecord{
			SourcePartition: offsets.Partition{"task": t.id},
			LazyOffset:      seqOffset(t.next),
			Record: connectors.Record{Topic: t.topic, KeySchema: schemas.StringSchema, Key: t.id,
				ValueSchema: schemas.StringSchema, Value: t.id + ":" + strconv.FormatInt(t.next, 10)},
		})
		t.next++
	}
	return out, nil
}

func (t *sequenceTask) Stop(context.Context) error { return nil }

// seqOffset is the offset {"seq": n}, handed to the runtime as an offsets.Lazy so the
// tests that run this connector cover offsets rendered only at commit.
type seqOffset int64

func (s seqOffset) Offset() offsets.Offset { return offsets.Offset{"seq": int64(s)} }
