package transforms

import (
	"log/slog"
	"strings"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

// Debezium envelope field names.
const (
	envBefore      = "before"
	envAfter       = "after"
	envSource      = "source"
	envTransaction = "transaction"
	envOp          = "op"
)

// isEnvelope reports whether a value schema is a Debezium change-event envelope
// (Debezium's SmtManager.isValidEnvelope: the schema name ends with ".Envelope").
func isEnvelope(s *schemas.Schema) bool {
	return s != nil && s.Type == schemas.StructType && strings.HasSuffix(s.Name, ".Envelope")
}

// Delete handling modes of ExtractNewRecordState.
const (
	dthDrop               = "drop"
	dthTombstone          = "tombstone"
	dthRewrite            = "rewrite"
	dthRewriteTombstone   = "rewrite-with-tombstone"
	dthDeleteToTombstone  = "delete-to-tombstone"
	legacyNone            = "none"
	deletedField          = "__deleted"
	unwrapPurpose         = "source field insertion"
	defaultMetadataPrefix = "__"
)

func extractNewRecordStateDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(optional("drop.tombstones", connectors.TypeBoolean, connectors.Str("true"), connectors.Low, "Deprecated, use delete.tombstone.handling.mode. Debezium by default generates a tombstone record to enable Kafka compaction after a delete record was generated. This record is usually filtered out to avoid duplicates as a delete record is converted to a tombstone record, too")).
		Define(withValidator(optional("delete.handling.mode", connectors.TypeString, connectors.Str(dthDrop), connectors.Medium, "Deprecated, use delete.tombstone.handling.mode. How to handle delete records. Options are: none - records are passed, drop - records are removed (the default), rewrite - __deleted field is added to records."), connectors.OneOf(dthDrop, dthRewrite, legacyNone))).
		Define(withValidator(optional("delete.tombstone.handling.mode", connectors.TypeString, connectors.Str(dthTombstone), connectors.Medium, "How to handle delete records. Options are: drop - Remove the delete event and tombstone from the stream. tombstone (default) - For each delete event, leave only a tombstone in the stream. rewrite - Remove tombstone from the record, and add a `__deleted` field with the value `true`. rewrite-with-tombstone - Retain tombstone in record and add a `__deleted` field with the value `true`. delete-to-tombstone - Convert delete events to tombstone events and drop tombstone events."), connectors.OneOf(dthDrop, dthTombstone, dthRewrite, dthRewriteTombstone, dthDeleteToTombstone))).
		Define(optional("route.by.field", connectors.TypeString, connectors.Str(""), connectors.Low, "The column which determines how the events will be routed, the value will replace the topic name.")).
		Define(optional("add.fields.prefix", connectors.TypeString, connectors.Str(defaultMetadataPrefix), connectors.Low, "Adds this prefix to each field listed.")).
		Define(optional("add.fields", connectors.TypeList, connectors.Str(""), connectors.Low, "Adds each field listed, prefixed with __ (or __<struct>_ if the struct is specified). Example: 'version,connector,source.ts_ms' would add __version, __connector and __source_ts_ms fields. Optionally one can also map new field name like version:VERSION,connector:CONNECTOR,source.ts_ms:EVENT_TIMESTAMP.Please note that the new field name is case-sensitive.")).
		Define(optional("add.headers.prefix", connectors.TypeString, connectors.Str(defaultMetadataPrefix), connectors.Low, "Adds this prefix listed to each header.")).
		Define(optional("add.headers", connectors.TypeList, connectors.Str(""), connectors.Low, "Adds each field listed to the header,  __ (or __<struct>_ if the struct is specified). Example: 'version,connector,source.ts_ms' would add __version, __connector and __source_ts_ms fields. Optionally one can also map new field name like version:VERSION,connector:CONNECTOR,source.ts_ms:EVENT_TIMESTAMP.Please note that the new field name is case-sensitive.")).
		Define(optional("replace.null.with.default", connectors.TypeBoolean, connectors.Str("true"), connectors.Low, "When this option is enabled, null field values are replaced by source-defined defaults when rewriting the record."))
}

// fieldRef is one add.fields / add.headers entry: a field of the envelope, of its
// source block or of its transaction block, and the name it gets.
type fieldRef struct {
	parent  string // "source", "transaction", or "" for a top-level envelope field
	field   string
	newName string
}

func parseFieldRefs(prefix string, list []string, key string) ([]fieldRef, error) {
	out := make([]fieldRef, 0, len(list))
	for _, item := range list {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		parts := strings.Split(item, ":")
		if len(parts) > 2 {
			return nil, configErrorf(key, "Invalid value %s for configuration %s: Unexpected field name: %s", strings.Join(list, ","), key, item)
		}
		path := strings.Split(parts[0], ".")
		ref := fieldRef{field: path[0]}
		if len(path) > 1 {
			ref.parent, ref.field = path[0], path[1]
		} else {
			ref.parent = structOf(ref.field)
		}
		switch {
		case len(parts) == 2:
			ref.newName = prefix + parts[1]
		case len(path) > 1:
			ref.newName = prefix + ref.parent + "_" + ref.field
		default:
			ref.newName = prefix + ref.field
		}
		out = append(out, ref)
	}
	return out, nil
}

// structOf is where an unqualified field lives (Debezium's determineStruct).
func structOf(field string) string {
	switch field {
	case "id", "total_order", "data_collection_order":
		return envTransaction
	case envOp, "ts_ms", "ts_us", "ts_ns":
		return ""
	}
	return envSource
}

// schemaIn returns the field's schema in an envelope schema, looking in the envelope
// itself when the parent block lacks it (a field added by an earlier transform).
func (f fieldRef) schemaIn(env *schemas.Schema) (*schemas.Schema, bool) {
	parent := env
	if f.parent != "" {
		pf, ok := env.Field(f.parent)
		if !ok {
			return nil, false
		}
		parent = pf.Schema
	}
	fld, ok := parent.Field(f.field)
	if !ok {
		if fld, ok = env.Field(f.field); !ok {
			return nil, false
		}
	}
	c := *fld.Schema
	c.Optional, c.Default = true, nil
	return &c, true
}

func (f fieldRef) valueIn(env *schemas.Struct) any {
	parent := env
	if f.parent != "" {
		p, _ := rawField(env, f.parent).(*schemas.Struct)
		if p == nil {
			return nil
		}
		parent = p
	}
	if _, ok := parent.Schema().Field(f.field); ok {
		return rawField(parent, f.field)
	}
	return rawField(env, f.field)
}

func rawField(st *schemas.Struct, name string) any {
	f, ok := st.Schema().Field(name)
	if !ok {
		return nil
	}
	return st.Raw(f.Index)
}

// extractNewRecordState is Debezium's ExtractNewRecordState ("unwrap"): it replaces
// a change-event envelope with its after (or, for rewritten deletes, before) state.
// Records that are not envelopes (heartbeats, schema changes, transaction metadata)
// pass through unchanged.
type extractNewRecordState struct {
	mode        string // one of the dth* modes, or "legacy"
	dropTombs   bool   // legacy drop.tombstones
	legacyMode  string // legacy delete.handling.mode
	routeBy     string
	fields      []fieldRef
	headers     []fieldRef
	replaceNull bool
	cache       schemaCache[unwrapKey, *schemas.Schema]
}

type unwrapKey struct {
	row, env *schemas.Schema
	rewrite  bool
}

func newExtractNewRecordState(cfg connectors.Config) (Transformation, error) {
	p, err := parse(extractNewRecordStateDef(), cfg)
	if err != nil {
		return nil, err
	}
	t := &extractNewRecordState{routeBy: p.str("route.by.field"), replaceNull: p.boolean("replace.null.with.default")}
	_, newSet := cfg["delete.tombstone.handling.mode"]
	_, dropSet := cfg["drop.tombstones"]
	_, legacySet := cfg["delete.handling.mode"]
	switch {
	case newSet || !(dropSet || legacySet):
		t.mode = strings.ToLower(p.str("delete.tombstone.handling.mode"))
	default:
		t.mode = "legacy"
		t.dropTombs = p.boolean("drop.tombstones")
		t.legacyMode = strings.ToLower(p.str("delete.handling.mode"))
		slog.Warn("The deleted record handling configs \"drop.tombstones\" and \"delete.handling.mode\" have been deprecated, please use \"delete.tombstone.handling.mode\" instead.")
	}
	for _, k := range []string{"drop.fields.header.name", "drop.fields.from.key", "drop.fields.keep.schema.compatible"} {
		if v := strings.TrimSpace(cfg[k]); v != "" {
			slog.Warn("ExtractNewRecordState option is not supported and is ignored", "key", k)
		}
	}
	if t.fields, err = parseFieldRefs(p.str("add.fields.prefix"), p.list("add.fields"), "add.fields"); err != nil {
		return nil, err
	}
	if t.headers, err = parseFieldRefs(p.str("add.headers.prefix"), p.list("add.headers"), "add.headers"); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *extractNewRecordState) rewrite() bool {
	if t.mode == "legacy" {
		return t.legacyMode == dthRewrite
	}
	return t.mode == dthRewrite || t.mode == dthRewriteTombstone
}

func (t *extractNewRecordState) Apply(r *connectors.Record) (*connectors.Record, error) {
	return t.apply(r, false)
}

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *extractNewRecordState) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	if r.Value == nil {
		return t.tombstone(r), nil
	}
	if !isEnvelope(r.ValueSchema) {
		return r, nil
	}
	env, err := requireStruct(r.Value, unwrapPurpose)
	if err != nil {
		return nil, err
	}
	envSchema := env.Schema()
	afterField, hasAfter := envSchema.Field(envAfter)
	beforeField, hasBefore := envSchema.Field(envBefore)
	if !hasAfter || !hasBefore {
		return nil, dataErrorf("Unknown field: %s", envAfter)
	}
	c := mutable(r, owned)
	t.addHeaders(c, env)
	after, _ := env.Raw(afterField.Index).(*schemas.Struct)
	before, _ := env.Raw(beforeField.Index).(*schemas.Struct)

	if after == nil && before == nil { // truncate
		return nil, nil
	}
	if after == nil { // delete
		if t.routeBy != "" {
			if err := t.route(c, before); err != nil {
				return nil, err
			}
		}
		switch t.deleteAction() {
		case dthDrop:
			return nil, nil
		case dthTombstone:
			c.ValueSchema, c.Value = afterField.Schema, nil
			return c, nil
		case dthDeleteToTombstone:
			c.ValueSchema, c.Value = nil, nil
			return c, nil
		}
		return t.withFields(c, env, before, "true")
	}
	if t.routeBy != "" {
		if err := t.route(c, after); err != nil {
			return nil, err
		}
	}
	deleted := ""
	if t.rewrite() {
		deleted = "false"
	}
	return t.withFields(c, env, after, deleted)
}

// deleteAction maps the configured mode to drop, tombstone (value null with the row
// schema), delete-to-tombstone (value and schema null) or rewrite.
func (t *extractNewRecordState) deleteAction() string {
	if t.mode == "legacy" {
		switch t.legacyMode {
		case dthRewrite:
			return dthRewrite
		case legacyNone:
			return dthTombstone
		}
		return dthDrop
	}
	if t.mode == dthRewriteTombstone {
		return dthRewrite
	}
	return t.mode
}

// tombstone handles a record whose value is null.
func (t *extractNewRecordState) tombstone(r *connectors.Record) *connectors.Record {
	keep := t.mode == dthRewriteTombstone || (t.mode == "legacy" && !t.dropTombs)
	if !keep {
		return nil
	}
	c := r
	for _, h := range t.headers {
		if h.field == envOp && h.parent == "" {
			if c == r {
				c = r.Clone()
			}
			c.Headers = append(c.Headers, connectors.Header{Key: h.newName, Schema: schemas.StringSchema, Value: "d"})
		}
	}
	return c
}

func (t *extractNewRecordState) addHeaders(c *connectors.Record, env *schemas.Struct) {
	for _, h := range t.headers {
		s, ok := h.schemaIn(env.Schema())
		if !ok {
			continue
		}
		c.Headers = append(c.Headers, connectors.Header{Key: h.newName, Schema: s, Value: h.valueIn(env)})
	}
}

func (t *extractNewRecordState) route(c *connectors.Record, row *schemas.Struct) error {
	if row == nil {
		return nil
	}
	f, ok := row.Schema().Field(t.routeBy)
	if !ok {
		return dataErrorf("%s is not a valid field name", t.routeBy)
	}
	v := row.GetIndex(f.Index)
	if v == nil {
		return nil
	}
	s, ok := v.(string)
	if !ok {
		return dataErrorf("Field '%s' is not of type STRING, found: %s", t.routeBy, typeName(v))
	}
	if s != "" {
		c.Topic = s
	}
	return nil
}

// withFields sets c's value to a copy of row under a derived schema: the row's
// fields, the add.fields and, when deleted is not empty, __deleted. Like Debezium, the
// derived struct schema keeps the row schema's name, version, doc and parameters but
// not its optionality. Debezium 2.x's legacy modes put __deleted after the added
// fields; delete.tombstone.handling.mode puts it before them.
func (t *extractNewRecordState) withFields(c *connectors.Record, env, row *schemas.Struct, deleted string) (*connectors.Record, error) {
	key := unwrapKey{row: row.Schema(), env: env.Schema(), rewrite: deleted != ""}
	out, ok := t.cache.get(key)
	if !ok {
		b := structBasics(row.Schema())
		for _, f := range row.Schema().Fields {
			b.Field(f.Name, f.Schema)
		}
		legacy := t.mode == "legacy"
		if deleted != "" && !legacy {
			b.Field(deletedField, schemas.OptionalStringSchema)
		}
		for _, ref := range t.fields {
			if s, ok := ref.schemaIn(env.Schema()); ok {
				b.Field(ref.newName, s)
			}
		}
		if deleted != "" && legacy {
			b.Field(deletedField, schemas.OptionalStringSchema)
		}
		var err error
		if out, err = b.Build(); err != nil {
			return nil, dataErrorf("%v", err)
		}
		t.cache.put(key, out)
	}
	ns := schemas.NewStruct(out)
	n := len(row.Schema().Fields)
	for i := 0; i < n; i++ {
		ns.SetIndex(i, row.Raw(i))
	}
	for _, ref := range t.fields {
		if f, ok := out.Field(ref.newName); ok && f.Index >= n {
			ns.SetIndex(f.Index, ref.valueIn(env))
		}
	}
	if deleted != "" {
		f, _ := out.Field(deletedField)
		ns.SetIndex(f.Index, deleted)
	}
	c.ValueSchema, c.Value = out, ns
	return c, nil
}
