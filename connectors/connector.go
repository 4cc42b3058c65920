// Package connectors is the connector API: what a source or sink connector implements
// and what the worker gives it. It mirrors Kafka Connect's Java API by name, with
// context.Context in place of stop()-from-another-thread.
//
// Concurrency contract, the same for every connector:
//   - The worker calls a Connector's methods from one goroutine at a time.
//   - The worker calls a Task's Start, Poll/Put and Stop one at a time, never two at
//     once (a source task's Poll runs on a goroutine of its own, one batch ahead of the
//     worker producing the previous one); Stop is called after the ctx
//     given to Poll has been cancelled and Poll has returned.
//   - A source task's CommitRecord (from a producer callback goroutine), Commit (after
//     an offset flush), and the Offset method of its records' LazyOffset may run
//     concurrently with Poll, as Java's SourceTask.commit and commitRecord do.
//   - Records, their values and the slice Poll returns belong to the worker once Poll
//     returns: the task must not reuse or modify them.
//   - Cancelling a ctx means "stop what you are doing and return promptly".
package connectors

import (
	"context"

	"github.com/gonnect/gonnect/offsets"
)

// Config is a connector or task configuration exactly as stored in the config topic:
// raw, with config-provider references such as ${file:/secrets:pw} left unresolved
// until the worker hands it to Start.
type Config map[string]string

// Clone returns a copy of c.
func (c Config) Clone() Config {
	out := make(Config, len(c))
	for k, v := range c {
		out[k] = v
	}
	return out
}

// Connector is what every connector implements.
type Connector interface {
	// ConfigDef describes the connector's own keys; it drives
	// GET /connector-plugins/{p}/config and .../config/validate.
	ConfigDef() *ConfigDef
	// Start starts the connector with its resolved config. It must return promptly;
	// long work belongs in tasks or in goroutines bounded by ctx.
	Start(ctx context.Context, cfg Config, cc ConnectorContext) error
	// TaskConfigs returns at most maxTasks task configurations.
	TaskConfigs(maxTasks int) ([]Config, error)
	// Stop releases the connector's resources; ctx bounds how long it may take.
	Stop(ctx context.Context) error
}

// Validator is implemented by connectors whose validation goes beyond ConfigDef (for
// example a CDC connector that connects to the database). Validate returns the values
// of ConfigDef.Validate with further errors added.
type Validator interface {
	Validate(ctx context.Context, cfg Config) []ConfigValue
}

// SourceConnector is a connector whose tasks read from an outside system.
type SourceConnector interface {
	Connector
	source()
}

// SinkConnector is a connector whose tasks write Kafka records to an outside system.
type SinkConnector interface {
	Connector
	sink()
}

// Source is embedded by source connectors to mark their kind.
type Source struct{}

func (Source) source() {}

// Sink is embedded by sink connectors to mark their kind.
type Sink struct{}

func (Sink) sink() {}

// SourceTask reads records from an outside system.
type SourceTask interface {
	// Start starts the task with its resolved config.
	Start(ctx context.Context, cfg Config, tc TaskContext) error
	// Poll blocks until records are ready or ctx is done. It must return (nil, nil) at
	// least every few seconds when idle so the worker can pause, commit offsets or stop.
	// An error fails the task unless it is a RetriableError.
	Poll(ctx context.Context) ([]*SourceRecord, error)
	// Stop releases the task's resources; ctx bounds how long it may take.
	Stop(ctx context.Context) error
}

// RecordCommitter is implemented by source tasks that want to know when each record
// has been acknowledged by Kafka (or filtered out, then md is nil).
type RecordCommitter interface {
	CommitRecord(ctx context.Context, r *SourceRecord, md *RecordMetadata) error
}

// OffsetCommitter is implemented by source tasks that want to know when offsets up to
// the records they returned have been durably flushed to the offset store.
type OffsetCommitter interface {
	Commit(ctx context.Context) error
}

// SinkTask writes records to an outside system.
type SinkTask interface {
	Start(ctx context.Context, cfg Config, tc SinkTaskContext) error
	// Put hands the task a batch; it may buffer them until Flush.
	Put(ctx context.Context, records []*SinkRecord) error
	// Flush makes everything Put so far durable; the worker commits consumer offsets
	// only for what was flushed.
	Flush(ctx context.Context, offsets map[TopicPartition]int64) error
	Stop(ctx context.Context) error
}

// SinkPartitionHandler is implemented by sink tasks that track partition assignment.
type SinkPartitionHandler interface {
	Open(ctx context.Context, ps []TopicPartition) error
	Close(ctx context.Context, ps []TopicPartition) error
}

// TopicPartition names one Kafka partition.
type TopicPartition struct {
	Topic     string
	Partition int32
}

// RecordMetadata is what Kafka acknowledged for a produced record.
type RecordMetadata struct {
	Topic     string
	Partition int32
	Offset    int64
}

// ConnectorContext is what the worker gives a running connector.
type ConnectorContext interface {
	// RequestTaskReconfiguration asks the worker to call TaskConfigs again.
	RequestTaskReconfiguration()
	// RaiseError fails the connector with err.
	RaiseError(err error)
	// Offsets reads committed source offsets.
	Offsets() OffsetReader
}

// TaskContext is what the worker gives a running source task.
type TaskContext interface {
	Offsets() OffsetReader
}

// SinkTaskContext is what the worker gives a running sink task.
type SinkTaskContext interface {
	// Pause stops fetching from the partitions until Resume.
	Pause(ps ...TopicPartition)
	Resume(ps ...TopicPartition)
	// RequestCommit asks for an offset commit soon.
	RequestCommit()
}

// OffsetReader reads committed source offsets.
type OffsetReader interface {
	// Offsets returns one entry per input partition (nil when none is stored). It always
	// reads through to the store.
	Offsets(ctx context.Context, ps []offsets.Partition) ([]offsets.Offset, error)
}

// RetriableError marks an error after which the worker retries the same call instead
// of failing the task (Java's RetriableException).
type RetriableError struct{ Err error }

func (e *RetriableError) Error() string { return e.Err.Error() }
func (e *RetriableError) Unwrap() error { return e.Err }
