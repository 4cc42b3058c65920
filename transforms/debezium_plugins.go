package transforms

import "github.com/gonnect/gonnect/connectors"

// debeziumTransforms declares Debezium's transformations (io.debezium.transforms.*).
// The scripting-based ContentBasedRouter and Filter need a JSR-223 engine and are not
// provided.
func debeziumTransforms() []*Plugin {
	dbz := func(name string, def func() *connectors.ConfigDef, build func(connectors.Config) (Transformation, error)) *Plugin {
		return &Plugin{Class: debeziumPkg + name, Type: connectors.PluginTransformation, Version: DebeziumVersion, ConfigDef: def, NewTransformation: build}
	}
	return []*Plugin{
		dbz("ByLogicalTableRouter", byLogicalTableRouterDef, newByLogicalTableRouter),
		dbz("ExtractNewRecordState", extractNewRecordStateDef, newExtractNewRecordState),
		dbz("HeaderToValue", headerToValueDef, newHeaderToValue),
		dbz("TimezoneConverter", timezoneConverterDef, newTimezoneConverter),
		dbz("ToLogicalTopicRouter", toLogicalTopicRouterDef, newToLogicalTopicRouter),
	}
}
