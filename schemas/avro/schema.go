package avro

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gonnect/gonnect/schemas"
)

// Names and properties of Confluent's AvroData mapping.
const (
	Namespace          = "io.confluent.connect.avro"
	DefaultSchemaName  = "ConnectDefault"
	MapEntryName       = "MapEntry"
	connectNameProp    = "connect.name"
	connectDocProp     = "connect.doc"
	connectVersionProp = "connect.version"
	connectDefaultProp = "connect.default"
	connectParamsProp  = "connect.parameters"
	connectTypeProp    = "connect.type"
	internalTypeProp   = "connect.internal.type"
	recordDocParam     = Namespace + ".record.doc"
	fieldDocPrefix     = Namespace + ".field.doc."
	fieldDefaultFlag   = Namespace + ".field.default"
	enumParam          = Namespace + ".Enum"
	enumDocPrefix      = Namespace + ".enum.doc."
	enumDefaultPrefix  = Namespace + ".enum.default."
	defaultPrecision   = 64
)

// mapping holds the AvroData settings that change the generated schema.
type mapping struct {
	connectMetaData bool // connect.meta.data
	enhanced        bool // enhanced.avro.schema.support
}

// schemaWriter renders a Connect schema as the Avro schema JSON Confluent's AvroData
// produces (Avro's own Schema.toString layout: compact, "type" first, record
// namespaces omitted when equal to the enclosing one, named types referenced by
// name after their first definition, properties in insertion order).
type schemaWriter struct {
	m        mapping
	defined  map[string]string // full name → rendered definition
	space    string            // enclosing namespace
	unnamed  int               // ConnectDefault counter
	unnamedN map[*schemas.Schema]string
}

func newSchemaWriter(m mapping) *schemaWriter {
	return &schemaWriter{m: m, defined: map[string]string{}, unnamedN: map[*schemas.Schema]string{}}
}

// splitName splits a full name at its last dot; no dot means no namespace.
func splitName(full string) (space, name string) {
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[:i], full[i+1:]
	}
	return "", full
}

// write appends the Avro schema of s. ignoreOptional suppresses the null union (used
// inside an optional struct's own union).
func (w *schemaWriter) write(b []byte, s *schemas.Schema, ignoreOptional bool) ([]byte, error) {
	if s.Type == schemas.StructType && s.Optional && !ignoreOptional {
		b = append(b, `["null",`...)
		b, err := w.write(b, s.WithOptional(false), true)
		if err != nil {
			return nil, err
		}
		return append(b, ']'), nil
	}
	optional := s.Optional && !ignoreOptional && s.Type != schemas.StructType
	if optional {
		if s.Default == nil {
			b = append(b, `["null",`...)
		} else {
			b = append(b, '[')
		}
	}
	b, err := w.writeBase(b, s)
	if err != nil {
		return nil, err
	}
	if optional {
		if s.Default == nil {
			b = append(b, ']')
		} else {
			b = append(b, `,"null"]`...)
		}
	}
	return b, nil
}

// props collects the properties of a non-union Avro schema in AvroData's order.
type props struct{ b []byte }

func (p *props) add(key string, raw []byte) {
	p.b = append(p.b, ',')
	p.b = appendJSONString(p.b, key)
	p.b = append(p.b, ':')
	p.b = append(p.b, raw...)
}

func (p *props) addString(key, v string) { p.add(key, appendJSONString(nil, v)) }

func (w *schemaWriter) writeBase(b []byte, s *schemas.Schema) ([]byte, error) {
	var p props
	connectType := ""
	avroType := ""
	isDecimal := s.Type == schemas.Bytes && strings.EqualFold(s.Name, schemas.DecimalName)
	var precision, scale int
	switch s.Type {
	case schemas.Int8:
		avroType, connectType = "int", "int8"
	case schemas.Int16:
		avroType, connectType = "int", "int16"
	case schemas.Int32:
		avroType = "int"
	case schemas.Int64:
		avroType = "long"
	case schemas.Float32:
		avroType = "float"
	case schemas.Float64:
		avroType = "double"
	case schemas.Boolean:
		avroType = "boolean"
	case schemas.String:
		if sym, ok := s.Param(enumParam); ok && w.m.enhanced {
			return w.writeEnum(b, s, sym)
		}
		avroType = "string"
	case schemas.Bytes:
		avroType = "bytes"
		if isDecimal {
			sc, err := schemas.DecimalScale(s)
			if err != nil {
				return nil, err
			}
			scale, precision = int(sc), defaultPrecision
			if v, ok := s.Param(schemas.DecimalPrecisionParam); ok {
				n, err := strconv.Atoi(v)
				if err != nil {
					return nil, fmt.Errorf("invalid %s parameter %q", schemas.DecimalPrecisionParam, v)
				}
				precision = n
			}
			p.add("scale", strconv.AppendInt(nil, int64(scale), 10))
			p.add("precision", strconv.AppendInt(nil, int64(precision), 10))
		}
	case schemas.Array:
		if s.Value == nil {
			return nil, fmt.Errorf("array schema has no element schema")
		}
		inner, err := w.write(nil, s.Value, false)
		if err != nil {
			return nil, err
		}
		b = append(b, `{"type":"array","items":`...)
		b = append(b, inner...)
		return w.finishProps(b, s, &p, "", false, 0, 0)
	case schemas.Map:
		if s.Key == nil || s.Value == nil {
			return nil, fmt.Errorf("map schema lacks a key or value schema")
		}
		if s.Key.Type == schemas.String && !s.Key.Optional {
			inner, err := w.write(nil, s.Value, false)
			if err != nil {
				return nil, err
			}
			b = append(b, `{"type":"map","values":`...)
			b = append(b, inner...)
			return w.finishProps(b, s, &p, "", false, 0, 0)
		}
		entry, err := w.writeMapEntry(s)
		if err != nil {
			return nil, err
		}
		b = append(b, `{"type":"array","items":`...)
		b = append(b, entry...)
		return w.finishProps(b, s, &p, "", false, 0, 0)
	case schemas.StructType:
		return w.writeRecord(b, s)
	default:
		return nil, fmt.Errorf("Unknown schema type: %s", s.Type)
	}
	w.metaProps(&p, s, connectType)
	if err := w.logicalProps(&p, s, isDecimal, precision, scale); err != nil {
		return nil, err
	}
	if len(p.b) == 0 {
		return appendJSONString(b, avroType), nil
	}
	b = append(b, `{"type":`...)
	b = appendJSONString(b, avroType)
	b = append(b, p.b...)
	return append(b, '}'), nil
}

// finishProps closes a complex (array/map) schema object after adding its props.
func (w *schemaWriter) finishProps(b []byte, s *schemas.Schema, p *props, connectType string, isDecimal bool, precision, scale int) ([]byte, error) {
	w.metaProps(p, s, connectType)
	if err := w.logicalProps(p, s, isDecimal, precision, scale); err != nil {
		return nil, err
	}
	b = append(b, p.b...)
	return append(b, '}'), nil
}

// metaProps adds connect.doc, connect.version, connect.parameters, connect.default,
// connect.name and connect.type, in that order, when connect.meta.data is on.
func (w *schemaWriter) metaProps(p *props, s *schemas.Schema, connectType string) {
	if !w.m.connectMetaData {
		return
	}
	if s.Doc != "" {
		p.addString(connectDocProp, s.Doc)
	}
	if s.Version != 0 {
		p.add(connectVersionProp, strconv.AppendInt(nil, int64(s.Version), 10))
	}
	if len(s.Params) > 0 {
		var pb []byte
		for _, kv := range s.Params {
			if kv.Key == fieldDefaultFlag {
				continue
			}
			if len(pb) == 0 {
				pb = append(pb, '{')
			} else {
				pb = append(pb, ',')
			}
			pb = appendJSONString(pb, kv.Key)
			pb = append(pb, ':')
			pb = appendJSONString(pb, kv.Value)
		}
		if len(pb) > 0 {
			p.add(connectParamsProp, append(pb, '}'))
		}
	}
	if s.Default != nil {
		if _, flagged := s.Param(fieldDefaultFlag); !flagged {
			if d, err := defaultJSON(nil, s, s.Default); err == nil {
				p.add(connectDefaultProp, d)
			}
		}
	}
	if s.Name != "" {
		p.addString(connectNameProp, s.Name)
	}
	if connectType != "" {
		p.addString(connectTypeProp, connectType)
	}
}

// logicalProps adds logicalType (and the avro* pass-through parameters).
func (w *schemaWriter) logicalProps(p *props, s *schemas.Schema, isDecimal bool, precision, scale int) error {
	switch {
	case isDecimal:
		// precision and scale were added with the bytes type; a scale outside
		// 0..precision falls back to the legacy property, which reads the same
		p.addString("logicalType", "decimal")
	case strings.EqualFold(s.Name, schemas.TimeName) && s.Type == schemas.Int32:
		p.addString("logicalType", "time-millis")
	case strings.EqualFold(s.Name, schemas.TimestampName) && s.Type == schemas.Int64:
		p.addString("logicalType", "timestamp-millis")
	case strings.EqualFold(s.Name, schemas.DateName) && s.Type == schemas.Int32:
		p.addString("logicalType", "date")
	}
	for _, kv := range s.Params {
		if strings.HasPrefix(kv.Key, "avro") {
			p.addString(kv.Key, kv.Value)
		}
	}
	return nil
}

func (w *schemaWriter) writeEnum(b []byte, s *schemas.Schema, full string) ([]byte, error) {
	space, name := splitName(full)
	if ref, ok := w.reference(full, space); ok {
		return append(b, ref...), nil
	}
	var d []byte
	d = append(d, `{"type":"enum","name":`...)
	d = appendJSONString(d, name)
	if space != "" && space != w.space {
		d = append(d, `,"namespace":`...)
		d = appendJSONString(d, space)
	}
	if doc, ok := s.Param(enumDocPrefix + name); ok {
		d = append(d, `,"doc":`...)
		d = appendJSONString(d, doc)
	}
	d = append(d, `,"symbols":[`...)
	n := 0
	for _, kv := range s.Params {
		if strings.HasPrefix(kv.Key, enumParam+".") {
			if n > 0 {
				d = append(d, ',')
			}
			d = appendJSONString(d, kv.Key[len(enumParam)+1:])
			n++
		}
	}
	d = append(d, ']')
	if def, ok := s.Param(enumDefaultPrefix + name); ok {
		d = append(d, `,"default":`...)
		d = appendJSONString(d, def)
	}
	var p props
	w.metaProps(&p, s, "")
	d = append(d, p.b...)
	d = append(d, '}')
	if err := w.define(full, d); err != nil {
		return nil, err
	}
	return append(b, d...), nil
}

// reference returns the name reference for an already defined named type.
func (w *schemaWriter) reference(full, space string) (string, bool) {
	if _, ok := w.defined[full]; !ok {
		return "", false
	}
	_, name := splitName(full)
	if space == w.space {
		return string(appendJSONString(nil, name)), true
	}
	return string(appendJSONString(nil, full)), true
}

func (w *schemaWriter) define(full string, def []byte) error {
	if prev, ok := w.defined[full]; ok && prev != string(def) {
		return fmt.Errorf("Can't redefine: %s", full)
	}
	w.defined[full] = string(def)
	return nil
}

func (w *schemaWriter) recordName(s *schemas.Schema) (space, name string) {
	if s.Name != "" {
		return splitName(s.Name)
	}
	if n, ok := w.unnamedN[s]; ok {
		return Namespace, n
	}
	// AvroData reuses the Avro schema of an equal Connect schema (its schemaMap),
	// so equal unnamed structs share one ConnectDefault name.
	for k, n := range w.unnamedN {
		if schemas.Equal(k, s) {
			w.unnamedN[s] = n
			return Namespace, n
		}
	}
	w.unnamed++
	n := DefaultSchemaName
	if w.unnamed > 1 {
		n += strconv.Itoa(w.unnamed)
	}
	w.unnamedN[s] = n
	return Namespace, n
}

func (w *schemaWriter) writeRecord(b []byte, s *schemas.Schema) ([]byte, error) {
	space, name := w.recordName(s)
	full := name
	if space != "" {
		full = space + "." + name
	}
	if ref, ok := w.reference(full, space); ok {
		return append(b, ref...), nil
	}
	w.defined[full] = "" // placeholder: recursive references resolve by name
	saved := w.space
	var d []byte
	d = append(d, `{"type":"record","name":`...)
	d = appendJSONString(d, name)
	if space != saved {
		d = append(d, `,"namespace":`...)
		d = appendJSONString(d, space)
	}
	if doc, ok := s.Param(recordDocParam); ok {
		d = append(d, `,"doc":`...)
		d = appendJSONString(d, doc)
	}
	w.space = space
	d = append(d, `,"fields":[`...)
	for i, f := range s.Fields {
		if i > 0 {
			d = append(d, ',')
		}
		var fdoc string
		if doc, ok := s.Param(fieldDocPrefix + f.Name); ok {
			fdoc = doc
		}
		var err error
		if d, err = w.writeField(d, f.Name, f.Schema, fdoc); err != nil {
			w.space = saved
			return nil, fmt.Errorf("field %q: %w", f.Name, err)
		}
	}
	d = append(d, ']')
	w.space = saved
	var p props
	w.metaProps(&p, s, "")
	d = append(d, p.b...)
	d = append(d, '}')
	delete(w.defined, full)
	if err := w.define(full, d); err != nil {
		return nil, err
	}
	return append(b, d...), nil
}

func (w *schemaWriter) writeField(b []byte, name string, s *schemas.Schema, doc string) ([]byte, error) {
	b = append(b, `{"name":`...)
	b = appendJSONString(b, name)
	b = append(b, `,"type":`...)
	var err error
	if b, err = w.write(b, s, false); err != nil {
		return nil, err
	}
	if doc != "" {
		b = append(b, `,"doc":`...)
		b = appendJSONString(b, doc)
	}
	switch {
	case s.Default != nil:
		d, err := defaultJSON(nil, s, s.Default)
		if err != nil {
			return nil, fmt.Errorf("default value: %w", err)
		}
		b = append(b, `,"default":`...)
		b = append(b, d...)
	case s.Optional:
		b = append(b, `,"default":null`...)
	}
	return append(b, '}'), nil
}

func (w *schemaWriter) writeMapEntry(s *schemas.Schema) ([]byte, error) {
	space, name := Namespace, MapEntryName
	if s.Name != "" {
		space, name = splitName(s.Name)
	}
	full := name
	if space != "" {
		full = space + "." + name
	}
	if ref, ok := w.reference(full, space); ok {
		return []byte(ref), nil
	}
	saved := w.space
	var d []byte
	d = append(d, `{"type":"record","name":`...)
	d = appendJSONString(d, name)
	if space != saved {
		d = append(d, `,"namespace":`...)
		d = appendJSONString(d, space)
	}
	w.space = space
	d = append(d, `,"fields":[`...)
	var err error
	if d, err = w.writeField(d, "key", s.Key, ""); err != nil {
		w.space = saved
		return nil, err
	}
	d = append(d, ',')
	if d, err = w.writeField(d, "value", s.Value, ""); err != nil {
		w.space = saved
		return nil, err
	}
	w.space = saved
	d = append(d, ']')
	if s.Name != "" {
		d = append(d, `,"connect.internal.type":"MapEntry"`...)
	}
	d = append(d, '}')
	if err := w.define(full, d); err != nil {
		return nil, err
	}
	return d, nil
}

func appendJSONString(b []byte, s string) []byte { return schemas.AppendJSONString(b, s) }
