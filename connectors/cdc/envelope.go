package cdc

import (
	"fmt"
	"time"

	"github.com/gonnect/gonnect/schemas"
)

// Op is the envelope's op code.
type Op string

// The op codes Debezium writes.
const (
	OpCreate   Op = "c"
	OpUpdate   Op = "u"
	OpDelete   Op = "d"
	OpRead     Op = "r" // snapshot read
	OpTruncate Op = "t"
)

// Envelope field names, in the order of the envelope schema.
const (
	FieldBefore      = "before"
	FieldAfter       = "after"
	FieldSource      = "source"
	FieldTransaction = "transaction"
	FieldOp          = "op"
	FieldTsMs        = "ts_ms"
	FieldTsUs        = "ts_us"
	FieldTsNs        = "ts_ns"
)

// EnvelopeVersion is the envelope schema version since Debezium 2.6 (ts_us, ts_ns).
const EnvelopeVersion = 2

// transactionBlock is Debezium's "event.block" schema (optional struct, version 1).
var transactionBlock = schemas.StructBuilder().Optional().Name("event.block").Version(1).
	Field("id", schemas.StringSchema).
	Field("total_order", schemas.Int64Schema).
	Field("data_collection_order", schemas.Int64Schema).
	Schema()

// TransactionBlockSchema returns the shared "event.block" schema of the envelope's
// transaction field. Do not modify it.
func TransactionBlockSchema() *schemas.Schema { return transactionBlock }

// EnvelopeSchema builds the envelope "<topic>.Envelope" (version 2) around a row value
// schema "<topic>.Value" and the connector's source schema. Fields, in order: before,
// after (both the optional row schema), source, transaction, op, ts_ms, ts_us, ts_ns.
func EnvelopeSchema(topic string, value, source *schemas.Schema) (*schemas.Schema, error) {
	if value == nil || source == nil {
		return nil, fmt.Errorf("envelope for %s: value and source schemas are required", topic)
	}
	row := value
	if !row.Optional {
		row = row.WithOptional(true)
	}
	return schemas.StructBuilder().Name(topic+".Envelope").Version(EnvelopeVersion).
		Field(FieldBefore, row).
		Field(FieldAfter, row).
		Field(FieldSource, source).
		Field(FieldTransaction, transactionBlock).
		Field(FieldOp, schemas.StringSchema).
		Field(FieldTsMs, schemas.OptionalInt64Schema).
		Field(FieldTsUs, schemas.OptionalInt64Schema).
		Field(FieldTsNs, schemas.OptionalInt64Schema).
		Build()
}

// TxBlock is the value of an event's transaction field.
type TxBlock struct {
	ID                  string
	TotalOrder          int64
	DataCollectionOrder int64
}

// Struct renders the block as an "event.block" struct.
func (b *TxBlock) Struct() *schemas.Struct {
	if b == nil {
		return nil
	}
	return schemas.NewStruct(transactionBlock).
		Set("id", b.ID).Set("total_order", b.TotalOrder).Set("data_collection_order", b.DataCollectionOrder)
}

// NewEnvelope builds an envelope value. before/after may be nil as op requires; now is
// the connector clock written to ts_ms/ts_us/ts_ns.
func NewEnvelope(env *schemas.Schema, op Op, before, after, source *schemas.Struct, tx *TxBlock, now time.Time) *schemas.Struct {
	st := schemas.NewStruct(env)
	fillEnvelope(st, op, before, after, source, tx, now, nil)
	return st
}

// fillEnvelope sets the fields of an empty envelope struct st as NewEnvelope does,
// boxing the ts_* numbers with boxes (nil: the ordinary way).
func fillEnvelope(st *schemas.Struct, op Op, before, after, source *schemas.Struct, tx *TxBlock, now time.Time, boxes *Boxes) {
	if before != nil {
		st.SetIndex(0, before)
	}
	if after != nil {
		st.SetIndex(1, after)
	}
	st.SetIndex(2, source)
	if tx != nil {
		st.SetIndex(3, tx.Struct())
	}
	st.SetIndex(4, op.boxed())
	ns := now.UnixNano()
	if source != nil && sameTimestamps(source, ns) {
		// a snapshot read stamps its source block with the same clock reading:
		// share the three boxes instead of boxing the same numbers again
		st.SetIndex(5, source.Raw(SourceTsMs))
		st.SetIndex(6, source.Raw(SourceTsUs))
		st.SetIndex(7, source.Raw(SourceTsNs))
		return
	}
	st.SetIndex(5, boxes.Int64(ns/1e6))
	st.SetIndex(6, boxes.Int64(ns/1e3))
	st.SetIndex(7, boxes.Int64(ns))
}

// sameTimestamps reports whether a source block (of a SourceSchemaBuilder schema)
// holds ns as its ts_ms, ts_us and ts_ns.
func sameTimestamps(source *schemas.Struct, ns int64) bool {
	fs := source.Schema().Fields
	if len(fs) < SourceCommonFields || fs[SourceTsNs].Name != "ts_ns" {
		return false
	}
	tns, ok1 := source.Raw(SourceTsNs).(int64)
	tus, ok2 := source.Raw(SourceTsUs).(int64)
	tms, ok3 := source.Raw(SourceTsMs).(int64)
	return ok1 && ok2 && ok3 && tns == ns && tus == ns/1e3 && tms == ns/1e6
}

// The op codes as interface values, boxed once rather than per envelope.
var (
	boxCreate   any = string(OpCreate)
	boxUpdate   any = string(OpUpdate)
	boxDelete   any = string(OpDelete)
	boxRead     any = string(OpRead)
	boxTruncate any = string(OpTruncate)
)

func (op Op) boxed() any {
	switch op {
	case OpCreate:
		return boxCreate
	case OpUpdate:
		return boxUpdate
	case OpDelete:
		return boxDelete
	case OpRead:
		return boxRead
	case OpTruncate:
		return boxTruncate
	}
	return string(op)
}

// SetTimestamps writes now as ms, µs and ns into three consecutive int64 fields starting
// at index i (the envelope's and the source block's ts_ms, ts_us, ts_ns layout).
func SetTimestamps(st *schemas.Struct, i int, now time.Time) {
	ns := now.UnixNano()
	st.SetIndex(i, ns/1e6)
	st.SetIndex(i+1, ns/1e3)
	st.SetIndex(i+2, ns)
}
