// Package cdc is what Gonnect's Debezium-compatible CDC connectors (MySQL/MariaDB in
// connectors/mysql, Oracle in connectors/oracle) share. Apart from Queue, which runs the
// task's producer goroutine, it owns no goroutines; every stateful type (Heartbeat,
// TxMonitor) belongs to the task's streaming goroutine, and the immutable ones
// (TableSchema, schemas) are safe to share.
//
// # Task plumbing
//
// Queue is the hand-over from a task's run goroutine to the worker's Poll: Start runs
// the producer, Emit/Flush queue records in batches (bounded by max.queue.size), Poll
// returns up to max.batch.size records and then the producer's error, Stop cancels and
// waits. Both connectors' SourceTask methods delegate to it.
//
// # Table model and Connect schemas
//
// A dialect describes each table as a Table (TableID, Columns with JDBC type code, type
// name, length, scale, optional, default, position; PrimaryKey) and implements
// ColumnMapper to map a Column to its Connect field schema and a ValueConverter under
// its handling modes. BuildTableSchema then builds "<topic>.Key", "<topic>.Value" and
// "<topic>.Envelope" (EnvelopeSchema: before, after, source, transaction, op, ts_ms,
// ts_us, ts_ns; version 2) and TableSchema.Records turns a Change (op, before/after row
// values in column order, source struct, offset) into records: tombstones after deletes,
// a key change as delete + tombstone + create with __debezium.newkey/oldkey headers,
// truncates with a null key, skipped.operations honoured.
//
// The source block: SourceSchemaBuilder(name) starts the schema with the common fields
// (version, connector, name, ts_ms, snapshot, db, sequence, ts_us, ts_ns); the dialect
// appends its own fields and builds it once. NewSourceStruct fills the common fields;
// the dialect sets its fields by index (SourceCommonFields is the first).
//
// Semantic types: Semantic, EnumSchema, BitsSchema, DecimalSchema, GeometrySchema,
// PointSchema and the *Name constants (io.debezium.time.*, io.debezium.data.*).
//
// # Filters and config
//
// ParsePatternList/NewFilter implement §1.2 (comma-separated, backslash-escaped commas,
// anchored, case-insensitive); TableFilters combines container (database or schema),
// table and column filters with built-in exclusion and the always-captured signal
// table; ParseKeyColumns parses message.key.columns. Read list values from the raw
// config string, not from ConfigDef's LIST parse, so escaped commas survive.
// CommonConfigDef returns Debezium's common keys with their defaults, to merge with the
// dialect's keys; ParseCommon reads them into Common.
//
// # Topics, schema history, schema changes
//
// Topics names data, schema-change, heartbeat and transaction topics, sanitised.
// HistoryRecord is one schema history record (§2.8) with tableChanges; it marshals to
// Debezium's JSON and UnmarshalHistoryRecord reads Java-written records. Tables.Apply
// applies tableChanges structurally. HistoryStore has a Kafka implementation
// (KafkaHistory, single-partition topic, EnsureTopic) and MemoryHistory.
// NewSchemaChangeSchemas builds SchemaChangeKey/SchemaChangeValue for the <prefix>
// topic and its Record method renders a history record as a schema-change event.
//
// # Heartbeats, transactions, failures
//
// Heartbeat.Due returns a __debezium-heartbeat.<prefix> record carrying the current
// offset at most once per interval (running heartbeat.action.query first). TxMonitor
// numbers events inside a transaction (TxBlock for the envelope) and builds the BEGIN
// and END records of <prefix>.transaction. FailureMode.Handle applies
// event.processing.failure.handling.mode (fail|warn|skip) with the event's position in
// the message.
//
// # Signals
//
// The signal model of both connectors: Signal (id, type and raw JSON data, from a
// row of signal.data.collection or a Kafka record), SignalData (data-collections,
// type, message, additional-conditions) with ParseData, Incremental and
// HasConditions, and the Signal* type names (execute-snapshot, stop-snapshot,
// pause-snapshot, resume-snapshot, log and the two watermark types). What a signal
// does to a running incremental snapshot stays with the dialect, which owns the
// snapshot state.
//
// The Kafka signal channel: SignalConfigKeys declares signal.kafka.topic,
// .bootstrap.servers, .groupId and .poll.timeout.ms for a dialect's ConfigDef;
// ParseSignalConfig reads those and signal.enabled.channels/signal.poll.interval.ms
// into SignalConfig. KafkaSignals reads partition 0 of the topic from the group's
// committed offset, keeps the records keyed by topic.prefix, and commits after each
// Read, so a restarted task runs no signal twice. It belongs to the streaming
// goroutine, which calls Read when Due, between transactions or mining windows.
//
// The incremental snapshot chunk position: Debezium stores
// incremental_snapshot_primary_key and _maximum_key as the hex of a Java-serialized
// Object[]. The codec is package cdc/javaser (java.io.ObjectOutputStream's grammar;
// String, the boxed primitives, BigInteger, BigDecimal, byte[], java.sql.Timestamp and
// oracle.sql.TIMESTAMP, golden-tested against bytes OpenJDK wrote, with an extension
// point for a connector's own classes). EncodeJavaArray and DecodeJavaArray are its
// MySQL-facing form: null, String, Integer (JavaInt), Long, Short, Byte, Boolean,
// Float, Double, BigInteger and BigDecimal (JavaDecimal); a class outside that set is
// an error wrapping ErrJavaStream that names it, and the connector then restarts the
// table. The Oracle connector reads and writes its DATE and TIMESTAMP keys through
// javaser directly.
//
// Tests of connectors can use cdctest: readable golden rendering of records, an
// in-memory OffsetReader and LogBuffer, a log sink to read while a task writes.
package cdc
