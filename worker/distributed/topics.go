package distributed

import "github.com/gonnect/gonnect/worker"

// TaskTopic implements worker.TopicListener, so tasks' topics reach the herder's
// KIP-558 tracking.
func (s statusListener) TaskTopic(id worker.TaskID, topic string) { s.h().TaskTopic(id, topic) }
