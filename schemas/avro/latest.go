package avro

import (
	"context"
	"fmt"

	havro "github.com/hamba/avro/v2"

	"github.com/gonnect/gonnect/schemas"
)

// topicPlan is how records of one plan are written to one topic: the schema id
// and, with use.latest.version, the registered schema they are projected onto.
type topicPlan struct {
	id     int
	target *schemas.Schema // nil: encode with the record's own plan
	root   *enc
}

// latestPlan resolves use.latest.version for subject: the subject's latest schema
// is used for serialization. When its canonical form equals the record's schema the
// record is written as is; otherwise the record is projected onto the latest
// schema (fields matched by name, missing ones taking the latest schema's
// defaults), after checking, with latest.compatibility.strict, that the latest
// schema can read data written with the record's schema.
func (c *Converter) latestPlan(ctx context.Context, subject string, p *plan) (*topicPlan, error) {
	latest, err := c.reg.Latest(ctx, subject)
	if err != nil {
		return nil, err
	}
	ours, err := havro.ParseWithCache(p.avroJSON, "", &havro.SchemaCache{})
	if err != nil {
		return nil, err
	}
	theirs, err := havro.ParseWithCache(latest.Schema.Schema, "", &havro.SchemaCache{})
	if err != nil {
		return nil, fmt.Errorf("use.latest.version: parsing latest schema id %d of subject %s: %w", latest.ID, subject, err)
	}
	if ours.Fingerprint() == theirs.Fingerprint() {
		return &topicPlan{id: latest.ID}, nil
	}
	if c.cfg.LatestCompatStrict {
		if err := havro.NewSchemaCompatibility().Compatible(theirs, ours); err != nil {
			return nil, fmt.Errorf("use.latest.version: latest schema id %d of subject %s is not backward compatible with the record's schema: %w", latest.ID, subject, err)
		}
	}
	d, err := compileDecoder(latest.Schema.Schema, c.m)
	if err != nil {
		return nil, fmt.Errorf("use.latest.version: latest schema id %d of subject %s: %w", latest.ID, subject, err)
	}
	root, err := compile(d.connect, c.m)
	if err != nil {
		return nil, err
	}
	return &topicPlan{id: latest.ID, target: d.connect, root: root}, nil
}
