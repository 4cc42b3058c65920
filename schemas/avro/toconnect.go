package avro

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	havro "github.com/hamba/avro/v2"

	"github.com/gonnect/gonnect/schemas"
)

// UnionName is the Connect struct name AvroData gives to general Avro unions.
const UnionName = Namespace + ".Union"

// avroKind is the Avro type a decoder step reads.
type avroKind uint8

const (
	aNull avroKind = iota
	aBoolean
	aInt
	aLong
	aFloat
	aDouble
	aBytes
	aFixed
	aString
	aEnum
	aRecord
	aArray
	aMap
	aUnion
	aAnything // AvroData's schemaless Anything record
)

// dec is one compiled step of a decoding plan: how to read an Avro value written
// with the registered schema and which Connect value to build.
type dec struct {
	kind    avroKind
	connect *schemas.Schema
	logical uint8
	scale   int32
	size    int // fixed size

	fields  []*dec
	elem    *dec // array items, map values
	entries bool // array of MapEntry records → Connect map
	key     *dec // map-entry key (entries)

	members []*dec // union members; nil member is the null branch
	names   []string
	symbols []string
	record  string // full Avro name of a record, for the subject name strategies
}

// ParseSchema converts an Avro schema (JSON text, e.g. from the registry) to the
// Connect schema AvroData would build, as used by ToConnect.
func ParseSchema(avroJSON string, m mapping) (*schemas.Schema, error) {
	d, err := compileDecoder(avroJSON, m)
	if err != nil {
		return nil, err
	}
	return d.connect, nil
}

func compileDecoder(avroJSON string, m mapping) (*dec, error) {
	hs, err := havro.ParseWithCache(avroJSON, "", &havro.SchemaCache{})
	if err != nil {
		return nil, fmt.Errorf("parsing Avro schema: %w", err)
	}
	if rec, ok := hs.(*havro.RecordSchema); ok && rec.FullName() == AnythingName {
		return &dec{kind: aAnything}, nil
	}
	tc := toConnect{m: m, seen: map[string]*dec{}}
	return tc.build(hs, false, nil, false)
}

type toConnect struct {
	m    mapping
	seen map[string]*dec // records by full name, to resolve references
}

func propString(s havro.Schema, key string) string {
	if p, ok := s.(interface{ Prop(string) any }); ok {
		if v, ok := p.Prop(key).(string); ok {
			return v
		}
	}
	return ""
}

func propAny(s havro.Schema, key string) any {
	if p, ok := s.(interface{ Prop(string) any }); ok {
		return p.Prop(key)
	}
	return nil
}

func propsOf(s havro.Schema) map[string]any {
	if p, ok := s.(interface{ Props() map[string]any }); ok {
		return p.Props()
	}
	return nil
}

// build converts one Avro schema. fieldDefault is the Avro field default (Go value as
// hamba decoded it) when hasDefault.
func (tc *toConnect) build(hs havro.Schema, forceOptional bool, fieldDefault any, hasDefault bool) (*dec, error) {
	if ref, ok := hs.(*havro.RefSchema); ok {
		hs = ref.Schema()
	}
	d := &dec{}
	var b *schemas.Builder
	connectType := propString(hs, connectTypeProp)
	switch s := hs.(type) {
	case *havro.PrimitiveSchema:
		var lt havro.LogicalType
		if s.Logical() != nil {
			lt = s.Logical().Type()
		}
		switch s.Type() {
		case havro.Boolean:
			d.kind, b = aBoolean, schemas.NewBuilder(schemas.Boolean)
		case havro.Double:
			d.kind, b = aDouble, schemas.NewBuilder(schemas.Float64)
		case havro.Float:
			d.kind, b = aFloat, schemas.NewBuilder(schemas.Float32)
		case havro.String:
			d.kind, b = aString, schemas.NewBuilder(schemas.String)
		case havro.Int:
			d.kind = aInt
			switch {
			case lt == havro.Date:
				d.logical, b = logDate, schemas.DateSchema()
			case lt == havro.TimeMillis:
				d.logical, b = logTime, schemas.TimeSchema()
			case connectType == "int8" && lt == "":
				b = schemas.NewBuilder(schemas.Int8)
			case connectType == "int16" && lt == "":
				b = schemas.NewBuilder(schemas.Int16)
			default:
				b = schemas.NewBuilder(schemas.Int32)
			}
		case havro.Long:
			d.kind = aLong
			if lt == havro.TimestampMillis {
				d.logical, b = logTimestamp, schemas.TimestampSchema()
			} else {
				b = schemas.NewBuilder(schemas.Int64)
			}
		case havro.Bytes:
			d.kind = aBytes
			var err error
			if b, err = tc.decimal(hs, d); err != nil {
				return nil, err
			}
		case havro.Null:
			return nil, fmt.Errorf("Standalone null schemas are not supported by this converter")
		default:
			return nil, fmt.Errorf("Couldn't translate unsupported schema type %s.", s.Type())
		}
	case *havro.FixedSchema:
		d.kind, d.size = aFixed, s.Size()
		var err error
		if b, err = tc.decimal(hs, d); err != nil {
			return nil, err
		}
	case *havro.EnumSchema:
		d.kind, d.symbols = aEnum, s.Symbols()
		b = schemas.NewBuilder(schemas.String)
		if tc.m.connectMetaData {
			if s.Doc() != "" {
				b.Param(enumDocPrefix+s.Name(), s.Doc())
			}
			if s.HasDefault() {
				b.Param(enumDefaultPrefix+s.Name(), s.Default())
			}
		}
		b.Param(enumParam, s.FullName())
		for _, sym := range s.Symbols() {
			b.Param(enumParam+"."+sym, sym)
		}
	case *havro.ArraySchema:
		items := s.Items()
		if ref, ok := items.(*havro.RefSchema); ok {
			items = ref.Schema()
		}
		if rec, ok := items.(*havro.RecordSchema); ok && isMapEntry(rec) {
			var kf, vf *havro.Field
			for _, f := range rec.Fields() {
				switch f.Name() {
				case "key":
					kf = f
				case "value":
					vf = f
				}
			}
			if len(rec.Fields()) != 2 || kf == nil || vf == nil {
				return nil, fmt.Errorf("Found map encoded as array of key-value pairs, but array elements do not match the expected format.")
			}
			kd, err := tc.build(kf.Type(), false, nil, false)
			if err != nil {
				return nil, err
			}
			vd, err := tc.build(vf.Type(), false, nil, false)
			if err != nil {
				return nil, err
			}
			d.kind, d.entries, d.key, d.elem = aArray, true, kd, vd
			b = schemas.MapBuilder(kd.connect, vd.connect)
		} else {
			ed, err := tc.build(s.Items(), false, nil, false)
			if err != nil {
				return nil, err
			}
			d.kind, d.elem = aArray, ed
			b = schemas.ArrayBuilder(ed.connect)
		}
	case *havro.MapSchema:
		vd, err := tc.build(s.Values(), false, nil, false)
		if err != nil {
			return nil, err
		}
		d.kind, d.elem = aMap, vd
		b = schemas.MapBuilder(schemas.StringSchema, vd.connect)
	case *havro.RecordSchema:
		if prev, ok := tc.seen[s.FullName()]; ok && prev.connect == nil {
			return nil, fmt.Errorf("recursive Avro record %s is not supported", s.FullName())
		}
		tc.seen[s.FullName()] = d
		d.kind, d.record = aRecord, s.FullName()
		b = schemas.StructBuilder()
		if tc.m.connectMetaData && s.Doc() != "" {
			b.Param(recordDocParam, s.Doc())
		}
		for _, f := range s.Fields() {
			if tc.m.connectMetaData && f.Doc() != "" {
				b.Param(fieldDocPrefix+f.Name(), f.Doc())
			}
			fd, err := tc.build(f.Type(), false, f.Default(), f.HasDefault())
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name(), err)
			}
			d.fields = append(d.fields, fd)
			b.Field(f.Name(), fd.connect)
		}
	case *havro.UnionSchema:
		types := s.Types()
		if len(types) == 2 && (types[0].Type() == havro.Null) != (types[1].Type() == havro.Null) {
			member := 0
			if types[0].Type() == havro.Null {
				member = 1
			}
			// as AvroData, the member never sees the field default: an optional
			// field's Connect default comes from connect.default only
			md, err := tc.build(types[member], true, nil, false)
			if err != nil {
				return nil, err
			}
			d.kind, d.connect = aUnion, md.connect
			d.members = make([]*dec, 2)
			d.members[member] = md
			return d, nil
		}
		d.kind = aUnion
		b = schemas.StructBuilder().Name(UnionName)
		seen := map[string]bool{}
		for _, t := range types {
			if t.Type() == havro.Null {
				b.Optional()
				d.members = append(d.members, nil)
				d.names = append(d.names, "")
				continue
			}
			name := unionMemberName(t)
			if seen[name] {
				return nil, fmt.Errorf("Multiple union schemas map to the Connect union field name")
			}
			seen[name] = true
			md, err := tc.build(t, true, nil, false)
			if err != nil {
				return nil, err
			}
			d.members = append(d.members, md)
			d.names = append(d.names, name)
			b.Field(name, md.connect)
		}
		s2, err := b.Build()
		if err != nil {
			return nil, err
		}
		d.connect = s2
		return d, nil
	default:
		return nil, fmt.Errorf("Couldn't translate unsupported schema type %s.", hs.Type())
	}
	if err := tc.finish(b, hs, d, forceOptional, fieldDefault, hasDefault); err != nil {
		return nil, err
	}
	return d, nil
}

func (tc *toConnect) decimal(hs havro.Schema, d *dec) (*schemas.Builder, error) {
	var scale, precision int
	isDec := false
	if ls, ok := hs.(interface{ Logical() havro.LogicalSchema }); ok && ls.Logical() != nil {
		if dl, ok := ls.Logical().(*havro.DecimalLogicalSchema); ok {
			isDec, scale, precision = true, dl.Scale(), dl.Precision()
		}
	}
	if !isDec && strings.EqualFold(propString(hs, "logicalType"), "decimal") {
		sc, ok := propAny(hs, "scale").(float64)
		if !ok {
			return nil, fmt.Errorf("scale must be specified and must be a number.")
		}
		isDec, scale = true, int(sc)
		precision = defaultPrecision
		if p, ok := propAny(hs, "precision").(float64); ok {
			precision = int(p)
		}
	}
	if !isDec {
		return schemas.NewBuilder(schemas.Bytes), nil
	}
	d.logical, d.scale = logDecimal, int32(scale)
	b := schemas.DecimalSchema(int32(scale))
	if precision != defaultPrecision {
		b.Param(schemas.DecimalPrecisionParam, strconv.Itoa(precision))
	}
	return b, nil
}

// finish applies the connect.* properties, defaults, name and optionality.
func (tc *toConnect) finish(b *schemas.Builder, hs havro.Schema, d *dec, forceOptional bool, fieldDefault any, hasDefault bool) error {
	if tc.m.connectMetaData {
		if doc := propString(hs, connectDocProp); doc != "" {
			b.Doc(doc)
		}
	}
	if v := propAny(hs, connectVersionProp); v != nil {
		f, ok := v.(float64)
		if !ok {
			return fmt.Errorf("Invalid Connect version found: %v", v)
		}
		b.Version(int(f))
	}
	if tc.m.connectMetaData {
		if p := propAny(hs, connectParamsProp); p != nil {
			pm, ok := p.(map[string]any)
			if !ok {
				return fmt.Errorf("Expected JSON object for schema parameters but found: %v", p)
			}
			keys := make([]string, 0, len(pm))
			for k := range pm {
				keys = append(keys, k)
			}
			// JSON object order is lost by the parser; keep the Connect scale first
			sort.SliceStable(keys, func(i, j int) bool {
				return paramRank(keys[i]) < paramRank(keys[j]) || (paramRank(keys[i]) == paramRank(keys[j]) && keys[i] < keys[j])
			})
			for _, k := range keys {
				sv, ok := pm[k].(string)
				if !ok {
					return fmt.Errorf("Expected schema parameter values to be strings but found: %v", pm[k])
				}
				b.Param(k, sv)
			}
		}
	}
	props := propsOf(hs)
	avroKeys := make([]string, 0)
	for k := range props {
		if strings.HasPrefix(k, "avro") {
			avroKeys = append(avroKeys, k)
		}
	}
	sort.Strings(avroKeys)
	for _, k := range avroKeys {
		b.Param(k, fmt.Sprint(props[k]))
	}
	if name := propString(hs, connectNameProp); name != "" {
		b.Name(name)
	} else if n, ok := hs.(havro.NamedSchema); ok && (hs.Type() == havro.Record || hs.Type() == havro.Enum) {
		if full := n.FullName(); full != Namespace+"."+DefaultSchemaName && !strings.HasPrefix(full, Namespace+"."+DefaultSchemaName) {
			b.Name(full)
		}
	}
	if forceOptional {
		b.Optional()
	}
	def := fieldDefault
	if !hasDefault || def == nil {
		def = propAny(hs, connectDefaultProp)
	} else if tc.m.connectMetaData && propAny(hs, connectDefaultProp) == nil {
		b.Param(fieldDefaultFlag, "true")
	}
	s, err := b.Build()
	if err != nil {
		return err
	}
	if def != nil {
		// an invalid default is ignored, as AvroData does (it logs and drops it)
		if dv, err := defaultFromAvro(s, def); err == nil {
			c := *s
			c.Default = dv
			if schemas.Validate(&c, dv) == nil {
				s = &c
			}
		}
	}
	d.connect = s
	return nil
}

// paramRank orders Decimal's parameters as Connect builds them (scale first).
func paramRank(k string) int {
	switch k {
	case schemas.DecimalScaleParam:
		return 0
	case schemas.DecimalPrecisionParam:
		return 1
	}
	return 2
}

func isMapEntry(r *havro.RecordSchema) bool {
	return (r.Namespace() == Namespace && r.Name() == MapEntryName) || propString(r, internalTypeProp) == MapEntryName
}

func unionMemberName(t havro.Schema) string {
	if n, ok := t.(havro.NamedSchema); ok {
		return n.FullName()
	}
	if ref, ok := t.(*havro.RefSchema); ok {
		return ref.Schema().FullName()
	}
	return string(t.Type())
}
