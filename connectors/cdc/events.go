package cdc

import (
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

// Header keys Debezium puts on the two halves of a primary-key change.
const (
	HeaderOldKey = "__debezium.oldkey"
	HeaderNewKey = "__debezium.newkey"
)

// Change is one row change to turn into records.
type Change struct {
	Op     Op
	Before []any // row values in column order (u, d)
	After  []any // row values in column order (c, u, r)
	Source *schemas.Struct
	Tx     *TxBlock
	// Partition and Offset are attached to every record produced; LazyOffset, when
	// Offset is nil, is an offset the runtime renders only if it commits it.
	Partition  offsets.Partition
	Offset     offsets.Offset
	LazyOffset offsets.Lazy
	Now        time.Time // connector clock (envelope ts_*, record timestamp)
}

// EmitOptions are the record-shaping knobs shared by every connector.
type EmitOptions struct {
	Tombstones bool       // tombstones.on.delete
	Skipped    SkippedOps // skipped.operations
}

// Records turns a change into source records, as Debezium's RelationalChangeRecordEmitter:
// c/r/u/d envelopes, a tombstone after each delete when enabled, and an update whose key
// changed as delete (header __debezium.newkey), tombstone, create (header
// __debezium.oldkey). A truncate has a null key. Skipped operations yield no records.
func (ts *TableSchema) Records(ch Change, o EmitOptions) ([]*connectors.SourceRecord, error) {
	if o.Skipped.Has(ch.Op) {
		return nil, nil
	}
	mk := func(key *schemas.Struct, env *schemas.Struct, hs connectors.Headers) *connectors.SourceRecord {
		r := &connectors.SourceRecord{SourcePartition: ch.Partition, SourceOffset: ch.Offset, LazyOffset: ch.LazyOffset}
		r.Topic = ts.Topic
		if key != nil {
			r.KeySchema, r.Key = ts.Key, key
		}
		if env != nil {
			r.ValueSchema, r.Value = ts.Envelope, env
		}
		r.Timestamp = ch.Now
		r.Headers = hs
		return r
	}
	if ch.Op == OpTruncate {
		env := NewEnvelope(ts.Envelope, OpTruncate, nil, nil, ch.Source, ch.Tx, ch.Now)
		return []*connectors.SourceRecord{mk(nil, env, nil)}, nil
	}
	var before, after, oldKey, newKey *schemas.Struct
	var err error
	if ch.Before != nil {
		if before, err = ts.ValueStruct(ch.Before); err != nil {
			return nil, err
		}
		if oldKey, err = ts.KeyStruct(ch.Before); err != nil {
			return nil, err
		}
	}
	if ch.After != nil {
		if after, err = ts.ValueStruct(ch.After); err != nil {
			return nil, err
		}
		if newKey, err = ts.KeyStruct(ch.After); err != nil {
			return nil, err
		}
	}
	switch ch.Op {
	case OpCreate, OpRead:
		return []*connectors.SourceRecord{mk(newKey, NewEnvelope(ts.Envelope, ch.Op, nil, after, ch.Source, ch.Tx, ch.Now), nil)}, nil
	case OpDelete:
		out := []*connectors.SourceRecord{mk(oldKey, NewEnvelope(ts.Envelope, OpDelete, before, nil, ch.Source, ch.Tx, ch.Now), nil)}
		if o.Tombstones {
			out = append(out, mk(oldKey, nil, nil))
		}
		return out, nil
	}
	// update
	if ts.Key == nil || schemas.ValuesEqual(oldKey, newKey) {
		return []*connectors.SourceRecord{mk(newKey, NewEnvelope(ts.Envelope, OpUpdate, before, after, ch.Source, ch.Tx, ch.Now), nil)}, nil
	}
	var out []*connectors.SourceRecord
	if !o.Skipped.Has(OpDelete) {
		out = append(out, mk(oldKey, NewEnvelope(ts.Envelope, OpDelete, before, nil, ch.Source, ch.Tx, ch.Now),
			connectors.Headers{{Key: HeaderNewKey, Schema: ts.Key, Value: newKey}}))
		if o.Tombstones {
			out = append(out, mk(oldKey, nil, connectors.Headers{{Key: HeaderNewKey, Schema: ts.Key, Value: newKey}}))
		}
	}
	if !o.Skipped.Has(OpCreate) {
		out = append(out, mk(newKey, NewEnvelope(ts.Envelope, OpCreate, nil, after, ch.Source, ch.Tx, ch.Now),
			connectors.Headers{{Key: HeaderOldKey, Schema: ts.Key, Value: oldKey}}))
	}
	return out, nil
}
