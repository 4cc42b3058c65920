package cdc

import (
	"context"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

var (
	heartbeatKey = schemas.StructBuilder().Name("io.debezium.connector.common.ServerNameKey").Version(1).
			Field("serverName", schemas.StringSchema).Schema()
	heartbeatValue = schemas.StructBuilder().Name("io.debezium.connector.common.Heartbeat").Version(1).
			Field("ts_ms", schemas.Int64Schema).Schema()
)

// Heartbeat emits at most one record per interval on the heartbeat topic, carrying the
// current offset so that committed offsets follow the log while captured tables are
// idle. It is owned by the task's streaming goroutine and not safe for concurrent use.
type Heartbeat struct {
	Interval  time.Duration // heartbeat.interval.ms; 0 disables
	Topic     string
	Prefix    string // topic.prefix, the key's serverName
	Partition offsets.Partition
	// Action runs heartbeat.action.query on each heartbeat (nil: none). An error is
	// returned by Due's caller to decide; Debezium fails the task.
	Action func(ctx context.Context) error
	last   time.Time
}

// Due returns a heartbeat record for offset when the interval has elapsed since the last
// one (running Action first), or nil. now is the connector clock.
func (h *Heartbeat) Due(ctx context.Context, now time.Time, offset offsets.Offset) (*connectors.SourceRecord, error) {
	if h == nil || h.Interval <= 0 {
		return nil, nil
	}
	if h.last.IsZero() {
		h.last = now
		return nil, nil
	}
	if now.Sub(h.last) < h.Interval {
		return nil, nil
	}
	h.last = now
	if h.Action != nil {
		if err := h.Action(ctx); err != nil {
			return nil, err
		}
	}
	return h.Record(now, offset), nil
}

// Record builds a heartbeat record now for offset, whatever the interval.
func (h *Heartbeat) Record(now time.Time, offset offsets.Offset) *connectors.SourceRecord {
	p := int32(0)
	r := &connectors.SourceRecord{SourcePartition: h.Partition, SourceOffset: offset}
	r.Topic = h.Topic
	r.KafkaPartition = &p
	r.KeySchema = heartbeatKey
	r.Key = schemas.NewStruct(heartbeatKey).Set("serverName", h.Prefix)
	r.ValueSchema = heartbeatValue
	r.Value = schemas.NewStruct(heartbeatValue).Set("ts_ms", now.UnixMilli())
	r.Timestamp = now
	return r
}
