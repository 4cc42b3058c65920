package transforms

import (
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/connectors/cdc"
	"github.com/gonnect/gonnect/schemas"
)

const (
	unwrap     = "io.debezium.transforms.ExtractNewRecordState"
	rowFields  = "id:int32,name:string,email:?string,updated:?int64<io.debezium.time.MicroTimestamp>,created:?string<io.debezium.time.ZonedTimestamp>"
	rowSchema  = "?struct<dbserver1.inventory.customers.Value>{" + rowFields + "}"
	unwrapped  = "struct<dbserver1.inventory.customers.Value>{" + rowFields + "}"
	annRow     = `id=int32(1),name="ann",email="ann@example.com",updated=int64(1704164645678901),created="2024-01-02T03:04:05.678Z"`
	annaRow    = `id=int32(1),name="anna",email="anna@example.com",updated=int64(1704164645678901),created="2024-01-02T03:04:05.678Z"`
	rewritten  = "struct<dbserver1.inventory.customers.Value>{" + rowFields + ",__deleted:?string}"
	customers  = "dbserver1.inventory.customers"
	heartbeatV = `struct<io.debezium.connector.common.Heartbeat>{ts_ms:int64} {ts_ms=int64(1704164645000)}`
)

func TestExtractNewRecordState(t *testing.T) {
	tb := newMySQLTable("dbserver1", "inventory", "customers")
	truncate := tb.event(cdc.OpTruncate, 0, nil, nil)
	snapshot := tb.event(cdc.OpRead, 1, nil, tb.row(1, "ann"))
	runTransformCases(t, []transformCase{
		{name: "create: the row under a required copy of its schema", class: unwrap, cfg: cfg(), in: tb.create(1, "ann"), want: unwrapped + " {" + annRow + "}"},
		{name: "snapshot read", class: unwrap, cfg: cfg(), in: snapshot, want: unwrapped + " {" + annRow + "}"},
		{name: "update takes after", class: unwrap, cfg: cfg(), in: tb.update(1, "ann", "anna"), want: unwrapped + " {" + annaRow + "}"},
		{name: "delete becomes a null value (tombstone mode)", class: unwrap, cfg: cfg(), in: tb.delete(1, "ann"), want: rowSchema + " null"},
		{name: "tombstone dropped (tombstone mode)", class: unwrap, cfg: cfg(), in: tb.tombstone(1), want: "DROPPED"},
		{name: "truncate dropped", class: unwrap, cfg: cfg(), in: truncate, want: "DROPPED"},
		{name: "heartbeat unchanged", class: unwrap, cfg: cfg(), in: heartbeat(), want: heartbeatV},
		{name: "schema change unchanged", class: unwrap, cfg: cfg(), in: schemaChange(), part: keyPart,
			want: `struct<io.debezium.connector.mysql.SchemaChangeKey>{databaseName:string} {databaseName="inventory"}`},
		{name: "drop mode drops deletes", class: unwrap, cfg: cfg("delete.tombstone.handling.mode", "drop"), in: tb.delete(1, "ann"), want: "DROPPED"},
		{name: "rewrite delete", class: unwrap, cfg: cfg("delete.tombstone.handling.mode", "rewrite"), in: tb.delete(1, "ann"),
			want: rewritten + " {" + annRow + `,__deleted="true"}`},
		{name: "rewrite create", class: unwrap, cfg: cfg("delete.tombstone.handling.mode", "rewrite"), in: tb.create(1, "ann"),
			want: rewritten + " {" + annRow + `,__deleted="false"}`},
		{name: "rewrite drops tombstone", class: unwrap, cfg: cfg("delete.tombstone.handling.mode", "rewrite"), in: tb.tombstone(1), want: "DROPPED"},
		{name: "rewrite-with-tombstone keeps tombstone with op header", class: unwrap, cfg: cfg("delete.tombstone.handling.mode", "rewrite-with-tombstone", "add.headers", "op"),
			in: tb.tombstone(1), part: wholeRecord,
			want: `topic=dbserver1.inventory.customers key=struct<dbserver1.inventory.customers.Key>{id:int32}:{id=int32(1)} value=nil:null headers=[__op:string="d"]`},
		{name: "delete-to-tombstone", class: unwrap, cfg: cfg("delete.tombstone.handling.mode", "delete-to-tombstone"), in: tb.delete(1, "ann"), want: "nil null"},
		{name: "delete-to-tombstone drops tombstone", class: unwrap, cfg: cfg("delete.tombstone.handling.mode", "delete-to-tombstone"), in: tb.tombstone(1), want: "DROPPED"},
		{name: "legacy defaults drop deletes", class: unwrap, cfg: cfg("drop.tombstones", "true"), in: tb.delete(1, "ann"), want: "DROPPED"},
		{name: "legacy keeps tombstones", class: unwrap, cfg: cfg("drop.tombstones", "false"), in: tb.tombstone(1), part: keyPart,
			want: `struct<dbserver1.inventory.customers.Key>{id:int32} {id=int32(1)}`},
		{name: "legacy none passes deletes", class: unwrap, cfg: cfg("delete.handling.mode", "none"), in: tb.delete(1, "ann"), want: rowSchema + " null"},
		{name: "legacy rewrite", class: unwrap, cfg: cfg("delete.handling.mode", "rewrite"), in: tb.update(1, "ann", "anna"),
			want: rewritten + " {" + annaRow + `,__deleted="false"}`},
		{name: "add fields", class: unwrap, cfg: cfg("add.fields", "op,table,source.ts_ms,ts_ms:EVENT_TS,id,nope"), in: tb.create(1, "ann"),
			want: "struct<dbserver1.inventory.customers.Value>{" + rowFields + ",__op:?string,__table:?string,__source_ts_ms:?int64,__EVENT_TS:?int64,__id:?string} {" +
				annRow + `,__op="c",__table="customers",__source_ts_ms=int64(1704164645000),__EVENT_TS=int64(1704164645000),__id="0-1-5"}`},
		{name: "add fields with prefix on rewritten delete", class: unwrap, cfg: cfg("add.fields", "op", "add.fields.prefix", "meta_", "delete.tombstone.handling.mode", "rewrite"),
			in:   tb.delete(1, "ann"),
			want: "struct<dbserver1.inventory.customers.Value>{" + rowFields + ",__deleted:?string,meta_op:?string} {" + annRow + `,__deleted="true",meta_op="d"}`},
		{name: "legacy rewrite puts __deleted after the added fields", class: unwrap, cfg: cfg("add.fields", "op", "delete.handling.mode", "rewrite"),
			in:   tb.delete(1, "ann"),
			want: "struct<dbserver1.inventory.customers.Value>{" + rowFields + ",__op:?string,__deleted:?string} {" + annRow + `,__op="d",__deleted="true"}`},
		{name: "add headers", class: unwrap, cfg: cfg("add.headers", "op,db,source.file:binlog", "add.headers.prefix", "dbz_"), in: tb.create(1, "ann"), part: headersPart,
			want: `headers=[dbz_op:?string="c" dbz_db:?string="inventory" dbz_binlog:?string="mysql-bin.000003"]`},
		{name: "route by field", class: unwrap, cfg: cfg("route.by.field", "name"), in: tb.create(1, "ann"), part: topicPart, want: "ann"},
		{name: "route by field on delete reads before", class: unwrap, cfg: cfg("route.by.field", "name", "delete.tombstone.handling.mode", "rewrite"), in: tb.delete(1, "bob"), part: topicPart, want: "bob"},
		{name: "route by unknown field", class: unwrap, cfg: cfg("route.by.field", "nope"), in: tb.create(1, "ann"), wantErr: "nope is not a valid field name"},
		{name: "envelope schema with a non-struct value", class: unwrap, cfg: cfg(),
			in: func() *connectors.Record { r := tb.create(1, "ann"); r.Value = "oops"; return r }(), wantErr: "Only Struct objects supported for [source field insertion], found: string"},
		{name: "bad mode", class: unwrap, cfg: cfg("delete.tombstone.handling.mode", "keep"), in: tb.create(1, "ann"), wantErr: "Invalid value keep for configuration delete.tombstone.handling.mode"},
	})
}

const router = "io.debezium.transforms.ByLogicalTableRouter"

// envNames renders the schema names a router rewrites and the row of the envelope.
func envNames(r *connectors.Record) string {
	if r == nil {
		return "DROPPED"
	}
	out := "topic=" + r.Topic + " key=" + renderSchema(r.KeySchema) + ":" + renderValue(r.Key)
	if r.ValueSchema != nil {
		out += " env=" + r.ValueSchema.Name
		if isEnvelope(r.ValueSchema) {
			env := r.Value.(*schemas.Struct)
			after, _ := env.Get("after").(*schemas.Struct)
			out += " before=" + r.ValueSchema.Fields[0].Schema.Name + " after=" + renderValue(after)
			if after != nil && after.Schema() != r.ValueSchema.Fields[1].Schema {
				out += " (row schema differs from the envelope's)"
			}
		}
	}
	return out
}

func TestByLogicalTableRouter(t *testing.T) {
	shard1 := newMySQLTable("dbserver1", "inventory", "customers_shard1")
	shard2 := newMySQLTable("dbserver1", "inventory", "customers_shard2")
	base := cfg("topic.regex", `(.*)customers_shard(.*)`, "topic.replacement", "$1customers_all_shards")
	withKeyRegex := cfg("topic.regex", `(.*)customers_shard(.*)`, "topic.replacement", "$1customers_all_shards", "key.field.regex", `(.*)customers_shard(.*)`, "key.field.replacement", "$2")
	const all = "dbserver1.inventory.customers_all_shards"
	row := `{id=int32(1),name="ann",email="ann@example.com",updated=int64(1704164645678901),created="2024-01-02T03:04:05.678Z"}`
	cases := []struct {
		name    string
		class   string
		cfg     map[string]string
		in      *connectors.Record
		want    string
		wantErr string
	}{
		{name: "create on shard 1", cfg: base, in: shard1.create(1, "ann"),
			want: "topic=" + all + " key=struct<" + all + ".Key>{id:int32,__dbz__physicalTableIdentifier:string}:{id=int32(1),__dbz__physicalTableIdentifier=\"dbserver1.inventory.customers_shard1\"} env=" + all + ".Envelope before=" + all + ".Value after=" + row},
		{name: "key field regex", cfg: withKeyRegex, in: shard2.create(1, "ann"),
			want: "topic=" + all + " key=struct<" + all + ".Key>{id:int32,__dbz__physicalTableIdentifier:string}:{id=int32(1),__dbz__physicalTableIdentifier=\"2\"} env=" + all + ".Envelope before=" + all + ".Value after=" + row},
		{name: "uniqueness off, custom field name ignored", cfg: cfg("topic.regex", `(.*)customers_shard(.*)`, "topic.replacement", "$1customers_all_shards", "key.enforce.uniqueness", "false", "key.field.name", "shard"),
			in:   shard1.delete(1, "ann"),
			want: "topic=" + all + " key=struct<" + all + ".Key>{id:int32}:{id=int32(1)} env=" + all + ".Envelope before=" + all + ".Value after=null"},
		{name: "tombstone keeps null value", cfg: base, in: shard1.tombstone(1),
			want: "topic=" + all + " key=struct<" + all + ".Key>{id:int32,__dbz__physicalTableIdentifier:string}:{id=int32(1),__dbz__physicalTableIdentifier=\"dbserver1.inventory.customers_shard1\"}"},
		{name: "keyless table", cfg: base, in: func() *connectors.Record { r := shard1.create(1, "ann"); r.KeySchema, r.Key = nil, nil; return r }(),
			want: "topic=" + all + " key=nil:null env=" + all + ".Envelope before=" + all + ".Value after=" + row},
		{name: "other topic unchanged", cfg: base, in: newMySQLTable("dbserver1", "inventory", "orders").create(1, "ann"),
			want: "topic=dbserver1.inventory.orders key=struct<dbserver1.inventory.orders.Key>{id:int32}:{id=int32(1)} env=dbserver1.inventory.orders.Envelope before=dbserver1.inventory.orders.Value after=" + row},
		{name: "heartbeat value kept", cfg: cfg("topic.regex", "__debezium-heartbeat.(.*)", "topic.replacement", "hb.$1", "key.enforce.uniqueness", "false"), in: heartbeat(),
			want: "topic=hb.dbserver1 key=struct<hb.dbserver1.Key>{serverName:string}:{serverName=\"dbserver1\"} env=io.debezium.connector.common.Heartbeat"},
		{name: "ToLogicalTopicRouter's key field", class: "io.debezium.transforms.ToLogicalTopicRouter", cfg: base, in: shard1.tombstone(1),
			want: "topic=" + all + " key=struct<" + all + ".Key>{id:int32,__dbz__sourceIdentifier:string}:{id=int32(1),__dbz__sourceIdentifier=\"dbserver1.inventory.customers_shard1\"}"},
		{name: "key regex needs replacement", cfg: cfg("topic.regex", "a", "topic.replacement", "b", "key.field.regex", "x"), wantErr: "key.field.replacement must be non-empty if key.field.regex is set."},
		{name: "missing topic.replacement", cfg: cfg("topic.regex", "a"), wantErr: `Missing required configuration "topic.replacement"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			class := router
			if tc.class != "" {
				class = tc.class
			}
			tr := mustBuild(t, class, tc.cfg, tc.wantErr)
			if tr == nil {
				return
			}
			out, err := tr.Apply(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := envNames(out); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			// Both shards must share one set of derived schemas (registry-friendly).
			if tc.in.Key != nil && out.Topic != tc.in.Topic {
				again, _ := tr.Apply(tc.in)
				if again.KeySchema != out.KeySchema || again.ValueSchema != out.ValueSchema {
					t.Errorf("derived schemas are not cached")
				}
			}
		})
	}
}

func TestTimezoneConverter(t *testing.T) {
	const tz = "io.debezium.transforms.TimezoneConverter"
	tb := newMySQLTable("dbserver1", "inventory", "customers")
	after := func(r *connectors.Record) string {
		if r == nil {
			return "DROPPED"
		}
		env := r.Value.(*schemas.Struct)
		return renderValue(env.Get("after"))
	}
	cases := []struct {
		name    string
		cfg     map[string]string
		in      *connectors.Record
		want    string
		wantErr string
	}{
		{name: "fixed offset converts all timestamp fields", cfg: cfg("converted.timezone", "+08:00"), in: tb.create(1, "ann"),
			want: `{id=int32(1),name="ann",email="ann@example.com",updated=int64(1704135845678901),created="2024-01-02T11:04:05.678+08:00"}`},
		{name: "geographic zone", cfg: cfg("converted.timezone", "Asia/Kolkata"), in: tb.create(1, "ann"),
			want: `{id=int32(1),name="ann",email="ann@example.com",updated=int64(1704144845678901),created="2024-01-02T08:34:05.678+05:30"}`},
		{name: "include one field by topic", cfg: cfg("converted.timezone", "+08:00", "include.list", "topic:"+customers+":created"), in: tb.create(1, "ann"),
			want: `{id=int32(1),name="ann",email="ann@example.com",updated=int64(1704164645678901),created="2024-01-02T11:04:05.678+08:00"}`},
		{name: "include other table leaves record alone", cfg: cfg("converted.timezone", "+08:00", "include.list", "source:orders"), in: tb.create(1, "ann"),
			want: "{" + annRow + "}"},
		{name: "exclude one field by table", cfg: cfg("converted.timezone", "+08:00", "exclude.list", "source:customers:created"), in: tb.create(1, "ann"),
			want: `{id=int32(1),name="ann",email="ann@example.com",updated=int64(1704135845678901),created="2024-01-02T03:04:05.678Z"}`},
		{name: "delete has no after", cfg: cfg("converted.timezone", "+08:00"), in: tb.delete(1, "ann"), want: "null"},
		{name: "bad zone", cfg: cfg("converted.timezone", "Mars/Olympus"), wantErr: "Invalid timezone format"},
		{name: "both lists", cfg: cfg("converted.timezone", "UTC", "include.list", "a:b", "exclude.list", "c:d"), wantErr: "Both include and exclude lists are specified"},
		{name: "bad rule", cfg: cfg("converted.timezone", "UTC", "include.list", "topic:a:b:c"), wantErr: "Invalid include list format"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := mustBuild(t, tz, tc.cfg, tc.wantErr)
			if tr == nil {
				return
			}
			before := renderRecord(tc.in)
			out, err := tr.Apply(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := after(out); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if renderRecord(tc.in) != before {
				t.Errorf("input record was modified")
			}
		})
	}
	// Non-envelopes pass through untouched.
	p, _ := Lookup(tz)
	tr, _ := p.NewTransformation(connectors.Config(cfg("converted.timezone", "+08:00")))
	hb := heartbeat()
	if out, err := tr.Apply(hb); err != nil || out != hb {
		t.Fatalf("heartbeat: %v, %v", out, err)
	}
}

func TestHeaderToValue(t *testing.T) {
	const h2v = "io.debezium.transforms.HeaderToValue"
	hs := []connectors.Header{{Key: "h1", Schema: schemas.OptionalStringSchema, Value: "one"}, {Key: "keep", Schema: schemas.StringSchema, Value: "k"}}
	runTransformCases(t, []transformCase{
		{name: "move present header", class: h2v, cfg: cfg("headers", "h1,h2", "fields", "f1,f2", "operation", "move"), part: wholeRecord,
			in:   rec(nil, nil, personSchema, person(1, "ann", nil), hs...),
			want: `topic=orders key=nil:null value=struct<shop.Person>{id:int32,name:string,email:?string,f1:?string}:{id=int32(1),name="ann",email=null,f1="one"} headers=[keep:string="k"]`},
		{name: "copy keeps headers", class: h2v, cfg: cfg("headers", "h1", "fields", "f1", "operation", "copy"), part: headersPart,
			in: rec(nil, nil, personSchema, person(1, "ann", nil), hs...), want: `headers=[h1:?string="one" keep:string="k"]`},
		{name: "fields follow the record's header order", class: h2v, cfg: cfg("headers", "keep,h1", "fields", "fk,f1", "operation", "copy"),
			in: rec(nil, nil, personSchema, person(1, "ann", nil), hs...), want: `struct<shop.Person>{id:int32,name:string,email:?string,f1:?string,fk:string} {id=int32(1),name="ann",email=null,f1="one",fk="k"}`},
		{name: "operation is required", class: h2v, cfg: cfg("headers", "h1", "fields", "f1"),
			in: rec(nil, nil, nil, nil), wantErr: `Missing required configuration "operation"`},
		{name: "no header, no change", class: h2v, cfg: cfg("headers", "h9", "fields", "f9", "operation", "copy"),
			in: rec(nil, nil, personSchema, person(1, "ann", nil), hs...), want: personOut + ` {id=int32(1),name="ann",email=null}`},
		{name: "schemaless value", class: h2v, cfg: cfg("headers", "h1", "fields", "f1", "operation", "copy"),
			in: rec(nil, nil, nil, map[string]any{}, hs...), wantErr: "Only Struct objects supported for [Header field insertion], found: map[string]interface {}"},
		{name: "size mismatch", class: h2v, cfg: cfg("headers", "a,b", "fields", "f1", "operation", "copy"),
			in: rec(nil, nil, nil, nil), wantErr: "'fields' config must have the same number of elements as 'headers' config."},
	})
}

func TestTimezoneConvertValue(t *testing.T) {
	cases := []struct {
		name, zone, schema string
		in                 any
		want               string
	}{
		{name: "zoned timestamp drops trailing zeros", zone: "+08:00", schema: dbzZonedTimestamp, in: "2024-01-02T03:04:05.678000Z", want: `"2024-01-02T11:04:05.678+08:00"`},
		{name: "zoned timestamp to UTC", zone: "UTC", schema: dbzZonedTimestamp, in: "2024-01-02T11:04:05+08:00", want: `"2024-01-02T03:04:05Z"`},
		{name: "zoned time", zone: "-05:30", schema: dbzZonedTime, in: "03:04:05.5Z", want: `"21:34:05.5-05:30"`},
		{name: "millis timestamp", zone: "+01:00", schema: dbzTimestamp, in: int64(3_600_000), want: "int64(0)"},
		{name: "nanos timestamp", zone: "+01:00", schema: dbzNanoTimestamp, in: int64(3_600_000_000_001), want: "int64(1)"},
		{name: "connect timestamp", zone: "+01:00", schema: schemas.TimestampName, in: time.UnixMilli(3_600_000).UTC(), want: "time:1970-01-01T00:00:00Z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := Lookup("TimezoneConverter")
			tr, err := p.NewTransformation(connectors.Config{"converted.timezone": tc.zone})
			if err != nil {
				t.Fatal(err)
			}
			got, err := tr.(*timezoneConverter).convertValue(tc.schema, tc.in)
			if err != nil || renderValue(got) != tc.want {
				t.Fatalf("convertValue = %s, %v; want %s", renderValue(got), err, tc.want)
			}
		})
	}
}
