package statusstore

import (
	"fmt"
	"math"
	"time"

	"github.com/gonnect/gonnect/worker/configstore/jsonwire"
)

// TopicRecord is status-topic-<topic>:connector-<name> =
// {"topic":{"name":..,"connector":..,"task":..,"discoverTimestamp":<ms>}}.
func TopicRecord(s TopicStatus) Record {
	var inner jsonwire.Object
	inner.String("name", s.Topic)
	inner.String("connector", s.Connector)
	inner.Int("task", int64(s.Task))
	inner.Int("discoverTimestamp", s.Discovered.UnixMilli())
	var o jsonwire.Object
	o.Raw("topic", inner.Bytes())
	return Record{Key: TopicKey(s.Topic, s.Connector), Value: o.Bytes()}
}

// TopicTombstone deletes one topic status.
func TopicTombstone(topic, connector string) Record {
	return Record{Key: TopicKey(topic, connector)}
}

// DecodeTopicStatus reads a topic status value: task and discoverTimestamp must be
// integers, name and connector strings.
func DecodeTopicStatus(b []byte) (TopicStatus, error) {
	v, err := jsonwire.Decode(b)
	if err != nil {
		return TopicStatus{}, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return TopicStatus{}, fmt.Errorf("value should be an object but is %s", jsonwire.TypeName(v))
	}
	inner, ok := m["topic"].(map[string]any)
	if !ok {
		return TopicStatus{}, fmt.Errorf("'topic' field should be an object but is %s", jsonwire.TypeName(m["topic"]))
	}
	name, ok := inner["name"].(string)
	if !ok {
		return TopicStatus{}, fmt.Errorf("'topic.name' field should be a string but is %s", jsonwire.TypeName(inner["name"]))
	}
	conn, ok := inner["connector"].(string)
	if !ok {
		return TopicStatus{}, fmt.Errorf("'topic.connector' field should be a string but is %s", jsonwire.TypeName(inner["connector"]))
	}
	task, ok := jsonwire.Int(inner["task"])
	if !ok || task < 0 || task > math.MaxInt32 {
		return TopicStatus{}, fmt.Errorf("'topic.task' field should be a non-negative integer but is %s", jsonwire.TypeName(inner["task"]))
	}
	ts, ok := jsonwire.Int(inner["discoverTimestamp"])
	if !ok {
		return TopicStatus{}, fmt.Errorf("'topic.discoverTimestamp' field should be an integer but is %s", jsonwire.TypeName(inner["discoverTimestamp"]))
	}
	return TopicStatus{Topic: name, Connector: conn, Task: int(task), Discovered: time.UnixMilli(ts).UTC()}, nil
}
