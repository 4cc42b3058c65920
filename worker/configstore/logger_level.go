package configstore

import (
	"fmt"

	"github.com/gonnect/gonnect/worker/configstore/jsonwire"
)

// LoggerLevelRecord is logger-cluster-<namespace> = {"level":..} (KIP-976): a log level
// every worker applies when it reads the record after finishing start-up.
func LoggerLevelRecord(namespace, level string) Record {
	var o jsonwire.Object
	o.String("level", level)
	return Record{Key: LoggerKey(namespace), Value: o.Bytes()}
}

// DecodeLoggerLevel reads a logger-cluster value. The level is returned as written;
// validating it is the logging side's job.
func DecodeLoggerLevel(b []byte) (string, error) {
	v, err := jsonwire.Decode(b)
	if err != nil {
		return "", err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return "", fmt.Errorf("value should be an object but is %s", jsonwire.TypeName(v))
	}
	level, ok := m["level"].(string)
	if !ok {
		return "", fmt.Errorf("'level' field should be a string but is %s", jsonwire.TypeName(m["level"]))
	}
	return level, nil
}
