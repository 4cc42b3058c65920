package jsonconv

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gonnect/gonnect/schemas"
)

// Converter is JsonConverter. It implements schemas.Converter and
// schemas.HeaderConverter. It is safe for concurrent use; FromConnect and ToConnect
// never block and ignore ctx.
type Converter struct {
	cfg Config

	// mu guards both schema caches (LRU, schemas.cache.size entries each, as Java's).
	mu       sync.Mutex
	toJSON   *lru[*schemas.Schema, []byte] // envelope prefixes by schema pointer
	fromJSON *lru[string, *schemas.Schema] // parsed schemas by their JSON text
}

// New returns a converter with cfg. Use ParseConfig for a Java-style config map.
func New(cfg Config) *Converter {
	if cfg.DecimalFormat == "" {
		cfg.DecimalFormat = DecimalBase64
	}
	return &Converter{cfg: cfg, toJSON: newLRU[*schemas.Schema, []byte](cfg.SchemasCacheSize),
		fromJSON: newLRU[string, *schemas.Schema](cfg.SchemasCacheSize)}
}

// Config returns the converter's configuration.
func (c *Converter) Config() Config { return c.cfg }

// FromConnect serializes v under s. A nil schema with a nil value is a nil
// (tombstone) payload, as in Java; with a schema, a nil value is written as the
// envelope with a null (or default) payload. Errors name the failing field path.
//
// The result is a new slice whose capacity is its length, so a record waiting in a
// producer's buffer pins no spare capacity: the payload is rendered into a pooled
// scratch buffer (scratch.go) and copied out behind the cached schema envelope.
func (c *Converter) FromConnect(_ context.Context, _ string, s *schemas.Schema, v any) ([]byte, error) {
	if s == nil && v == nil {
		return nil, nil
	}
	var prefix []byte
	if c.cfg.SchemasEnable {
		var err error
		if prefix, err = c.envelopePrefix(s); err != nil {
			return nil, fmt.Errorf("converting schema to JSON: %w", err)
		}
	}
	sc := getScratch()
	b, err := c.appendValue(sc.b[:0], s, v)
	if err != nil {
		sc.put(nil)
		return nil, fmt.Errorf("converting Kafka Connect data to JSON: %w", err)
	}
	var out []byte
	if c.cfg.SchemasEnable {
		out = outBuffers.get(len(prefix) + len(b) + 1)
		copy(out, prefix)
		copy(out[len(prefix):], b)
		out[len(out)-1] = '}'
	} else {
		out = outBuffers.get(len(b))
		copy(out, b)
	}
	sc.put(b)
	return out, nil
}

// envelopeOpen and envelopeMid surround the schema in an envelope's prefix.
const (
	envelopeOpen = `{"schema":`
	envelopeMid  = `,"payload":`
)

// envelopePrefix returns `{"schema":<s>,"payload":` for s, cached by schema
// pointer. The returned slice is shared: callers must not modify it.
func (c *Converter) envelopePrefix(s *schemas.Schema) ([]byte, error) {
	if s == nil {
		return nullSchemaPrefix, nil
	}
	c.mu.Lock()
	cached, ok := c.toJSON.get(s)
	c.mu.Unlock()
	if ok {
		return cached, nil
	}
	out, err := c.appendSchema([]byte(envelopeOpen), s, "")
	if err != nil {
		return nil, err
	}
	out = append(out, envelopeMid...)
	out = out[:len(out):len(out)]
	c.mu.Lock()
	c.toJSON.put(s, out)
	c.mu.Unlock()
	return out, nil
}

var nullSchemaPrefix = []byte(envelopeOpen + "null" + envelopeMid)

// ToConnect deserializes b. A nil b (tombstone) gives a nil schema and value. With
// schemas.enable the input must be an object with exactly "schema" and "payload".
// Without it the result is schemaless: a nil schema and plain Go values.
func (c *Converter) ToConnect(_ context.Context, _ string, b []byte) (*schemas.Schema, any, error) {
	if b == nil {
		return nil, nil, nil
	}
	n, p, err := parse(b)
	if err != nil {
		return nil, nil, fmt.Errorf("converting byte[] to Kafka Connect data failed due to serialization error: %w", err)
	}
	defer p.release()
	if !c.cfg.SchemasEnable {
		v, err := c.toValue(nil, n)
		return nil, v, err
	}
	sn, pn := n.get("schema"), n.get("payload")
	if n.kind != kObject || n.count != 2 || sn == nil || pn == nil {
		return nil, nil, fmt.Errorf("JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain additional fields." +
			" If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.")
	}
	s, err := c.cachedSchema(b, sn)
	if err != nil {
		return nil, nil, fmt.Errorf("converting JSON schema to Kafka Connect: %w", err)
	}
	v, err := c.toValue(s, pn)
	if err != nil {
		return nil, nil, fmt.Errorf("converting JSON payload to Kafka Connect: %w", err)
	}
	return s, v, nil
}

// cachedSchema returns the schema of schema node sn, parsed once per distinct JSON
// text (raw is the document sn came from). A hit allocates nothing.
func (c *Converter) cachedSchema(raw []byte, sn *node) (*schemas.Schema, error) {
	if sn.kind == kNull {
		return nil, nil
	}
	text := raw[sn.start:sn.end]
	c.mu.Lock()
	s, ok := getText(c.fromJSON, text)
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	s, err := c.toSchema(sn)
	if err != nil {
		return nil, err
	}
	if c.cfg.SchemasCacheSize > 0 {
		c.mu.Lock()
		c.fromJSON.put(string(text), s)
		c.mu.Unlock()
	}
	return s, nil
}

// FromConnectHeader serializes a header value exactly as FromConnect.
func (c *Converter) FromConnectHeader(ctx context.Context, topic, _ string, s *schemas.Schema, v any) ([]byte, error) {
	return c.FromConnect(ctx, topic, s, v)
}

// ToConnectHeader deserializes a header value exactly as ToConnect.
func (c *Converter) ToConnectHeader(ctx context.Context, topic, _ string, b []byte) (*schemas.Schema, any, error) {
	return c.ToConnect(ctx, topic, b)
}

// SchemaJSON renders s as JsonConverter's schema object (used by golden tests and
// by tools that print schemas).
func (c *Converter) SchemaJSON(s *schemas.Schema) ([]byte, error) {
	p, err := c.envelopePrefix(s)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), p[len(envelopeOpen):len(p)-len(envelopeMid)]...), nil
}

func unixMilli(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

var (
	_ schemas.Converter       = (*Converter)(nil)
	_ schemas.HeaderConverter = (*Converter)(nil)
)
