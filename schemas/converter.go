package schemas

import "context"

// Converter turns Connect data into the bytes of a Kafka key or value and back, as
// Java's org.apache.kafka.connect.storage.Converter. One instance serves one side (key
// or value) and is configured at construction. Implementations are safe for concurrent
// use by the tasks of a worker.
type Converter interface {
	// FromConnect serializes v (described by s, nil for schemaless data) for topic.
	// A nil value with a nil schema becomes a nil (tombstone) payload. With a schema,
	// it depends on the format, as in Java: AvroConverter and the String, ByteArray
	// and number converters return nil; JsonConverter with schemas.enable writes an
	// envelope whose payload is null (or the schema default). The result may share
	// memory with v (a string's bytes, a []byte passed through) and must be treated as
	// read-only.
	FromConnect(ctx context.Context, topic string, s *Schema, v any) ([]byte, error)
	// ToConnect deserializes b, which came from topic.
	ToConnect(ctx context.Context, topic string, b []byte) (*Schema, any, error)
}

// HeaderConverter converts one header value, as Java's HeaderConverter.
type HeaderConverter interface {
	FromConnectHeader(ctx context.Context, topic, key string, s *Schema, v any) ([]byte, error)
	ToConnectHeader(ctx context.Context, topic, key string, b []byte) (*Schema, any, error)
}
