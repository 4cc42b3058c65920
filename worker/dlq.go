package worker

import (
	"context"
	"strconv"

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
	failures func()
}

func (d *deadLetterQueue) send(ctx context.Context, id TaskID, kr *kgo.Record, te *ToleratedError) {
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
	d.producer.Produce(ctx, out, func(_ *kgo.Record, err error) {
		if err != nil && d.failures != nil {
			d.failures()
		}
	})
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
