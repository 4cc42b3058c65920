package transforms

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/schemas"
)

const castPurpose = "cast types"

func castDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(withValidator(required("spec", connectors.TypeList, connectors.High, "List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string."), validCastSpec)).
		Define(replaceNullKey())
}

var castOutputTypes = map[schemas.Type]bool{
	schemas.Int8: true, schemas.Int16: true, schemas.Int32: true, schemas.Int64: true,
	schemas.Float32: true, schemas.Float64: true, schemas.Boolean: true, schemas.String: true,
}

const castOutputList = "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]"
const castInputList = "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]"

func validCastSpec(v any) error {
	_, _, err := parseCastSpec(v.([]string))
	return err
}

// parseCastSpec returns per-field casts, or the whole-value cast type when the spec is
// a single type without a field name.
func parseCastSpec(spec []string) (map[string]schemas.Type, schemas.Type, error) {
	if len(spec) == 0 {
		return nil, 0, errorString("Must specify at least one field to cast.")
	}
	casts := make(map[string]schemas.Type, len(spec))
	for _, s := range spec {
		parts := strings.Split(s, ":")
		if len(parts) > 2 {
			return nil, 0, errorString("Invalid rename mapping: " + s)
		}
		if len(parts) == 1 {
			if len(spec) > 1 {
				return nil, 0, errorString("Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec")
			}
			t, err := castType(strings.TrimSpace(parts[0]))
			return nil, t, err
		}
		t, err := castType(strings.TrimSpace(parts[1]))
		if err != nil {
			return nil, 0, err
		}
		casts[strings.TrimSpace(parts[0])] = t
	}
	return casts, 0, nil
}

func castType(name string) (schemas.Type, error) {
	t, err := schemas.ParseType(name)
	if err != nil || strings.EqualFold(name, "float") || strings.EqualFold(name, "double") {
		return 0, errorString("Invalid type found in casting spec: " + name)
	}
	if !castOutputTypes[t] {
		return 0, errorString("Cast transformation does not support casting to " + t.JavaName() + "; supported types are " + castOutputList)
	}
	return t, nil
}

type errorString string

func (e errorString) Error() string { return string(e) }

// cast is Kafka's Cast: it casts primitive fields (or the whole value) to another
// primitive type, encoding logical types as Kafka does.
type cast struct {
	side        side
	casts       map[string]schemas.Type
	whole       schemas.Type // non-zero for a whole-value cast
	replaceNull bool
	cache       schemaCache[*schemas.Schema, *schemas.Schema]
}

func newCast(s side, cfg connectors.Config) (Transformation, error) {
	p, err := parse(castDef(), cfg)
	if err != nil {
		return nil, err
	}
	casts, whole, _ := parseCastSpec(p.list("spec"))
	return &cast{side: s, casts: casts, whole: whole, replaceNull: p.boolean("replace.null.with.default")}, nil
}

func (t *cast) Apply(r *connectors.Record) (*connectors.Record, error) { return t.apply(r, false) }

// apply is Apply; when owned, r came from an earlier link of the same chain and is
// modified in place instead of copied.
func (t *cast) apply(r *connectors.Record, owned bool) (*connectors.Record, error) {
	v := t.side.value(r)
	if v == nil {
		return r, nil
	}
	sch := t.side.schema(r)
	if sch == nil {
		if t.whole != 0 {
			out, err := castValue(nil, v, t.whole)
			if err != nil {
				return nil, err
			}
			return t.side.with(r, owned, nil, out), nil
		}
		m, err := requireMap(v, castPurpose)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m)+len(t.casts))
		for k, x := range m {
			out[k] = x
		}
		for k, tt := range t.casts {
			if out[k], err = castValue(nil, m[k], tt); err != nil {
				return nil, err
			}
		}
		return t.side.with(r, owned, nil, out), nil
	}
	out, ok := t.cache.get(sch)
	if !ok {
		var err error
		if out, err = t.makeSchema(sch); err != nil {
			return nil, err
		}
		t.cache.put(sch, out)
	}
	if t.whole != 0 {
		cv, err := castValue(sch, v, t.whole)
		if err != nil {
			return nil, err
		}
		return t.side.with(r, owned, out, cv), nil
	}
	st, err := requireStruct(v, castPurpose)
	if err != nil {
		return nil, err
	}
	ns := schemas.NewStruct(out)
	for i, f := range sch.Fields {
		x := getField(st, i, t.replaceNull)
		if tt, ok := t.casts[f.Name]; ok {
			if x, err = castValue(f.Schema, x, tt); err != nil {
				return nil, err
			}
		}
		ns.SetIndex(i, x)
	}
	return t.side.with(r, owned, out, ns), nil
}

func (t *cast) makeSchema(in *schemas.Schema) (*schemas.Schema, error) {
	if t.whole != 0 {
		return castSchema(in, t.whole, true)
	}
	if in.Type != schemas.StructType {
		return nil, dataErrorf("Only Struct objects supported for [%s], found: %s", castPurpose, in.Type.JavaName())
	}
	b := structBasics(in)
	if in.Optional {
		b.Optional()
	}
	for _, f := range in.Fields {
		tt, ok := t.casts[f.Name]
		if !ok {
			b.Field(f.Name, f.Schema)
			continue
		}
		fs, err := castSchema(f.Schema, tt, false)
		if err != nil {
			return nil, err
		}
		b.Field(f.Name, fs)
	}
	s, err := b.Build()
	if err != nil {
		return nil, dataErrorf("%v", err)
	}
	return s, nil
}

// castSchema is the schema of a value of in cast to tt, keeping optionality and
// casting the default. A whole-value cast also keeps in's name, version, doc and
// parameters, as Java's Cast does.
func castSchema(in *schemas.Schema, tt schemas.Type, basics bool) (*schemas.Schema, error) {
	if err := validCastInput(in.Type); err != nil {
		return nil, err
	}
	if in.Type == schemas.Bytes && schemas.LogicalName(in) != schemas.DecimalName && tt != schemas.String {
		return nil, dataErrorf("Unexpected type in Cast transformation: BYTES can only be cast to STRING")
	}
	b := schemas.NewBuilder(tt)
	if basics {
		copyBasics(b, in, true)
	}
	if in.Optional {
		b.Optional()
	}
	if in.Default != nil {
		d, err := castValue(in, in.Default, tt)
		if err != nil {
			return nil, err
		}
		b.Default(d)
	}
	s, err := b.Build()
	if err != nil {
		return nil, dataErrorf("%v", err)
	}
	return s, nil
}

func validCastInput(t schemas.Type) error {
	if t.IsPrimitive() {
		return nil
	}
	return dataErrorf("Cast transformation does not support casting from %s; supported types are %s", t.JavaName(), castInputList)
}

// inferType is Java's ConnectSchema.schemaType for a schemaless value.
func inferType(v any) (schemas.Type, bool) {
	switch v.(type) {
	case int8:
		return schemas.Int8, true
	case int16:
		return schemas.Int16, true
	case int32:
		return schemas.Int32, true
	case int64:
		return schemas.Int64, true
	case float32:
		return schemas.Float32, true
	case float64:
		return schemas.Float64, true
	case bool:
		return schemas.Boolean, true
	case string:
		return schemas.String, true
	case []byte, schemas.Decimal:
		return schemas.Bytes, true
	case time.Time:
		return schemas.Int64, true
	case []any:
		return schemas.Array, true
	case map[string]any, []schemas.MapEntry:
		return schemas.Map, true
	case *schemas.Struct:
		return schemas.StructType, true
	}
	return 0, false
}

// castValue is Java's Cast.castValueToType.
func castValue(s *schemas.Schema, v any, tt schemas.Type) (any, error) {
	if v == nil {
		return nil, nil
	}
	in := schemas.Type(0)
	if s != nil {
		in = s.Type
	} else {
		var ok bool
		if in, ok = inferType(v); !ok {
			return nil, dataErrorf("Cast transformation was passed a value of type %s which is not supported by Connect's data API", typeName(v))
		}
	}
	if err := validCastInput(in); err != nil {
		return nil, err
	}
	if tt == schemas.String {
		return castToString(s, v)
	}
	// Logical types are encoded to their internal representation first.
	if t, ok := v.(time.Time); ok {
		v = encodeTime(s, t)
	}
	out, ok := castNumeric(v, tt)
	if !ok {
		if str, isStr := v.(string); isStr {
			return nil, dataErrorf("Value (%s) was out of range for requested data type", str)
		}
		return nil, dataErrorf("Unexpected type in Cast transformation: %s", typeName(v))
	}
	return out, nil
}

func encodeTime(s *schemas.Schema, t time.Time) any {
	switch schemas.LogicalName(s) {
	case schemas.DateName:
		d, _ := schemas.DateToDays(t)
		return d
	case schemas.TimeName:
		ms, _ := schemas.TimeToMillis(t)
		return ms
	}
	return t.UnixMilli()
}

// castNumeric converts a number, boolean or numeric string to tt with Java's
// narrowing semantics (two's-complement truncation, float truncation toward zero).
func castNumeric(v any, tt schemas.Type) (any, bool) {
	var i int64
	var f float64
	isFloat := false
	switch x := v.(type) {
	case int8:
		i = int64(x)
	case int16:
		i = int64(x)
	case int32:
		i = int64(x)
	case int64:
		i = x
	case float32:
		f, isFloat = float64(x), true
	case float64:
		f, isFloat = x, true
	case schemas.Decimal:
		if tt == schemas.Float32 || tt == schemas.Float64 || tt == schemas.Boolean {
			f, isFloat = x.Float64(), true
		} else {
			q := new(big.Int).Quo(x.Unscaled, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(x.Scale, 0))), nil))
			i = q.Int64()
		}
	case bool:
		if x {
			i = 1
		}
	case string:
		return parseNumeric(x, tt)
	default:
		return nil, false
	}
	if isFloat {
		switch tt {
		case schemas.Float32:
			return float32(f), true
		case schemas.Float64:
			return f, true
		case schemas.Boolean:
			return javaLong(f) != 0, true
		}
		i = javaLong(f)
	}
	switch tt {
	case schemas.Int8:
		return int8(i), true
	case schemas.Int16:
		return int16(i), true
	case schemas.Int32:
		return int32(i), true
	case schemas.Int64:
		return i, true
	case schemas.Float32:
		return float32(i), true
	case schemas.Float64:
		return float64(i), true
	case schemas.Boolean:
		return i != 0, true
	}
	return nil, false
}

// javaLong is Java's (long) cast of a double: NaN is 0, out of range saturates.
func javaLong(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

func parseNumeric(s string, tt schemas.Type) (any, bool) {
	switch tt {
	case schemas.Boolean:
		return strings.EqualFold(s, "true"), true
	case schemas.Float32:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 32)
		return float32(f), err == nil
	case schemas.Float64:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return f, err == nil
	}
	bits := map[schemas.Type]int{schemas.Int8: 8, schemas.Int16: 16, schemas.Int32: 32, schemas.Int64: 64}[tt]
	n, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		return nil, false
	}
	switch tt {
	case schemas.Int8:
		return int8(n), true
	case schemas.Int16:
		return int16(n), true
	case schemas.Int32:
		return int32(n), true
	}
	return n, true
}

// castToString is Java's Cast.castToString: Values' ISO-8601 rendering for dates
// (chosen by the value, as Java's Values.dateFormatFor), base64 for bytes, Java's
// toString otherwise.
func castToString(s *schemas.Schema, v any) (string, error) {
	out, err := schemas.ValueString(s, v)
	if err != nil {
		return "", dataErrorf("Unexpected type in Cast transformation: %s", typeName(v))
	}
	return out, nil
}
