package avro

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"sync"
	"sync/atomic"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/gonnect/gonnect/schemas"
	"github.com/gonnect/gonnect/schemas/registry"
)

// Converter is AvroConverter for one side (key or value). It implements
// schemas.Converter and is safe for concurrent use. FromConnect and ToConnect block
// only while talking to the registry (first use of a schema or id); ctx cancels that.
type Converter struct {
	cfg      Config
	isKey    bool
	reg      *registry.Client
	m        mapping
	strategy registry.SubjectNameStrategy

	anything *plan // the plan for schemaless data

	// mu guards the three caches.
	mu      sync.RWMutex
	byPtr   map[*schemas.Schema]*plan
	byHash  map[uint64][]*plan // structural lookup for equal schemas built anew
	readers map[readerKey]*dec
}

// plan is everything FromConnect needs for one Connect schema.
type plan struct {
	schema   *schemas.Schema
	avroJSON string
	record   string // full Avro record name for the subject strategies ("" if not a record)
	root     *enc
	anything bool     // schemaless data, written as AvroData's Anything record
	ids      sync.Map // topic → *topicPlan
	sizeHint atomic.Int64
}

// New returns a converter using reg for the registry (shared between the key and
// value converters of a worker when they use the same registry settings).
func New(cfg Config, isKey bool, reg *registry.Client) *Converter {
	st := cfg.ValueStrategy
	if isKey {
		st = cfg.KeyStrategy
	}
	if st == nil {
		st = registry.TopicNameStrategy
	}
	return &Converter{
		anything: &plan{avroJSON: anythingJSON, record: AnythingName, anything: true},
		cfg:      cfg, isKey: isKey, reg: reg, strategy: st,
		m:     mapping{connectMetaData: cfg.ConnectMetaData, enhanced: cfg.EnhancedSchemaSupport},
		byPtr: map[*schemas.Schema]*plan{}, byHash: map[uint64][]*plan{}, readers: map[readerKey]*dec{},
	}
}

// AvroSchema returns the Avro schema JSON registered for s, exactly as AvroData's
// fromConnectSchema renders it.
func (c *Converter) AvroSchema(s *schemas.Schema) (string, error) {
	p, err := c.plan(s)
	if err != nil {
		return "", err
	}
	return p.avroJSON, nil
}

// FromConnect serializes v in the Confluent wire format. A nil value is a nil
// payload (tombstone). The schema is registered (or looked up, or the subject's
// latest is used) on first use per topic; registry failures are returned as
// *registry.Error after the retries the registry client allows, and nothing is
// dropped. A value that does not match s fails naming the field path and type.
//
// With use.latest.version the record is written with the subject's latest schema
// (projected onto it when the two differ; see latestPlan).
func (c *Converter) FromConnect(ctx context.Context, topic string, s *schemas.Schema, v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	p, err := c.plan(s)
	if err != nil {
		return nil, fmt.Errorf("converting Connect schema %s to Avro: %w", s, err)
	}
	var tp *topicPlan
	if x, ok := p.ids.Load(topic); ok {
		tp = x.(*topicPlan)
	} else if tp, err = c.topicPlan(ctx, topic, p); err != nil {
		return nil, fmt.Errorf("resolving the %s schema id for topic %s: %w", c.side(), topic, err)
	}
	root := p.root
	if tp.target != nil {
		if v, err = schemas.Project(s, tp.target, v); err != nil {
			return nil, fmt.Errorf("projecting onto the latest schema of topic %s: %w", topic, err)
		}
		root = tp.root
	}
	b := make([]byte, 5, max(p.sizeHint.Load(), 64))
	binary.BigEndian.PutUint32(b[1:], uint32(tp.id))
	if p.anything {
		b, err = encodeAnything(b, v)
	} else {
		b, err = root.encode(b, v)
	}
	if err != nil {
		return nil, fmt.Errorf("converting Kafka Connect data to Avro for topic %s: %w", topic, err)
	}
	if n := int64(len(b)); n > p.sizeHint.Load() {
		p.sizeHint.Store(n)
	}
	return b, nil
}

func (c *Converter) side() string {
	if c.isKey {
		return "key"
	}
	return "value"
}

func (c *Converter) topicPlan(ctx context.Context, topic string, p *plan) (*topicPlan, error) {
	subject, err := c.strategy(topic, c.isKey, p.record)
	if err != nil {
		return nil, err
	}
	schema := sr.Schema{Schema: p.avroJSON, Type: sr.TypeAvro}
	tp := &topicPlan{}
	switch {
	case c.cfg.UseLatestVersion:
		if tp, err = c.latestPlan(ctx, subject, p); err != nil {
			return nil, err
		}
	case c.cfg.AutoRegister:
		if tp.id, err = c.reg.Register(ctx, subject, schema); err != nil {
			return nil, err
		}
	default:
		if tp.id, err = c.reg.Lookup(ctx, subject, schema); err != nil {
			return nil, err
		}
	}
	p.ids.Store(topic, tp)
	return tp, nil
}

// plan returns the compiled plan for s: by pointer, then by structure.
func (c *Converter) plan(s *schemas.Schema) (*plan, error) {
	if s == nil {
		return c.anything, nil
	}
	c.mu.RLock()
	p, ok := c.byPtr[s]
	c.mu.RUnlock()
	if ok {
		return p, nil
	}
	h := hashSchema(s)
	c.mu.RLock()
	for _, cand := range c.byHash[h] {
		if schemas.Equal(cand.schema, s) {
			p = cand
			break
		}
	}
	c.mu.RUnlock()
	if p == nil {
		w := newSchemaWriter(c.m)
		js, err := w.write(nil, s, false)
		if err != nil {
			return nil, err
		}
		root, err := compile(s, c.m)
		if err != nil {
			return nil, err
		}
		p = &plan{schema: s, avroJSON: string(js), root: root}
		if s.Type == schemas.StructType {
			space, name := w.recordName(s)
			p.record = name
			if space != "" {
				p.record = space + "." + name
			}
		}
	}
	c.mu.Lock()
	if c.cfg.CacheSize > 0 && len(c.byPtr) >= c.cfg.CacheSize {
		clear(c.byPtr)
		clear(c.byHash)
	}
	c.byPtr[s] = p
	if !containsPlan(c.byHash[h], p) {
		c.byHash[h] = append(c.byHash[h], p)
	}
	c.mu.Unlock()
	return p, nil
}

func containsPlan(ps []*plan, p *plan) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

// hashSchema is a structural hash over what Equal compares (names, types,
// optionality, versions, field names), for the by-structure cache.
func hashSchema(s *schemas.Schema) uint64 {
	h := fnv.New64a()
	var walk func(s *schemas.Schema)
	walk = func(s *schemas.Schema) {
		if s == nil {
			h.Write([]byte{0})
			return
		}
		var opt byte
		if s.Optional {
			opt = 1
		}
		h.Write([]byte{byte(s.Type), opt, byte(s.Version)})
		h.Write([]byte(s.Name))
		for _, f := range s.Fields {
			h.Write([]byte(f.Name))
			walk(f.Schema)
		}
		walk(s.Key)
		walk(s.Value)
	}
	walk(s)
	return h.Sum64()
}

// ToConnect reads the Confluent wire format: the schema is fetched by id from the
// registry (cached) and mapped to Connect as AvroData does. A nil input gives a nil
// schema and value. Corrupt input fails with an error, never a panic.
func (c *Converter) ToConnect(ctx context.Context, topic string, b []byte) (*schemas.Schema, any, error) {
	if b == nil {
		return nil, nil, nil
	}
	if len(b) < 5 {
		return nil, nil, fmt.Errorf("Converting byte[] to Kafka Connect data failed due to serialization error of topic %s: Unknown magic byte! (%d bytes)", topic, len(b))
	}
	if b[0] != 0 {
		return nil, nil, fmt.Errorf("Converting byte[] to Kafka Connect data failed due to serialization error of topic %s: Unknown magic byte!", topic)
	}
	id := int(binary.BigEndian.Uint32(b[1:5]))
	d, err := c.reader(ctx, topic, id)
	if err != nil {
		return nil, nil, err
	}
	return decodeWith(d, b[5:])
}

func decodeWith(d *dec, body []byte) (*schemas.Schema, any, error) {
	r := &reader{b: body}
	v, err := d.decode(r)
	if err != nil {
		return nil, nil, fmt.Errorf("decoding Avro data: %w", err)
	}
	if r.i != len(body) {
		return nil, nil, fmt.Errorf("decoding Avro data: %d trailing bytes", len(body)-r.i)
	}
	return d.connect, v, nil
}

// reader returns the decoding plan for schema id read from topic. As Confluent's
// converter, a top-level schema without connect.version takes the version the
// schema has under the topic's subject in the registry.
func (c *Converter) reader(ctx context.Context, topic string, id int) (*dec, error) {
	key := readerKey{id, topic}
	c.mu.RLock()
	d, ok := c.readers[key]
	c.mu.RUnlock()
	if ok {
		return d, nil
	}
	rs, err := c.reg.SchemaByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if rs.Type != sr.TypeAvro {
		return nil, fmt.Errorf("schema id %d is %s, not Avro", id, rs.Type)
	}
	if d, err = compileDecoder(rs.Schema, c.m); err != nil {
		return nil, fmt.Errorf("schema id %d: %w", id, err)
	}
	if d.connect != nil && d.connect.Version == 0 && d.kind != aUnion {
		subject, err := c.strategy(topic, c.isKey, d.record)
		if err != nil {
			return nil, err
		}
		v, err := c.reg.Version(ctx, subject, sr.Schema{Schema: rs.Schema, Type: sr.TypeAvro})
		if err != nil {
			return nil, fmt.Errorf("Error retrieving Avro %s schema version for id %d: %w", c.side(), id, err)
		}
		versioned := *d.connect
		versioned.Version = v
		nd := *d
		nd.connect = &versioned
		d = &nd
	}
	c.mu.Lock()
	if c.cfg.CacheSize > 0 && len(c.readers) >= c.cfg.CacheSize {
		clear(c.readers)
	}
	c.readers[key] = d
	c.mu.Unlock()
	return d, nil
}

// readerKey identifies a decoding plan: the schema id and the topic it was read
// from (the topic decides the subject and so the version).
type readerKey struct {
	id    int
	topic string
}

var _ schemas.Converter = (*Converter)(nil)
