package connectors

// SinkRecordBorrower is an optional interface of a SinkTask that is done with the
// SinkRecord structs of a Put once Put returns. Such a task keeps, after Put returns,
// neither the records slice nor any *SinkRecord, nor a pointer into one
// (&r.Record, r.KafkaPartition, which points at r.OriginalPartition). It may keep
// everything the fields refer to (keys, values, schemas, headers, strings) and copies
// of records (a SinkRecord copied by value, Record.Clone). The worker may then write
// later polls' records into the same memory, which spares it the allocation (and the
// garbage collection) of a record per consumed message.
//
// Java has no such promise: a Java task may buffer the records of put until flush.
// A task that buffers SinkRecords until Flush must not implement this interface (or
// must report false), or must copy what it buffers.
//
// BorrowsRecords is called once, after Start returned; the answer holds until Stop.
type SinkRecordBorrower interface {
	BorrowsRecords() bool
}
