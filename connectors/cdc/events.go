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
	// SourceSchema and SourceFill, when Source is nil, give the source block for
	// Records to allocate together with the row's other structs: SourceFill fills an
	// empty struct of SourceSchema, once, during Records.
	SourceSchema *schemas.Schema
	SourceFill   SourceFiller
	Tx           *TxBlock
	// Partition and Offset are attached to every record produced; LazyOffset, when
	// Offset is nil, is an offset the runtime renders only if it commits it.
	Partition  offsets.Partition
	Offset     offsets.Offset
	LazyOffset offsets.Lazy
	Now        time.Time // connector clock (envelope ts_*, record timestamp)
	// Boxes, when set, boxes the envelope's numbers and the values of columns with a
	// BoxingConverter (see Boxes); Records uses it from the calling goroutine only.
	Boxes *Boxes
}

// SourceFiller writes a change's source block into an empty struct of the source
// schema (see Change.SourceFill).
type SourceFiller interface {
	FillSource(st *schemas.Struct)
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
//
// The row's value and key structs, its envelope and (with SourceFill) its source block
// are allocated together (schemas.NewStructs), and so are a lone record and its slice:
// a snapshot read or an insert costs a handful of allocations besides its values.
func (ts *TableSchema) Records(ch Change, o EmitOptions) ([]*connectors.SourceRecord, error) {
	if o.Skipped.Has(ch.Op) {
		return nil, nil
	}
	fillSource := ch.Source == nil && ch.SourceFill != nil && ch.SourceSchema != nil
	if ch.Op == OpTruncate {
		if fillSource {
			ch.Source = schemas.NewStruct(ch.SourceSchema)
			ch.SourceFill.FillSource(ch.Source)
		}
		env := NewEnvelope(ts.Envelope, OpTruncate, nil, nil, ch.Source, ch.Tx, ch.Now)
		return ts.one(&ch, nil, env), nil
	}
	const none = -1
	var ss [6]*schemas.Schema
	var sts [6]*schemas.Struct
	n := 0
	slot := func(s *schemas.Schema) int { ss[n] = s; n++; return n - 1 }
	iBefore, iOldKey, iAfter, iNewKey, iSource := none, none, none, none, none
	if fillSource {
		iSource = slot(ch.SourceSchema)
	}
	if ch.Before != nil {
		iBefore = slot(ts.Value)
		if ts.Key != nil {
			iOldKey = slot(ts.Key)
		}
	}
	if ch.After != nil {
		iAfter = slot(ts.Value)
		if ts.Key != nil {
			iNewKey = slot(ts.Key)
		}
	}
	iEnv := slot(ts.Envelope)
	ch.Boxes.newStructs(sts[:n], ss[:n])
	at := func(i int) *schemas.Struct {
		if i == none {
			return nil
		}
		return sts[i]
	}
	before, oldKey, after, newKey := at(iBefore), at(iOldKey), at(iAfter), at(iNewKey)
	if iSource != none {
		ch.Source = sts[iSource]
		ch.SourceFill.FillSource(ch.Source)
	}
	if before != nil {
		if err := ts.fill(before, ts.valIdx, ts.valConv, ts.valBox, ch.Before, ch.Boxes); err != nil {
			return nil, err
		}
		if oldKey != nil {
			if err := ts.fill(oldKey, ts.keyIdx, ts.keyConv, ts.keyBox, ch.Before, ch.Boxes); err != nil {
				return nil, err
			}
		}
	}
	if after != nil {
		if err := ts.fill(after, ts.valIdx, ts.valConv, ts.valBox, ch.After, ch.Boxes); err != nil {
			return nil, err
		}
		if newKey != nil {
			if err := ts.fill(newKey, ts.keyIdx, ts.keyConv, ts.keyBox, ch.After, ch.Boxes); err != nil {
				return nil, err
			}
		}
	}
	env := sts[iEnv]
	switch ch.Op {
	case OpCreate, OpRead:
		fillEnvelope(env, ch.Op, nil, after, ch.Source, ch.Tx, ch.Now, ch.Boxes)
		return ts.one(&ch, newKey, env), nil
	case OpDelete:
		fillEnvelope(env, OpDelete, before, nil, ch.Source, ch.Tx, ch.Now, ch.Boxes)
		if !o.Tombstones {
			return ts.one(&ch, oldKey, env), nil
		}
		return []*connectors.SourceRecord{ts.record(&ch, oldKey, env, nil), ts.record(&ch, oldKey, nil, nil)}, nil
	}
	// update
	if ts.Key == nil || schemas.ValuesEqual(oldKey, newKey) {
		fillEnvelope(env, OpUpdate, before, after, ch.Source, ch.Tx, ch.Now, ch.Boxes)
		return ts.one(&ch, newKey, env), nil
	}
	var out []*connectors.SourceRecord
	if !o.Skipped.Has(OpDelete) {
		out = append(out, ts.record(&ch, oldKey, NewEnvelope(ts.Envelope, OpDelete, before, nil, ch.Source, ch.Tx, ch.Now),
			connectors.Headers{{Key: HeaderNewKey, Schema: ts.Key, Value: newKey}}))
		if o.Tombstones {
			out = append(out, ts.record(&ch, oldKey, nil, connectors.Headers{{Key: HeaderNewKey, Schema: ts.Key, Value: newKey}}))
		}
	}
	if !o.Skipped.Has(OpCreate) {
		out = append(out, ts.record(&ch, newKey, NewEnvelope(ts.Envelope, OpCreate, nil, after, ch.Source, ch.Tx, ch.Now),
			connectors.Headers{{Key: HeaderOldKey, Schema: ts.Key, Value: oldKey}}))
	}
	return out, nil
}

// record returns the record of one key and envelope (nil envelope: a tombstone).
func (ts *TableSchema) record(ch *Change, key, env *schemas.Struct, hs connectors.Headers) *connectors.SourceRecord {
	r := &connectors.SourceRecord{}
	ts.setRecord(r, ch, key, env, hs)
	return r
}

func (ts *TableSchema) setRecord(r *connectors.SourceRecord, ch *Change, key, env *schemas.Struct, hs connectors.Headers) {
	r.SourcePartition, r.SourceOffset, r.LazyOffset = ch.Partition, ch.Offset, ch.LazyOffset
	r.Topic = ts.Topic
	if key != nil {
		r.KeySchema, r.Key = ts.Key, key
	}
	if env != nil {
		r.ValueSchema, r.Value = ts.Envelope, env
	}
	r.Timestamp = ch.Now
	r.Headers = hs
}

// one returns a slice of the one record of key and env, in one allocation (none with
// the change's Boxes).
func (ts *TableSchema) one(ch *Change, key, env *schemas.Struct) []*connectors.SourceRecord {
	c := ch.Boxes.newOne()
	ts.setRecord(&c.r, ch, key, env, nil)
	c.s[0] = &c.r
	return c.s[:]
}
