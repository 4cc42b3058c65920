// Package converters looks converters up by their Java class names and builds them
// from a Java-style config map. It lives apart from package schemas because it
// needs connectors (for ConfigDef and the plugin registry) and schemas/avro, both of
// which import schemas.
//
// The worker calls New for key.converter/value.converter and NewHeader for
// header.converter, passing the converter's own settings with the
// "key.converter."/"value.converter."/"header.converter." prefix already stripped,
// and Register once at startup so /connector-plugins lists the converters.
package converters

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/jsonconv"
)

// Java class names of the built-in converters.
const (
	JSONClass            = "org.apache.kafka.connect.json.JsonConverter"
	StringClass          = "org.apache.kafka.connect.storage.StringConverter"
	ByteArrayClass       = "org.apache.kafka.connect.converters.ByteArrayConverter"
	ShortClass           = "org.apache.kafka.connect.converters.ShortConverter"
	IntegerClass         = "org.apache.kafka.connect.converters.IntegerConverter"
	LongClass            = "org.apache.kafka.connect.converters.LongConverter"
	FloatClass           = "org.apache.kafka.connect.converters.FloatConverter"
	DoubleClass          = "org.apache.kafka.connect.converters.DoubleConverter"
	BooleanClass         = "org.apache.kafka.connect.converters.BooleanConverter"
	SimpleHeaderClass    = "org.apache.kafka.connect.storage.SimpleHeaderConverter"
	AvroClass            = "io.confluent.connect.avro.AvroConverter"
	converterTypeConfig  = "converter.type"
	converterEncodingKey = "converter.encoding"
)

// Options carries what the worker knows beyond the converter's own config.
type Options struct {
	// RetryTimeout bounds retries of transient schema registry errors (the
	// connector's errors.retry.timeout; 0 means no retries).
	RetryTimeout time.Duration
	// Logger receives converter logs (registry retries); nil means slog.Default().
	Logger *slog.Logger
}

// Opt sets an Option.
type Opt func(*Options)

// WithRetryTimeout sets Options.RetryTimeout (errors.retry.timeout, default 0).
func WithRetryTimeout(d time.Duration) Opt { return func(o *Options) { o.RetryTimeout = d } }

// WithLogger sets Options.Logger.
func WithLogger(l *slog.Logger) Opt { return func(o *Options) { o.Logger = l } }

// spec describes one converter class.
type spec struct {
	class     string
	kind      connectors.PluginType // converter; header-capable classes are also listed as header_converter
	header    bool                  // usable as header.converter
	converter bool                  // usable as key/value converter
	configDef func() *connectors.ConfigDef
	build     func(ctx context.Context, cfg map[string]string, isKey bool, o Options) (schemas.Converter, error)
	header2   func(cfg map[string]string) (schemas.HeaderConverter, error)
}

func numberSpec(class string, t schemas.Type) spec {
	mk := func() (*schemas.NumberConverter, error) { return schemas.NewNumberConverter(t) }
	return spec{
		class: class, converter: true, header: true, configDef: converterTypeDef,
		build:   func(context.Context, map[string]string, bool, Options) (schemas.Converter, error) { return mk() },
		header2: func(map[string]string) (schemas.HeaderConverter, error) { return mk() },
	}
}

func specs() []spec {
	jsonBuild := func(cfg map[string]string) (*jsonconv.Converter, error) {
		c, err := jsonconv.ParseConfig(cfg)
		if err != nil {
			return nil, err
		}
		return jsonconv.New(c), nil
	}
	strBuild := func(cfg map[string]string) (*schemas.StringConverter, error) {
		return schemas.NewStringConverter(cfg[converterEncodingKey])
	}
	return []spec{
		{
			class: JSONClass, converter: true, header: true, configDef: jsonConfigDef,
			build: func(_ context.Context, cfg map[string]string, _ bool, _ Options) (schemas.Converter, error) {
				return jsonBuild(cfg)
			},
			header2: func(cfg map[string]string) (schemas.HeaderConverter, error) { return jsonBuild(cfg) },
		},
		{
			class: StringClass, converter: true, header: true, configDef: stringConfigDef,
			build: func(_ context.Context, cfg map[string]string, _ bool, _ Options) (schemas.Converter, error) {
				return strBuild(cfg)
			},
			header2: func(cfg map[string]string) (schemas.HeaderConverter, error) { return strBuild(cfg) },
		},
		{
			class: ByteArrayClass, converter: true, header: true, configDef: connectors.NewConfigDef,
			build: func(context.Context, map[string]string, bool, Options) (schemas.Converter, error) {
				return &schemas.ByteArrayConverter{}, nil
			},
			header2: func(map[string]string) (schemas.HeaderConverter, error) { return &schemas.ByteArrayConverter{}, nil },
		},
		numberSpec(ShortClass, schemas.Int16),
		numberSpec(IntegerClass, schemas.Int32),
		numberSpec(LongClass, schemas.Int64),
		numberSpec(FloatClass, schemas.Float32),
		numberSpec(DoubleClass, schemas.Float64),
		numberSpec(BooleanClass, schemas.Boolean),
		avroSpec(),
		{
			class: SimpleHeaderClass, header: true, configDef: connectors.NewConfigDef,
			header2: func(map[string]string) (schemas.HeaderConverter, error) { return schemas.SimpleHeaderConverter{}, nil },
		},
	}
}

// lookup finds a spec by class name, simple class name or alias.
func lookup(name string) (spec, bool) {
	name = strings.TrimSpace(name)
	for _, s := range specs() {
		simple := s.class[strings.LastIndexByte(s.class, '.')+1:]
		if name == s.class || name == simple {
			return s, true
		}
	}
	return spec{}, false
}

// New builds the key (isKey) or value converter named by class (a Java class name
// or its simple name, e.g. "JsonConverter"). cfg holds the converter's own settings
// with the key.converter./value.converter. prefix stripped. ctx bounds any setup
// I/O (none today: the Avro converter contacts the registry lazily). Errors name
// the offending key or the unknown class.
func New(ctx context.Context, class string, cfg map[string]string, isKey bool, opts ...Opt) (schemas.Converter, error) {
	var o Options
	for _, opt := range opts {
		opt(&o)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s, ok := lookup(class)
	if !ok || !s.converter {
		return nil, fmt.Errorf("Class %s could not be found or is not a Converter", class)
	}
	c, err := s.build(ctx, cfg, isKey, o)
	if err != nil {
		return nil, fmt.Errorf("configuring %s: %w", s.class, err)
	}
	return c, nil
}

// NewHeader builds the header converter named by class (default for workers:
// SimpleHeaderConverter). cfg has the header.converter. prefix stripped.
func NewHeader(_ context.Context, class string, cfg map[string]string) (schemas.HeaderConverter, error) {
	s, ok := lookup(class)
	if !ok || !s.header {
		return nil, fmt.Errorf("Class %s could not be found or is not a HeaderConverter", class)
	}
	c, err := s.header2(cfg)
	if err != nil {
		return nil, fmt.Errorf("configuring %s: %w", s.class, err)
	}
	return c, nil
}

// Plugins describes every converter class for /connector-plugins: a class usable
// both ways is listed once as converter and once as header_converter, as Java does.
func Plugins() []*connectors.OtherPlugin {
	var out []*connectors.OtherPlugin
	for _, s := range specs() {
		if s.converter {
			out = append(out, &connectors.OtherPlugin{Class: s.class, Type: connectors.PluginConverter, Version: version(s.class), ConfigDef: s.configDef})
		}
		if s.header {
			out = append(out, &connectors.OtherPlugin{Class: s.class, Type: connectors.PluginHeaderConverter, Version: version(s.class), ConfigDef: s.configDef})
		}
	}
	return out
}

// Register adds Plugins to reg. Call once while building the registry.
func Register(reg *connectors.Registry) {
	for _, p := range Plugins() {
		reg.AddOther(p)
	}
}

// version is what /connector-plugins reports: Kafka's version for Kafka's classes,
// Confluent's for AvroConverter.
func version(class string) string {
	if class == AvroClass {
		return "7.9.0"
	}
	return "3.9.0"
}

func converterTypeDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().Define(connectors.ConfigKey{
		Name: converterTypeConfig, Type: connectors.TypeString, Importance: connectors.Low,
		Documentation: "How this converter will be used.",
		Validator:     connectors.OneOf("key", "value", "header"),
	})
}

func stringConfigDef() *connectors.ConfigDef {
	return converterTypeDef().Define(connectors.ConfigKey{
		Name: converterEncodingKey, Type: connectors.TypeString, Default: connectors.Str("UTF8"), Importance: connectors.High,
		Documentation: "The name of the Java character set to use for encoding strings as byte arrays.",
	})
}

func jsonConfigDef() *connectors.ConfigDef {
	return converterTypeDef().
		Define(connectors.ConfigKey{Name: jsonconv.SchemasEnableConfig, Type: connectors.TypeBoolean, Default: connectors.Str("true"), Importance: connectors.High,
			Documentation: "Include schemas within each of the serialized values and keys."}).
		Define(connectors.ConfigKey{Name: jsonconv.SchemasCacheSizeConfig, Type: connectors.TypeInt, Default: connectors.Str("1000"), Importance: connectors.High,
			Documentation: "The maximum number of schemas that can be cached in this converter instance.", Validator: connectors.AtLeast(0)}).
		Define(connectors.ConfigKey{Name: jsonconv.DecimalFormatConfig, Type: connectors.TypeString, Default: connectors.Str("BASE64"), Importance: connectors.Low,
			Documentation: "Controls which format this converter will serialize decimals in: BASE64 or NUMERIC.", Validator: connectors.OneOf("BASE64", "NUMERIC")}).
		Define(connectors.ConfigKey{Name: jsonconv.ReplaceNullWithDefaultConfig, Type: connectors.TypeBoolean, Default: connectors.Str("true"), Importance: connectors.Low,
			Documentation: "Whether to replace fields that have a default value and that are null to the default value."})
}
