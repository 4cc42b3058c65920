package transforms

import "github.com/gonnect/gonnect/connectors"

// kafkaTransforms declares Kafka's built-in transformations
// (org.apache.kafka.connect.transforms.*).
func kafkaTransforms() []*Plugin {
	var out []*Plugin
	out = append(out, keyValue("Cast", castDef, newCast)...)
	out = append(out, single(kafkaPkg+"DropHeaders", dropHeadersDef, newDropHeaders))
	out = append(out, keyValue("ExtractField", extractFieldDef, newExtractField)...)
	out = append(out, single(kafkaPkg+"Filter", connectors.NewConfigDef, func(connectors.Config) (Transformation, error) { return filter{}, nil }))
	out = append(out, keyValue("Flatten", flattenDef, newFlatten)...)
	out = append(out, keyValue("HeaderFrom", headerFromDef, newHeaderFrom)...)
	out = append(out, keyValue("HoistField", hoistFieldDef, newHoistField)...)
	out = append(out, keyValue("InsertField", insertFieldDef, newInsertField)...)
	out = append(out, single(kafkaPkg+"InsertHeader", insertHeaderDef, newInsertHeader))
	out = append(out, keyValue("MaskField", maskFieldDef, newMaskField)...)
	out = append(out, single(kafkaPkg+"RegexRouter", regexRouterDef, newRegexRouter))
	out = append(out, keyValue("ReplaceField", replaceFieldDef, newReplaceField)...)
	out = append(out, keyValue("SetSchemaMetadata", setSchemaMetadataDef, newSetSchemaMetadata)...)
	out = append(out, keyValue("TimestampConverter", timestampConverterDef, newTimestampConverter)...)
	out = append(out, single(kafkaPkg+"TimestampRouter", timestampRouterDef, newTimestampRouter))
	out = append(out, single(kafkaPkg+"ValueToKey", valueToKeyDef, newValueToKey))
	return out
}

// kafkaPredicates declares Kafka's predicates
// (org.apache.kafka.connect.transforms.predicates.*).
func kafkaPredicates() []*Plugin {
	pred := func(name string, def func() *connectors.ConfigDef, build func(connectors.Config) (Predicate, error)) *Plugin {
		return &Plugin{Class: kafkaPredPkg + name, Type: connectors.PluginPredicate, Version: KafkaVersion, ConfigDef: def, NewPredicate: build}
	}
	return []*Plugin{
		pred("HasHeaderKey", hasHeaderKeyDef, newHasHeaderKey),
		pred("RecordIsTombstone", connectors.NewConfigDef, func(connectors.Config) (Predicate, error) { return recordIsTombstone{}, nil }),
		pred("TopicNameMatches", topicNameMatchesDef, newTopicNameMatches),
	}
}
