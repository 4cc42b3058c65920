// Package jsonconv is Kafka Connect's JsonConverter
// (org.apache.kafka.connect.json.JsonConverter): the {"schema":...,"payload":...}
// envelope, its schema rendering and key order, schemaless JSON, and the same
// converter used for headers. Output is byte-compatible with the Java converter
// (compact JSON, Jackson's escaping and number rendering).
package jsonconv

import (
	"fmt"
	"strconv"
	"strings"
)

// DecimalFormat is how Decimal values are written (decimal.format).
type DecimalFormat string

// The decimal.format values.
const (
	// DecimalBase64 writes the unscaled two's-complement bytes as base64 text (the default).
	DecimalBase64 DecimalFormat = "BASE64"
	// DecimalNumeric writes a JSON number, as Java's BigDecimal.toString.
	DecimalNumeric DecimalFormat = "NUMERIC"
)

// Config keys of JsonConverter, with their Java names.
const (
	SchemasEnableConfig          = "schemas.enable"
	SchemasCacheSizeConfig       = "schemas.cache.size"
	DecimalFormatConfig          = "decimal.format"
	ReplaceNullWithDefaultConfig = "replace.null.with.default"
)

// Config configures a Converter.
type Config struct {
	// SchemasEnable writes and expects the schema envelope (schemas.enable, default true).
	SchemasEnable bool
	// DecimalFormat is decimal.format (default BASE64).
	DecimalFormat DecimalFormat
	// ReplaceNullWithDefault writes a field's default for a null value
	// (replace.null.with.default, default true).
	ReplaceNullWithDefault bool
	// SchemasCacheSize bounds each schema cache (schemas.cache.size, default 1000).
	SchemasCacheSize int
}

// DefaultConfig returns Java's defaults.
func DefaultConfig() Config {
	return Config{SchemasEnable: true, DecimalFormat: DecimalBase64, ReplaceNullWithDefault: true, SchemasCacheSize: 1000}
}

// ParseConfig reads the converter's own settings (prefix already stripped), applying
// defaults; unknown keys are ignored as Java does. Errors name the key.
func ParseConfig(cfg map[string]string) (Config, error) {
	c := DefaultConfig()
	var err error
	if v, ok := cfg[SchemasEnableConfig]; ok {
		if c.SchemasEnable, err = parseBool(SchemasEnableConfig, v); err != nil {
			return c, err
		}
	}
	if v, ok := cfg[ReplaceNullWithDefaultConfig]; ok {
		if c.ReplaceNullWithDefault, err = parseBool(ReplaceNullWithDefaultConfig, v); err != nil {
			return c, err
		}
	}
	if v, ok := cfg[DecimalFormatConfig]; ok {
		switch f := DecimalFormat(strings.ToUpper(strings.TrimSpace(v))); f {
		case DecimalBase64, DecimalNumeric:
			c.DecimalFormat = f
		default:
			return c, fmt.Errorf("Invalid value %s for configuration %s: String must be one of: BASE64, NUMERIC", v, DecimalFormatConfig)
		}
	}
	if v, ok := cfg[SchemasCacheSizeConfig]; ok {
		n, perr := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
		if perr != nil {
			return c, fmt.Errorf("Invalid value %s for configuration %s: Not a number of type INT", v, SchemasCacheSizeConfig)
		}
		if n < 0 {
			return c, fmt.Errorf("Invalid value %s for configuration %s: Value must be at least 0", v, SchemasCacheSizeConfig)
		}
		c.SchemasCacheSize = int(n)
	}
	return c, nil
}

func parseBool(key, v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("Invalid value %s for configuration %s: Expected value to be either true or false", v, key)
}
