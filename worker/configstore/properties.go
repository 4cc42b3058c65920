package configstore

import (
	"fmt"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/worker/configstore/jsonwire"
)

// ConnectorConfigRecord is the record that stores a connector's raw config:
// connector-<name> = {"properties":{...}}.
func ConnectorConfigRecord(name string, cfg connectors.Config) Record {
	return Record{Key: ConnectorKey(name), Value: encodeProperties(cfg)}
}

// ConnectorTombstone is the record that deletes a connector: connector-<name> = null.
func ConnectorTombstone(name string) Record { return Record{Key: ConnectorKey(name)} }

// TaskConfigRecord is the record that stages one task's config until the next commit:
// task-<connector>-<n> = {"properties":{...}}.
func TaskConfigRecord(id TaskID, cfg connectors.Config) Record {
	return Record{Key: TaskKey(id), Value: encodeProperties(cfg)}
}

// encodeProperties writes the schema CONNECTOR_CONFIGURATION_V0 (also used for
// tasks): one field, a map of strings. Keys come out sorted (see jsonwire.StringMap).
func encodeProperties(cfg connectors.Config) []byte {
	var o jsonwire.Object
	o.StringMap("properties", cfg)
	return o.Bytes()
}

// DecodeProperties reads a connector or task config value. The value must be an object
// whose "properties" field is an object of strings. A null property value (possible
// from Java, whose schema allows optional strings) is dropped, since a Config cannot
// hold null; any other non-string value makes the record invalid.
func DecodeProperties(b []byte) (connectors.Config, error) {
	v, err := jsonwire.Decode(b)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("value should be an object but is %s", jsonwire.TypeName(v))
	}
	props, ok := m["properties"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("'properties' field should be an object but is %s", jsonwire.TypeName(m["properties"]))
	}
	cfg := make(connectors.Config, len(props))
	for k, pv := range props {
		switch s := pv.(type) {
		case string:
			cfg[k] = s
		case nil:
		default:
			return nil, fmt.Errorf("'properties' entry %q should be a string but is %s", k, jsonwire.TypeName(pv))
		}
	}
	return cfg, nil
}
