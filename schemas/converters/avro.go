package converters

import (
	"context"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/avro"
	"github.com/gonnect/gonnect/schemas/registry"
)

func avroSpec() spec {
	return spec{
		class: AvroClass, converter: true, configDef: avroConfigDef,
		build: func(_ context.Context, cfg map[string]string, isKey bool, o Options) (schemas.Converter, error) {
			c, err := avro.ParseConfig(cfg)
			if err != nil {
				return nil, err
			}
			c.Registry.RetryTimeout = o.RetryTimeout
			c.Registry.Logger = o.Logger
			reg, err := registry.New(c.Registry)
			if err != nil {
				return nil, err
			}
			return avro.New(c, isKey, reg), nil
		},
	}
}

func avroConfigDef() *connectors.ConfigDef {
	str, boolean := connectors.TypeString, connectors.TypeBoolean
	def := connectors.NewConfigDef()
	keys := []connectors.ConfigKey{
		{Name: registry.URLConfig, Type: connectors.TypeList, Required: true, Importance: connectors.High,
			Documentation: "Comma-separated list of URLs for Schema Registry instances that can be used to register or look up schemas."},
		{Name: registry.AuthSourceConfig, Type: str, Default: connectors.Str("URL"), Importance: connectors.Medium,
			Documentation: "Specify how to pick the credentials for the Basic Auth header: URL or USER_INFO.", Validator: connectors.OneOf("URL", "USER_INFO")},
		{Name: registry.UserInfoConfig, Type: connectors.TypePassword, Default: connectors.Str(""), Importance: connectors.Medium,
			Documentation: "Specify the user info for the Basic Auth in the form of {username}:{password}."},
		{Name: registry.BearerSourceConfig, Type: str, Default: connectors.Str(""), Importance: connectors.Medium,
			Documentation: "Specify how to pick the credentials for the Bearer Auth header; Gonnect supports STATIC_TOKEN."},
		{Name: registry.BearerTokenConfig, Type: connectors.TypePassword, Default: connectors.Str(""), Importance: connectors.Medium,
			Documentation: "The bearer token used with bearer.auth.credentials.source=STATIC_TOKEN."},
		{Name: avro.AutoRegisterConfig, Type: boolean, Default: connectors.Str("true"), Importance: connectors.Medium,
			Documentation: "Specify if the Serializer should attempt to register the Schema with Schema Registry."},
		{Name: avro.UseLatestVersionConfig, Type: boolean, Default: connectors.Str("false"), Importance: connectors.Low,
			Documentation: "Specify if the Serializer should use the latest subject version for serialization."},
		{Name: avro.LatestCompatStrictConfig, Type: boolean, Default: connectors.Str("true"), Importance: connectors.Low,
			Documentation: "Only applies when use.latest.version is set to true."},
		{Name: avro.KeySubjectStrategyConfig, Type: connectors.TypeClass, Default: connectors.Str(registry.TopicNameStrategyClass), Importance: connectors.Medium,
			Documentation: "Determines how to construct the subject name under which the key schema is registered with the schema registry."},
		{Name: avro.ValSubjectStrategyConfig, Type: connectors.TypeClass, Default: connectors.Str(registry.TopicNameStrategyClass), Importance: connectors.Medium,
			Documentation: "Determines how to construct the subject name under which the value schema is registered with the schema registry."},
		{Name: avro.ConnectMetaDataConfig, Type: boolean, Default: connectors.Str("true"), Importance: connectors.Low,
			Documentation: "Toggle for enabling/disabling connect converter to add its meta data to the output schema or not"},
		{Name: avro.EnhancedAvroSupportConfig, Type: boolean, Default: connectors.Str("false"), Importance: connectors.Medium,
			Documentation: "Toggle for enabling/disabling enhanced avro schema support: Enum symbol preservation and Package Name awareness"},
		{Name: avro.SchemasCacheConfig, Type: connectors.TypeInt, Default: connectors.Str("1000"), Importance: connectors.Low,
			Documentation: "Size of the converted schemas cache", Validator: connectors.AtLeast(0)},
		{Name: registry.TruststoreTypeConfig, Type: str, Default: connectors.Str("PEM"), Importance: connectors.Medium,
			Documentation: "The format of the trust store file; Gonnect supports PEM."},
		{Name: registry.TruststoreLocConfig, Type: str, Importance: connectors.High, Documentation: "The location of the trust store file (PEM)."},
		{Name: registry.TruststoreCertsConfig, Type: connectors.TypePassword, Importance: connectors.High, Documentation: "Trusted certificates in PEM format."},
		{Name: registry.KeystoreTypeConfig, Type: str, Default: connectors.Str("PEM"), Importance: connectors.Medium, Documentation: "The file format of the key store file; Gonnect supports PEM."},
		{Name: registry.KeystoreLocConfig, Type: str, Importance: connectors.High, Documentation: "The location of the key store file (PEM with certificate chain and private key)."},
		{Name: registry.KeystoreChainConfig, Type: connectors.TypePassword, Importance: connectors.High, Documentation: "Certificate chain in PEM format."},
		{Name: registry.KeystoreKeyConfig, Type: connectors.TypePassword, Importance: connectors.High, Documentation: "Private key in PEM format."},
		{Name: registry.EndpointIDConfig, Type: str, Default: connectors.Str("https"), Importance: connectors.Low,
			Documentation: "The endpoint identification algorithm to validate server hostname using server certificate; empty disables hostname checks."},
	}
	for _, k := range keys {
		def.Define(k)
	}
	return def
}
