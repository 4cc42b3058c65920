package cdc

import (
	"strconv"

	"github.com/gonnect/gonnect/schemas"
)

// Debezium semantic type names (io.debezium.*), all version 1.
const (
	EnumName                 = "io.debezium.data.Enum"
	EnumSetName              = "io.debezium.data.EnumSet"
	JSONName                 = "io.debezium.data.Json"
	XMLName                  = "io.debezium.data.Xml"
	BitsName                 = "io.debezium.data.Bits"
	VariableScaleDecimalName = "io.debezium.data.VariableScaleDecimal"
	DateName                 = "io.debezium.time.Date"
	TimeName                 = "io.debezium.time.Time"
	MicroTimeName            = "io.debezium.time.MicroTime"
	NanoTimeName             = "io.debezium.time.NanoTime"
	TimestampName            = "io.debezium.time.Timestamp"
	MicroTimestampName       = "io.debezium.time.MicroTimestamp"
	NanoTimestampName        = "io.debezium.time.NanoTimestamp"
	ZonedTimestampName       = "io.debezium.time.ZonedTimestamp"
	YearName                 = "io.debezium.time.Year"
	MicroDurationName        = "io.debezium.time.MicroDuration"
	IntervalName             = "io.debezium.time.Interval"
	GeometryName             = "io.debezium.data.geometry.Geometry"
	PointName                = "io.debezium.data.geometry.Point"
	FloatVectorName          = "io.debezium.data.FloatVector"
)

// Semantic returns a builder for a named semantic type of base type t, version 1.
func Semantic(t schemas.Type, name string) *schemas.Builder {
	return schemas.NewBuilder(t).Name(name).Version(1)
}

// EnumSchema returns an io.debezium.data.Enum (or EnumSet when set) string builder with
// the comma-joined allowed values.
func EnumSchema(allowed string, set bool) *schemas.Builder {
	name := EnumName
	if set {
		name = EnumSetName
	}
	return Semantic(schemas.String, name).Param("allowed", allowed)
}

// BitsSchema returns an io.debezium.data.Bits bytes builder of n bits.
func BitsSchema(n int) *schemas.Builder {
	return Semantic(schemas.Bytes, BitsName).Param("length", strconv.Itoa(n))
}

// DecimalSchema returns Connect's Decimal with Debezium's precision parameter.
func DecimalSchema(precision, scale int) *schemas.Builder {
	b := schemas.DecimalSchema(int32(scale))
	if precision > 0 {
		b.Param(schemas.DecimalPrecisionParam, strconv.Itoa(precision))
	}
	return b
}

// GeometrySchema returns io.debezium.data.geometry.Geometry {wkb, srid} (version 1).
func GeometrySchema() *schemas.Builder {
	return schemas.StructBuilder().Name(GeometryName).Version(1).
		Doc("Geometry").
		Field("wkb", schemas.BytesSchema).
		Field("srid", schemas.OptionalInt32Schema)
}

// PointSchema returns io.debezium.data.geometry.Point {x, y, wkb, srid} (version 1).
func PointSchema() *schemas.Builder {
	return schemas.StructBuilder().Name(PointName).Version(1).
		Doc("Geometry (POINT)").
		Field("x", schemas.Float64Schema).
		Field("y", schemas.Float64Schema).
		Field("wkb", schemas.OptionalBytesSchema).
		Field("srid", schemas.OptionalInt32Schema)
}
