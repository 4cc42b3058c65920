package connconfig

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors"
	"github.com/gonnect/gonnect/rest/entities"
)

type src struct{ connectors.Source }

func (src) ConfigDef() *connectors.ConfigDef {
	return connectors.NewConfigDef().
		Define(connectors.ConfigKey{Name: "database.password", Type: connectors.TypePassword, Required: true, Group: "Connection", OrderInGroup: 1}).
		Define(connectors.ConfigKey{Name: "tasks.max", Type: connectors.TypeInt, Default: connectors.Str("1"), Group: "Common", OrderInGroup: 3, Documentation: "connector's own"})
}
func (src) Start(context.Context, connectors.Config, connectors.ConnectorContext) error { return nil }
func (src) TaskConfigs(int) ([]connectors.Config, error)                                { return nil, nil }
func (src) Stop(context.Context) error                                                  { return nil }

// validatingSrc implements connectors.Validator and adds a cross-key error.
type validatingSrc struct{ src }

func (v validatingSrc) Validate(ctx context.Context, cfg connectors.Config) []connectors.ConfigValue {
	vals := v.ConfigDef().Validate(cfg)
	for i := range vals {
		if vals[i].Name == "database.password" {
			vals[i].Errors = append(vals[i].Errors, "Access denied for user 'cdc'")
		}
	}
	return vals
}

type sink struct{ connectors.Sink }

func (sink) ConfigDef() *connectors.ConfigDef                                            { return connectors.NewConfigDef() }
func (sink) Start(context.Context, connectors.Config, connectors.ConnectorContext) error { return nil }
func (sink) TaskConfigs(int) ([]connectors.Config, error)                                { return nil, nil }
func (sink) Stop(context.Context) error                                                  { return nil }

func registry() *connectors.Registry {
	r := connectors.NewRegistry()
	r.Add(&connectors.Plugin{Class: "io.test.SrcConnector", NewConnector: func() connectors.Connector { return src{} }, NewSourceTask: func() connectors.SourceTask { return nil }})
	r.Add(&connectors.Plugin{Class: "io.test.CheckedConnector", NewConnector: func() connectors.Connector { return validatingSrc{} }, NewSourceTask: func() connectors.SourceTask { return nil }})
	r.Add(&connectors.Plugin{Class: "io.test.SnkConnector", NewConnector: func() connectors.Connector { return sink{} }, NewSinkTask: func() connectors.SinkTask { return nil }})
	r.AddOther(&connectors.OtherPlugin{Class: "org.apache.kafka.connect.transforms.RegexRouter", Type: connectors.PluginTransformation,
		ConfigDef: func() *connectors.ConfigDef {
			return connectors.NewConfigDef().Define(connectors.ConfigKey{Name: "regex", Type: connectors.TypeString, Required: true})
		}})
	r.AddOther(&connectors.OtherPlugin{Class: "org.apache.kafka.connect.transforms.predicates.TopicNameMatches", Type: connectors.PluginPredicate,
		ConfigDef: func() *connectors.ConfigDef {
			return connectors.NewConfigDef().Define(connectors.ConfigKey{Name: "pattern", Type: connectors.TypeString, Required: true})
		}})
	r.AddOther(&connectors.OtherPlugin{Class: "org.apache.kafka.connect.json.JsonConverter", Type: connectors.PluginConverter})
	return r
}

// errorsOf returns key → errors for every value with errors.
func errorsOf(ci entities.ConfigInfos) map[string][]string {
	out := map[string][]string{}
	for _, c := range ci.Configs {
		if c.Value != nil && len(c.Value.Errors) > 0 {
			out[c.Value.Name] = c.Value.Errors
		}
	}
	return out
}

func TestValidate(t *testing.T) {
	base := func(kv ...string) map[string]string {
		m := map[string]string{"name": "c"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name       string
		cfg        map[string]string
		wantErrors map[string][]string
		check      func(t *testing.T, ci entities.ConfigInfos)
	}{
		{name: "sink-needs-topics", cfg: base("connector.class", "Snk"), wantErrors: map[string][]string{
			"topics": {"Must configure one of topics or topics.regex"}, "topics.regex": {"Must configure one of topics or topics.regex"}}},
		{name: "sink-topics-and-regex", cfg: base("connector.class", "Snk", "topics", "a", "topics.regex", "a.*"), wantErrors: map[string][]string{
			"topics":       {"topics and topics.regex are mutually exclusive options, but both are set."},
			"topics.regex": {"topics and topics.regex are mutually exclusive options, but both are set."}}},
		{name: "sink-dlq-in-topics", cfg: base("connector.class", "Snk", "topics", "a, dlq", "errors.deadletterqueue.topic.name", "dlq"), wantErrors: map[string][]string{
			"topics": {"The DLQ topic 'dlq' may not be included in the list of topics ('topics=[a, dlq]') consumed by the connector"}},
			check: func(t *testing.T, ci entities.ConfigInfos) {
				for _, c := range ci.Configs {
					if c.Value != nil && c.Value.Name == "topics" && *c.Value.Value != "a,dlq" {
						t.Errorf("LIST value rendered %q, want a,dlq", *c.Value.Value)
					}
				}
			}},
		{name: "source-ok-password-hidden", cfg: base("connector.class", "io.test.SrcConnector", "database.password", "s3cret"), wantErrors: map[string][]string{},
			check: func(t *testing.T, ci entities.ConfigInfos) {
				if ci.Name != "io.test.SrcConnector" || ci.ErrorCount != 0 {
					t.Errorf("name %q error_count %d", ci.Name, ci.ErrorCount)
				}
				for _, c := range ci.Configs {
					if c.Value != nil && c.Value.Value != nil && strings.Contains(*c.Value.Value, "s3cret") {
						t.Errorf("password shown: %+v", c.Value)
					}
					if c.Definition != nil && c.Definition.Name == "tasks.max" && c.Definition.Documentation != "connector's own" {
						t.Errorf("connector's tasks.max definition did not replace the framework's in place")
					}
				}
				want := []string{"Common", "Transforms", "Predicates", "Error Handling", "Topic Creation", "Exactly Once Support", "offsets.topic", "Connection"}
				if !reflect.DeepEqual(ci.Groups, want) {
					t.Errorf("groups %v", ci.Groups)
				}
			}},
		{name: "connector-validator", cfg: base("connector.class", "Checked", "database.password", "x"), wantErrors: map[string][]string{
			"database.password": {"Access denied for user 'cdc'"}}},
		{name: "bad-common-values", cfg: base("connector.class", "Src", "database.password", "x", "tasks.max", "-1", "errors.tolerance", "ALL",
			"config.action.reload", "later", "key.converter", "com.example.Nope", "exactly.once.support", "maybe"), wantErrors: map[string][]string{
			"tasks.max":            {"Invalid value -1 for configuration tasks.max: Value must be at least 1"},
			"errors.tolerance":     {"Invalid value ALL for configuration errors.tolerance: String must be one of: none, all"},
			"config.action.reload": {"Invalid value later for configuration config.action.reload: String must be one of: none, restart"},
			"key.converter":        {"Invalid value com.example.Nope for configuration key.converter: Class com.example.Nope could not be found."},
			"exactly.once.support": {"Invalid value maybe for configuration exactly.once.support: String must be one of (case insensitive): requested, required"},
		}},
		{name: "transforms-and-predicates", cfg: base("connector.class", "Src", "database.password", "x",
			"transforms", "route,bad,route2", "transforms.route.type", "RegexRouter", "transforms.route.regex", "x", "transforms.route.predicate", "p",
			"transforms.bad.type", "com.example.Missing", "transforms.route2.type", "RegexRouter", "transforms.route2.regex", "y", "transforms.route2.negate", "true",
			"predicates", "p", "predicates.p.type", "TopicNameMatches"), wantErrors: map[string][]string{
			"transforms.bad.type":    {"Invalid value com.example.Missing for configuration transforms.bad.type: Class com.example.Missing could not be found."},
			"transforms.route2.type": {"Invalid value RegexRouter for configuration transforms.route2.type: Config 'transforms.route2.negate' was provided but there is no config 'transforms.route2.predicate' defining a predicate to be negated."},
			"predicates.p.pattern":   {"Missing required configuration \"predicates.p.pattern\" which has no default value."},
		}, check: func(t *testing.T, ci entities.ConfigInfos) {
			want := []string{"Transforms: route", "Transforms: bad", "Transforms: route2", "Predicates: p"}
			if got := ci.Groups[7:11]; !reflect.DeepEqual(got, want) {
				t.Errorf("alias groups %v", got)
			}
		}},
		{name: "duplicate-alias", cfg: base("connector.class", "Src", "database.password", "x", "transforms", "a,a", "transforms.a.type", "RegexRouter", "transforms.a.regex", "r"),
			wantErrors: map[string][]string{"transforms": {"Invalid value a,a for configuration transforms: Duplicate alias provided."}}},
		{name: "topic-creation-needs-default-group", cfg: base("connector.class", "Src", "database.password", "x", "topic.creation.groups", "compacted",
			"topic.creation.compacted.include", "c-.*", "topic.creation.compacted.partitions", "0"), wantErrors: map[string][]string{
			"topic.creation.default.replication.factor": {"Missing required configuration \"topic.creation.default.replication.factor\" which has no default value."},
			"topic.creation.default.partitions":         {"Missing required configuration \"topic.creation.default.partitions\" which has no default value."},
			"topic.creation.compacted.partitions":       {"Invalid value 0 for configuration topic.creation.compacted.partitions: Number of partitions must be positive, or -1 to use the broker's default"},
		}},
		{name: "name-control-chars", cfg: map[string]string{"name": "a\tb", "connector.class": "Snk", "topics": "t"}, wantErrors: map[string][]string{
			"name": {"Invalid value a\tb for configuration name: String may not contain control sequences but had the following ASCII chars: 9"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ci, err := Validate(context.Background(), registry(), tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			got := errorsOf(ci)
			if !reflect.DeepEqual(got, tc.wantErrors) {
				t.Errorf("errors\n got %q\nwant %q", got, tc.wantErrors)
			}
			n := 0
			for _, e := range got {
				n += len(e)
			}
			if ci.ErrorCount != n {
				t.Errorf("error_count %d, want %d", ci.ErrorCount, n)
			}
			if tc.check != nil {
				tc.check(t, ci)
			}
		})
	}
}

func TestValidateFailures(t *testing.T) {
	_, err := Validate(context.Background(), registry(), map[string]string{"name": "c", "topics": "t"})
	var br *entities.BadRequestError
	if !errors.As(err, &br) || br.Msg != "Connector config {name=c, topics=t} contains no connector type" {
		t.Errorf("missing class: %v", err)
	}
	_, err = Validate(context.Background(), registry(), map[string]string{"connector.class": "Nope"})
	if err == nil || errors.As(err, &br) || !strings.Contains(err.Error(), "Failed to find any class that implements Connector and which name matches Nope, available connectors are: io.test.SnkConnector") {
		t.Errorf("unknown class: %v", err)
	}
}

func TestInvalidError(t *testing.T) {
	ci, err := Validate(context.Background(), registry(), map[string]string{"name": "c", "connector.class": "Snk", "tasks.max": "x"})
	if err != nil {
		t.Fatal(err)
	}
	want := "Connector configuration is invalid and contains the following 3 error(s):\n" +
		"Invalid value x for configuration tasks.max: Not a number of type INT\n" +
		"Must configure one of topics or topics.regex\n" +
		"Must configure one of topics or topics.regex\n" +
		"You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"
	if got := InvalidError(ci); got == nil || got.Error() != want {
		t.Errorf("InvalidError:\n%v\nwant\n%s", got, want)
	}
	ok, _ := Validate(context.Background(), registry(), map[string]string{"name": "c", "connector.class": "Snk", "topics": "t"})
	if InvalidError(ok) != nil {
		t.Error("InvalidError for a valid config")
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		cfg     map[string]string
		sink    bool
		check   func(t *testing.T, p *Parsed)
		wantErr string
	}{
		{name: "defaults", cfg: map[string]string{"name": "c", "connector.class": "X"}, check: func(t *testing.T, p *Parsed) {
			if p.TasksMax != 1 || !p.TasksMaxEnforce || p.ErrorsToleranceAll || p.ErrorsRetryDelayMax != time.Minute || p.ConfigActionReload != "restart" || p.TransactionBoundary != "poll" {
				t.Errorf("%+v", p)
			}
		}},
		{name: "source-full", cfg: map[string]string{"name": "c", "connector.class": "X", "tasks.max": "4", "errors.tolerance": "all", "errors.retry.timeout": "-1",
			"key.converter": "org.apache.kafka.connect.json.JsonConverter", "key.converter.schemas.enable": "false",
			"transforms": "unwrap,route", "transforms.unwrap.type": "io.debezium.transforms.ExtractNewRecordState", "transforms.unwrap.drop.tombstones": "false",
			"transforms.route.type": "RegexRouter", "transforms.route.regex": "(.*)", "transforms.route.predicate": "isOrders", "transforms.route.negate": "true",
			"predicates": "isOrders", "predicates.isOrders.type": "TopicNameMatches", "predicates.isOrders.pattern": "orders",
			"topic.creation.default.replication.factor": "3", "topic.creation.default.partitions": "6", "topic.creation.default.cleanup.policy": "compact",
			"topic.creation.groups": "big", "topic.creation.big.include": "big-.*", "topic.creation.big.partitions": "24",
			"offsets.storage.topic": "c-offsets", "exactly.once.support": "REQUIRED"},
			check: func(t *testing.T, p *Parsed) {
				if p.TasksMax != 4 || !p.ErrorsToleranceAll || p.ErrorsRetryTimeout >= 0 || p.KeyConverter != "org.apache.kafka.connect.json.JsonConverter" {
					t.Errorf("common %+v", p)
				}
				if got := ConverterConfig(map[string]string{"key.converter.schemas.enable": "false", "value.converter": "x"}, KeyConverter); !reflect.DeepEqual(got, map[string]string{"schemas.enable": "false"}) {
					t.Errorf("ConverterConfig %v", got)
				}
				wantT := []TransformSpec{
					{Alias: "unwrap", Type: "io.debezium.transforms.ExtractNewRecordState", Config: map[string]string{"drop.tombstones": "false"}},
					{Alias: "route", Type: "RegexRouter", Predicate: "isOrders", Negate: true, Config: map[string]string{"regex": "(.*)"}},
				}
				if !reflect.DeepEqual(p.Transforms, wantT) {
					t.Errorf("transforms %+v", p.Transforms)
				}
				if !reflect.DeepEqual(p.Predicates, []PredicateSpec{{Alias: "isOrders", Type: "TopicNameMatches", Config: map[string]string{"pattern": "orders"}}}) {
					t.Errorf("predicates %+v", p.Predicates)
				}
				def, big := p.TopicCreation["default"], p.TopicCreation["big"]
				if def.ReplicationFactor != 3 || def.Partitions != 6 || def.Configs["cleanup.policy"] != "compact" || !reflect.DeepEqual(def.Include, []string{".*"}) {
					t.Errorf("default group %+v", def)
				}
				if big.Partitions != 24 || big.ReplicationFactor != -1 || !reflect.DeepEqual(big.Include, []string{"big-.*"}) {
					t.Errorf("big group %+v", big)
				}
				if !reflect.DeepEqual(p.TopicCreationOrder, []string{"big", "default"}) || p.OffsetsTopic != "c-offsets" || !p.ExactlyOnceRequired {
					t.Errorf("source %+v", p)
				}
			}},
		{name: "sink", sink: true, cfg: map[string]string{"name": "c", "connector.class": "X", "topics": "a, b,", "errors.deadletterqueue.topic.name": "dlq"},
			check: func(t *testing.T, p *Parsed) {
				if !reflect.DeepEqual(p.Topics, []string{"a", "b"}) || p.DLQTopic != "dlq" || p.DLQReplicationFactor != 3 {
					t.Errorf("sink %+v", p)
				}
			}},
		{name: "bad-tasks-max", cfg: map[string]string{"name": "c", "connector.class": "X", "tasks.max": "0"},
			wantErr: "Invalid value 0 for configuration tasks.max: Value must be at least 1"},
		{name: "transform-without-type", cfg: map[string]string{"name": "c", "connector.class": "X", "transforms": "a"},
			wantErr: `Missing required configuration "transforms.a.type" which has no default value.`},
		{name: "negate-without-predicate", cfg: map[string]string{"name": "c", "connector.class": "X", "transforms": "a", "transforms.a.type": "T", "transforms.a.negate": "true"},
			wantErr: "Config 'transforms.a.negate' was provided but there is no config 'transforms.a.predicate' defining a predicate to be negated."},
		{name: "unknown-predicate-alias", cfg: map[string]string{"name": "c", "connector.class": "X", "transforms": "a", "transforms.a.type": "T", "transforms.a.predicate": "p"},
			wantErr: "the predicate alias is not listed in predicates"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.cfg, tc.sink)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, p)
		})
	}
}

func TestPluginListings(t *testing.T) {
	r := registry()
	got := Plugins(r, true)
	want := []entities.PluginInfo{{Class: "io.test.SnkConnector", Type: "sink"}, {Class: "io.test.CheckedConnector", Type: "source"}, {Class: "io.test.SrcConnector", Type: "source"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("connectors only %+v", got)
	}
	if all := Plugins(r, false); len(all) != 6 || all[3].Type != "transformation" || all[4].Type != "predicate" || all[5].Type != "converter" {
		t.Errorf("all plugins %+v", all)
	}
	keys, err := PluginConfig(r, "Src")
	if err != nil {
		t.Fatal(err)
	}
	if keys[0].Name != "database.password" || keys[1].Name != "tasks.max" || keys[1].Documentation != "connector's own" || keys[2].Name != "name" {
		t.Errorf("plugin config order: %s, %s, %s", keys[0].Name, keys[1].Name, keys[2].Name)
	}
	for _, k := range keys {
		if k.Name == "topics" {
			t.Error("source plugin config lists the sink key topics")
		}
	}
	if _, err := PluginConfig(r, "Nope"); err == nil || err.Error() != "Unknown plugin Nope." {
		t.Errorf("unknown plugin: %v", err)
	}
}
