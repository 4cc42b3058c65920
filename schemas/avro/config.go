// Package avro is Confluent's AvroConverter (io.confluent.connect.avro.AvroConverter):
// Connect schemas mapped to Avro exactly as Confluent's AvroData does, values written
// in the Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro
// binary) with schemas registered through package registry, and the reverse path
// for sink tasks and schemas registered by others.
package avro

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gonnect/gonnect/schemas/registry"
)

// Config keys of AvroConverter besides the registry ones (Confluent's names).
const (
	AutoRegisterConfig        = "auto.register.schemas"
	UseLatestVersionConfig    = "use.latest.version"
	LatestCompatStrictConfig  = "latest.compatibility.strict"
	KeySubjectStrategyConfig  = "key.subject.name.strategy"
	ValSubjectStrategyConfig  = "value.subject.name.strategy"
	ConnectMetaDataConfig     = "connect.meta.data"
	EnhancedAvroSupportConfig = "enhanced.avro.schema.support"
	SchemasCacheConfig        = "schemas.cache.config"
)

// Config configures a Converter. ParseConfig fills it from a converter config map.
type Config struct {
	Registry registry.Config
	// AutoRegister registers unknown schemas (auto.register.schemas, default true);
	// when false the schema must already be registered under the subject.
	AutoRegister bool
	// UseLatestVersion serializes with the subject's latest schema
	// (use.latest.version, default false); see Converter.FromConnect for the limits.
	UseLatestVersion bool
	// LatestCompatStrict is latest.compatibility.strict (default true).
	LatestCompatStrict bool
	// KeyStrategy and ValueStrategy name subjects ({key,value}.subject.name.strategy,
	// default TopicNameStrategy).
	KeyStrategy, ValueStrategy registry.SubjectNameStrategy
	// ConnectMetaData writes the connect.* properties (connect.meta.data, default true).
	ConnectMetaData bool
	// EnhancedSchemaSupport maps Connect strings carrying Avro enum parameters back
	// to Avro enums (enhanced.avro.schema.support, default false).
	EnhancedSchemaSupport bool
	// CacheSize bounds the compiled-schema caches (schemas.cache.config, default 1000).
	CacheSize int
}

// ParseConfig reads an AvroConverter config map (prefix already stripped).
// Errors name the key; secrets are never included.
func ParseConfig(cfg map[string]string) (Config, error) {
	c := Config{AutoRegister: true, LatestCompatStrict: true, ConnectMetaData: true, CacheSize: 1000}
	var err error
	if c.Registry, err = registry.ParseConfig(cfg); err != nil {
		return c, err
	}
	bools := []struct {
		key string
		dst *bool
	}{
		{AutoRegisterConfig, &c.AutoRegister},
		{UseLatestVersionConfig, &c.UseLatestVersion},
		{LatestCompatStrictConfig, &c.LatestCompatStrict},
		{ConnectMetaDataConfig, &c.ConnectMetaData},
		{EnhancedAvroSupportConfig, &c.EnhancedSchemaSupport},
	}
	for _, kb := range bools {
		v, ok := cfg[kb.key]
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			*kb.dst = true
		case "false":
			*kb.dst = false
		default:
			return c, fmt.Errorf("Invalid value %s for configuration %s: Expected value to be either true or false", v, kb.key)
		}
	}
	if c.KeyStrategy, err = registry.StrategyByName(KeySubjectStrategyConfig, cfg[KeySubjectStrategyConfig]); err != nil {
		return c, err
	}
	if c.ValueStrategy, err = registry.StrategyByName(ValSubjectStrategyConfig, cfg[ValSubjectStrategyConfig]); err != nil {
		return c, err
	}
	if v, ok := cfg[SchemasCacheConfig]; ok {
		n, perr := strconv.Atoi(strings.TrimSpace(v))
		if perr != nil || n < 0 {
			return c, fmt.Errorf("Invalid value %s for configuration %s: Not a non-negative number of type INT", v, SchemasCacheConfig)
		}
		c.CacheSize = n
	}
	return c, nil
}
