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

// project converts v (of schema from) to schema to, as Connect's SchemaProjector:
// struct fields by name (absent fields become nil so the target default applies),
// integers and floats widened, everything else unchanged.
func project(from, to *schemas.Schema, v any) (any, error) {
	if v == nil || to == nil {
		return v, nil
	}
	switch to.Type {
	case schemas.StructType:
		st, ok := v.(*schemas.Struct)
		if !ok {
			return nil, &valueError{msg: fmt.Sprintf("expected STRUCT, got %T", v)}
		}
		out := schemas.NewStruct(to)
		for i, f := range to.Fields {
			src, ok := st.Schema().Field(f.Name)
			if !ok {
				continue
			}
			x, err := project(src.Schema, f.Schema, st.Raw(src.Index))
			if err != nil {
				return nil, inPath(err, f.Name)
			}
			out.SetIndex(i, x)
		}
		return out, nil
	case schemas.Array:
		arr, ok := v.([]any)
		if !ok {
			return v, nil
		}
		var elem *schemas.Schema
		if from != nil {
			elem = from.Value
		}
		out := make([]any, len(arr))
		for i, x := range arr {
			y, err := project(elem, to.Value, x)
			if err != nil {
				return nil, inPath(err, fmt.Sprint(i))
			}
			out[i] = y
		}
		return out, nil
	}
	return widen(to.Type, v), nil
}

// widen promotes a numeric value to a wider Connect type (INT8→INT16→INT32→INT64,
// FLOAT32→FLOAT64); other values are returned unchanged.
func widen(t schemas.Type, v any) any {
	var i int64
	var rank int
	switch x := v.(type) {
	case int8:
		i, rank = int64(x), 1
	case int16:
		i, rank = int64(x), 2
	case int32:
		i, rank = int64(x), 3
	case float32:
		if t == schemas.Float64 {
			return float64(x)
		}
		return v
	default:
		return v
	}
	switch {
	case t == schemas.Int16 && rank <= 2:
		return int16(i)
	case t == schemas.Int32 && rank <= 3:
		return int32(i)
	case t == schemas.Int64:
		return i
	case t == schemas.Float32:
		return float32(i)
	case t == schemas.Float64:
		return float64(i)
	}
	return v
}
