package cdc

import (
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

var (
	txKeySchema = schemas.StructBuilder().Name("io.debezium.connector.common.TransactionMetadataKey").Version(1).
			Field("id", schemas.StringSchema).Schema()
	txCollection = schemas.StructBuilder().Optional().Name("event.collection").Version(1).
			Field("data_collection", schemas.StringSchema).
			Field("event_count", schemas.Int64Schema).Schema()
	txValueSchema = schemas.StructBuilder().Name("io.debezium.connector.common.TransactionMetadataValue").Version(1).
			Field("status", schemas.StringSchema).
			Field("id", schemas.StringSchema).
			Field("event_count", schemas.OptionalInt64Schema).
			Field("data_collections", schemas.ArrayBuilder(txCollection).Optional().Schema()).
			Field("ts_ms", schemas.Int64Schema).Schema()
)

// TxMonitor tracks the current transaction for provide.transaction.metadata: it numbers
// events (total_order, data_collection_order) and builds the BEGIN and END records of
// the <prefix>.transaction topic. Owned by the streaming goroutine.
type TxMonitor struct {
	Topic     string
	Partition offsets.Partition

	id     string
	total  int64
	order  []string
	counts map[string]int64
}

// Active reports whether a transaction is open.
func (m *TxMonitor) Active() bool { return m.id != "" }

// ID returns the open transaction's id ("" when none).
func (m *TxMonitor) ID() string { return m.id }

// Begin opens transaction id and returns its BEGIN record.
func (m *TxMonitor) Begin(id string, now time.Time, off offsets.Offset) *connectors.SourceRecord {
	m.id, m.total, m.order, m.counts = id, 0, nil, map[string]int64{}
	v := schemas.NewStruct(txValueSchema).Set("status", "BEGIN").Set("id", id).Set("ts_ms", now.UnixMilli())
	return m.record(v, now, off)
}

// Event numbers one data event of collection (db.table or DB.SCHEMA.TABLE) and
// returns its transaction block.
func (m *TxMonitor) Event(collection string) *TxBlock {
	m.total++
	if _, ok := m.counts[collection]; !ok {
		m.order = append(m.order, collection)
	}
	m.counts[collection]++
	return &TxBlock{ID: m.id, TotalOrder: m.total, DataCollectionOrder: m.counts[collection]}
}

// Restore resumes numbering of an open transaction after a restart: total events and
// per-collection counts as stored in the offset.
func (m *TxMonitor) Restore(id string, total int64, counts map[string]int64, order []string) {
	m.id, m.total, m.counts, m.order = id, total, counts, order
}

// OffsetFields writes transaction_id and transaction_data_collection_order_<c> into off.
func (m *TxMonitor) OffsetFields(off offsets.Offset) {
	if m.id == "" {
		return
	}
	off["transaction_id"] = m.id
	for _, c := range m.order {
		off["transaction_data_collection_order_"+c] = m.counts[c]
	}
}

// End closes the open transaction and returns its END record (nil when none is open).
func (m *TxMonitor) End(now time.Time, off offsets.Offset) *connectors.SourceRecord {
	if m.id == "" {
		return nil
	}
	cols := make([]any, 0, len(m.order))
	for _, c := range m.order {
		cols = append(cols, schemas.NewStruct(txCollection).Set("data_collection", c).Set("event_count", m.counts[c]))
	}
	v := schemas.NewStruct(txValueSchema).Set("status", "END").Set("id", m.id).
		Set("event_count", m.total).Set("data_collections", cols).Set("ts_ms", now.UnixMilli())
	r := m.record(v, now, off)
	m.id, m.total, m.order, m.counts = "", 0, nil, nil
	return r
}

func (m *TxMonitor) record(v *schemas.Struct, now time.Time, off offsets.Offset) *connectors.SourceRecord {
	r := &connectors.SourceRecord{SourcePartition: m.Partition, SourceOffset: off}
	r.Topic = m.Topic
	r.KeySchema = txKeySchema
	r.Key = schemas.NewStruct(txKeySchema).Set("id", m.id)
	r.ValueSchema = txValueSchema
	r.Value = v
	r.Timestamp = now
	return r
}
