package cdc

import (
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/offsets"
	"github.com/gonnect/gonnect/schemas"
)

var (
	changeColumnSchema = schemas.StructBuilder().Name("io.debezium.connector.schema.Column").Version(1).
				Field("name", schemas.StringSchema).
				Field("jdbcType", schemas.Int32Schema).
				Field("nativeType", schemas.OptionalInt32Schema).
				Field("typeName", schemas.StringSchema).
				Field("typeExpression", schemas.OptionalStringSchema).
				Field("charsetName", schemas.OptionalStringSchema).
				Field("length", schemas.OptionalInt32Schema).
				Field("scale", schemas.OptionalInt32Schema).
				Field("position", schemas.Int32Schema).
				Field("optional", schemas.OptionalBooleanSchema).
				Field("autoIncremented", schemas.OptionalBooleanSchema).
				Field("generated", schemas.OptionalBooleanSchema).
				Field("comment", schemas.OptionalStringSchema).
				Field("defaultValueExpression", schemas.OptionalStringSchema).
				Field("enumValues", schemas.ArrayBuilder(schemas.StringSchema).Optional().Schema()).
				Schema()
	changeTableSchema = schemas.StructBuilder().Name("io.debezium.connector.schema.Table").Version(1).Optional().
				Field("defaultCharsetName", schemas.OptionalStringSchema).
				Field("primaryKeyColumnNames", schemas.ArrayBuilder(schemas.StringSchema).Optional().Schema()).
				Field("columns", schemas.ArrayBuilder(changeColumnSchema).Schema()).
				Field("comment", schemas.OptionalStringSchema).
				Schema()
	changeSchema = schemas.StructBuilder().Name("io.debezium.connector.schema.Change").Version(1).
			Field("type", schemas.StringSchema).
			Field("id", schemas.StringSchema).
			Field("table", changeTableSchema).
			Schema()
)

// SchemaChangeSchemas are the key and value schemas of the schema-change topic of one
// connector kind.
type SchemaChangeSchemas struct {
	Key   *schemas.Schema
	Value *schemas.Schema
}

// NewSchemaChangeSchemas builds io.debezium.connector.<connector>.SchemaChangeKey and
// .SchemaChangeValue (version 1) around the connector's source schema.
func NewSchemaChangeSchemas(connector string, source *schemas.Schema) SchemaChangeSchemas {
	p := "io.debezium.connector." + connector
	return SchemaChangeSchemas{
		Key: schemas.StructBuilder().Name(p+".SchemaChangeKey").Version(1).
			Field("databaseName", schemas.StringSchema).Schema(),
		Value: schemas.StructBuilder().Name(p+".SchemaChangeValue").Version(1).
			Field("source", source).
			Field("ts_ms", schemas.Int64Schema).
			Field("databaseName", schemas.OptionalStringSchema).
			Field("schemaName", schemas.OptionalStringSchema).
			Field("ddl", schemas.OptionalStringSchema).
			Field("tableChanges", schemas.ArrayBuilder(changeSchema).Schema()).
			Schema(),
	}
}

// Record builds the schema-change record for a history record, on topic (partition 0)
// with the given source block, partition and offset.
func (s SchemaChangeSchemas) Record(topic string, h *HistoryRecord, source *schemas.Struct, p offsets.Partition, off offsets.Offset, now time.Time) *connectors.SourceRecord {
	changes := make([]any, 0, len(h.TableChanges))
	for _, tc := range h.TableChanges {
		c := schemas.NewStruct(changeSchema).Set("type", string(tc.Type)).Set("id", tc.ID.Quoted())
		if tc.Table != nil {
			c.Set("table", tableStruct(tc.Table))
		}
		changes = append(changes, c)
	}
	v := schemas.NewStruct(s.Value).Set("source", source).Set("ts_ms", now.UnixMilli()).
		Set("ddl", h.DDL).Set("tableChanges", changes)
	if h.DatabaseName != "" {
		v.Set("databaseName", h.DatabaseName)
	}
	if h.SchemaName != "" {
		v.Set("schemaName", h.SchemaName)
	}
	part := int32(0)
	r := &connectors.SourceRecord{SourcePartition: p, SourceOffset: off}
	r.Topic = topic
	r.KafkaPartition = &part
	r.KeySchema = s.Key
	r.Key = schemas.NewStruct(s.Key).Set("databaseName", h.DatabaseName)
	r.ValueSchema = s.Value
	r.Value = v
	r.Timestamp = now
	return r
}

func tableStruct(t *Table) *schemas.Struct {
	pk := make([]any, len(t.PrimaryKey))
	for i, n := range t.PrimaryKey {
		pk[i] = n
	}
	cols := make([]any, 0, len(t.Columns))
	for _, c := range t.Columns {
		cs := schemas.NewStruct(changeColumnSchema).Set("name", c.Name).Set("jdbcType", c.JDBCType).
			Set("typeName", c.TypeName).Set("typeExpression", c.TypeExpression).Set("position", c.Position).
			Set("optional", c.Optional).Set("autoIncremented", c.AutoIncremented).Set("generated", c.Generated)
		if c.NativeType != nil {
			cs.Set("nativeType", *c.NativeType)
		}
		if c.Charset != "" {
			cs.Set("charsetName", c.Charset)
		}
		if c.Length != nil {
			cs.Set("length", *c.Length)
		}
		if c.Scale != nil {
			cs.Set("scale", *c.Scale)
		}
		if c.Comment != "" {
			cs.Set("comment", c.Comment)
		}
		if c.DefaultExpr != nil {
			cs.Set("defaultValueExpression", *c.DefaultExpr)
		}
		if len(c.EnumValues) > 0 {
			ev := make([]any, len(c.EnumValues))
			for i, e := range c.EnumValues {
				ev[i] = e
			}
			cs.Set("enumValues", ev)
		}
		cols = append(cols, cs)
	}
	st := schemas.NewStruct(changeTableSchema).Set("primaryKeyColumnNames", pk).Set("columns", cols)
	if t.DefaultCharset != "" {
		st.Set("defaultCharsetName", t.DefaultCharset)
	}
	if t.Comment != "" {
		st.Set("comment", t.Comment)
	}
	return st
}
