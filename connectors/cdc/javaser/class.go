// Package javaser reads and writes Java object serialization streams
// (java.io.ObjectOutputStream, stream protocol version 2, magic 0xACED, version 5)
// as far as Debezium's offsets need them: Debezium keeps an incremental snapshot's
// chunk position (incremental_snapshot_primary_key, incremental_snapshot_maximum_key)
// as the lowercase hex of one serialized Object[] holding the key values the JDBC
// driver returned. The MySQL and Oracle connectors share this one codec.
//
// The package is split along the protocol: class.go holds class descriptors and the
// built-in classes, writer.go and reader.go the stream grammar (type codes, class
// descriptors with their superclass chain, handles and back references, block
// data, modified UTF-8), encode.go and decode.go the mapping between Go values and
// the built-in classes, with Marshaler and Decoder.Classes as the extension point
// for a connector's own classes.
package javaser

// Stream constants of the Java Object Serialization Stream Protocol (§6.4.2).
const (
	streamMagic   = 0xACED
	streamVersion = 5
	baseHandle    = 0x7E0000

	tcNull       = 0x70
	tcReference  = 0x71
	tcClassDesc  = 0x72
	tcObject     = 0x73
	tcString     = 0x74
	tcArray      = 0x75
	tcBlockData  = 0x77
	tcEndBlock   = 0x78
	tcBlockLong  = 0x7A
	tcLongString = 0x7C
)

// Class descriptor flags (ObjectStreamConstants.SC_*).
const (
	// SCWriteMethod marks a class whose writeObject appends data after its fields,
	// ended by an end-block marker.
	SCWriteMethod = 0x01
	// SCSerializable marks a java.io.Serializable class.
	SCSerializable = 0x02
	// SCExternalizable marks a java.io.Externalizable class, which this package
	// does not read.
	SCExternalizable = 0x04
)

// Class is one class as a stream describes it. Values are shared and must not be
// changed once used.
type Class struct {
	Name   string
	SUID   int64 // serialVersionUID, as the class declares it
	Flags  byte  // SC* flags
	Fields []Field
	Super  *Class // nil: the superclass is not serializable
}

// Field is one serializable field of a class. Java lists primitive fields first,
// then object fields, each group sorted by name.
type Field struct {
	// Code is the field's type code: B C D F I J S Z for primitives, L for an
	// object, [ for an array.
	Code byte
	Name string
	// Sig is the JVM type signature of an object or array field
	// ("Ljava/math/BigInteger;", "[B"); empty for primitives.
	Sig string
}

// The classes whose values this package reads and writes, with their
// serialVersionUIDs (the JDK's and, for oracle.sql, Oracle's JDBC driver's).
var (
	classObjectArray = &Class{Name: "[Ljava.lang.Object;", SUID: -8012369246846506644, Flags: SCSerializable}
	classByteArray   = &Class{Name: "[B", SUID: -5984413125824719648, Flags: SCSerializable}
	classNumber      = &Class{Name: "java.lang.Number", SUID: -8742448824652078965, Flags: SCSerializable}

	classInteger = boxed("java.lang.Integer", 1360826667806852920, 'I', classNumber)
	classLong    = boxed("java.lang.Long", 4290774380558885855, 'J', classNumber)
	classShort   = boxed("java.lang.Short", 7515723908773894738, 'S', classNumber)
	classByte    = boxed("java.lang.Byte", -7183698231559129828, 'B', classNumber)
	classDouble  = boxed("java.lang.Double", -9172774392245257468, 'D', classNumber)
	classFloat   = boxed("java.lang.Float", -2671257302660747028, 'F', classNumber)
	classBoolean = boxed("java.lang.Boolean", -3665804199014368530, 'Z', nil)

	// BigInteger and BigDecimal have a writeObject: their fields are followed by an
	// end-block marker. BigInteger writes its legacy fields with fixed placeholders.
	classBigInteger = &Class{Name: "java.math.BigInteger", SUID: -8287574255936472291, Flags: SCSerializable | SCWriteMethod,
		Fields: []Field{{'I', "bitCount", ""}, {'I', "bitLength", ""}, {'I', "firstNonzeroByteNum", ""},
			{'I', "lowestSetBit", ""}, {'I', "signum", ""}, {'[', "magnitude", "[B"}}, Super: classNumber}
	classBigDecimal = &Class{Name: "java.math.BigDecimal", SUID: 6108874887143696463, Flags: SCSerializable | SCWriteMethod,
		Fields: []Field{{'I', "scale", ""}, {'L', "intVal", "Ljava/math/BigInteger;"}}, Super: classNumber}

	// java.sql.Timestamp: one field (nanos) over java.util.Date, whose writeObject
	// appends the epoch milliseconds (whole seconds for a Timestamp) as block data.
	classDate      = &Class{Name: "java.util.Date", SUID: 7523967970034938905, Flags: SCSerializable | SCWriteMethod}
	classTimestamp = &Class{Name: "java.sql.Timestamp", SUID: 2745179027874758501, Flags: SCSerializable,
		Fields: []Field{{'I', "nanos", ""}}, Super: classDate}

	// oracle.sql.TIMESTAMP (and DATE): no fields of their own over oracle.sql.Datum,
	// whose one field holds the driver's bytes.
	classDatum           = &Class{Name: "oracle.sql.Datum", SUID: 4645732484621936751, Flags: SCSerializable, Fields: []Field{{'[', "data", "[B"}}}
	classOracleTimestamp = &Class{Name: "oracle.sql.TIMESTAMP", SUID: -7964732752952728545, Flags: SCSerializable, Super: classDatum}
	classOracleDate      = "oracle.sql.DATE" // read only, as an OracleTimestamp
)

// boxed describes a java.lang wrapper class: one primitive field named value.
func boxed(name string, suid int64, code byte, super *Class) *Class {
	return &Class{Name: name, SUID: suid, Flags: SCSerializable, Fields: []Field{{Code: code, Name: "value"}}, Super: super}
}

// field finds the descriptor of field name declared by class name in c's chain.
func (c *Class) field(class, name string) (Field, bool) {
	k := c
	for i := 0; k != nil && i < maxDepth; i++ { // a crafted stream can make a class its own superclass
		if k.Name == class {
			for _, f := range k.Fields {
				if f.Name == name {
					return f, true
				}
			}
		}
		k = k.Super
	}
	return Field{}, false
}
