package rest

import (
	"strings"
	"testing"

	"github.com/gonnect/gonnect/rest/entities"
)

func TestRootRoutes(t *testing.T) {
	runCases(t, []restCase{
		{name: "root", method: "GET", path: "/", status: 200},
		{name: "health-healthy", method: "GET", path: "/health", status: 200},
		{name: "health-starting", method: "GET", path: "/health", status: 503, setup: func(f *fakeHerder) {
			f.health = entities.Health{Status: entities.HealthStarting, Message: "Worker is still starting up. The worker is currently reading to the end of the config topic, which began at 2024-10-25T03:33:01Z."}
		}},
		{name: "health-unhealthy", method: "GET", path: "/health", status: 500, setup: func(f *fakeHerder) {
			f.health = entities.Health{Status: entities.HealthUnhealthy, Message: "Worker was unable to handle this request and may be unable to handle other requests."}
		}},
	})
}

func TestConnectorRoutes(t *testing.T) {
	created := func(name string) func(t *testing.T, f *fakeHerder) {
		return func(t *testing.T, f *fakeHerder) {
			t.Helper()
			if _, ok := f.configs[name]; !ok {
				t.Errorf("connector %q was not stored", name)
			}
		}
	}
	runCases(t, []restCase{
		{name: "list", method: "GET", path: "/connectors", status: 200},
		{name: "list-trailing-slash", method: "GET", path: "/connectors/", status: 200},
		{name: "list-expand-status-info", method: "GET", path: "/connectors?expand=status&expand=info", status: 200},
		{name: "list-expand-unknown", method: "GET", path: "/connectors?expand=bogus", status: 200},
		{name: "list-expand-drops-missing-status", method: "GET", path: "/connectors?expand=status", status: 200, setup: func(f *fakeHerder) {
			f.configs["nostatus"] = map[string]string{"name": "nostatus", "connector.class": "io.gonnect.test.TestSinkConnector", "topics": "t"}
		}},
		{name: "create", method: "POST", path: "/connectors", status: 201,
			body:  `{"name":"new","config":{"connector.class":"TestSink","tasks.max":"1","topics":"orders"}}`,
			check: created("new")},
		{name: "create-trailing-slash-stopped", method: "POST", path: "/connectors/", status: 201,
			body: `{"name":" new ","config":{"connector.class":"TestSink","topics":"orders"},"initial_state":"stopped"}`,
			check: func(t *testing.T, f *fakeHerder) {
				if f.targets["new"] != entities.TargetStopped {
					t.Errorf("target state %q, want STOPPED", f.targets["new"])
				}
			}},
		{name: "create-special-chars", method: "POST", path: "/connectors", status: 201,
			body: `{"name":"a/b c","config":{"connector.class":"TestSink","topics":"t"}}`, check: created("a/b c")},
		{name: "create-numbers-coerced", method: "POST", path: "/connectors", status: 201,
			body: `{"name":"num","config":{"connector.class":"TestSink","tasks.max":3,"topics":"t","errors.log.enable":true}}`,
			check: func(t *testing.T, f *fakeHerder) {
				if got := f.configs["num"]["tasks.max"]; got != "3" {
					t.Errorf("tasks.max stored as %q, want \"3\"", got)
				}
			}},
		{name: "create-exists", method: "POST", path: "/connectors", status: 409,
			body: `{"name":"src","config":{"connector.class":"TestSink","topics":"t"}}`},
		{name: "create-rebalancing", method: "POST", path: "/connectors", status: 409,
			body: `{"name":"x","config":{"connector.class":"TestSink","topics":"t"}}`, setup: func(f *fakeHerder) { f.rebalancing = true }},
		{name: "get", method: "GET", path: "/connectors/src", status: 200},
		{name: "get-slash-name", method: "GET", path: "/connectors/a%2Fb", status: 200, setup: func(f *fakeHerder) {
			f.configs["a/b"] = map[string]string{"name": "a/b", "connector.class": "TestSink", "topics": "t"}
		}},
		{name: "get-missing", method: "GET", path: "/connectors/nope", status: 404},
		{name: "get-rebalancing", method: "GET", path: "/connectors/src", status: 409, setup: func(f *fakeHerder) { f.rebalancing = true }},
		{name: "delete", method: "DELETE", path: "/connectors/src", status: 204, check: func(t *testing.T, f *fakeHerder) {
			if _, ok := f.configs["src"]; ok {
				t.Error("connector still stored after DELETE")
			}
		}},
		{name: "delete-missing", method: "DELETE", path: "/connectors/nope", status: 404},
		{name: "config-get", method: "GET", path: "/connectors/src/config", status: 200},
		{name: "config-get-trailing-slash", method: "GET", path: "/connectors/src/config/", status: 200},
		{name: "config-put-update", method: "PUT", path: "/connectors/src/config", status: 200,
			body: `{"connector.class":"TestSource","tasks.max":"1","database.hostname":"db2","database.password":"pw"}`,
			check: func(t *testing.T, f *fakeHerder) {
				if f.configs["src"]["name"] != "src" || f.configs["src"]["database.hostname"] != "db2" {
					t.Errorf("stored config %v", f.configs["src"])
				}
			}},
		{name: "config-put-create", method: "PUT", path: "/connectors/fresh/config", status: 201,
			body: `{"connector.class":"TestSink","topics":"t"}`, check: created("fresh")},
		{name: "config-patch", method: "PATCH", path: "/connectors/src/config", status: 200,
			body: `{"database.hostname":"db9","tasks.max":null}`,
			check: func(t *testing.T, f *fakeHerder) {
				if _, ok := f.configs["src"]["tasks.max"]; ok || f.configs["src"]["database.hostname"] != "db9" {
					t.Errorf("patched config %v", f.configs["src"])
				}
			}},
		{name: "config-patch-missing", method: "PATCH", path: "/connectors/nope/config", status: 404, body: `{"a":"b"}`},
		{name: "status", method: "GET", path: "/connectors/src/status", status: 200},
		{name: "status-missing", method: "GET", path: "/connectors/nope/status", status: 404},
		{name: "tasks", method: "GET", path: "/connectors/src/tasks", status: 200},
		{name: "tasks-config", method: "GET", path: "/connectors/src/tasks-config", status: 200},
		{name: "task-status", method: "GET", path: "/connectors/src/tasks/1/status", status: 200},
		{name: "task-status-missing", method: "GET", path: "/connectors/src/tasks/7/status", status: 404},
		{name: "task-status-not-int", method: "GET", path: "/connectors/src/tasks/x/status", status: 404},
		{name: "restart-plain", method: "POST", path: "/connectors/src/restart", status: 204},
		{name: "restart-only-failed-tasks", method: "POST", path: "/connectors/src/restart?includeTasks=true&onlyFailed=true", status: 202},
		{name: "restart-include-tasks", method: "POST", path: "/connectors/src/restart?includeTasks=true", status: 202},
		{name: "restart-missing", method: "POST", path: "/connectors/nope/restart", status: 404},
		{name: "task-restart", method: "POST", path: "/connectors/src/tasks/0/restart", status: 204},
		{name: "task-restart-missing", method: "POST", path: "/connectors/src/tasks/5/restart", status: 404},
		{name: "pause", method: "PUT", path: "/connectors/src/pause", status: 202, check: func(t *testing.T, f *fakeHerder) {
			if f.targets["src"] != entities.TargetPaused {
				t.Errorf("target %q", f.targets["src"])
			}
		}},
		{name: "pause-follower-not-forwarded", method: "PUT", path: "/connectors/src/pause", status: 202,
			setup: func(f *fakeHerder) { f.leaderURL = "http://127.0.0.1:1/" }},
		{name: "pause-missing", method: "PUT", path: "/connectors/nope/pause", status: 404},
		{name: "resume", method: "PUT", path: "/connectors/src/resume", status: 202},
		{name: "stop", method: "PUT", path: "/connectors/src/stop", status: 204},
		{name: "offsets-get", method: "GET", path: "/connectors/src/offsets", status: 200},
		{name: "offsets-get-missing", method: "GET", path: "/connectors/nope/offsets", status: 404},
		{name: "offsets-patch-not-stopped", method: "PATCH", path: "/connectors/src/offsets", status: 400,
			body: `{"offsets":[{"partition":{"server":"db1"},"offset":{"pos":4}}]}`},
		{name: "offsets-patch-stopped", method: "PATCH", path: "/connectors/src/offsets", status: 200,
			body:  `{"offsets":[{"partition":{"server":"db1"},"offset":{"file":"mysql-bin.000004","pos":4}}]}`,
			setup: func(f *fakeHerder) { f.targets["src"] = entities.TargetStopped; f.tasks["src"] = nil },
			check: func(t *testing.T, f *fakeHerder) {
				o := f.offsets["src"].Offsets
				if len(o) != 1 || o[0].Offset["pos"] != int64(4) {
					t.Errorf("offsets after PATCH: %#v", o)
				}
			}},
		{name: "offsets-patch-empty", method: "PATCH", path: "/connectors/src/offsets", status: 400, body: `{"offsets":[]}`},
		{name: "offsets-patch-no-body", method: "PATCH", path: "/connectors/src/offsets", status: 400},
		{name: "offsets-delete-stopped", method: "DELETE", path: "/connectors/src/offsets", status: 200,
			setup: func(f *fakeHerder) { f.targets["src"] = entities.TargetStopped; f.tasks["src"] = nil }},
		{name: "offsets-delete-not-stopped", method: "DELETE", path: "/connectors/src/offsets", status: 400},
		{name: "topics", method: "GET", path: "/connectors/src/topics", status: 200},
		{name: "topics-unknown-connector", method: "GET", path: "/connectors/nope/topics", status: 200},
		{name: "topics-disabled", method: "GET", path: "/connectors/src/topics", status: 403, setup: func(f *fakeHerder) { f.tracking = false }},
		{name: "topics-reset", method: "PUT", path: "/connectors/src/topics/reset", status: 202},
	})
}

func TestBadInput(t *testing.T) {
	long := strings.Repeat("n", MaxConnectorNameLength+1)
	runCases(t, []restCase{
		{name: "bad-malformed-json", method: "POST", path: "/connectors", status: 500, body: `{"name":"x",`},
		{name: "bad-malformed-json-config", method: "PUT", path: "/connectors/x/config", status: 500, body: "{\n \"a\": \"b\"\n \"c\": 1}"},
		{name: "bad-config-object-value", method: "PUT", path: "/connectors/x/config", status: 500, body: `{"connector.class":"TestSink","topics":{"a":1}}`},
		{name: "bad-config-not-object", method: "PUT", path: "/connectors/x/config", status: 500, body: `["a"]`},
		{name: "bad-empty-name", method: "POST", path: "/connectors", status: 400, body: `{"name":"  ","config":{"connector.class":"TestSink","topics":"t"}}`},
		{name: "bad-missing-name", method: "POST", path: "/connectors", status: 400, body: `{"config":{"connector.class":"TestSink","topics":"t"}}`},
		{name: "bad-control-chars-name", method: "POST", path: "/connectors", status: 400, body: `{"name":"a\u0007b","config":{"connector.class":"TestSink","topics":"t"}}`},
		{name: "bad-long-name", method: "POST", path: "/connectors", status: 400, body: `{"name":"` + long + `","config":{"connector.class":"TestSink","topics":"t"}}`},
		{name: "bad-name-mismatch", method: "PUT", path: "/connectors/x/config", status: 400, body: `{"name":"y","connector.class":"TestSink","topics":"t"}`},
		{name: "bad-missing-class", method: "POST", path: "/connectors", status: 400, body: `{"name":"x","config":{"topics":"t"}}`},
		{name: "bad-unknown-class", method: "POST", path: "/connectors", status: 500, body: `{"name":"x","config":{"connector.class":"NoSuch","topics":"t"}}`},
		{name: "bad-tasks-max-zero", method: "PUT", path: "/connectors/x/config", status: 400, body: `{"connector.class":"TestSink","topics":"t","tasks.max":"0"}`},
		{name: "bad-tasks-max-text", method: "PUT", path: "/connectors/x/config", status: 400, body: `{"connector.class":"TestSink","topics":"t","tasks.max":"many"}`},
		{name: "bad-null-value", method: "PUT", path: "/connectors/x/config", status: 400, body: `{"connector.class":"TestSink","topics":null}`},
		{name: "bad-missing-config", method: "POST", path: "/connectors", status: 400, body: `{"name":"x"}`},
		{name: "bad-initial-state", method: "POST", path: "/connectors", status: 400, body: `{"name":"x","config":{"connector.class":"TestSink","topics":"t"},"initial_state":"SLEEPING"}`},
		{name: "bad-content-type", method: "PUT", path: "/connectors/x/config", status: 415, body: `{"a":"b"}`, ctype: "text/plain"},
		{name: "bad-body-too-large", method: "PUT", path: "/connectors/x/config", status: 413, body: `{"a":"` + strings.Repeat("x", 2048) + `"}`},
		{name: "unknown-path", method: "GET", path: "/nope", status: 404},
		{name: "unknown-sub-path", method: "GET", path: "/connectors/src/bogus", status: 404},
		{name: "wrong-method", method: "DELETE", path: "/connector-plugins", status: 405},
		{name: "wrong-method-connectors", method: "PATCH", path: "/connectors", status: 405},
	}, MaxBodyBytes(1024))
}

func TestPluginRoutes(t *testing.T) {
	runCases(t, []restCase{
		{name: "plugins", method: "GET", path: "/connector-plugins", status: 200},
		{name: "plugins-all", method: "GET", path: "/connector-plugins/?connectorsOnly=false", status: 200},
		{name: "plugin-config", method: "GET", path: "/connector-plugins/TestSource/config", status: 200},
		{name: "plugin-config-transform", method: "GET", path: "/connector-plugins/RegexRouter/config", status: 200},
		{name: "plugin-config-unknown", method: "GET", path: "/connector-plugins/Nope/config", status: 404},
		{name: "validate-password-hidden", method: "PUT", path: "/connector-plugins/TestSource/config/validate", status: 200,
			body: `{"connector.class":"io.gonnect.test.TestSourceConnector","name":"v","database.password":"hunter2","tasks.max":"0",` +
				`"transforms":"route","transforms.route.type":"org.apache.kafka.connect.transforms.RegexRouter","transforms.route.regex":"(.*)"}`},
		{name: "validate-sink-topics", method: "PUT", path: "/connector-plugins/TestSinkConnector/config/validate", status: 200,
			body: `{"connector.class":"TestSink","topics":"getPlugins"}`},
		{name: "validate-mismatch", method: "PUT", path: "/connector-plugins/TestSink/config/validate", status: 400,
			body: `{"connector.class":"TestSource"}`},
		{name: "validate-no-class", method: "PUT", path: "/connector-plugins/TestSink/config/validate", status: 500, body: `{"topics":"t"}`},
	})
}

func TestLoggerRoutes(t *testing.T) {
	runCases(t, []restCase{
		{name: "loggers", method: "GET", path: "/admin/loggers/", status: 200},
		{name: "logger-root", method: "GET", path: "/admin/loggers/root", status: 200},
		{name: "logger-missing", method: "GET", path: "/admin/loggers/io.nope", status: 404},
		{name: "logger-put-no-level", method: "PUT", path: "/admin/loggers/io.debezium", status: 400, body: `{}`},
		{name: "logger-put-bad-level", method: "PUT", path: "/admin/loggers/io.debezium", status: 404, body: `{"level":"LOUD"}`},
		{name: "logger-put-worker", method: "PUT", path: "/admin/loggers/io.debezium.connector.mysql", status: 200, body: `{"level":"debug"}`},
		{name: "logger-put-cluster", method: "PUT", path: "/admin/loggers/io.debezium?scope=cluster", status: 204, body: `{"level":"TRACE"}`,
			check: func(t *testing.T, f *fakeHerder) {
				if f.clusterLogs["io.debezium"] != "TRACE" {
					t.Errorf("cluster levels %v", f.clusterLogs)
				}
			}},
	})
}
