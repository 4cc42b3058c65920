package transforms

// debeziumTransforms declares Debezium's transformations (io.debezium.transforms.*).
// The scripting-based ContentBasedRouter and Filter need a JSR-223 engine and are not
// provided.
func debeziumTransforms() []*Plugin { return nil }
