package registry

import (
	"fmt"
	"strings"
)

// Java class names of Confluent's subject name strategies.
const (
	TopicNameStrategyClass       = "io.confluent.kafka.serializers.subject.TopicNameStrategy"
	RecordNameStrategyClass      = "io.confluent.kafka.serializers.subject.RecordNameStrategy"
	TopicRecordNameStrategyClass = "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"
)

// SubjectNameStrategy names the subject a schema is registered under. recordName
// is the fully qualified Avro record name ("" when the schema is not a record).
type SubjectNameStrategy func(topic string, isKey bool, recordName string) (string, error)

// TopicNameStrategy is "<topic>-key" or "<topic>-value" (the default).
func TopicNameStrategy(topic string, isKey bool, _ string) (string, error) {
	if isKey {
		return topic + "-key", nil
	}
	return topic + "-value", nil
}

// RecordNameStrategy is the fully qualified record name.
func RecordNameStrategy(_ string, _ bool, recordName string) (string, error) {
	if recordName == "" {
		return "", fmt.Errorf("the RecordNameStrategy requires a named record schema")
	}
	return recordName, nil
}

// TopicRecordNameStrategy is "<topic>-<fully qualified record name>".
func TopicRecordNameStrategy(topic string, _ bool, recordName string) (string, error) {
	if recordName == "" {
		return "", fmt.Errorf("the TopicRecordNameStrategy requires a named record schema")
	}
	return topic + "-" + recordName, nil
}

// StrategyByName resolves a strategy by Java class name or simple name; "" is
// TopicNameStrategy. key names the config key for the error message.
func StrategyByName(key, name string) (SubjectNameStrategy, error) {
	name = strings.TrimSpace(name)
	switch name {
	case "", TopicNameStrategyClass, "TopicNameStrategy":
		return TopicNameStrategy, nil
	case RecordNameStrategyClass, "RecordNameStrategy":
		return RecordNameStrategy, nil
	case TopicRecordNameStrategyClass, "TopicRecordNameStrategy":
		return TopicRecordNameStrategy, nil
	}
	return nil, fmt.Errorf("Invalid value %s for configuration %s: Class %s could not be found.", name, key, name)
}
