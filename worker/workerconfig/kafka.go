package workerconfig

import (
	"crypto/tls"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
)

// Client roles for KafkaOpts.
const (
	RoleWorker   = ""         // the worker's own clients (internal topics, group membership)
	RoleProducer = "producer" // connector producers: producer.* overrides apply
	RoleConsumer = "consumer" // connector consumers: consumer.* overrides apply
	RoleAdmin    = "admin"    // connector admin clients: admin.* overrides apply
)

// client is the effective client configuration of one role.
type client struct {
	seeds    []string
	clientID string
	protocol string
	tls      *tls.Config
	sasl     sasl.Mechanism
	opts     []kgo.Opt
}

// clientSettings validates and builds role's client configuration.
func (c *Config) clientSettings(role string) (*client, error) {
	s := newSettings(c.resolved, role)
	cl := &client{seeds: splitList(s.str("bootstrap.servers", "localhost:9092")), clientID: s.str("client.id", "")}
	if len(cl.seeds) == 0 {
		return nil, fmt.Errorf("Invalid value for configuration %s: Empty list", s.name("bootstrap.servers"))
	}
	cl.protocol = strings.ToUpper(s.str("security.protocol", "PLAINTEXT"))
	var err error
	switch cl.protocol {
	case "PLAINTEXT":
	case "SSL":
		cl.tls, err = buildTLS(s)
	case "SASL_PLAINTEXT":
		cl.sasl, err = buildSASL(s)
	case "SASL_SSL":
		if cl.tls, err = buildTLS(s); err == nil {
			cl.sasl, err = buildSASL(s)
		}
	default:
		err = fmt.Errorf("Invalid value %s for configuration %s: String must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL",
			cl.protocol, s.name("security.protocol"))
	}
	if err != nil {
		return nil, err
	}
	cl.opts, err = mappedClientOpts(s, role)
	if err != nil {
		return nil, err
	}
	return cl, nil
}

// KafkaOpts returns franz-go options for a client of role (RoleWorker, RoleProducer,
// RoleConsumer, RoleAdmin): seed brokers, client id, TLS and SASL from
// security.protocol, ssl.* and sasl.*, and the Java client settings Gonnect maps
// (see mappedClientOpts). For a connector role the role's prefixed keys
// (producer.ssl.truststore.location, ...) override the worker's.
//
// Unlike Java, whose connector clients take security settings only from the
// prefixed keys, a role inherits the worker's unprefixed settings; a
// configuration that works for Java (setting both) works the same here.
func (c *Config) KafkaOpts(role string) ([]kgo.Opt, error) {
	switch role {
	case RoleWorker, RoleProducer, RoleConsumer, RoleAdmin:
	default:
		return nil, fmt.Errorf("unknown Kafka client role %q", role)
	}
	cl, err := c.clientSettings(role)
	if err != nil {
		return nil, err
	}
	opts := []kgo.Opt{kgo.SeedBrokers(cl.seeds...)}
	if cl.clientID != "" {
		opts = append(opts, kgo.ClientID(cl.clientID))
	}
	if cl.tls != nil {
		opts = append(opts, kgo.DialTLSConfig(cl.tls))
	}
	if cl.sasl != nil {
		opts = append(opts, kgo.SASL(cl.sasl))
	}
	return append(opts, cl.opts...), nil
}

// mappedClientOpts translates the Java client settings franz-go has an equivalent
// for. Others (e.g. producer.max.request.size) are accepted and have no effect.
func mappedClientOpts(s settings, role string) ([]kgo.Opt, error) {
	var opts []kgo.Opt
	var err error
	num := func(key string, lo, hi int64) (int64, bool) {
		v, ok := s.get(key)
		if !ok || err != nil {
			return 0, false
		}
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || n < lo || n > hi {
			err = fmt.Errorf("Invalid value %s for configuration %s: expected an integer between %d and %d", v, s.name(key), lo, hi)
			return 0, false
		}
		return n, true
	}
	ms := func(n int64) time.Duration { return time.Duration(n) * time.Millisecond }
	const maxInt = 1<<31 - 1
	if n, ok := num("metadata.max.age.ms", 0, maxInt); ok {
		opts = append(opts, kgo.MetadataMaxAge(ms(n)))
	}
	if n, ok := num("connections.max.idle.ms", 0, maxInt); ok {
		opts = append(opts, kgo.ConnIdleTimeout(ms(n)))
	}
	if n, ok := num("socket.connection.setup.timeout.ms", 0, maxInt); ok {
		opts = append(opts, kgo.DialTimeout(ms(n)))
	}
	if n, ok := num("retry.backoff.ms", 0, maxInt); ok {
		d := ms(n)
		opts = append(opts, kgo.RetryBackoffFn(func(int) time.Duration { return d }))
	}
	switch role {
	case RoleProducer:
		if n, ok := num("linger.ms", 0, maxInt); ok {
			opts = append(opts, kgo.ProducerLinger(ms(n)))
		}
		if n, ok := num("batch.size", 1, maxInt); ok {
			opts = append(opts, kgo.ProducerBatchMaxBytes(int32(n)))
		}
		if v, ok := s.get("compression.type"); ok && err == nil {
			codec, cerr := compression(v)
			if cerr != nil {
				return nil, fmt.Errorf("Invalid value %s for configuration %s: %v", v, s.name("compression.type"), cerr)
			}
			opts = append(opts, kgo.ProducerBatchCompression(codec))
		}
	case RoleConsumer:
		if n, ok := num("fetch.max.bytes", 1, maxInt); ok {
			opts = append(opts, kgo.FetchMaxBytes(int32(n)))
		}
		if n, ok := num("max.partition.fetch.bytes", 1, maxInt); ok {
			opts = append(opts, kgo.FetchMaxPartitionBytes(int32(n)))
		}
		if n, ok := num("fetch.max.wait.ms", 0, maxInt); ok {
			opts = append(opts, kgo.FetchMaxWait(ms(n)))
		}
		if n, ok := num("fetch.min.bytes", 1, maxInt); ok {
			opts = append(opts, kgo.FetchMinBytes(int32(n)))
		}
		if v, ok := s.get("isolation.level"); ok && err == nil {
			switch strings.ToLower(v) {
			case "read_committed":
				opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
			case "read_uncommitted":
			default:
				return nil, fmt.Errorf("Invalid value %s for configuration %s: String must be one of: read_committed, read_uncommitted", v, s.name("isolation.level"))
			}
		}
	}
	return opts, err
}

func compression(v string) (kgo.CompressionCodec, error) {
	switch strings.ToLower(v) {
	case "none":
		return kgo.NoCompression(), nil
	case "gzip":
		return kgo.GzipCompression(), nil
	case "snappy":
		return kgo.SnappyCompression(), nil
	case "lz4":
		return kgo.Lz4Compression(), nil
	case "zstd":
		return kgo.ZstdCompression(), nil
	}
	return kgo.CompressionCodec{}, fmt.Errorf("String must be one of: none, gzip, snappy, lz4, zstd")
}
