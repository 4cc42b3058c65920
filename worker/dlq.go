package worker

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Header names of Connect's dead letter queue context headers
// (errors.deadletterqueue.context.headers.enable).
const (
	dlqHeaderPrefix = "__connect.errors."
)

// deadLetterQueue forwards records a sink task could not process, under
// errors.tolerance=all, to errors.deadletterqueue.topic.name with their original key,
// value and headers, plus the __connect.errors.* context headers when enabled.
type deadLetterQueue struct {
	producer *kgo.Client
	topic    string
	headers  bool

	mu  sync.Mutex // guards err
	err error      // first failed DLQ write since the last flush
}

// send queues a record for the DLQ. The produce is not tied to the task's context, so
// a stop does not cancel records whose consumer offsets are about to be committed.
func (d *deadLetterQueue) send(id TaskID, kr *kgo.Record, te *ToleratedError) {
	out := &kgo.Record{Topic: d.topic, Key: kr.Key, Value: kr.Value, Headers: append([]kgo.RecordHeader(nil), kr.Headers...)}
	if d.headers {
		add := func(k, v string) {
			out.Headers = append(out.Headers, kgo.RecordHeader{Key: dlqHeaderPrefix + k, Value: []byte(v)})
		}
		add("topic", kr.Topic)
		add("partition", strconv.Itoa(int(kr.Partition)))
		add("offset", strconv.FormatInt(kr.Offset, 10))
		add("connector.name", id.Connector)
		add("task.id", strconv.Itoa(id.Task))
		add("stage", string(te.Stage))
		add("class.name", stageClass(te.Stage))
		add("exception.class.name", "org.apache.kafka.connect.errors.DataException")
		add("exception.message", te.Err.Error())
		add("exception.stacktrace", Trace(te.Err))
	}
	d.producer.Produce(context.Background(), out, func(_ *kgo.Record, err error) {
		if err != nil {
			d.mu.Lock()
			if d.err == nil {
				d.err = err
			}
			d.mu.Unlock()
		}
	})
}

// flush waits for every queued DLQ record and reports the first failure; the sink
// commits consumer offsets only after it returns nil, so a record is never in neither
// the sink nor the DLQ.
func (d *deadLetterQueue) flush(ctx context.Context) error {
	if err := d.producer.Flush(ctx); err != nil {
		return fmt.Errorf("flushing the dead letter queue: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.err; err != nil {
		d.err = nil
		return fmt.Errorf("writing to the dead letter queue %s: %w", d.topic, err)
	}
	return nil
}

// stageClass names the Java class Connect reports for a stage.
func stageClass(s Stage) string {
	switch s {
	case StageKeyConverter, StageValueConverter:
		return "org.apache.kafka.connect.storage.Converter"
	case StageHeaderConverter:
		return "org.apache.kafka.connect.storage.HeaderConverter"
	case StageTransformation:
		return "org.apache.kafka.connect.transforms.Transformation"
	}
	return "org.apache.kafka.connect.sink.SinkTask"
}
