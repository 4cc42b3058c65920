package workerconfig

import (
	"strings"
)

// EnvPrefix is the prefix of environment variables that set worker properties.
const EnvPrefix = "CONNECT_"

// EnvProperties returns the worker properties set by CONNECT_* entries of environ
// (os.Environ() form, "NAME=value"), following the convention of Confluent's
// cp-kafka-connect image, which Debezium's image agrees with for ordinary names:
// strip CONNECT_, lower-case, then "___" becomes "_", "__" becomes "-" and "_"
// becomes ".". So CONNECT_BOOTSTRAP_SERVERS sets bootstrap.servers,
// CONNECT_CONFIG_PROVIDERS_DIR___X sets config.providers.dir_x. Names starting with
// CONNECT_LOG4J_ configure logging in those images, not the worker, and are skipped.
// (Strimzi does not use per-key variables: its operator renders the worker
// properties into a file, which Load reads.)
func EnvProperties(environ []string) map[string]string {
	out := make(map[string]string)
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, EnvPrefix) || len(name) == len(EnvPrefix) ||
			strings.HasPrefix(name, EnvPrefix+"LOG4J_") {
			continue
		}
		out[EnvKey(name)] = value
	}
	return out
}

// EnvKey maps one CONNECT_* variable name to its property key (see EnvProperties).
func EnvKey(name string) string {
	s := strings.ToLower(strings.TrimPrefix(name, EnvPrefix))
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '_' {
			b.WriteByte(s[i])
			i++
			continue
		}
		n := 0
		for i+n < len(s) && s[i+n] == '_' {
			n++
		}
		i += n
		for ; n >= 3; n -= 3 {
			b.WriteByte('_')
		}
		switch n {
		case 2:
			b.WriteByte('-')
		case 1:
			b.WriteByte('.')
		}
	}
	return b.String()
}
