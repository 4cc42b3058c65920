package herder

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/rest/entities"
)

// Sink connector offsets live in the connector's consumer group (connect-<name>, or
// consumer.override.group.id), not in the offsets topic (KIP-875): partitions are
// {"kafka_topic":..,"kafka_partition":..} and offsets {"kafka_offset":..}.
const (
	sinkTopicKey     = "kafka_topic"
	sinkPartitionKey = "kafka_partition"
	sinkOffsetKey    = "kafka_offset"
)

func sinkGroup(name string, cfg connectors.Config) string {
	if g := strings.TrimSpace(cfg["consumer.override.group.id"]); g != "" {
		return g
	}
	return "connect-" + name
}

func (h *Herder) isSink(name string) bool {
	return h.w.ConnectorType(mustConfig(h.snapshot(), name)) == "sink"
}

func (h *Herder) sinkOffsets(ctx context.Context, name string) (entities.ConnectorOffsets, error) {
	out := entities.ConnectorOffsets{Offsets: []entities.ConnectorOffset{}}
	if h.cfg.Admin == nil {
		return out, errors.New("no admin client for sink connector offsets")
	}
	resp, err := h.cfg.Admin.FetchOffsets(ctx, sinkGroup(name, mustConfig(h.snapshot(), name)))
	if errors.Is(err, kerr.GroupIDNotFound) {
		return out, nil // never consumed, or reset
	}
	if err != nil {
		return out, fmt.Errorf("reading the consumer group offsets: %w", err)
	}
	resp.Each(func(o kadm.OffsetResponse) {
		if o.Err != nil || o.At < 0 {
			return
		}
		out.Offsets = append(out.Offsets, entities.ConnectorOffset{
			Partition: map[string]any{sinkTopicKey: o.Topic, sinkPartitionKey: int64(o.Partition)},
			Offset:    map[string]any{sinkOffsetKey: o.At},
		})
	})
	return out, nil
}

// alterSinkOffsets commits (or, for null offsets, deletes) the group's offsets. The
// connector is STOPPED, so its group has no members.
func (h *Herder) alterSinkOffsets(ctx context.Context, name string, o entities.ConnectorOffsets) error {
	if h.cfg.Admin == nil {
		return errors.New("no admin client for sink connector offsets")
	}
	group := sinkGroup(name, mustConfig(h.snap, name))
	commit := kadm.Offsets{}
	var reset kadm.TopicsSet = kadm.TopicsSet{}
	for _, e := range o.Offsets {
		topic, ok := e.Partition[sinkTopicKey].(string)
		if !ok || topic == "" {
			return &entities.BadRequestError{Msg: "Kafka topic must be specified in the partition for sink connectors (key: kafka_topic)"}
		}
		p, ok := asInt(e.Partition[sinkPartitionKey])
		if !ok || p < 0 {
			return &entities.BadRequestError{Msg: "Kafka partition must be specified as a non-negative integer in the partition for sink connectors (key: kafka_partition)"}
		}
		if e.Offset == nil {
			reset.Add(topic, int32(p))
			continue
		}
		off, ok := asInt(e.Offset[sinkOffsetKey])
		if !ok || off < 0 {
			return &entities.BadRequestError{Msg: "Kafka offset must be specified as a non-negative integer in the offset for sink connectors (key: kafka_offset)"}
		}
		commit.Add(kadm.Offset{Topic: topic, Partition: int32(p), At: off, LeaderEpoch: -1})
	}
	if len(commit) > 0 {
		resp, err := h.cfg.Admin.CommitOffsets(ctx, group, commit)
		if err == nil {
			err = resp.Error()
		}
		if err != nil {
			return fmt.Errorf("committing the consumer group offsets: %w", err)
		}
	}
	if len(reset) > 0 {
		resp, err := h.cfg.Admin.DeleteOffsets(ctx, group, reset)
		if err == nil {
			err = resp.Error()
		}
		if err != nil {
			return fmt.Errorf("deleting the consumer group offsets: %w", err)
		}
	}
	return nil
}

// resetSinkOffsets deletes the consumer group, as Java does for a reset.
func (h *Herder) resetSinkOffsets(ctx context.Context, name string) error {
	if h.cfg.Admin == nil {
		return errors.New("no admin client for sink connector offsets")
	}
	resp, err := h.cfg.Admin.DeleteGroup(ctx, sinkGroup(name, mustConfig(h.snap, name)))
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.GroupIDNotFound) {
		return fmt.Errorf("deleting the consumer group: %w", err)
	}
	return nil
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		return int64(n), n == float64(int64(n))
	}
	return 0, false
}
