package transforms

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/internal/golden"
	"github.com/gonnect/gonnect/schemas"
)

func TestChainPredicatesAndNegate(t *testing.T) {
	tb := newMySQLTable("dbserver1", "inventory", "customers")
	c, err := NewChain(connectors.Config{
		"connector.class":        "io.debezium.connector.mysql.MySqlConnector",
		"transforms":             "unwrap, dropTombs ,tag,route",
		"transforms.unwrap.type": "io.debezium.transforms.ExtractNewRecordState",
		"transforms.unwrap.delete.tombstone.handling.mode": "rewrite-with-tombstone",
		"transforms.dropTombs.type":                        "org.apache.kafka.connect.transforms.Filter",
		"transforms.dropTombs.predicate":                   "isTombstone",
		"transforms.tag.type":                              "org.apache.kafka.connect.transforms.InsertHeader",
		"transforms.tag.header":                            "non-customer",
		"transforms.tag.value.literal":                     "true",
		"transforms.tag.predicate":                         "customers",
		"transforms.tag.negate":                            "true",
		"transforms.route.type":                            "RegexRouter",
		"transforms.route.regex":                           `dbserver1\.inventory\.(.*)`,
		"transforms.route.replacement":                     "cdc.$1",
		"predicates":                                       "isTombstone,customers",
		"predicates.isTombstone.type":                      "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
		"predicates.customers.type":                        "TopicNameMatches",
		"predicates.customers.pattern":                     `.*\.customers`,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Aliases(), ","); got != "unwrap,dropTombs,tag,route" {
		t.Fatalf("aliases = %s", got)
	}
	orders := newMySQLTable("dbserver1", "inventory", "orders")
	cases := []struct {
		name string
		in   *connectors.Record
		want string
	}{
		{name: "create: unwrapped, not tagged, routed", in: tb.create(1, "ann"),
			want: `topic=cdc.customers value={` + annRow + `,__deleted="false"} headers=[]`},
		{name: "other table: tagged by the negated predicate", in: orders.create(1, "ann"),
			want: `topic=cdc.orders value={` + annRow + `,__deleted="false"} headers=[non-customer=true]`},
		{name: "tombstone kept by unwrap, dropped by the filter", in: tb.tombstone(1), want: "DROPPED"},
		{name: "delete rewritten", in: tb.delete(1, "ann"),
			want: `topic=cdc.customers value={` + annRow + `,__deleted="true"} headers=[]`},
		{name: "heartbeat passes every step", in: heartbeat(),
			want: `topic=__debezium-heartbeat.dbserver1 value={ts_ms=int64(1704164645000)} headers=[non-customer=true]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := renderRecord(tc.in)
			out, err := c.Apply(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if renderRecord(tc.in) != before {
				t.Errorf("the chain modified its input record")
			}
			got := "DROPPED"
			if out != nil {
				var hs []string
				for _, h := range out.Headers {
					hs = append(hs, h.Key+"="+renderValue(h.Value))
				}
				got = "topic=" + out.Topic + " value=" + renderValue(out.Value) + " headers=[" + strings.Join(hs, " ") + "]"
			}
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestChainDropSkipsRest(t *testing.T) {
	c, err := NewChain(connectors.Config{
		"transforms":            "drop,fail",
		"transforms.drop.type":  "Filter",
		"transforms.fail.type":  "ExtractField$Value",
		"transforms.fail.field": "x",
	})
	if err != nil {
		t.Fatal(err)
	}
	// ExtractField would fail on a string value; the filter must stop the chain first.
	out, err := c.Apply(rec(nil, nil, schemas.StringSchema, "v"))
	if out != nil || err != nil {
		t.Fatalf("Apply = %v, %v; want dropped", out, err)
	}
}

func TestChainErrorNamesAliasFieldAndPosition(t *testing.T) {
	c, err := NewChain(connectors.Config{
		"transforms":                  "ins",
		"transforms.ins.type":         "InsertField$Value",
		"transforms.ins.static.field": "s",
		"transforms.ins.static.value": "v",
	})
	if err != nil {
		t.Fatal(err)
	}
	r := rec(nil, nil, schemas.StringSchema, "not a struct")
	_, err = c.Apply(r)
	var te *TransformError
	if !errors.As(err, &te) {
		t.Fatalf("error %v is not a *TransformError", err)
	}
	if te.Alias != "ins" || te.Topic != "orders" || te.Position != "orders-3-42" || *te.Partition != 3 {
		t.Fatalf("TransformError = %+v", te)
	}
	want := `transform "ins" (org.apache.kafka.connect.transforms.InsertField$Value) failed on record topic "orders" partition 3 position orders-3-42: Only Struct objects supported for [field insertion], found: string`
	if err.Error() != want {
		t.Fatalf("error:\n got %s\nwant %s", err, want)
	}
	var de *DataError
	if !errors.As(err, &de) {
		t.Fatalf("cause is not a *DataError: %T", te.Err)
	}
}

func TestNewChainErrors(t *testing.T) {
	cases := []struct {
		name    string
		cfg     connectors.Config
		wantKey string
		wantErr string
	}{
		{name: "missing type", cfg: connectors.Config{"transforms": "a"}, wantKey: "transforms.a.type",
			wantErr: `Missing required configuration "transforms.a.type" which has no default value.`},
		{name: "unknown class", cfg: connectors.Config{"transforms": "a", "transforms.a.type": "com.example.Nope"}, wantKey: "transforms.a.type",
			wantErr: "Invalid value com.example.Nope for configuration transforms.a.type: Class com.example.Nope could not be found."},
		{name: "predicate used as transform", cfg: connectors.Config{"transforms": "a", "transforms.a.type": "RecordIsTombstone"}, wantKey: "transforms.a.type",
			wantErr: "is a predicate, not a transformation"},
		{name: "duplicate alias", cfg: connectors.Config{"transforms": "a,a", "transforms.a.type": "Filter"}, wantKey: "transforms",
			wantErr: "Duplicate alias provided."},
		{name: "unknown predicate alias", cfg: connectors.Config{"transforms": "a", "transforms.a.type": "Filter", "transforms.a.predicate": "p"}, wantKey: "transforms.a.predicate",
			wantErr: `no predicate with alias "p" is listed in "predicates"`},
		{name: "negate without predicate", cfg: connectors.Config{"transforms": "a", "transforms.a.type": "Filter", "transforms.a.negate": "true"}, wantKey: "transforms.a.negate",
			wantErr: "negate requires transforms.a.predicate"},
		{name: "bad negate", cfg: connectors.Config{"transforms": "a", "transforms.a.type": "Filter", "transforms.a.negate": "maybe"}, wantKey: "transforms.a.negate",
			wantErr: "Expected value to be either true or false"},
		{name: "bad transform key", cfg: connectors.Config{"transforms": "route", "transforms.route.type": "RegexRouter", "transforms.route.regex": "(", "transforms.route.replacement": "x"},
			wantKey: "transforms.route.regex", wantErr: `transforms.route.regex (alias "route"): Invalid value ( for configuration regex`},
		{name: "bad predicate key", cfg: connectors.Config{"predicates": "p", "predicates.p.type": "HasHeaderKey"},
			wantKey: "predicates.p.name", wantErr: `predicates.p.name (alias "p"): Missing required configuration "name"`},
		{name: "missing predicate type", cfg: connectors.Config{"predicates": "p"}, wantKey: "predicates.p.type",
			wantErr: `Missing required configuration "predicates.p.type"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewChain(tc.cfg)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T) is not a *ConfigError", err, err)
			}
			if ce.Key != tc.wantKey || !strings.Contains(ce.Error(), tc.wantErr) {
				t.Fatalf("got key %q error %q; want key %q error containing %q", ce.Key, ce.Error(), tc.wantKey, tc.wantErr)
			}
		})
	}
}

func TestEmptyChainPassesThrough(t *testing.T) {
	c, err := NewChain(connectors.Config{"transforms": " "})
	if err != nil || c.Len() != 0 {
		t.Fatalf("NewChain = %v, %v", c, err)
	}
	r := rec(nil, nil, nil, "v")
	if out, err := c.Apply(r); out != r || err != nil {
		t.Fatalf("Apply = %v, %v", out, err)
	}
}

// TestRegister pins what /connector-plugins?connectorsOnly=false lists and each
// plugin's config keys in testdata/plugins.golden.json (regenerate with -update).
func TestRegister(t *testing.T) {
	reg := connectors.NewRegistry()
	Register(reg)
	type key struct {
		Name     string  `json:"name"`
		Type     string  `json:"type"`
		Default  *string `json:"default_value"`
		Required bool    `json:"required"`
		Import   string  `json:"importance"`
		Doc      string  `json:"documentation"`
	}
	type plugin struct {
		Class   string `json:"class"`
		Type    string `json:"type"`
		Version string `json:"version"`
		Keys    []key  `json:"config"`
	}
	var got []plugin
	for _, p := range reg.Others() {
		pl := plugin{Class: p.Class, Type: string(p.Type), Version: p.Version, Keys: []key{}}
		for _, k := range p.ConfigDef().Keys() {
			pl.Keys = append(pl.Keys, key{k.Name, string(k.Type), k.Default, k.Required, string(k.Importance), k.Documentation})
		}
		got = append(got, pl)
		if _, ok := reg.Other(p.Class); !ok {
			t.Errorf("registry does not find %s", p.Class)
		}
	}
	for _, alias := range []string{"InsertField$Value", "ExtractNewRecordState", "TopicNameMatches", "RegexRouter"} {
		if _, ok := reg.Other(alias); !ok {
			t.Errorf("registry does not find alias %s", alias)
		}
		if _, ok := Lookup(alias); !ok {
			t.Errorf("Lookup does not find alias %s", alias)
		}
	}
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", "plugins.golden.json")
	if golden.Updating() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != string(b) {
		t.Errorf("plugin list differs from %s; rerun with -update and review the diff", path)
	}
}

// TestChainOwnedRecords checks that links after the first, which may change the
// chain's own intermediate record in place, still read their input correctly and
// never touch the caller's record.
func TestChainOwnedRecords(t *testing.T) {
	shard := newMySQLTable("dbserver1", "inventory", "customers_shard7")
	c, err := NewChain(connectors.Config{
		"transforms":                           "tag,reroute,unwrap,drop,route",
		"transforms.tag.type":                  "InsertHeader",
		"transforms.tag.header":                "h",
		"transforms.tag.value.literal":         "v",
		"transforms.reroute.type":              "io.debezium.transforms.ByLogicalTableRouter",
		"transforms.reroute.topic.regex":       `(.*)_shard\d+`,
		"transforms.reroute.topic.replacement": "$1",
		"transforms.unwrap.type":               "ExtractNewRecordState",
		"transforms.drop.type":                 "ReplaceField$Value",
		"transforms.drop.exclude":              "email,updated,created",
		"transforms.route.type":                "RegexRouter",
		"transforms.route.regex":               `.*\.(.*)`,
		"transforms.route.replacement":         "$1",
	})
	if err != nil {
		t.Fatal(err)
	}
	in := shard.create(1, "ann")
	before := renderRecord(in)
	out, err := c.Apply(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `topic=customers key=struct<dbserver1.inventory.customers.Key>{id:int32,__dbz__physicalTableIdentifier:string}:{id=int32(1),__dbz__physicalTableIdentifier="dbserver1.inventory.customers_shard7"} ` +
		`value=struct<dbserver1.inventory.customers.Value>{id:int32,name:string}:{id=int32(1),name="ann"} headers=[h:string="v"]`
	if got := renderRecord(out); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if renderRecord(in) != before {
		t.Errorf("the chain modified its input record")
	}
}
