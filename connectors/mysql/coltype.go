package mysql

import (
	"strings"

	"github.com/gonnect/gonnect/connectors/cdc"
	tmysql "github.com/pingcap/tidb/pkg/parser/mysql"
	"github.com/pingcap/tidb/pkg/parser/types"
)

func isCharType(tp byte) bool {
	switch tp {
	case tmysql.TypeVarchar, tmysql.TypeVarString, tmysql.TypeString, tmysql.TypeTinyBlob, tmysql.TypeBlob,
		tmysql.TypeMediumBlob, tmysql.TypeLongBlob, tmysql.TypeEnum, tmysql.TypeSet:
		return true
	}
	return false
}

// columnType maps a parsed type to name, JDBC code, length and scale as Debezium's
// MySQL parser records them.
func columnType(ft *types.FieldType) cdc.Column {
	var c cdc.Column
	unsigned := tmysql.HasUnsignedFlag(ft.GetFlag())
	zerofill := tmysql.HasZerofillFlag(ft.GetFlag())
	binary := ft.GetCharset() == "binary"
	flen, dec := ft.GetFlen(), ft.GetDecimal()
	setLen := func() {
		if flen != types.UnspecifiedLength && flen >= 0 {
			c.Length = cdc.Int32(int32(flen))
		}
	}
	switch ft.GetType() {
	case tmysql.TypeTiny:
		if flen == boolMarker {
			c.TypeName, c.JDBCType, c.TypeExpression = "BOOLEAN", cdc.JDBCBoolean, "BOOLEAN"
			return c
		}
		c.TypeName, c.JDBCType = "TINYINT", cdc.JDBCTinyInt
		setLen()
	case tmysql.TypeShort:
		c.TypeName, c.JDBCType = "SMALLINT", cdc.JDBCSmallInt
		setLen()
	case tmysql.TypeInt24:
		c.TypeName, c.JDBCType = "MEDIUMINT", cdc.JDBCInteger
		setLen()
	case tmysql.TypeLong:
		c.TypeName, c.JDBCType = "INT", cdc.JDBCInteger
		setLen()
	case tmysql.TypeLonglong:
		c.TypeName, c.JDBCType = "BIGINT", cdc.JDBCBigInt
		setLen()
	case tmysql.TypeFloat:
		c.TypeName, c.JDBCType = "FLOAT", cdc.JDBCFloat
		setLen()
		if dec != types.UnspecifiedLength && dec >= 0 && flen >= 0 {
			c.Scale = cdc.Int32(int32(dec))
		}
	case tmysql.TypeDouble:
		c.TypeName, c.JDBCType = "DOUBLE", cdc.JDBCDouble
		setLen()
		if dec != types.UnspecifiedLength && dec >= 0 && flen >= 0 {
			c.Scale = cdc.Int32(int32(dec))
		}
	case tmysql.TypeNewDecimal:
		c.TypeName, c.JDBCType = "DECIMAL", cdc.JDBCDecimal
		if flen < 0 {
			flen = 10
		}
		if dec < 0 {
			dec = 0
		}
		c.Length, c.Scale = cdc.Int32(int32(flen)), cdc.Int32(int32(dec))
	case tmysql.TypeBit:
		c.TypeName, c.JDBCType = "BIT", cdc.JDBCBit
		if flen < 0 {
			flen = 1
		}
		c.Length = cdc.Int32(int32(flen))
	case tmysql.TypeYear:
		c.TypeName, c.JDBCType = "YEAR", cdc.JDBCInteger
	case tmysql.TypeDate, tmysql.TypeNewDate:
		c.TypeName, c.JDBCType = "DATE", cdc.JDBCDate
	case tmysql.TypeDuration:
		c.TypeName, c.JDBCType = "TIME", cdc.JDBCTime
		if dec > 0 {
			c.Length = cdc.Int32(int32(dec))
		}
	case tmysql.TypeDatetime:
		c.TypeName, c.JDBCType = "DATETIME", cdc.JDBCTimestamp
		if dec > 0 {
			c.Length = cdc.Int32(int32(dec))
		}
	case tmysql.TypeTimestamp:
		c.TypeName, c.JDBCType = "TIMESTAMP", cdc.JDBCTimestampWithTimezone
		if dec > 0 {
			c.Length = cdc.Int32(int32(dec))
		}
	case tmysql.TypeVarchar, tmysql.TypeVarString:
		if binary && flen >= spatialMarker && flen < spatialMarker+len(spatialTypes) {
			c.TypeName, c.JDBCType = spatialTypes[flen-spatialMarker], cdc.JDBCOther
			if c.TypeName == "GEOMCOLLECTION" {
				c.TypeName = "GEOMETRYCOLLECTION"
			}
			c.TypeExpression = c.TypeName
			return c
		}
		if binary {
			c.TypeName, c.JDBCType = "VARBINARY", cdc.JDBCVarbinary
		} else {
			c.TypeName, c.JDBCType = "VARCHAR", cdc.JDBCVarchar
		}
		setLen()
	case tmysql.TypeString:
		if binary {
			c.TypeName, c.JDBCType = "BINARY", cdc.JDBCBinary
		} else {
			c.TypeName, c.JDBCType = "CHAR", cdc.JDBCChar
		}
		if flen < 0 {
			flen = 1
		}
		c.Length = cdc.Int32(int32(flen))
	case tmysql.TypeTinyBlob, tmysql.TypeBlob, tmysql.TypeMediumBlob, tmysql.TypeLongBlob:
		prefix := map[byte]string{tmysql.TypeTinyBlob: "TINY", tmysql.TypeBlob: "", tmysql.TypeMediumBlob: "MEDIUM", tmysql.TypeLongBlob: "LONG"}[ft.GetType()]
		if binary {
			c.TypeName, c.JDBCType = prefix+"BLOB", cdc.JDBCBlob
		} else {
			c.TypeName, c.JDBCType = prefix+"TEXT", cdc.JDBCVarchar
		}
	case tmysql.TypeEnum:
		c.TypeName, c.JDBCType = "ENUM", cdc.JDBCChar
		c.EnumValues = append([]string(nil), ft.GetElems()...)
		c.Length = cdc.Int32(1)
	case tmysql.TypeSet:
		c.TypeName, c.JDBCType = "SET", cdc.JDBCChar
		c.EnumValues = append([]string(nil), ft.GetElems()...)
		c.Length = cdc.Int32(1)
	case tmysql.TypeJSON:
		c.TypeName, c.JDBCType = "JSON", cdc.JDBCOther
	case tmysql.TypeGeometry:
		c.TypeName, c.JDBCType = "GEOMETRY", cdc.JDBCOther
	case tmysql.TypeTiDBVectorFloat32:
		c.TypeName, c.JDBCType = "VECTOR", cdc.JDBCOther
	default:
		c.TypeName, c.JDBCType = strings.ToUpper(types.TypeToStr(ft.GetType(), ft.GetCharset())), cdc.JDBCOther
	}
	if unsigned {
		c.TypeName += " UNSIGNED"
	}
	if zerofill {
		c.TypeName += " ZEROFILL"
	}
	c.TypeExpression = c.TypeName
	if !binary && isCharType(ft.GetType()) {
		c.Charset = ft.GetCharset()
	}
	return c
}
