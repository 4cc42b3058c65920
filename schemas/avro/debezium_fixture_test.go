package avro

import (
	"math/big"

	"github.com/gonnect/gonnect/schemas"
)

// This file builds, from spec/debezium.md §2–3.1, the Connect schemas Debezium's
// MySQL connector emits for table inventory.alltypes on topic prefix "dbserver1":
// one column per MySQL type of §3.1, the key, the envelope (version 2) and the
// io.debezium.connector.mysql.Source block (version 1).

const dbzTopic = "dbserver1.inventory.alltypes"

func semantic(t schemas.Type, name string) *schemas.Builder {
	return schemas.NewBuilder(t).Name(name).Version(1)
}

type dbzSchemas struct {
	key, value, source, envelope, block *schemas.Schema
}

func buildDebezium() dbzSchemas {
	geometry := schemas.StructBuilder().Name("io.debezium.data.geometry.Geometry").Version(1).Doc("Geometry").Optional().
		Field("wkb", schemas.BytesSchema).
		Field("srid", schemas.OptionalInt32Schema).Schema()
	point := schemas.StructBuilder().Name("io.debezium.data.geometry.Point").Version(1).Doc("Geometry (POINT)").Optional().
		Field("x", schemas.Float64Schema).
		Field("y", schemas.Float64Schema).
		Field("wkb", schemas.OptionalBytesSchema).
		Field("srid", schemas.OptionalInt32Schema).Schema()
	id := schemas.Int32Schema
	value := schemas.StructBuilder().Name(dbzTopic+".Value").
		Field("id", id).
		Field("c_boolean", schemas.OptionalBooleanSchema).
		Field("c_bit1", schemas.OptionalBooleanSchema).
		Field("c_bit12", semantic(schemas.Bytes, "io.debezium.data.Bits").Param("length", "12").Optional().Schema()).
		Field("c_tinyint", schemas.OptionalInt8Schema).
		Field("c_tinyint_u", schemas.OptionalInt16Schema).
		Field("c_smallint", schemas.OptionalInt16Schema).
		Field("c_smallint_u", schemas.OptionalInt32Schema).
		Field("c_mediumint", schemas.OptionalInt32Schema).
		Field("c_mediumint_u", schemas.OptionalInt32Schema).
		Field("c_int", schemas.NewBuilder(schemas.Int32).Optional().Default(int32(42)).Schema()).
		Field("c_int_u", schemas.OptionalInt64Schema).
		Field("c_bigint", schemas.OptionalInt64Schema).
		Field("c_bigint_u", schemas.OptionalInt64Schema).
		Field("c_real", schemas.OptionalFloat32Schema).
		Field("c_float", schemas.OptionalFloat32Schema).
		Field("c_float53", schemas.OptionalFloat64Schema).
		Field("c_double", schemas.OptionalFloat64Schema).
		Field("c_decimal", schemas.DecimalSchema(2).Param(schemas.DecimalPrecisionParam, "10").Optional().Schema()).
		Field("c_char", schemas.OptionalStringSchema).
		Field("c_varchar", schemas.NewBuilder(schemas.String).Optional().Default("abc").Schema()).
		Field("c_text", schemas.OptionalStringSchema).
		Field("c_binary", schemas.OptionalBytesSchema).
		Field("c_varbinary", schemas.OptionalBytesSchema).
		Field("c_blob", schemas.OptionalBytesSchema).
		Field("c_json", semantic(schemas.String, "io.debezium.data.Json").Optional().Schema()).
		Field("c_enum", semantic(schemas.String, "io.debezium.data.Enum").Param("allowed", "small,medium,large").Optional().Schema()).
		Field("c_set", semantic(schemas.String, "io.debezium.data.EnumSet").Param("allowed", "a,b,c").Optional().Schema()).
		Field("c_year", semantic(schemas.Int32, "io.debezium.time.Year").Optional().Schema()).
		Field("c_date", semantic(schemas.Int32, "io.debezium.time.Date").Optional().Schema()).
		Field("c_time", semantic(schemas.Int64, "io.debezium.time.MicroTime").Optional().Schema()).
		Field("c_datetime3", semantic(schemas.Int64, "io.debezium.time.Timestamp").Optional().Schema()).
		Field("c_datetime6", semantic(schemas.Int64, "io.debezium.time.MicroTimestamp").Optional().Schema()).
		Field("c_timestamp", semantic(schemas.String, "io.debezium.time.ZonedTimestamp").Default("1970-01-01T00:00:00Z").Schema()).
		Field("c_geometry", geometry).
		Field("c_point", point).
		Field("c_vector", schemas.ArrayBuilder(schemas.Float32Schema).Name("io.debezium.data.FloatVector").Version(1).Optional().Schema()).
		Schema()
	key := schemas.StructBuilder().Name(dbzTopic+".Key").Field("id", id).Schema()
	snapshot := semantic(schemas.String, "io.debezium.data.Enum").
		Param("allowed", "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental").
		Optional().Default("false").Schema()
	source := schemas.StructBuilder().Name("io.debezium.connector.mysql.Source").Version(1).
		Field("version", schemas.StringSchema).
		Field("connector", schemas.StringSchema).
		Field("name", schemas.StringSchema).
		Field("ts_ms", schemas.Int64Schema).
		Field("snapshot", snapshot).
		Field("db", schemas.StringSchema).
		Field("sequence", schemas.OptionalStringSchema).
		Field("ts_us", schemas.OptionalInt64Schema).
		Field("ts_ns", schemas.OptionalInt64Schema).
		Field("table", schemas.OptionalStringSchema).
		Field("server_id", schemas.Int64Schema).
		Field("gtid", schemas.OptionalStringSchema).
		Field("file", schemas.StringSchema).
		Field("pos", schemas.Int64Schema).
		Field("row", schemas.Int32Schema).
		Field("thread", schemas.OptionalInt64Schema).
		Field("query", schemas.OptionalStringSchema).
		Schema()
	block := schemas.StructBuilder().Name("event.block").Version(1).Optional().
		Field("id", schemas.StringSchema).
		Field("total_order", schemas.Int64Schema).
		Field("data_collection_order", schemas.Int64Schema).
		Schema()
	optValue := value.WithOptional(true)
	envelope := schemas.StructBuilder().Name(dbzTopic+".Envelope").Version(2).
		Field("before", optValue).
		Field("after", optValue).
		Field("source", source).
		Field("transaction", block).
		Field("op", schemas.StringSchema).
		Field("ts_ms", schemas.OptionalInt64Schema).
		Field("ts_us", schemas.OptionalInt64Schema).
		Field("ts_ns", schemas.OptionalInt64Schema).
		Schema()
	return dbzSchemas{key: key, value: optValue, source: source, envelope: envelope, block: block}
}

// dbzRow returns the after image of a row with every column set.
func dbzRow(s *schemas.Schema) *schemas.Struct {
	f := func(name string) *schemas.Schema { x, _ := s.Field(name); return x.Schema }
	return schemas.NewStruct(s).
		Set("id", int32(1001)).
		Set("c_boolean", true).
		Set("c_bit1", false).
		Set("c_bit12", []byte{0xff, 0x0f}).
		Set("c_tinyint", int8(-8)).
		Set("c_tinyint_u", int16(255)).
		Set("c_smallint", int16(-300)).
		Set("c_smallint_u", int32(65535)).
		Set("c_mediumint", int32(-8388608)).
		Set("c_mediumint_u", int32(16777215)).
		Set("c_int", int32(7)).
		Set("c_int_u", int64(4294967295)).
		Set("c_bigint", int64(-9223372036854775808)).
		Set("c_bigint_u", int64(-1)).
		Set("c_real", float32(1.25)).
		Set("c_float", float32(-0.5)).
		Set("c_float53", 3.141592653589793).
		Set("c_double", 1e300).
		Set("c_decimal", schemas.Decimal{Unscaled: big.NewInt(-1234567), Scale: 2}).
		Set("c_char", "c").
		Set("c_varchar", "héllo").
		Set("c_text", "long text").
		Set("c_binary", []byte{0, 1}).
		Set("c_varbinary", []byte{}).
		Set("c_blob", []byte("blob")).
		Set("c_json", `{"a":2}`).
		Set("c_enum", "medium").
		Set("c_set", "a,c").
		Set("c_year", int32(2024)).
		Set("c_date", int32(19724)).
		Set("c_time", int64(45296123456)).
		Set("c_datetime3", int64(1704164645123)).
		Set("c_datetime6", int64(1704164645123456)).
		Set("c_timestamp", "2024-01-02T03:04:05.123456Z").
		Set("c_geometry", schemas.NewStruct(f("c_geometry")).Set("wkb", []byte{1, 1, 0, 0, 0}).Set("srid", int32(4326))).
		Set("c_point", schemas.NewStruct(f("c_point")).Set("x", 1.5).Set("y", -2.5).Set("wkb", []byte{1})).
		Set("c_vector", []any{float32(0.5), float32(-1)})
}

func dbzEnvelope(d dbzSchemas) *schemas.Struct {
	src := schemas.NewStruct(d.source).
		Set("version", "3.1.2.Final").Set("connector", "mysql").Set("name", "dbserver1").
		Set("ts_ms", int64(1704164645000)).Set("db", "inventory").Set("table", "alltypes").
		Set("server_id", int64(223344)).Set("gtid", "0-1-42").Set("file", "mysql-bin.000003").
		Set("pos", int64(4711)).Set("row", int32(0)).Set("thread", int64(7))
	return schemas.NewStruct(d.envelope).
		Set("after", dbzRow(d.value)).
		Set("source", src).
		Set("op", "c").
		Set("ts_ms", int64(1704164645999)).
		Set("ts_us", int64(1704164645999000)).
		Set("ts_ns", int64(1704164645999000000))
}
