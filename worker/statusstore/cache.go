package statusstore

import (
	"log/slog"
	"maps"
	"slices"
	"strings"
)

// cache is the local copy of the status topic, built by applying records in the
// order read (KafkaStatusBackingStore's read side). Not safe for concurrent use; its
// owner serialises access.
type cache struct {
	log        *slog.Logger
	connectors map[string]status
	tasks      map[string]map[int]status
	topics     map[string]map[string]TopicStatus // connector -> topic -> status
}

func newCache(log *slog.Logger) *cache {
	return &cache{
		log:        log,
		connectors: map[string]status{},
		tasks:      map[string]map[int]status{},
		topics:     map[string]map[string]TopicStatus{},
	}
}

// apply applies one record. Garbage is skipped with a warning.
func (c *cache) apply(key string, value []byte) {
	k, err := ParseKey(key)
	if err != nil {
		c.log.Warn("status topic: discarding record with invalid key", "key", key, "error", err)
		return
	}
	switch k.Kind {
	case KindConnector:
		if value == nil {
			// As Java: the connector's task statuses go with it.
			delete(c.connectors, k.Connector)
			delete(c.tasks, k.Connector)
			return
		}
		s, err := decodeStatus(value)
		if err != nil {
			c.log.Warn("status topic: skipping invalid connector status", "connector", k.Connector, "error", err)
			return
		}
		c.connectors[k.Connector] = s
	case KindTask:
		if value == nil {
			if ts := c.tasks[k.Connector]; ts != nil {
				delete(ts, k.Task)
				if len(ts) == 0 {
					delete(c.tasks, k.Connector)
				}
			}
			return
		}
		s, err := decodeStatus(value)
		if err != nil {
			c.log.Warn("status topic: skipping invalid task status", "connector", k.Connector, "task", k.Task, "error", err)
			return
		}
		ts := c.tasks[k.Connector]
		if ts == nil {
			ts = map[int]status{}
			c.tasks[k.Connector] = ts
		}
		// A worker that had not yet read another's RUNNING may still write an
		// UNASSIGNED of the same or an older generation; it is stale.
		if cur, ok := ts[k.Task]; ok && s.State == StateUnassigned && cur.State == StateRunning && cur.Generation >= s.Generation {
			c.log.Debug("status topic: ignoring stale UNASSIGNED", "connector", k.Connector, "task", k.Task,
				"generation", s.Generation, "current", cur.String())
			return
		}
		ts[k.Task] = s
	case KindTopic:
		if value == nil {
			if tm := c.topics[k.Connector]; tm != nil {
				delete(tm, k.Topic)
				if len(tm) == 0 {
					delete(c.topics, k.Connector)
				}
			}
			return
		}
		s, err := DecodeTopicStatus(value)
		if err != nil {
			c.log.Warn("status topic: skipping invalid topic status", "connector", k.Connector, "topic", k.Topic, "error", err)
			return
		}
		tm := c.topics[k.Connector]
		if tm == nil {
			tm = map[string]TopicStatus{}
			c.topics[k.Connector] = tm
		}
		tm[k.Topic] = s
	}
}

func (c *cache) connector(name string) (ConnectorStatus, bool) {
	s, ok := c.connectors[name]
	if !ok {
		return ConnectorStatus{}, false
	}
	return ConnectorStatus{Connector: name, State: s.State, Trace: s.Trace, WorkerID: s.WorkerID, Generation: s.Generation}, true
}

func (c *cache) task(id TaskID) (TaskStatus, bool) {
	s, ok := c.tasks[id.Connector][id.Task]
	if !ok {
		return TaskStatus{}, false
	}
	return TaskStatus{ID: id, State: s.State, Trace: s.Trace, WorkerID: s.WorkerID, Generation: s.Generation}, true
}

func (c *cache) taskList(name string) []TaskStatus {
	ts := c.tasks[name]
	out := make([]TaskStatus, 0, len(ts))
	for _, n := range slices.Sorted(maps.Keys(ts)) {
		t, _ := c.task(TaskID{Connector: name, Task: n})
		out = append(out, t)
	}
	return out
}

func (c *cache) topicList(connector string) []TopicStatus {
	tm := c.topics[connector]
	out := make([]TopicStatus, 0, len(tm))
	for _, t := range slices.Sorted(maps.Keys(tm)) {
		out = append(out, tm[t])
	}
	return out
}

// names lists connectors with a connector or task status, sorted.
func (c *cache) names() []string {
	set := maps.Clone(c.connectors)
	for n := range c.tasks {
		if _, ok := set[n]; !ok {
			set[n] = status{}
		}
	}
	return slices.SortedFunc(maps.Keys(set), strings.Compare)
}
